"""Jobs of staff, patrols and environment. Each is idempotent, so a consumer that was down
catches up on its next run."""

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from linli.estates.models import Community

from ..services import environment, patrols

# Tasks are generated a few days ahead, so a cleaner sees tomorrow's work and a missed run
# is caught up by the next one.
TASKS_AHEAD_DAYS = 3


def plan_ahead(now: dt.datetime | None = None) -> dict:
    """Today's and tomorrow's rounds and the next days' tasks of every community that has plans or templates."""
    today = timezone.localdate(now)
    rounds = tasks = 0
    for community in Community.objects.filter(patrol_plans__active=True).distinct():
        for day in (today, today + dt.timedelta(days=1)):
            rounds += patrols.patrol_rounds_generate(community=community, date=day)
    for community in Community.objects.filter(task_templates__active=True).distinct():
        tasks += environment.env_tasks_generate(community=community, start=today,
                                                end=today + dt.timedelta(days=TASKS_AHEAD_DAYS))
    return {"rounds": rounds, "tasks": tasks}


@db_periodic_task(crontab(minute="3", hour="*"))
def operations_plan_ahead() -> None:
    """Generate patrol rounds from plans and cleaning/greening tasks from templates."""
    plan_ahead()


@db_periodic_task(crontab(minute="*/5"))
def patrol_rounds_close() -> None:
    """Close the rounds whose window has ended: missed, incomplete or completed."""
    patrols.patrol_rounds_close_due()
