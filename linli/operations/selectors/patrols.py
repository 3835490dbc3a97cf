"""Reads of patrols, scoped to the actor (the serving company's staff of the community), and
the missed checkpoints of a day for the daily review and the manager's day."""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from linli.core.tenancy import Actor

from ..models import Checkpoint, PatrolCheckIn, PatrolPlan, PatrolRound, PatrolRoute
from .staff import community_ids, operations_scoped

OPEN = (PatrolRound.Status.SCHEDULED, PatrolRound.Status.IN_PROGRESS)
EXCEPTIONS = (PatrolRound.Status.INCOMPLETE, PatrolRound.Status.MISSED)


def patrol_route_list(*, actor: Actor) -> QuerySet[PatrolRoute]:
    return operations_scoped(PatrolRoute.objects.select_related("zone"), actor)


def checkpoint_list(*, actor: Actor) -> QuerySet[Checkpoint]:
    return operations_scoped(Checkpoint.objects.select_related("route"), actor)


def patrol_plan_list(*, actor: Actor) -> QuerySet[PatrolPlan]:
    return operations_scoped(PatrolPlan.objects.select_related("route", "team"), actor)


def patrol_round_list(*, actor: Actor) -> QuerySet[PatrolRound]:
    return operations_scoped(PatrolRound.objects.select_related("route", "plan", "guard"), actor)


def patrol_checkin_list(*, actor: Actor) -> QuerySet[PatrolCheckIn]:
    return operations_scoped(PatrolCheckIn.objects.select_related("checkpoint", "by"), actor)


def round_progress(patrol_round: PatrolRound) -> list[dict]:
    """The route's checkpoints in order, each with its check-in in this round if any."""
    checkins = {c.checkpoint_id: c for c in patrol_round.checkins.select_related("by")}
    points = Checkpoint.objects.filter(route_id=patrol_round.route_id).filter(
        Q(active=True) | Q(id__in=list(checkins))).order_by("order", "id")
    return [{"checkpoint": p, "checkin": checkins.get(p.pk)} for p in points]


def my_patrols(*, actor: Actor, now: dt.datetime | None = None) -> dict:
    """A guard's rounds: those open now, those still to come today, and those ended today."""
    now = now or timezone.now()
    if not actor.is_authenticated:
        return {"current": [], "upcoming": [], "ended": []}
    qs = (PatrolRound.objects.select_related("route", "route__zone", "plan", "guard")
          .annotate(done=Count("checkins")))
    if not actor.is_admin:
        qs = qs.filter(community_id__in=community_ids(actor, "operations.patrol"))
    today = timezone.localdate(now)
    mine_or_free = Q(guard__isnull=True) | Q(guard=actor.user)
    recent = qs.filter(date__gte=today - dt.timedelta(days=1), date__lte=today).filter(mine_or_free)
    return {
        "current": list(recent.filter(status__in=OPEN, window_start__lte=now, window_end__gt=now)
                        .order_by("window_end")),
        "upcoming": list(recent.filter(status__in=OPEN, window_start__gt=now).order_by("window_start")),
        "ended": list(recent.exclude(status__in=OPEN).order_by("-window_end", "-id")[:10]),
    }


def _bounds(date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(date, dt.time.min), tz)
    return start, start + dt.timedelta(days=1)


def missed_checkpoints(*, community_id: int, date: dt.date) -> list[dict]:
    """The checkpoints not checked in on the rounds whose window ended on `date` (a night round
    22:00–02:00 counts on the day it ends, the morning after). A round still open whose
    window ends later that day is counted as it will stand if nothing changes, like the
    service desk's review. Three indexed queries: rounds by (community, date), then their
    routes' checkpoints and their check-ins."""
    start, end = _bounds(date)
    rounds = list(PatrolRound.objects.filter(community_id=community_id, date__gte=date - dt.timedelta(days=1),
                                             date__lte=date, window_end__gte=start, window_end__lt=end)
                  .filter(status__in=(*EXCEPTIONS, *OPEN)).select_related("route", "plan", "guard")
                  .order_by("window_start", "id"))
    if not rounds:
        return []
    points: dict[int, list[Checkpoint]] = {}
    for point in Checkpoint.objects.filter(route_id__in={r.route_id for r in rounds}, active=True).order_by(
            "order", "id"):
        points.setdefault(point.route_id, []).append(point)
    done = set(PatrolCheckIn.objects.filter(patrol_round_id__in=[r.pk for r in rounds]).order_by()
               .values_list("patrol_round_id", "checkpoint_id"))
    rows = []
    for patrol_round in rounds:
        for point in points.get(patrol_round.route_id, []):
            if (patrol_round.pk, point.pk) not in done:
                rows.append({"round": patrol_round, "checkpoint": point})
    return rows


def round_window_text(patrol_round: PatrolRound) -> str:
    start, end = timezone.localtime(patrol_round.window_start), timezone.localtime(patrol_round.window_end)
    return f"{start:%m-%d %H:%M}–{end:%H:%M}"


def patrol_exceptions(*, actor: Actor, community, now: dt.datetime | None = None) -> list[PatrolRound]:
    """Rounds of today and last night that ended incomplete or missed, with their missing counts."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rounds = (patrol_round_list(actor=actor).filter(community=community, date__gte=today - dt.timedelta(days=1),
                                                    date__lte=today, status__in=EXCEPTIONS)
              .annotate(done=Count("checkins")).order_by("-window_end"))
    result = list(rounds)
    totals = dict(Checkpoint.objects.filter(route_id__in={r.route_id for r in result}, active=True)
                  .values_list("route_id").annotate(n=Count("id")))
    for r in result:
        r.missing = max(totals.get(r.route_id, 0) - r.done, 0)
    return result
