"""Billing periods: a calendar month written "YYYY-MM". They sort as strings, so the
database compares and orders them without date arithmetic."""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linli.core.errors import ValidationFailed

PERIOD_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.month, self.days)

    def shift(self, months: int) -> "Period":
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    def months_since(self, other: "Period") -> int:
        return (self.year - other.year) * 12 + self.month - other.month

    @classmethod
    def of(cls, day: dt.date) -> "Period":
        return cls(day.year, day.month)


def parse_period(value, field: str = "period") -> Period:
    match = PERIOD_PATTERN.match(str(value or "").strip())
    if not match or not 2000 <= int(match.group(1)) <= 2999:
        raise ValidationFailed(fields={field: [_("账期格式应为 YYYY-MM，如 2026-03。")]})
    return Period(int(match.group(1)), int(match.group(2)))


def validate_period(value) -> None:
    """Model-field validator; the same rule as parse_period."""
    try:
        parse_period(value)
    except ValidationFailed as exc:
        raise ValidationError(exc.fields["period"][0]) from None
