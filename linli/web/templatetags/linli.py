from django import template

from linli.core.masking import mask_id_number, mask_phone

register = template.Library()


@register.filter
def masked_phone(phone: str) -> str:
    return mask_phone(phone)


@register.filter
def masked_id(id_number: str) -> str:
    return mask_id_number(id_number)
