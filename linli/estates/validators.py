"""Checks of personal identifiers, by the library made for them (python-stdnum)."""

import re

from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

from linli.core.errors import ValidationFailed

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def clean_phone(phone: str, field: str = "phone") -> str:
    phone = (phone or "").strip().replace(" ", "")
    if phone and not PHONE.match(phone):
        raise ValidationFailed(_("手机号格式不正确：%(value)s") % {"value": phone}, fields={field: [_("手机号格式不正确。")]})
    return phone


def clean_id_number(id_number: str, kind: str = "person", field: str = "id_number") -> str:
    """An 18-digit resident ID for a person, a unified social credit code for a company."""
    id_number = (id_number or "").strip().upper()
    if not id_number:
        return ""
    try:
        return uscc.validate(id_number) if kind == "company" else ric.validate(id_number)
    except StdnumError as exc:
        message = _("统一社会信用代码无效。") if kind == "company" else _("身份证号码无效。")
        raise ValidationFailed(message, fields={field: [message]}) from exc
