from django import template

from linli.core.dates import weekdays_text
from linli.core.masking import mask_id_number, mask_phone

register = template.Library()


@register.filter
def masked_phone(phone: str) -> str:
    return mask_phone(phone)


@register.filter
def masked_id(id_number: str) -> str:
    return mask_id_number(id_number)


@register.filter
def weekdays(days) -> str:
    """ISO weekdays ("123456" or [1, 3, 5]) as 周一至周六 / 周一、周三、周五."""
    return weekdays_text(days)
