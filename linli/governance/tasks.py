"""Scheduled jobs of owners' self-government."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import assemblies_open_due, committee_reminders_send


@db_periodic_task(crontab(minute="30"))
def committee_term_reminders() -> None:
    """The re-election reminder, 90 days before a committee's three-year term ends (sent once; hourly,
    so that a consumer that was down catches up)."""
    committee_reminders_send()


@db_periodic_task(crontab(minute="*/5"))
def assemblies_open() -> None:
    """Open voting at `opens_at`, so that the roll is the registry of that moment rather than of
    the first vote's."""
    assemblies_open_due()
