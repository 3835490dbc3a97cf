"""Periodic jobs of the service desk. Each runs every few minutes and is idempotent, so a
consumer that was down catches up on its next run; none depends on huey's notion of time zone."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import review, services


@db_periodic_task(crontab(minute="*/5"))
def sla_scan() -> None:
    """Warnings before SLA deadlines and breaches of them, recorded once each."""
    services.sla_scan()


@db_periodic_task(crontab(minute="*/5"))
def daily_reviews_keep() -> None:
    """Keep each community's daily review once the configured hour (LINLI_DAILY_REVIEW_AT) has passed."""
    review.daily_reviews_keep_due()


@db_periodic_task(crontab(minute="7"))
def requests_auto_close() -> None:
    services.requests_auto_close()
