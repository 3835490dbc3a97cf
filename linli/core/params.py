"""Ids and whole numbers read from a query string or a form, in one place (DESIGN §5 v1.1): a value
that is not a number in range is refused with a 400, or matches nothing, and never reaches the
database as something it cannot hold.

Only ASCII digits count. `str.isdigit()` says yes to "²", which int() then refuses; int() itself
takes "١٢" (Arabic-Indic digits) and any length, while the database holds 64 bits: each of these
was a 500 when a view checked with isdigit() and passed the value on."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .errors import ValidationFailed

BIGINT_MAX = 2**63 - 1
BIGINT_MIN = -(2**63)
_INTEGER = re.compile(r"-?[0-9]+")
NOT_AN_ID = _("须为有效的编号（正整数）。")


def parse_int(value, *, minimum: int = BIGINT_MIN, maximum: int = BIGINT_MAX) -> int | None:
    """The whole number `value` spells in ASCII digits (an optional minus sign, surrounding blanks
    ignored) when it lies within [minimum, maximum]; otherwise None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip() if value is not None else ""
        # The length check first: int() of a very long string is slow (and refused past 4,300 digits).
        if len(text) > 20 or not _INTEGER.fullmatch(text):
            return None
        number = int(text)
    return number if minimum <= number <= maximum else None


def parse_id(value) -> int | None:
    """An object's id (1 … 2⁶³−1) or None: a page then shows nothing for it, as for an id that does not exist."""
    return parse_int(value, minimum=1)


def filter_by_id(queryset, field: str, value):
    """`queryset` narrowed to `field` = the id `value` names: a page's filter. Unchanged when `value`
    is blank; empty when it is not an id, as for an id that matches nothing."""
    if value is None or not str(value).strip():
        return queryset
    pk = parse_id(value)
    return queryset.filter(**{field: pk}) if pk is not None else queryset.none()


def query_id(params, name: str) -> int | None:
    """The id in `params[name]`, None when absent or blank, and otherwise a 400 naming the
    parameter (under /api/, where a wrong parameter is the caller's to fix)."""
    raw = params.get(name)
    if raw is None or not str(raw).strip():
        return None
    pk = parse_id(raw)
    if pk is None:
        raise ValidationFailed(NOT_AN_ID, fields={name: [str(NOT_AN_ID)]})
    return pk


class IntegerField(forms.IntegerField):
    """A form's whole number, through parse_int: out of range or not in ASCII digits is invalid."""

    def __init__(self, *, min_value=BIGINT_MIN, max_value=BIGINT_MAX, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_int(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IdField(IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


def _by_number(field) -> bool:
    """Whether a choice field names its objects by an integer column (the id, as a rule)."""
    model = field.queryset.model
    target = model._meta.get_field(field.to_field_name) if field.to_field_name else model._meta.pk
    return isinstance(target, models.IntegerField)


class IdChoiceMixin:
    """For a ModelChoiceField (Django's or django-filter's): a reference by id is checked as a
    number before the database sees it."""

    def to_python(self, value):
        if value not in self.empty_values and _by_number(self) and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdChoicesMixin:
    """For a ModelMultipleChoiceField: each id checked as a number before the database sees it."""

    def _check_values(self, value):
        if _by_number(self):
            for pk in value:
                if parse_id(pk) is None:
                    raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                          params={"pk": pk})
        return super()._check_values(value)


class IntegerSerializerField(serializers.IntegerField):
    """The API's whole number (a query parameter, an id in a body), through parse_int; the range
    defaults to what the database holds."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", BIGINT_MIN)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        number = parse_int(data)
        if number is None:
            self.fail("invalid")
        return number


class IdSerializerField(IntegerSerializerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)
