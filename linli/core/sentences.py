"""Sentences the platform writes for people (an inbox message, a ledger line) are kept as a key and
parameters and put into words when they are read, in the reader's language: a message written
while the manager works in Chinese reads in English for an owner who reads in English.

A key is "<app>.<name>"; the app's `linli.<app>.sentences` module holds `SENTENCES`, a dict of
name → (title, body) templates marked with gettext_noop, so that the templates are in the app's
.po file and the stored rows hold no words at all. A parameter is kept as given (a title someone
typed stays as typed), except {"msgid": "…"}, a word of the platform's own (a kind, a status),
which is translated too."""

import re
from functools import cache
from importlib import import_module

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext


def _templates(key: str) -> tuple[str, str]:
    app, _, name = key.partition(".")
    return import_module(f"linli.{app}.sentences").SENTENCES[name]


def _words(params: dict) -> dict:
    return {name: gettext(value["msgid"]) if isinstance(value, dict) else value for name, value in params.items()}


def render(key: str, params: dict) -> tuple[str, str]:
    """(title, body) of a keyed sentence in the active language."""
    title, body = _templates(key)
    words = _words(params)
    return gettext(title) % words, (gettext(body) % words if body else "")


def render_stored(key: str, params: dict) -> tuple[str, str]:
    """(title, body) in the site's language, the text kept beside the key for e-mail, SMS and for
    readers of the table itself."""
    with translation.override(settings.LANGUAGE_CODE):
        return render(key, params)


def word(label) -> dict:
    """A parameter that is a word of the platform's own (a choice's label, lazy or not), translated
    when the sentence is read. The source language's text is the msgid."""
    with translation.override(settings.LANGUAGE_CODE):
        return {"msgid": str(label)}


# Apps whose `sentences.DEFAULT_NAMES` lists the names the platform seeds (fee items, shifts):
# those read in the reader's language; a name someone typed stays as typed.
NAME_SOURCES = ("billing", "operations")
# A prorated bill line's tail as linli.billing.services.runs writes it: "（18/30天）".
PRORATED = re.compile(r"（(\d+)/(\d+)天）$")


@cache
def default_names() -> frozenset[str]:
    return frozenset(name for app in NAME_SOURCES for name in import_module(f"linli.{app}.sentences").DEFAULT_NAMES)


def default_name(name: str) -> str:
    """A seeded name in the reader's language; any other name as it was typed."""
    return gettext(name) if name in default_names() else name


def bill_line(description: str, rule_name: str | None) -> str:
    """A bill line ("物业费（18/30天）", "车位使用费 P-012") in the reader's language: the fee's
    name when it is a seeded one and the prorated days; the space code as written."""
    if not rule_name or not description.startswith(rule_name):
        return description
    rest = description[len(rule_name):]
    days = PRORATED.search(rest)
    if days:
        rest = rest[:days.start()] + gettext("（%(days)s/%(month)s天）") % {"days": days[1], "month": days[2]}
    return default_name(rule_name) + rest


@cache
def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"%\((\w+)\)s", template)
    # Literal text and named parameters alternate: "第 %(rank)s 名" → 第 (?P<rank>.+?) 名.
    return re.compile("".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)),
                      re.DOTALL)


def reword(text: str, templates, words=frozenset()) -> str:
    """A sentence the platform stored in the site's language from one of `templates` (msgids marked
    with gettext_noop), in the reader's language: its parameters are read back from the text; those
    named in `words` are the platform's own words (a status) and are translated too. Text that
    matches no template, typed by someone, is returned as it is."""
    for template in templates:
        match = _pattern(template).fullmatch(text)
        if match:
            params = {name: gettext(value) if name in words else value for name, value in match.groupdict().items()}
            return gettext(template) % params
    return text
