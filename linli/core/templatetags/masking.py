"""{{ text|public_text }}: free text on a page anyone may read, with phone and ID numbers masked
(linli.core.masking.mask_text; DESIGN §5 v1.1)."""

from django import template

from linli.core.masking import mask_text

register = template.Library()


@register.filter
def public_text(text):
    return mask_text(str(text)) if text else text
