"""What the service desk's writes share (DESIGN §5, §6): the capabilities, the locked and audited
save of a request, its events and deadlines, and the staff who are told about it. Each write
checks the actor's capability in the request's community, locks the request row while it
changes it (two dispatchers, or two technicians grabbing one job, never both win), audits
itself in the same transaction and sends its messages only after the commit."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, ValidationFailed
from linli.core.notify import notify_users
from linli.core.services import validation_failed_from
from linli.core.tenancy import Actor
from linli.estates.models import Community
from linli.orgs.models import User

from .. import sla
from ..models import TEXT_MAX_LENGTH, RequestEvent, ServiceRequest

# What each role may do here (registered in AppConfig.ready). Reading is the selectors' scope.
CAPABILITIES = {
    # take a report on behalf of a caller or visitor, or report what one saw on a round
    "servicedesk.file": {"manager", "dispatcher", "technician", "guard", "cleaner", "gardener", "finance", "cashier"},
    # accept, assign, transfer, reclassify; confirm or reopen for a caller on the phone
    "servicedesk.dispatch": {"manager", "dispatcher"},
    # work a job: grab it, start, hold, resolve, return it
    "servicedesk.work": {"manager", "dispatcher", "technician", "guard", "cleaner", "gardener"},
    "servicedesk.configure": {"manager"},
    # set up the service teams (members, categories): the manager, and the dispatcher who sends them out
    "servicedesk.teams": {"manager", "dispatcher"},
    "servicedesk.review": {"manager", "dispatcher", "regulator"},
    # the 12345-style hotline: file for any community of the jurisdiction, urge, return visits
    "servicedesk.hotline": {"regulator"},
}
WORK_ROLES = CAPABILITIES["servicedesk.work"]
# Notes by staff that count as the day's reply to the requester (日日跟踪，及时回复).
FOLLOW_UP_KINDS = (RequestEvent.Kind.NOTE, RequestEvent.Kind.HOLD, RequestEvent.Kind.RESUME)


def auto_close_days() -> int:
    return getattr(settings, "LINLI_SERVICE_AUTO_CLOSE_DAYS", 3)


def request_url(request: ServiceRequest) -> str:
    return reverse("servicedesk:request_detail", args=[request.pk])


def company_staff(community_id: int, roles) -> list[User]:
    company_id = Community.objects.filter(pk=community_id).values_list("company_id", flat=True).first()
    if company_id is None:
        return []
    return list(User.objects.filter(memberships__organization_id=company_id, memberships__role__in=roles,
                                    memberships__active=True, is_active=True).distinct())


def notify_staff(community_id: int, roles, **message) -> None:
    notify_users(company_staff(community_id, roles), **message)


def actor_user(actor: Actor):
    return actor.user if actor.is_authenticated else None


def add_event(actor: Actor, request: ServiceRequest, kind: str, text: str = "", public: bool = True,
              at: dt.datetime | None = None) -> RequestEvent:
    user = actor_user(actor)
    return RequestEvent.objects.create(
        request=request, community_id=request.community_id, kind=kind, text=text, public=public, actor=user,
        actor_name=(str(user) if user else _("系统")), at=at or timezone.now(),
    )


def save_request(actor: Actor, request: ServiceRequest, action: str, fields: list[str],
                 data: dict | None = None) -> None:
    request.save(update_fields=[*fields, "updated_at"])
    audit_record(actor=actor, action=f"service_request.{action}", target=request,
                 community_id=request.community_id, data={"status": request.status, **(data or {})})


def locked(request: ServiceRequest) -> ServiceRequest:
    return ServiceRequest.objects.select_for_update().get(pk=request.pk)


def require_status(request: ServiceRequest, allowed, message=None) -> None:
    if request.status not in allowed:
        raise Conflict(message or _("工单当前状态为“%(status)s”，不能执行此操作。")
                       % {"status": request.get_status_display()}, code="invalid_status")


def clean_text(value: str, field: str) -> str:
    """Text a person wrote for a request's record (a note, a reason, a result), stripped, within
    TEXT_MAX_LENGTH characters, refused on `field` with the message model validation gives."""
    value = (value or "").strip()
    try:
        MaxLengthValidator(TEXT_MAX_LENGTH)(value)
    except DjangoValidationError as exc:
        raise validation_failed_from(DjangoValidationError({field: exc.messages})) from exc
    return value


def require_text(value: str, field: str, message) -> str:
    value = clean_text(value, field)
    if not value:
        raise ValidationFailed(message, fields={field: [message]})
    return value


def is_requester(actor: Actor, request: ServiceRequest) -> bool:
    if not actor.is_authenticated:
        return False
    return request.requester_id == actor.user.pk or (request.unit_id is not None
                                                     and request.unit_id in actor.own_unit_ids)


def is_assignee(actor: Actor, request: ServiceRequest) -> bool:
    return actor.is_authenticated and request.assignee_id == actor.user.pk


def may_work(actor: Actor, request: ServiceRequest) -> bool:
    """The assignee works their job; dispatchers and managers may act for them."""
    return is_assignee(actor, request) or actor.can("servicedesk.dispatch", request.community_id)


def request_sla(request: ServiceRequest) -> sla.Sla:
    return sla.sla_for(community_id=request.community_id, kind=request.kind, priority=request.priority)


def set_deadlines(request: ServiceRequest) -> None:
    respond_by, resolve_by = sla.deadlines(created_at=request.created_at, sla=request_sla(request),
                                           hold_seconds=request.hold_seconds)
    if request.accepted_at is None:
        request.respond_by = respond_by
    request.resolve_by = resolve_by


def end_hold(request: ServiceRequest, now: dt.datetime) -> None:
    """Add the working time spent on hold to the clock: the deadline moves by what was paused."""
    calendar = request_sla(request).calendar
    paused = sla.working_seconds_between(request.hold_started_at, now, calendar)
    request.hold_seconds += paused
    request.resolve_by = sla.add_working_time(request.resolve_by, paused, calendar)
    request.hold_started_at = None


def check_worker(community_id: int, user: User) -> User:
    """A user who may work requests of the community: staff of its company in a working role."""
    company_id = Community.objects.filter(pk=community_id).values_list("company_id", flat=True).first()
    ok = company_id is not None and user.is_active and user.memberships.filter(
        organization_id=company_id, role__in=WORK_ROLES, active=True).exists()
    if not ok:
        raise ValidationFailed(fields={"assignee": [_("处理人必须是本小区物业企业的在职员工。")]})
    return user


def fmt_time(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"

