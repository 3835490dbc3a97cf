from django import template

from ..formats import format_rate

register = template.Library()


@register.filter
def rate(value, places: int = 4) -> str:
    return format_rate(value, int(places))


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
