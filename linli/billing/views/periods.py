"""The billing period a page shows, read leniently from the query string."""

from django.utils import timezone

from linli.core.dates import Period, parse_period
from linli.core.errors import LinliError


def period_or(value, default: Period) -> Period:
    """The period `value` names; `default` when it is empty or not a period (a page, not a form)."""
    try:
        return parse_period(value) if value else default
    except LinliError:
        return default


def today_period() -> Period:
    return Period.of(timezone.localdate())
