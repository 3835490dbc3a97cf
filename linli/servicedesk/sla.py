"""SLA clocks (DESIGN §6): deadlines counted in the working hours of a business calendar, or
around the clock when a policy has none. Time on hold is added back, so the clock pauses."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from .models import BusinessCalendar, Priority, SlaPolicy

# Used where a community has set no policy for a kind and priority: (accept minutes, resolve hours).
DEFAULT_SLA = {
    Priority.URGENT: (15, 4),
    Priority.HIGH: (30, 12),
    Priority.NORMAL: (60, 24),
    Priority.LOW: (120, 72),
}
# A calendar with no working day at all would never end a clock: look this far ahead, then stop.
HORIZON_DAYS = 3 * 366


@dataclass(frozen=True)
class Sla:
    accept_minutes: int
    resolve_hours: int
    calendar: BusinessCalendar | None = None


def sla_for(*, community_id: int, kind: str, priority: str) -> Sla:
    policy = (SlaPolicy.objects.select_related("calendar")
              .filter(community_id=community_id, kind=kind, priority=priority).first())
    if policy is not None:
        return Sla(policy.accept_minutes, policy.resolve_hours, policy.calendar)
    accept, resolve = DEFAULT_SLA[priority]
    return Sla(accept, resolve)


def _is_working_day(calendar: BusinessCalendar, day: dt.date) -> bool:
    iso = day.isoformat()
    if iso in calendar.workdays:
        return True
    return str(day.isoweekday()) in calendar.weekdays and iso not in calendar.holidays


def _windows(calendar: BusinessCalendar, since: dt.datetime):
    """Working periods (aware, local) from the day of `since` on."""
    tz = timezone.get_current_timezone()
    day = timezone.localtime(since, tz).date()
    for _ in range(HORIZON_DAYS):
        if _is_working_day(calendar, day):
            opens = timezone.make_aware(dt.datetime.combine(day, calendar.opens_at), tz)
            closes = timezone.make_aware(dt.datetime.combine(day, calendar.closes_at), tz)
            if closes > opens:
                yield opens, closes
        day += dt.timedelta(days=1)


def add_working_time(start: dt.datetime, seconds: float, calendar: BusinessCalendar | None) -> dt.datetime:
    """The moment `seconds` of working time after `start`."""
    if calendar is None:
        return start + dt.timedelta(seconds=seconds)
    remaining = dt.timedelta(seconds=seconds)
    last = start
    for opens, closes in _windows(calendar, start):
        begin = max(opens, start)
        if begin >= closes:
            continue
        if remaining <= closes - begin:
            return begin + remaining
        remaining -= closes - begin
        last = closes
    return last


def working_seconds_between(start: dt.datetime, end: dt.datetime, calendar: BusinessCalendar | None) -> int:
    if end <= start:
        return 0
    if calendar is None:
        return int((end - start).total_seconds())
    total = dt.timedelta()
    for opens, closes in _windows(calendar, start):
        if opens >= end:
            break
        begin, finish = max(opens, start), min(closes, end)
        if finish > begin:
            total += finish - begin
    return int(total.total_seconds())


def deadlines(*, created_at: dt.datetime, sla: Sla, hold_seconds: int = 0) -> tuple[dt.datetime, dt.datetime]:
    """(respond_by, resolve_by): creation time plus the policy's times, plus the time on hold."""
    respond_by = add_working_time(created_at, sla.accept_minutes * 60, sla.calendar)
    resolve_by = add_working_time(created_at, sla.resolve_hours * 3600 + hold_seconds, sla.calendar)
    return respond_by, resolve_by
