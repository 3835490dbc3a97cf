"""A request's way from filed to closed: accept, assign or grab, start, hold and resume,
transfer or return, notes, resolve, confirm or reopen; and the hotline's urging (督办) and
return visits (回访)."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.notify import notify_users
from linli.core.services import same_community
from linli.core.tenancy import Actor
from linli.orgs.models import Role, User

from ..models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Priority,
    RequestEvent,
    RequestPhoto,
    ServiceRequest,
    Status,
    Team,
    TeamMember,
)
from .common import (
    actor_user,
    add_event,
    auto_close_days,
    check_worker,
    clean_text,
    company_staff,
    end_hold,
    fmt_time,
    is_assignee,
    is_requester,
    locked,
    may_work,
    notify_staff,
    request_url,
    require_status,
    require_text,
    save_request,
)
from .filing import save_photos

REOPEN_WINDOW = dt.timedelta(days=30)


def request_accept(*, actor: Actor, service_request: ServiceRequest) -> ServiceRequest:
    actor.require("servicedesk.dispatch", service_request.community_id)
    with transaction.atomic():
        request = locked(service_request)
        require_status(request, [Status.NEW])
        request.status, request.accepted_at = Status.ACCEPTED, timezone.now()
        add_event(actor, request, RequestEvent.Kind.ACCEPT, _("物业已受理。"))
        save_request(actor, request, "accept", ["status", "accepted_at"])
    return request


def _give(actor: Actor, request: ServiceRequest, assignee: User, kind: str, text: str = "") -> None:
    now = timezone.now()
    request.assignee, request.status = assignee, Status.ASSIGNED
    request.accepted_at = request.accepted_at or now
    add_event(actor, request, kind, text or _("已派给 %(name)s 处理。") % {"name": assignee})
    url = request_url(request)
    if assignee.pk != getattr(actor_user(actor), "pk", None):
        transaction.on_commit(lambda: notify_users([assignee], sms=request.priority == Priority.URGENT,
                                        title=_("新派单 #%(id)s") % {"id": request.pk},
                                        body=f"{request.title} · {request.location} · "
                                             + _("办结时限 %(t)s") % {"t": fmt_time(request.resolve_by)}, url=url))


def request_assign(*, actor: Actor, service_request: ServiceRequest, assignee: User) -> ServiceRequest:
    actor.require("servicedesk.dispatch", service_request.community_id)
    check_worker(service_request.community_id, assignee)
    with transaction.atomic():
        request = locked(service_request)
        require_status(request, [Status.NEW, Status.ACCEPTED, Status.ASSIGNED])
        _give(actor, request, assignee, RequestEvent.Kind.ASSIGN)
        save_request(actor, request, "assign", ["assignee", "status", "accepted_at"], {"assignee": assignee.pk})
    return request


def request_grab(*, actor: Actor, service_request: ServiceRequest) -> ServiceRequest:
    """抢单: a worker takes an unassigned job of their team's pool. The row lock makes it first
    come, first served: the second taker finds it taken."""
    actor.require("servicedesk.work", service_request.community_id)
    with transaction.atomic():
        request = locked(service_request)
        if request.assignee_id is not None:
            raise Conflict(_("该工单已被 %(name)s 接单。") % {"name": request.assignee}, code="taken")
        require_status(request, [Status.NEW, Status.ACCEPTED])
        if not TeamMember.objects.filter(team_id=request.team_id, user=actor.user).exists():
            raise PermissionDenied(_("只能抢本班组抢单池里的工单。"))
        _give(actor, request, actor.user, RequestEvent.Kind.GRAB, _("%(name)s 已接单。") % {"name": actor.user})
        save_request(actor, request, "grab", ["assignee", "status", "accepted_at"], {"assignee": actor.user.pk})
    return request


def request_round_robin(*, actor: Actor, service_request: ServiceRequest, team: Team) -> ServiceRequest:
    """Give the job to the team member who has waited longest since their last one."""
    actor.require("servicedesk.dispatch", service_request.community_id)
    same_community(service_request.community_id, team=team)
    with transaction.atomic():
        member = (TeamMember.objects.select_for_update().select_related("user")
                  .filter(team=team, user__is_active=True)
                  .order_by(F("last_assigned_at").asc(nulls_first=True), "id").first())
        if member is None:
            raise ValidationFailed(fields={"team": [_("该班组还没有成员。")]})
        request = locked(service_request)
        require_status(request, [Status.NEW, Status.ACCEPTED, Status.ASSIGNED])
        request.team = team
        _give(actor, request, member.user, RequestEvent.Kind.ASSIGN,
              _("按%(team)s轮派给 %(name)s。") % {"team": team.name, "name": member.user})
        member.last_assigned_at = timezone.now()
        member.save(update_fields=["last_assigned_at"])
        save_request(actor, request, "round_robin", ["assignee", "status", "accepted_at", "team"],
                     {"assignee": member.user_id, "team": team.pk})
    return request


def request_start(*, actor: Actor, service_request: ServiceRequest) -> ServiceRequest:
    with transaction.atomic():
        request = locked(service_request)
        if not may_work(actor, request):
            raise PermissionDenied()
        require_status(request, [Status.ASSIGNED])
        request.status = Status.IN_PROGRESS
        add_event(actor, request, RequestEvent.Kind.START, _("维修人员已开始处理。"))
        save_request(actor, request, "start", ["status"])
    return request


def request_hold(*, actor: Actor, service_request: ServiceRequest, reason: str) -> ServiceRequest:
    """Waiting for parts or for the owner: the clock stops until the job resumes."""
    reason = require_text(reason, "reason", _("请说明暂停原因。"))
    with transaction.atomic():
        request = locked(service_request)
        if not may_work(actor, request):
            raise PermissionDenied()
        require_status(request, [Status.ASSIGNED, Status.IN_PROGRESS])
        request.status, request.hold_started_at = Status.ON_HOLD, timezone.now()
        add_event(actor, request, RequestEvent.Kind.HOLD, reason)
        save_request(actor, request, "hold", ["status", "hold_started_at"], {"reason": reason})
    return request


def request_resume(*, actor: Actor, service_request: ServiceRequest, text: str = "") -> ServiceRequest:
    with transaction.atomic():
        request = locked(service_request)
        if not may_work(actor, request):
            raise PermissionDenied()
        require_status(request, [Status.ON_HOLD])
        end_hold(request, timezone.now())
        request.status = Status.IN_PROGRESS
        add_event(actor, request, RequestEvent.Kind.RESUME, clean_text(text, "text") or _("恢复处理。"))
        save_request(actor, request, "resume", ["status", "hold_started_at", "hold_seconds", "resolve_by"],
                     {"resolve_by": request.resolve_by})
    return request


def request_transfer(*, actor: Actor, service_request: ServiceRequest, reason: str, assignee: User | None = None,
                     team: Team | None = None) -> ServiceRequest:
    """转派: to another person or team, with the reason on record."""
    actor.require("servicedesk.dispatch", service_request.community_id)
    reason = require_text(reason, "reason", _("请说明转派原因。"))
    if assignee is None and team is None:
        raise ValidationFailed(fields={"assignee": [_("请选择新的处理人或班组。")]})
    if assignee is not None:
        check_worker(service_request.community_id, assignee)
    same_community(service_request.community_id, team=team)
    with transaction.atomic():
        request = locked(service_request)
        require_status(request, [Status.NEW, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS])
        request.team = team or request.team
        if assignee is not None:
            _give(actor, request, assignee, RequestEvent.Kind.TRANSFER,
                  _("转派给 %(name)s：%(reason)s") % {"name": assignee, "reason": reason})
        else:
            request.assignee, request.status = None, Status.ACCEPTED
            request.accepted_at = request.accepted_at or timezone.now()
            add_event(actor, request, RequestEvent.Kind.TRANSFER,
                      _("转交%(team)s：%(reason)s") % {"team": team.name, "reason": reason})
        save_request(actor, request, "transfer", ["assignee", "team", "status", "accepted_at"],
                     {"assignee": getattr(assignee, "pk", None), "team": getattr(team, "pk", None), "reason": reason})
    return request


def request_return(*, actor: Actor, service_request: ServiceRequest, reason: str) -> ServiceRequest:
    """退单: the assignee hands the job back to dispatch, saying why."""
    reason = require_text(reason, "reason", _("请说明退单原因。"))
    with transaction.atomic():
        request = locked(service_request)
        if not is_assignee(actor, request):
            raise PermissionDenied(_("只有处理人可以退单。"))
        require_status(request, [Status.ASSIGNED, Status.IN_PROGRESS])
        request.assignee, request.status = None, Status.ACCEPTED
        add_event(actor, request, RequestEvent.Kind.RETURN, reason, public=False)
        save_request(actor, request, "return", ["assignee", "status"], {"reason": reason})
    transaction.on_commit(lambda: notify_staff(request.community_id, {Role.DISPATCHER}, url=request_url(request),
                                               title=_("退单 #%(id)s") % {"id": request.pk}, body=reason))
    return request


def request_note(*, actor: Actor, service_request: ServiceRequest, text: str, public: bool = True) -> RequestEvent:
    """A progress note by staff (public ones are the day's reply to the requester), or a message
    from the requester."""
    text = require_text(text, "text", _("请填写内容。"))
    staff = actor.is_admin or service_request.community_id in actor.staff_community_ids
    if not staff and not is_requester(actor, service_request):
        raise PermissionDenied()
    kind = RequestEvent.Kind.NOTE if staff else RequestEvent.Kind.MESSAGE
    with transaction.atomic():
        request = locked(service_request)
        event = add_event(actor, request, kind, text, public=public or not staff)
        audit_record(actor=actor, action="service_request.note", target=request, community_id=request.community_id,
                     data={"public": event.public, "kind": kind})
    if kind == RequestEvent.Kind.NOTE and event.public and request.requester_id:
        transaction.on_commit(lambda: notify_users([request.requester], title=_("工单 #%(id)s 有新进展") % {"id": request.pk},
                                        body=text, url=request_url(request)))
    elif kind == RequestEvent.Kind.MESSAGE:
        recipients = [request.assignee] if request.assignee_id else company_staff(request.community_id, {Role.DISPATCHER})
        transaction.on_commit(lambda: notify_users(recipients, title=_("业主留言 #%(id)s") % {"id": request.pk},
                                        body=text, url=request_url(request)))
    return event


def request_resolve(*, actor: Actor, service_request: ServiceRequest, text: str, photos=()) -> ServiceRequest:
    text = require_text(text, "text", _("请填写处理结果。"))
    with transaction.atomic():
        request = locked(service_request)
        if not may_work(actor, request):
            raise PermissionDenied()
        require_status(request, OPEN_STATUSES)
        now = timezone.now()
        if request.status == Status.ON_HOLD:
            end_hold(request, now)
        request.status, request.resolved_at = Status.RESOLVED, now
        request.accepted_at = request.accepted_at or now
        save_photos(actor, request, photos, RequestPhoto.Stage.RESOLVE)
        add_event(actor, request, RequestEvent.Kind.RESOLVE, text)
        save_request(actor, request, "resolve", ["status", "resolved_at", "accepted_at", "hold_started_at",
                                                 "hold_seconds", "resolve_by"], {"on_time": now <= request.resolve_by})
    if request.requester_id:
        transaction.on_commit(lambda: notify_users(
            [request.requester], key="servicedesk.resolved",
            params={"id": request.pk, "text": text, "days": auto_close_days()}, url=request_url(request)))
    return request


def request_confirm(*, actor: Actor, service_request: ServiceRequest, rating: int, comment: str = "") -> ServiceRequest:
    """The requester confirms the work and rates it 1–5 (staff may record a caller's answer)."""
    if not (is_requester(actor, service_request) or actor.can("servicedesk.dispatch", service_request.community_id)):
        raise PermissionDenied()
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationFailed(fields={"rating": [_("请选择 1 到 5 星的评分。")]})
    with transaction.atomic():
        request = locked(service_request)
        require_status(request, [Status.RESOLVED])
        request.status, request.closed_at = Status.CLOSED, timezone.now()
        request.rating, request.rating_comment = rating, (comment or "").strip()[:300]
        add_event(actor, request, RequestEvent.Kind.CLOSE,
                  _("确认办结，评价 %(n)s 星。%(comment)s") % {"n": rating, "comment": request.rating_comment})
        save_request(actor, request, "confirm", ["status", "closed_at", "rating", "rating_comment"], {"rating": rating})
    return request


def request_reopen(*, actor: Actor, service_request: ServiceRequest, reason: str) -> ServiceRequest:
    """Not fixed after all: back to work, to the same person if there was one. The original
    deadline stands, so a reopened job usually shows as overdue in the daily review."""
    if not (is_requester(actor, service_request) or actor.can("servicedesk.dispatch", service_request.community_id)):
        raise PermissionDenied()
    reason = require_text(reason, "reason", _("请说明重新打开的原因。"))
    with transaction.atomic():
        request = locked(service_request)
        require_status(request, DONE_STATUSES)
        if request.resolved_at and timezone.now() - request.resolved_at > REOPEN_WINDOW:
            raise Conflict(_("办结已超过 30 天，请新建工单。"), code="too_late")
        request.status = Status.ASSIGNED if request.assignee_id else Status.ACCEPTED
        request.resolved_at = request.closed_at = request.rating = None
        request.rating_comment = ""
        request.reopen_count += 1
        add_event(actor, request, RequestEvent.Kind.REOPEN, reason)
        save_request(actor, request, "reopen", ["status", "resolved_at", "closed_at", "rating", "rating_comment",
                                                "reopen_count"], {"reason": reason})
    recipients = [request.assignee] if request.assignee_id else []
    transaction.on_commit(lambda: notify_users(recipients + company_staff(request.community_id, {Role.DISPATCHER, Role.MANAGER}),
                                    title=_("工单 #%(id)s 被重新打开") % {"id": request.pk}, body=reason,
                                    url=request_url(request)))
    return request


# Hotline: urging and return visits ----------------------------------------------------------

def request_urge(*, actor: Actor, service_request: ServiceRequest, text: str = "") -> ServiceRequest:
    """督办: a regulator presses the company on an open request; the count is its record."""
    actor.require("servicedesk.hotline", service_request.community_id)
    with transaction.atomic():
        request = locked(service_request)
        require_status(request, OPEN_STATUSES, _("只能督办未办结的工单。"))
        request.urge_count += 1
        request.last_urged_at = timezone.now()
        text = clean_text(text, "text") or _("请尽快办理。")
        add_event(actor, request, RequestEvent.Kind.URGE,
                  _("第 %(n)s 次督办：%(text)s") % {"n": request.urge_count, "text": text})
        save_request(actor, request, "urge", ["urge_count", "last_urged_at"], {"text": text})
    recipients = ([request.assignee] if request.assignee_id else []) + company_staff(
        request.community_id, {Role.MANAGER, Role.DISPATCHER})
    transaction.on_commit(lambda: notify_users(recipients, sms=True, title=_("督办 #%(id)s") % {"id": request.pk},
                                    body=text, url=request_url(request)))
    return request


def request_visit(*, actor: Actor, service_request: ServiceRequest, satisfaction: str, text: str = "") -> ServiceRequest:
    """回访: after the work, ask the requester whether they are satisfied."""
    if not (actor.can("servicedesk.hotline", service_request.community_id)
            or actor.can("servicedesk.dispatch", service_request.community_id)):
        raise PermissionDenied()
    if satisfaction not in ServiceRequest.Satisfaction.values:
        raise ValidationFailed(fields={"satisfaction": [_("请选择满意度。")]})
    with transaction.atomic():
        request = locked(service_request)
        require_status(request, DONE_STATUSES, _("工单办结后才能回访。"))
        request.satisfaction, request.visited_at = satisfaction, timezone.now()
        label = ServiceRequest.Satisfaction(satisfaction).label
        add_event(actor, request, RequestEvent.Kind.VISIT, f"{label}。{clean_text(text, 'text')}")
        save_request(actor, request, "visit", ["satisfaction", "visited_at"], {"satisfaction": satisfaction})
    if satisfaction == ServiceRequest.Satisfaction.UNSATISFIED:
        transaction.on_commit(lambda: notify_staff(request.community_id, {Role.MANAGER}, url=request_url(request),
                                                   title=_("回访不满意 #%(id)s") % {"id": request.pk},
                                                   body=text or label))
    return request

