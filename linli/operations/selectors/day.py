"""The manager's day (one page: today's roster, patrol exceptions, overdue tasks, open
requests) and the operations sections of the daily review (日清日审)."""

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.tenancy import Actor
from linli.servicedesk.models import OPEN_STATUSES, Status
from linli.servicedesk.review import register_review_section
from linli.servicedesk.selectors import service_request_list

from .environment import completion_by_team, overdue_now, overdue_tasks
from .patrols import missed_checkpoints, patrol_exceptions, round_window_text
from .staff import roster_day


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def review_missed_checkpoints(community_id: int, date: dt.date) -> list[dict]:
    rows = []
    for row in missed_checkpoints(community_id=community_id, date=date):
        patrol_round, point = row["round"], row["checkpoint"]
        rows.append({
            "cells": [f"#{patrol_round.pk} {patrol_round.plan.name if patrol_round.plan_id else _('临时巡逻')}",
                      patrol_round.route.name, point.name, round_window_text(patrol_round),
                      str(patrol_round.get_status_display()), str(patrol_round.guard or "—")],
            "url": reverse("operations:patrol_round", args=[patrol_round.pk]),
        })
    return rows


def review_overdue_tasks(community_id: int, date: dt.date) -> list[dict]:
    return [{
        "cells": [task.template.name, task.zone.name if task.zone_id else "—", task.team.name if task.team_id else "—",
                  _when(task.due_by),
                  str(task.get_status_display()) + (f" {_when(task.done_at)}" if task.done_at else "")],
        "url": reverse("operations:env_admin", args=[task.community_id]) + f"?date={task.due_date.isoformat()}",
    } for task in overdue_tasks(community_id=community_id, date=date)]


def register_review_sections() -> None:
    """Called from OperationsConfig.ready()."""
    register_review_section(
        "patrol_missed", gettext_lazy("漏巡点位"),
        [gettext_lazy("巡逻"), gettext_lazy("路线"), gettext_lazy("巡更点"), gettext_lazy("时间窗口"),
         gettext_lazy("状态"), gettext_lazy("巡逻人")],
        review_missed_checkpoints)
    register_review_section(
        "env_overdue", gettext_lazy("逾期保洁绿化任务"),
        [gettext_lazy("任务"), gettext_lazy("分区"), gettext_lazy("班组"), gettext_lazy("完成时限"),
         gettext_lazy("状态")],
        review_overdue_tasks)


def manager_day(*, actor: Actor, community, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    requests = service_request_list(actor=actor).filter(community=community, status__in=OPEN_STATUSES)
    by_status = dict(requests.order_by().values_list("status").annotate(n=Count("id")))
    labels = dict(Status.choices)
    overdue_requests = (requests.filter(resolved_at__isnull=True, resolve_by__lt=now)
                        .exclude(status=Status.ON_HOLD).order_by("resolve_by")[:20])
    return {
        "today": today,
        "roster": roster_day(actor=actor, community=community, date=today),
        "patrol_exceptions": patrol_exceptions(actor=actor, community=community, now=now),
        "overdue_tasks": list(overdue_now(actor=actor, community=community, now=now)[:50]),
        "requests_by_status": [(labels[s], by_status[s]) for s in OPEN_STATUSES if s in by_status],
        "requests_open": sum(by_status.values()),
        "overdue_requests": list(overdue_requests),
        "completion": completion_by_team(actor=actor, community=community, date=today),
    }
