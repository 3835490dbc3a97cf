"""Jobs of vehicle access: every morning, stop the cards of parking spaces whose fee has become
too late and restart those paid since (a payment also does this at once, through billing's
`payments_changed` signal). Idempotent: a consumer that was down catches up on its next run."""

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from linli.estates.models import Community

from ..services.access import access_cards_sync

log = logging.getLogger(__name__)


def cards_sync_all(on=None) -> dict:
    """Sync the cards of every community that has any; returns the totals."""
    on = on or timezone.localdate()
    disabled = enabled = 0
    for community in Community.objects.filter(access_cards__isnull=False).distinct():
        result = access_cards_sync(community=community, on=on)
        disabled += len(result.disabled)
        enabled += len(result.enabled)
    return {"disabled": disabled, "enabled": enabled}


@db_periodic_task(crontab(minute="10", hour="0"))
def access_cards_daily():
    totals = cards_sync_all()
    log.info("access cards: %(disabled)s stopped for arrears, %(enabled)s restarted", totals)
