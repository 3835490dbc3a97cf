"""Writes of patrols (篇一 §五.1.5: guards patrol the areas not under closed management):
routes and their checkpoints, plans with weekdays and a time window, the rounds generated from
them, check-ins by scanning or typing a checkpoint's code, and closing rounds.

A plan's window whose end is not after its start ends on the next day (北区 22:00–02:00): the
round belongs to the day it starts on. A check-in is accepted only inside its round's window
and only for an active checkpoint on the round's route."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from linli.core.services import record_create, same_community
from linli.core.tenancy import Actor, SystemActor

from ..models import Checkpoint, PatrolCheckIn, PatrolPlan, PatrolRound, PatrolRoute
from .staff import require, update

OPEN = (PatrolRound.Status.SCHEDULED, PatrolRound.Status.IN_PROGRESS)


def _check_weekdays(weekdays) -> list[int]:
    weekdays = list(weekdays or [])
    if any(not isinstance(d, int) or isinstance(d, bool) or not 1 <= d <= 7 for d in weekdays):
        raise ValidationFailed(fields={"weekdays": [_("星期须为 1（周一）到 7（周日）的整数。")]})
    return sorted(set(weekdays))


# Routes, checkpoints, plans ------------------------------------------------------------------

def patrol_route_create(*, actor: Actor, community, name: str, zone=None, description: str = "",
                        active: bool = True) -> PatrolRoute:
    require(actor, "operations.manage", community.pk)
    same_community(community.pk, zone=zone)
    return record_create(actor=actor, instance=PatrolRoute(community=community, zone=zone, name=name.strip(),
                                                           description=description, active=active),
                         action="operations.route.create")


def patrol_route_update(*, actor: Actor, patrol_route: PatrolRoute, changes: dict) -> PatrolRoute:
    return update(actor=actor, instance=patrol_route, changes=changes, action="operations.route.update")


def checkpoint_create(*, actor: Actor, route: PatrolRoute, name: str, location: str = "", order: int = 0,
                      active: bool = True) -> Checkpoint:
    require(actor, "operations.manage", route.community_id)
    return record_create(actor=actor, instance=Checkpoint(community_id=route.community_id, route=route,
                                                          name=name.strip(), location=location, order=order,
                                                          active=active),
                         action="operations.checkpoint.create")


def checkpoint_update(*, actor: Actor, checkpoint: Checkpoint, changes: dict) -> Checkpoint:
    """The code is printed on site: it is never changed here (a new checkpoint gets a new one)."""
    changes.pop("code", None)
    changes.pop("route", None)
    return update(actor=actor, instance=checkpoint, changes=changes, action="operations.checkpoint.update")


def patrol_plan_create(*, actor: Actor, route: PatrolRoute, name: str, window_start: dt.time, window_end: dt.time,
                       weekdays=(), team=None, active: bool = True) -> PatrolPlan:
    require(actor, "operations.manage", route.community_id)
    same_community(route.community_id, team=team)
    if window_start == window_end:
        raise ValidationFailed(fields={"window_end": [_("结束时间不能与开始时间相同。")]})
    plan = PatrolPlan(community_id=route.community_id, route=route, team=team, name=name.strip(),
                      weekdays=_check_weekdays(weekdays), window_start=window_start, window_end=window_end,
                      active=active)
    return record_create(actor=actor, instance=plan, action="operations.plan.create")


def patrol_plan_update(*, actor: Actor, patrol_plan: PatrolPlan, changes: dict) -> PatrolPlan:
    changes.pop("route", None)
    if "weekdays" in changes:
        changes["weekdays"] = _check_weekdays(changes["weekdays"])
    if changes.get("window_start", patrol_plan.window_start) == changes.get("window_end", patrol_plan.window_end):
        raise ValidationFailed(fields={"window_end": [_("结束时间不能与开始时间相同。")]})
    return update(actor=actor, instance=patrol_plan, changes=changes, action="operations.plan.update")


# Rounds ----------------------------------------------------------------------------------------

def plan_window(plan: PatrolPlan, date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The window of `plan` starting on `date`; an end not after the start is on the next day."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(date, plan.window_start), tz)
    end_date = date + dt.timedelta(days=1) if plan.window_end <= plan.window_start else date
    return start, timezone.make_aware(dt.datetime.combine(end_date, plan.window_end), tz)


def plan_runs_on(plan: PatrolPlan, date: dt.date) -> bool:
    return not plan.weekdays or date.isoweekday() in plan.weekdays


def patrol_rounds_generate(*, community, date: dt.date, actor: Actor | None = None) -> int:
    """The rounds of every active plan of the community whose weekdays include `date`. Running
    it again adds nothing (one round per plan and window start). Returns how many were added."""
    actor = actor or SystemActor()
    require(actor, "operations.manage", community.pk)
    plans = PatrolPlan.objects.filter(community=community, active=True, route__active=True)
    existing = set(PatrolRound.objects.filter(community=community, date=date, plan__isnull=False)
                   .values_list("plan_id", flat=True))
    new = []
    for plan in plans:
        if plan.pk in existing or not plan_runs_on(plan, date):
            continue
        start, end = plan_window(plan, date)
        new.append(PatrolRound(community=community, route_id=plan.route_id, plan=plan, date=date, window_start=start,
                               window_end=end))
    if not new:
        return 0
    with transaction.atomic():
        PatrolRound.objects.bulk_create(new, ignore_conflicts=True)
        audit_record(actor=actor, action="operations.rounds.generate", target=community, community_id=community.pk,
                     data={"date": date, "plans": [r.plan_id for r in new]})
    return len(new)


def _locked(patrol_round: PatrolRound) -> PatrolRound:
    return PatrolRound.objects.select_for_update().get(pk=patrol_round.pk)


def _may_walk(actor: Actor, patrol_round: PatrolRound) -> None:
    """The guard who started a round walks it; a manager may step in."""
    require(actor, "operations.patrol", patrol_round.community_id)
    user_id = getattr(actor.user, "pk", None)
    if patrol_round.guard_id not in (None, user_id) and not actor.can("operations.manage", patrol_round.community_id):
        raise PermissionDenied(_("这次巡逻由 %(guard)s 负责。") % {"guard": patrol_round.guard})


def _window_text(patrol_round: PatrolRound) -> str:
    start, end = timezone.localtime(patrol_round.window_start), timezone.localtime(patrol_round.window_end)
    return f"{start:%m-%d %H:%M}–{end:%H:%M}"


def patrol_checkin(*, actor: Actor, code: str, patrol_round: PatrolRound | None = None,
                   method: str = PatrolCheckIn.Method.TYPED, note: str = "",
                   now: dt.datetime | None = None) -> PatrolCheckIn:
    """Check in at the checkpoint with `code`. Without a round (a scanned QR code opened as a
    link), the open round of that checkpoint's route whose window is now is used."""
    now = now or timezone.now()
    code = (code or "").strip().upper()
    checkpoint = Checkpoint.objects.select_related("route").filter(code=code).first()
    if checkpoint is None or not actor.can("operations.patrol", checkpoint.community_id):
        message = _("没有这个点位码，请核对后重新输入。")
        raise NotFound(message, fields={"code": [message]})
    if patrol_round is None:
        patrol_round = (PatrolRound.objects.filter(route_id=checkpoint.route_id, status__in=OPEN,
                                                   window_start__lte=now, window_end__gt=now)
                        .order_by("window_start").first())
        if patrol_round is None:
            raise ValidationFailed(_("“%(route)s”现在没有进行中的巡逻（不在巡逻时间内）。")
                                   % {"route": checkpoint.route.name}, code="outside_window")
    with transaction.atomic():
        patrol_round = _locked(patrol_round)
        _may_walk(actor, patrol_round)
        if patrol_round.status not in OPEN:
            raise ValidationFailed(_("本次巡逻已结束，不能再打卡。"), code="round_closed")
        if checkpoint.route_id != patrol_round.route_id or not checkpoint.active:
            message = _("巡更点“%(name)s”不在本次巡逻的路线上。") % {"name": checkpoint.name}
            raise ValidationFailed(message, code="not_on_route", fields={"code": [message]})
        if not patrol_round.window_start <= now < patrol_round.window_end:
            raise ValidationFailed(_("现在不在本次巡逻的时间窗口内（%(window)s），不能打卡。")
                                   % {"window": _window_text(patrol_round)}, code="outside_window")
        if patrol_round.checkins.filter(checkpoint=checkpoint).exists():
            raise Conflict(_("巡更点“%(name)s”本次已打卡。") % {"name": checkpoint.name}, code="already_checked_in")
        checkin = PatrolCheckIn.objects.create(community_id=patrol_round.community_id, patrol_round=patrol_round,
                                               checkpoint=checkpoint, at=now, by=actor.user, method=method,
                                               note=note.strip())
        if patrol_round.status == PatrolRound.Status.SCHEDULED:
            patrol_round.status = PatrolRound.Status.IN_PROGRESS
            patrol_round.started_at = now
            patrol_round.guard = patrol_round.guard or actor.user
            patrol_round.save(update_fields=["status", "started_at", "guard", "updated_at"])
        audit_record(actor=actor, action="operations.patrol.checkin", target=checkin,
                     community_id=patrol_round.community_id,
                     data={"round": patrol_round.pk, "checkpoint": checkpoint.pk, "method": method})
    return checkin


def _missing(patrol_round: PatrolRound) -> int:
    expected = set(Checkpoint.objects.filter(route_id=patrol_round.route_id, active=True).values_list("id", flat=True))
    return len(expected - set(patrol_round.checkins.values_list("checkpoint_id", flat=True)))


def patrol_round_finish(*, actor: Actor, patrol_round: PatrolRound, now: dt.datetime | None = None) -> PatrolRound:
    """End a round: completed when every checkpoint was checked in, otherwise incomplete (有漏巡)."""
    now = now or timezone.now()
    with transaction.atomic():
        patrol_round = _locked(patrol_round)
        _may_walk(actor, patrol_round)
        if patrol_round.status not in OPEN:
            raise ValidationFailed(_("本次巡逻已结束。"), code="round_closed")
        if not patrol_round.checkins.exists():
            raise ValidationFailed(_("还没有任何打卡，不能结束巡逻。"), code="no_checkins")
        missing = _missing(patrol_round)
        patrol_round.status = PatrolRound.Status.INCOMPLETE if missing else PatrolRound.Status.COMPLETED
        patrol_round.finished_at = now
        patrol_round.guard = patrol_round.guard or actor.user
        patrol_round.save(update_fields=["status", "finished_at", "guard", "updated_at"])
        audit_record(actor=actor, action="operations.patrol.finish", target=patrol_round,
                     community_id=patrol_round.community_id, data={"status": patrol_round.status, "missing": missing})
    return patrol_round


def patrol_rounds_close_due(*, now: dt.datetime | None = None) -> int:
    """Close every round whose window has ended unfinished: missed when nobody checked in,
    incomplete when checkpoints are missing, completed when all were checked in."""
    now = now or timezone.now()
    closed = 0
    for patrol_round in PatrolRound.objects.filter(status__in=OPEN, window_end__lte=now).order_by("window_end"):
        with transaction.atomic():
            patrol_round = _locked(patrol_round)
            if patrol_round.status not in OPEN:
                continue
            if not patrol_round.checkins.exists():
                patrol_round.status = PatrolRound.Status.MISSED
            else:
                missing = _missing(patrol_round)
                patrol_round.status = PatrolRound.Status.INCOMPLETE if missing else PatrolRound.Status.COMPLETED
            patrol_round.finished_at = patrol_round.window_end
            patrol_round.save(update_fields=["status", "finished_at", "updated_at"])
            audit_record(actor=SystemActor(), action="operations.patrol.close", target=patrol_round,
                         community_id=patrol_round.community_id, data={"status": patrol_round.status})
            closed += 1
    return closed


def patrol_round_create(*, actor: Actor, route: PatrolRoute, window_start: dt.datetime,
                        window_end: dt.datetime) -> PatrolRound:
    """An unplanned round (a manager sends a guard round after an incident)."""
    require(actor, "operations.manage", route.community_id)
    if window_end <= window_start:
        raise ValidationFailed(fields={"window_end": [_("截止时间必须晚于开始时间。")]})
    return record_create(actor=actor, instance=PatrolRound(
        community_id=route.community_id, route=route, date=timezone.localtime(window_start).date(),
        window_start=window_start, window_end=window_end), action="operations.round.create")
