"""Days and periods in the site's time zone (TIME_ZONE, Asia/Shanghai): a "day" of the daily
review, the gate log or a roster is a local calendar day, whatever the server's clock says."""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The aware start of `day` and of the day after it, in the current time zone. Both ends are
    built from the calendar, so a day is right even across a change of UTC offset."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), tz)
    return start, end


def parse_date(value, default: dt.date | None = None) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) from a query string, or `default` when it is missing or invalid."""
    try:
        return dt.date.fromisoformat(value or "")
    except (TypeError, ValueError):
        return default


# Billing periods: a calendar month written "YYYY-MM". They sort as strings, so the database
# compares and orders them without date arithmetic.
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
