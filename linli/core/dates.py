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


# The days a page can be asked about. Pages build the day after, the week around or the year of a
# date; at 0001-01-01 or 9999-12-31 that overflows (issue 17: ?date=9999-12-31 was a 500).
PARSED_DATE_MIN, PARSED_DATE_MAX = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def parse_date(value, default: dt.date | None = None) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) from a query string, or `default` when it is missing, invalid or
    outside PARSED_DATE_MIN … PARSED_DATE_MAX."""
    try:
        date = dt.date.fromisoformat(value or "")
    except (TypeError, ValueError):
        return default
    return date if PARSED_DATE_MIN <= date <= PARSED_DATE_MAX else default


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


WEEKDAY_NAMES = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))


def weekdays_text(days) -> str:
    """A set of ISO weekdays (1 = Monday … 7 = Sunday; ints, digit strings or "123456") for
    people: runs of three or more days as a range (周一至周六), the rest listed (周一、周三、周五).
    Issue 17: calendars read "星期 123456"."""
    chosen = sorted({int(d) for d in (days or ()) if str(d).isdigit() and 1 <= int(d) <= 7})
    if len(chosen) == 7:
        return str(_("每天"))
    runs: list[list[int]] = []
    for day in chosen:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        names = [str(WEEKDAY_NAMES[d - 1]) for d in run]
        if len(run) >= 3:
            parts.append(str(_("%(first)s至%(last)s")) % {"first": names[0], "last": names[-1]})
        else:
            parts.extend(names)
    return str(_("、")).join(parts)
