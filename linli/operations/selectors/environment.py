"""Reads of cleaning and greening, scoped to the actor; the overdue tasks of a day for the
daily review; a cleaner's or gardener's own tasks."""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from linli.core.tenancy import Actor

from ..models import EnvInspection, EnvTask, StaffMember, TaskTemplate
from .staff import community_ids, operations_scoped

# A cleaner or gardener without a staff record in a team sees the tasks of their line of work.
ROLE_KINDS = {"cleaner": TaskTemplate.Kind.CLEANING, "gardener": TaskTemplate.Kind.GREENING}
REVIEW_LOOKBACK = dt.timedelta(days=31)


def task_template_list(*, actor: Actor) -> QuerySet[TaskTemplate]:
    return operations_scoped(TaskTemplate.objects.select_related("team").prefetch_related("zones"), actor)


def env_task_list(*, actor: Actor) -> QuerySet[EnvTask]:
    return operations_scoped(EnvTask.objects.select_related("template", "zone", "team", "done_by"), actor)


def env_inspection_list(*, actor: Actor) -> QuerySet[EnvInspection]:
    return operations_scoped(EnvInspection.objects.select_related("zone", "task", "inspector")
                             .prefetch_related("items"), actor)


def my_tasks(*, actor: Actor, date: dt.date) -> dict:
    """The tasks of `date` and the overdue ones still pending, of the actor's teams (by their
    staff record), or of their line of work where they have no team."""
    if not actor.is_authenticated:
        return {"today": [], "overdue": []}
    qs = env_task_list(actor=actor)
    if not actor.is_admin:
        qs = qs.filter(community_id__in=community_ids(actor, "operations.environment"))
        team_ids = set(StaffMember.objects.filter(user=actor.user, active=True, team__isnull=False)
                       .values_list("team_id", flat=True))
        if team_ids:
            qs = qs.filter(team_id__in=team_ids)
        else:
            kinds = {ROLE_KINDS[r] for r in actor.roles() if r in ROLE_KINDS}
            if kinds:
                qs = qs.filter(template__kind__in=kinds)
    start = timezone.make_aware(dt.datetime.combine(date, dt.time.min), timezone.get_current_timezone())
    return {
        "today": list(qs.filter(due_date=date).order_by("status", "due_by", "id")),
        "overdue": list(qs.filter(status=EnvTask.Status.PENDING, due_by__lt=start).order_by("due_by", "id")[:50]),
    }


def overdue_tasks(*, community_id: int, date: dt.date) -> list[EnvTask]:
    """Tasks due in the month up to the end of `date` and not done by then: still pending, or
    done only after the day ended. Two bounded ranges of the (community, status, due_by) index;
    a task forgotten for longer than that has long been raised in the reviews before."""
    tz = timezone.get_current_timezone()
    end = timezone.make_aware(dt.datetime.combine(date + dt.timedelta(days=1), dt.time.min), tz)
    base = (EnvTask.objects.filter(community_id=community_id, due_by__gte=end - REVIEW_LOOKBACK, due_by__lt=end)
            .select_related("template", "zone", "team").order_by())
    pending = base.filter(status=EnvTask.Status.PENDING)
    late = base.filter(status=EnvTask.Status.DONE, done_at__gte=end)
    return sorted([*pending, *late], key=lambda t: (t.due_by, t.pk))


def overdue_now(*, actor: Actor, community, now: dt.datetime | None = None) -> QuerySet[EnvTask]:
    now = now or timezone.now()
    return (env_task_list(actor=actor).filter(community=community, status=EnvTask.Status.PENDING, due_by__lt=now)
            .order_by("due_by", "id"))


def completion_by_team(*, actor: Actor, community, date: dt.date) -> list[dict]:
    """Per team, the day's tasks done and still pending (for the manager's chart)."""
    rows = (env_task_list(actor=actor).filter(community=community, due_date=date).order_by()
            .values("team__name").annotate(total=Count("id"), done=Count("id", filter=Q(status=EnvTask.Status.DONE))))
    return sorted(({"name": r["team__name"] or "—", "done": r["done"], "pending": r["total"] - r["done"]}
                   for r in rows), key=lambda r: r["name"])
