"""Seeded names and stored lines in the reader's language (linli.core.sentences)."""

from django import template

from .. import sentences

register = template.Library()


@register.filter
def default_name(name) -> str:
    return sentences.default_name(str(name))


@register.filter
def bill_line(line) -> str:
    return sentences.bill_line(line.description, line.rule.name if line.rule_id else None)
