"""Background jobs of billing: a run started from the page, and the monthly run of every
community on LINLI_BILLING_DAY (default the 1st) at LINLI_BILLING_HOUR (default 02:00).

A run is one transaction, so its progress cannot be read from the database while it works; it is
published in the job queue's own key-value store instead (SQLite file or Redis), which the web
process and the consumer share."""

import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from linli.core.dates import Period, parse_period
from linli.core.errors import LinliError
from linli.core.tenancy import Actor, SystemActor
from linli.estates.models import Community

from .models import FeeRule
from .services import bill_run_create, payment_orders_sync_due, period_check

log = logging.getLogger(__name__)

BILLING_DAY = getattr(settings, "LINLI_BILLING_DAY", 1)
BILLING_HOUR = getattr(settings, "LINLI_BILLING_HOUR", 2)


def _progress_key(community_id: int, period: str) -> str:
    return f"linli:billing-run:{community_id}:{period}"


def run_progress(community_id: int, period: str) -> dict | None:
    """The last state a run of this community and period published, or None."""
    return HUEY.get(_progress_key(community_id, period), peek=True)


def _publish(community_id: int, period: str, **state) -> None:
    HUEY.put(_progress_key(community_id, period), {**state, "at": time.time()})


def bill_run_start(*, actor: Actor, community: Community, period: str) -> str:
    """Queue a run (the page's button); its progress is then published step by step. A period
    out of bounds is refused here, at once, rather than by the job a moment later."""
    actor.require("billing.run", community)
    parsed = parse_period(period)
    period_check(community, parsed)
    period = str(parsed)
    _publish(community.pk, period, state="queued", step=0, steps=0, label="")
    bill_run_job(community.pk, period, actor.user.pk if actor.is_authenticated else None)
    return period


@db_task()
def bill_run_job(community_id: int, period: str, user_id: int | None) -> None:
    community = Community.objects.get(pk=community_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    actor = Actor(user) if user else SystemActor()

    def progress(step: int, steps: int, label: str) -> None:
        _publish(community_id, period, state="running", step=step, steps=steps, label=label)

    try:
        run = bill_run_create(actor=actor, community=community, period=period, progress=progress)
    except LinliError as exc:
        _publish(community_id, period, state="failed", error=str(exc.message))
    except Exception:
        _publish(community_id, period, state="failed", error="")
        raise
    else:
        _publish(community_id, period, state="done", run=run.pk)


@db_periodic_task(crontab(day=str(BILLING_DAY), hour=str(BILLING_HOUR), minute="0"))
def monthly_billing() -> None:
    """Bill every community with fee standards for the current month."""
    period = str(Period.of(timezone.localdate()))
    for community in Community.objects.filter(id__in=FeeRule.objects.values("community_id")):
        try:
            run = bill_run_create(actor=SystemActor(), community=community, period=period)
        except LinliError as exc:
            log.warning("billing run of %s for %s refused: %s", community.code, period, exc.message)
        else:
            log.info("billing run of %s for %s: %s bills in all", community.code, period, run.bills_created)


@db_periodic_task(crontab(minute="*/2"))
def payment_orders_sync() -> None:
    """Online orders whose notification is late are asked at their gateway (and recorded when
    paid), expired unpaid ones closed, refunds still waiting asked again (services/online.py)."""
    counts = payment_orders_sync_due()
    if any(counts[k] for k in ("paid", "closed", "errors", "refunds")):
        log.info("payment orders synced: %s", counts)
