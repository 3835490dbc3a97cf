"""Writes of the service desk (DESIGN §5, §6). Each checks the actor's capability in the
request's community, locks the request row while it changes it (two dispatchers, or two
technicians grabbing one job, never both win), audits itself in the same transaction and
sends its messages only after the commit."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from linli.core.notify import notify_phone, notify_users
from linli.core.services import full_clean_or_fail, record_create, record_update, validation_failed_from
from linli.core.tenancy import Actor, SystemActor
from linli.core.uploads import CONTENT_TYPES, IMAGES, check_upload
from linli.estates.models import Community, Unit, Zone
from linli.orgs.models import Role, User

from . import matching, sla
from .models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    TEXT_MAX_LENGTH,
    BusinessCalendar,
    Category,
    Channel,
    DailyReview,
    Kind,
    Open311Key,
    Priority,
    RequestEvent,
    RequestPhoto,
    ServiceRequest,
    SlaAlert,
    SlaPolicy,
    Status,
    Team,
    TeamMember,
)

# What each role may do here (registered in AppConfig.ready). Reading is the selectors' scope.
CAPABILITIES = {
    # take a report on behalf of a caller or visitor, or report what one saw on a round
    "servicedesk.file": {"manager", "dispatcher", "technician", "guard", "cleaner", "gardener", "finance", "cashier"},
    # accept, assign, transfer, reclassify; confirm or reopen for a caller on the phone
    "servicedesk.dispatch": {"manager", "dispatcher"},
    # work a job: grab it, start, hold, resolve, return it
    "servicedesk.work": {"manager", "dispatcher", "technician", "guard", "cleaner", "gardener"},
    "servicedesk.configure": {"manager"},
    "servicedesk.review": {"manager", "dispatcher", "regulator"},
    # the 12345-style hotline: file for any community of the jurisdiction, urge, return visits
    "servicedesk.hotline": {"regulator"},
}
WORK_ROLES = CAPABILITIES["servicedesk.work"]

DEFAULT_CATEGORIES = [
    ("水电", [Kind.REPAIR, Kind.HELP, Kind.COMPLAINT, Kind.INQUIRY]),
    ("门窗", [Kind.REPAIR, Kind.COMPLAINT]),
    ("电梯", [Kind.REPAIR, Kind.COMPLAINT, Kind.HELP]),
    ("公共设施", [Kind.REPAIR, Kind.COMPLAINT, Kind.SUGGESTION]),
    ("环境卫生", [Kind.COMPLAINT, Kind.SUGGESTION, Kind.PRAISE]),
    ("绿化", [Kind.REPAIR, Kind.COMPLAINT, Kind.SUGGESTION]),
    ("安全", [Kind.COMPLAINT, Kind.HELP, Kind.SUGGESTION]),
    ("噪音", [Kind.COMPLAINT]),
    ("停车", [Kind.COMPLAINT, Kind.HELP, Kind.INQUIRY]),
    ("收费", [Kind.INQUIRY, Kind.COMPLAINT]),
]
REPEAT_WINDOW = dt.timedelta(days=30)
REOPEN_WINDOW = dt.timedelta(days=30)
PHOTOS_PER_REQUEST = 9
# Notes by staff that count as the day's reply to the requester (日日跟踪，及时回复).
FOLLOW_UP_KINDS = (RequestEvent.Kind.NOTE, RequestEvent.Kind.HOLD, RequestEvent.Kind.RESUME)


def auto_close_days() -> int:
    return getattr(settings, "LINLI_SERVICE_AUTO_CLOSE_DAYS", 3)


# Helpers ----------------------------------------------------------------------------------

def request_url(request: ServiceRequest) -> str:
    return reverse("servicedesk:request_detail", args=[request.pk])


def company_staff(community_id: int, roles) -> list[User]:
    company_id = Community.objects.filter(pk=community_id).values_list("company_id", flat=True).first()
    if company_id is None:
        return []
    return list(User.objects.filter(memberships__organization_id=company_id, memberships__role__in=roles,
                                    memberships__active=True, is_active=True).distinct())


def _notify_staff(community_id: int, roles, **message) -> None:
    notify_users(company_staff(community_id, roles), **message)


def _user(actor: Actor):
    return actor.user if actor.is_authenticated else None


def _event(actor: Actor, request: ServiceRequest, kind: str, text: str = "", public: bool = True,
           at: dt.datetime | None = None) -> RequestEvent:
    user = _user(actor)
    return RequestEvent.objects.create(
        request=request, community_id=request.community_id, kind=kind, text=text, public=public, actor=user,
        actor_name=(str(user) if user else _("系统")), at=at or timezone.now(),
    )


def _save(actor: Actor, request: ServiceRequest, action: str, fields: list[str], data: dict | None = None) -> None:
    request.save(update_fields=[*fields, "updated_at"])
    audit_record(actor=actor, action=f"service_request.{action}", target=request,
                 community_id=request.community_id, data={"status": request.status, **(data or {})})


def _locked(request: ServiceRequest) -> ServiceRequest:
    return ServiceRequest.objects.select_for_update().get(pk=request.pk)


def _require_status(request: ServiceRequest, allowed, message=None) -> None:
    if request.status not in allowed:
        raise Conflict(message or _("工单当前状态为“%(status)s”，不能执行此操作。")
                       % {"status": request.get_status_display()}, code="invalid_status")


def _text(value: str, field: str) -> str:
    """Text a person wrote for a request's record (a note, a reason, a result), stripped, within
    TEXT_MAX_LENGTH characters, refused on `field` with the message model validation gives."""
    value = (value or "").strip()
    try:
        MaxLengthValidator(TEXT_MAX_LENGTH)(value)
    except DjangoValidationError as exc:
        raise validation_failed_from(DjangoValidationError({field: exc.messages})) from exc
    return value


def _require_text(value: str, field: str, message) -> str:
    value = _text(value, field)
    if not value:
        raise ValidationFailed(message, fields={field: [message]})
    return value


def is_requester(actor: Actor, request: ServiceRequest) -> bool:
    if not actor.is_authenticated:
        return False
    return request.requester_id == actor.user.pk or (request.unit_id is not None
                                                     and request.unit_id in actor.own_unit_ids)


def _is_assignee(actor: Actor, request: ServiceRequest) -> bool:
    return actor.is_authenticated and request.assignee_id == actor.user.pk


def _may_work(actor: Actor, request: ServiceRequest) -> bool:
    """The assignee works their job; dispatchers and managers may act for them."""
    return _is_assignee(actor, request) or actor.can("servicedesk.dispatch", request.community_id)


def _sla(request: ServiceRequest) -> sla.Sla:
    return sla.sla_for(community_id=request.community_id, kind=request.kind, priority=request.priority)


def _set_deadlines(request: ServiceRequest) -> None:
    respond_by, resolve_by = sla.deadlines(created_at=request.created_at, sla=_sla(request),
                                           hold_seconds=request.hold_seconds)
    if request.accepted_at is None:
        request.respond_by = respond_by
    request.resolve_by = resolve_by


def _end_hold(request: ServiceRequest, now: dt.datetime) -> None:
    """Add the working time spent on hold to the clock: the deadline moves by what was paused."""
    calendar = _sla(request).calendar
    paused = sla.working_seconds_between(request.hold_started_at, now, calendar)
    request.hold_seconds += paused
    request.resolve_by = sla.add_working_time(request.resolve_by, paused, calendar)
    request.hold_started_at = None


def _worker(community_id: int, user: User) -> User:
    """A user who may work requests of the community: staff of its company in a working role."""
    company_id = Community.objects.filter(pk=community_id).values_list("company_id", flat=True).first()
    ok = company_id is not None and user.is_active and user.memberships.filter(
        organization_id=company_id, role__in=WORK_ROLES, active=True).exists()
    if not ok:
        raise ValidationFailed(fields={"assignee": [_("处理人必须是本小区物业企业的在职员工。")]})
    return user


def _fmt(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


# Categories, calendars, policies, teams ------------------------------------------------------

def categories_ensure(*, community: Community) -> int:
    """Give a community the default categories it lacks (a new community, or one from before this
    app): its Open311 service list is never empty. Returns how many were added."""
    have = set(Category.objects.filter(community=community).values_list("name", flat=True))
    missing = [Category(community=community, name=name, kinds=[str(k) for k in kinds], position=i)
               for i, (name, kinds) in enumerate(DEFAULT_CATEGORIES) if name not in have]
    Category.objects.bulk_create(missing)
    return len(missing)


def _check_kinds(kinds) -> list[str]:
    kinds = list(kinds or [])
    bad = [k for k in kinds if k not in Kind.values]
    if bad:
        raise ValidationFailed(fields={"kinds": [_("未知的类型：%(kinds)s。") % {"kinds": "、".join(map(str, bad))}]})
    return kinds


def category_create(*, actor: Actor, community: Community, name: str, kinds=(), **fields) -> Category:
    actor.require("servicedesk.configure", community)
    return record_create(actor=actor, instance=Category(community=community, name=name.strip(),
                                                        kinds=_check_kinds(kinds), **fields),
                         action="service_category.create")


def category_update(*, actor: Actor, category: Category, changes: dict) -> Category:
    actor.require("servicedesk.configure", category.community_id)
    changes.pop("community", None)
    if "kinds" in changes:
        changes["kinds"] = _check_kinds(changes["kinds"])
    return record_update(actor=actor, instance=category, changes=changes, action="service_category.update")


def _check_dates(values, field) -> list[str]:
    result = []
    for value in values or []:
        try:
            result.append(dt.date.fromisoformat(str(value)).isoformat())
        except ValueError:
            raise ValidationFailed(fields={field: [_("日期格式应为 YYYY-MM-DD。")]}) from None
    return result


CALENDAR_FIELDS = ("weekdays", "opens_at", "closes_at", "holidays", "workdays")


def _check_calendar(values: dict) -> dict:
    """The calendar's fields checked, with the dates in one form (YYYY-MM-DD)."""
    if not values["weekdays"] or set(values["weekdays"]) - set("1234567"):
        raise ValidationFailed(fields={"weekdays": [_("工作日请用 1–7 的数字表示，如 12345。")]})
    if values["closes_at"] <= values["opens_at"]:
        raise ValidationFailed(fields={"closes_at": [_("下班时间必须晚于上班时间。")]})
    return {**values, "holidays": _check_dates(values["holidays"], "holidays"),
            "workdays": _check_dates(values["workdays"], "workdays")}


def calendar_create(*, actor: Actor, community: Community, name: str, opens_at, closes_at, weekdays: str = "12345",
                    holidays=(), workdays=()) -> BusinessCalendar:
    actor.require("servicedesk.configure", community)
    values = _check_calendar({"weekdays": weekdays, "opens_at": opens_at, "closes_at": closes_at,
                              "holidays": holidays, "workdays": workdays})
    return record_create(actor=actor, instance=BusinessCalendar(community=community, name=name, **values),
                         action="business_calendar.create")


def calendar_update(*, actor: Actor, business_calendar: BusinessCalendar, changes: dict) -> BusinessCalendar:
    actor.require("servicedesk.configure", business_calendar.community_id)
    changes.pop("community", None)
    merged = {name: changes.get(name, getattr(business_calendar, name)) for name in CALENDAR_FIELDS}
    checked = _check_calendar(merged)
    changes.update({name: checked[name] for name in CALENDAR_FIELDS if name in changes})
    return record_update(actor=actor, instance=business_calendar, changes=changes, action="business_calendar.update")


def _same_community(community_id: int, **refs) -> None:
    for field, obj in refs.items():
        if obj is not None and obj.community_id != community_id:
            raise ValidationFailed(fields={field: [_("必须属于同一个小区。")]})


def sla_policy_create(*, actor: Actor, community: Community, kind: str, priority: str, accept_minutes: int,
                      resolve_hours: int, calendar: BusinessCalendar | None = None) -> SlaPolicy:
    actor.require("servicedesk.configure", community)
    _same_community(community.pk, calendar=calendar)
    if SlaPolicy.objects.filter(community=community, kind=kind, priority=priority).exists():
        raise Conflict(_("该小区已有这一类型和优先级的时限标准，请修改它。"), code="duplicate")
    return record_create(actor=actor, action="sla_policy.create", instance=SlaPolicy(
        community=community, kind=kind, priority=priority, accept_minutes=accept_minutes,
        resolve_hours=resolve_hours, calendar=calendar))


def sla_policy_update(*, actor: Actor, sla_policy: SlaPolicy, changes: dict) -> SlaPolicy:
    """A changed policy applies to requests filed from now on: a promise made is kept as made."""
    actor.require("servicedesk.configure", sla_policy.community_id)
    changes.pop("community", None)
    _same_community(sla_policy.community_id, calendar=changes.get("calendar"))
    return record_update(actor=actor, instance=sla_policy, changes=changes, action="sla_policy.update")


def _team_members(team: Team, members) -> None:
    for user in members:
        _worker(team.community_id, user)
    keep = {u.pk for u in members}
    TeamMember.objects.filter(team=team).exclude(user_id__in=keep).delete()
    have = set(TeamMember.objects.filter(team=team).values_list("user_id", flat=True))
    TeamMember.objects.bulk_create([TeamMember(team=team, user_id=pk) for pk in keep - have])


def team_create(*, actor: Actor, community: Community, name: str, members=(), categories=()) -> Team:
    actor.require("servicedesk.configure", community)
    for category in categories:
        _same_community(community.pk, categories=category)
    with transaction.atomic():
        team = record_create(actor=actor, instance=Team(community=community, name=name.strip()),
                             action="team.create", data={"name": name, "members": [u.pk for u in members]})
        _team_members(team, list(members))
        team.categories.set(categories)
    return team


def team_update(*, actor: Actor, team: Team, changes: dict) -> Team:
    actor.require("servicedesk.configure", team.community_id)
    changes.pop("community", None)
    members, categories = changes.pop("members", None), changes.pop("categories", None)
    for category in categories or []:
        _same_community(team.community_id, categories=category)
    with transaction.atomic():
        team = record_update(actor=actor, instance=team, changes=changes, action="team.update")
        if members is not None:
            _team_members(team, list(members))
        if categories is not None:
            team.categories.set(categories)
        if members is not None or categories is not None:
            audit_record(actor=actor, action="team.members", target=team, community_id=team.community_id,
                         data={"members": [u.pk for u in members or []], "categories": [c.pk for c in categories or []]})
    return team


# Filing ----------------------------------------------------------------------------------

def _check_photo(photo) -> str:
    return CONTENT_TYPES[check_upload(photo, field="photos", what=_("照片"), kinds=IMAGES)]


def _save_photos(actor: Actor, request: ServiceRequest, photos, stage: str) -> None:
    photos = list(photos or [])
    checked = [(photo, _check_photo(photo)) for photo in photos]
    if request.photos.count() + len(checked) > PHOTOS_PER_REQUEST:
        message = _("每张工单最多 %(n)s 张照片。") % {"n": PHOTOS_PER_REQUEST}
        raise ValidationFailed(message, fields={"photos": [message]})
    for photo, content_type in checked:
        extension = content_type.split("/")[1].replace("jpeg", "jpg")
        photo.name = f"{secrets.token_hex(8)}.{extension}"
        RequestPhoto.objects.create(request=request, image=photo, content_type=content_type, size=photo.size,
                                    stage=stage, uploaded_by=_user(actor))


def _filing_channel(actor: Actor, community: Community, channel: str | None) -> str:
    """Who may file here, and through which channel: staff take any; a regulator's request is a
    hotline request; an owner files their own."""
    if actor.is_admin:
        return channel or Channel.PHONE
    if actor.can("servicedesk.file", community):
        if channel == Channel.HOTLINE:
            raise ValidationFailed(fields={"channel": [_("热线工单由监管部门转办。")]})
        if channel == Channel.OWNER:
            raise ValidationFailed(fields={"channel": [_("业主自助的工单由业主本人提交。")]})
        return channel or Channel.PHONE
    if actor.can("servicedesk.hotline", community):
        return Channel.HOTLINE
    if community.pk in actor.resident_community_ids:
        return Channel.OWNER
    raise PermissionDenied()


def _hotline_office(actor: Actor, community: Community):
    if not actor.jurisdiction_ids:
        return None
    from linli.orgs.selectors import organization_ancestor_ids

    chain = organization_ancestor_ids({community.residents_committee_id} - {None})
    return next((m.organization for m in actor.memberships
                 if m.role == Role.REGULATOR and m.organization_id in chain), None)


def _category(community: Community, kind: str, category) -> Category | None:
    if category is None or category == "":
        return None
    if isinstance(category, Category):
        found = category if category.community_id == community.pk else None
    else:
        found = Category.objects.filter(community=community, name=str(category).strip(), active=True).first()
    if found is None:
        raise ValidationFailed(fields={"category": [_("该小区没有这个分类。")]})
    if kind not in found.kind_values():
        raise ValidationFailed(fields={"category": [_("分类“%(name)s”不用于%(kind)s。")
                                                    % {"name": found.name, "kind": Kind(kind).label}]})
    return found


def _find_repeat(request: ServiceRequest) -> ServiceRequest | None:
    """The latest earlier complaint about the same matter by the same unit or requester within
    30 days (篇一 7.2), or None."""
    if request.kind != Kind.COMPLAINT:
        return None
    who = Q()
    if request.unit_id:
        who |= Q(unit_id=request.unit_id)
    if request.requester_id:
        who |= Q(requester_id=request.requester_id)
    if request.requester_phone:
        who |= Q(requester_phone=request.requester_phone)
    if not who:
        return None
    since = timezone.now() - REPEAT_WINDOW
    earlier = (ServiceRequest.objects.filter(who, community_id=request.community_id, kind=Kind.COMPLAINT,
                                             created_at__gte=since).order_by("-created_at", "-id")[:50])
    return next((e for e in earlier if matching.same_matter(request, e)), None)


def _route_team(community: Community, category: Category | None) -> Team | None:
    if category is None:
        return None
    return Team.objects.filter(community=community, categories=category).order_by("id").first()


def request_create(*, actor: Actor, community: Community, kind: str, title: str = "", description: str = "",
                   unit: Unit | None = None, zone: Zone | None = None, location: str = "", channel: str | None = None,
                   priority: str = Priority.NORMAL, category=None, requester_name: str = "",
                   requester_phone: str = "", photos=(), audit_data: dict | None = None) -> ServiceRequest:
    """File a request: route it, check it against earlier complaints, set its deadlines, and
    tell the requester when to expect an answer."""
    channel = _filing_channel(actor, community, channel)
    _same_community(community.pk, unit=unit, zone=zone)
    if channel == Channel.OWNER and not actor.is_admin and unit is not None and unit.pk not in actor.own_unit_ids:
        raise ValidationFailed(fields={"unit": [_("只能为自己的房屋报事。")]})
    description, location = (description or "").strip(), (location or "").strip()
    title = (title or "").strip() or description[:30]
    _require_text(title, "title", _("请填写标题或描述。"))
    if unit is None and not location and zone is None:
        raise ValidationFailed(_("请选择房屋，或填写公共区域的位置。"), fields={"location": [_("请填写位置。")]})
    if kind not in Kind.values:
        raise ValidationFailed(fields={"kind": [_("未知的类型。")]})
    if priority not in Priority.values:
        raise ValidationFailed(fields={"priority": [_("未知的优先级。")]})
    category = _category(community, kind, category)
    user = _user(actor)
    request = ServiceRequest(
        community=community, company_id=community.company_id, kind=kind, category=category, title=title,
        description=description, unit=unit, zone=zone or (unit.building.zone if unit else None),
        location=location or (str(unit) if unit else ""), channel=channel, priority=priority,
        requester=user if channel == Channel.OWNER else None,
        requester_name=(requester_name or "").strip() or (str(user) if channel == Channel.OWNER and user else ""),
        requester_phone=(requester_phone or "").strip() or (user.phone if channel == Channel.OWNER and user else ""),
        created_by=user, team=_route_team(community, category),
        hotline_office=_hotline_office(actor, community) if channel == Channel.HOTLINE else None,
    )
    repeat_of = _find_repeat(request)
    if repeat_of is not None:
        request.repeat_of, request.priority, request.escalated = repeat_of, Priority.URGENT, True
    full_clean_or_fail(request, exclude=["respond_by", "resolve_by", "token"])
    with transaction.atomic():
        request.created_at = timezone.now()
        _set_deadlines(request)
        request.save()
        _save_photos(actor, request, photos, RequestPhoto.Stage.REPORT)
        _event(actor, request, RequestEvent.Kind.CREATE, request.get_channel_display(), at=request.created_at)
        if repeat_of is not None:
            _event(actor, request, RequestEvent.Kind.ESCALATE,
                   _("30 天内就同一事项再次投诉（首次为 #%(id)s），已升级为紧急并报经理。") % {"id": repeat_of.pk})
        audit_record(actor=actor, action="service_request.create", target=request, community_id=community.pk,
                     data={"kind": kind, "channel": channel, "priority": request.priority,
                           "repeat_of": getattr(repeat_of, "pk", None), **(audit_data or {})})
    transaction.on_commit(lambda: _announce_new(request))
    return request


def _announce_new(request: ServiceRequest) -> None:
    """The automatic reply to the requester (with the expected times) and the dispatchers' notice."""
    url = request_url(request)
    reply = _("您的%(kind)s“%(title)s”（工单号 %(id)s）已登记，我们将在 %(respond)s 前受理，%(resolve)s 前办结。") % {
        "kind": request.get_kind_display(), "title": request.title, "id": request.pk,
        "respond": _fmt(request.respond_by), "resolve": _fmt(request.resolve_by)}
    if request.requester is not None:
        notify_users([request.requester], title=_("工单已登记"), body=reply, url=url)
    notify_phone(request.requester_phone, _("【邻里】") + reply)
    _notify_staff(request.community_id, {Role.DISPATCHER, Role.MANAGER}, title=_("新工单 #%(id)s") % {"id": request.pk},
                  body=f"{request.get_kind_display()} · {request.title} · {request.location}", url=url)
    if request.escalated:
        _notify_staff(request.community_id, {Role.MANAGER}, sms=True,
                      title=_("重复投诉 #%(id)s") % {"id": request.pk},
                      body=_("%(where)s 30 天内再次投诉同一事项：%(title)s") % {"where": request.location,
                                                                              "title": request.title}, url=url)


def request_update(*, actor: Actor, service_request: ServiceRequest, changes: dict) -> ServiceRequest:
    """A dispatcher corrects the classification; a new kind or priority moves the deadlines."""
    actor.require("servicedesk.dispatch", service_request.community_id)
    allowed = {"kind", "category", "priority", "title", "description", "location", "zone"}
    changes = {k: v for k, v in changes.items() if k in allowed}
    with transaction.atomic():
        request = _locked(service_request)
        _require_status(request, OPEN_STATUSES)
        if "category" in changes:
            changes["category"] = _category(request.community, changes.get("kind", request.kind), changes["category"])
        _same_community(request.community_id, zone=changes.get("zone"))
        request = record_update(actor=actor, instance=request, changes=changes, action="service_request.update")
        if {"kind", "priority"} & set(changes):
            _set_deadlines(request)
            request.save(update_fields=["respond_by", "resolve_by", "updated_at"])
        _event(actor, request, RequestEvent.Kind.UPDATE, "", public=False)
    return request


def request_photo_add(*, actor: Actor, service_request: ServiceRequest, photos, stage: str = RequestPhoto.Stage.REPORT):
    if not (is_requester(actor, service_request) or _may_work(actor, service_request) or actor.is_admin):
        raise PermissionDenied()
    photos = list(photos)
    with transaction.atomic():
        request = _locked(service_request)
        _save_photos(actor, request, photos, stage)
        audit_record(actor=actor, action="service_request.photos", target=request,
                     community_id=request.community_id, data={"count": len(photos), "stage": stage})
    return request


# Lifecycle -------------------------------------------------------------------------------

def request_accept(*, actor: Actor, service_request: ServiceRequest) -> ServiceRequest:
    actor.require("servicedesk.dispatch", service_request.community_id)
    with transaction.atomic():
        request = _locked(service_request)
        _require_status(request, [Status.NEW])
        request.status, request.accepted_at = Status.ACCEPTED, timezone.now()
        _event(actor, request, RequestEvent.Kind.ACCEPT, _("物业已受理。"))
        _save(actor, request, "accept", ["status", "accepted_at"])
    return request


def _give(actor: Actor, request: ServiceRequest, assignee: User, kind: str, text: str = "") -> None:
    now = timezone.now()
    request.assignee, request.status = assignee, Status.ASSIGNED
    request.accepted_at = request.accepted_at or now
    _event(actor, request, kind, text or _("已派给 %(name)s 处理。") % {"name": assignee})
    url = request_url(request)
    if assignee.pk != getattr(_user(actor), "pk", None):
        transaction.on_commit(lambda: notify_users([assignee], sms=request.priority == Priority.URGENT,
                                        title=_("新派单 #%(id)s") % {"id": request.pk},
                                        body=f"{request.title} · {request.location} · "
                                             + _("办结时限 %(t)s") % {"t": _fmt(request.resolve_by)}, url=url))


def request_assign(*, actor: Actor, service_request: ServiceRequest, assignee: User) -> ServiceRequest:
    actor.require("servicedesk.dispatch", service_request.community_id)
    _worker(service_request.community_id, assignee)
    with transaction.atomic():
        request = _locked(service_request)
        _require_status(request, [Status.NEW, Status.ACCEPTED, Status.ASSIGNED])
        _give(actor, request, assignee, RequestEvent.Kind.ASSIGN)
        _save(actor, request, "assign", ["assignee", "status", "accepted_at"], {"assignee": assignee.pk})
    return request


def request_grab(*, actor: Actor, service_request: ServiceRequest) -> ServiceRequest:
    """抢单: a worker takes an unassigned job of their team's pool. The row lock makes it first
    come, first served: the second taker finds it taken."""
    actor.require("servicedesk.work", service_request.community_id)
    with transaction.atomic():
        request = _locked(service_request)
        if request.assignee_id is not None:
            raise Conflict(_("该工单已被 %(name)s 接单。") % {"name": request.assignee}, code="taken")
        _require_status(request, [Status.NEW, Status.ACCEPTED])
        if not TeamMember.objects.filter(team_id=request.team_id, user=actor.user).exists():
            raise PermissionDenied(_("只能抢本班组抢单池里的工单。"))
        _give(actor, request, actor.user, RequestEvent.Kind.GRAB, _("%(name)s 已接单。") % {"name": actor.user})
        _save(actor, request, "grab", ["assignee", "status", "accepted_at"], {"assignee": actor.user.pk})
    return request


def request_round_robin(*, actor: Actor, service_request: ServiceRequest, team: Team) -> ServiceRequest:
    """Give the job to the team member who has waited longest since their last one."""
    actor.require("servicedesk.dispatch", service_request.community_id)
    _same_community(service_request.community_id, team=team)
    with transaction.atomic():
        member = (TeamMember.objects.select_for_update().select_related("user")
                  .filter(team=team, user__is_active=True)
                  .order_by(F("last_assigned_at").asc(nulls_first=True), "id").first())
        if member is None:
            raise ValidationFailed(fields={"team": [_("该班组还没有成员。")]})
        request = _locked(service_request)
        _require_status(request, [Status.NEW, Status.ACCEPTED, Status.ASSIGNED])
        request.team = team
        _give(actor, request, member.user, RequestEvent.Kind.ASSIGN,
              _("按%(team)s轮派给 %(name)s。") % {"team": team.name, "name": member.user})
        member.last_assigned_at = timezone.now()
        member.save(update_fields=["last_assigned_at"])
        _save(actor, request, "round_robin", ["assignee", "status", "accepted_at", "team"],
              {"assignee": member.user_id, "team": team.pk})
    return request


def request_start(*, actor: Actor, service_request: ServiceRequest) -> ServiceRequest:
    with transaction.atomic():
        request = _locked(service_request)
        if not _may_work(actor, request):
            raise PermissionDenied()
        _require_status(request, [Status.ASSIGNED])
        request.status = Status.IN_PROGRESS
        _event(actor, request, RequestEvent.Kind.START, _("维修人员已开始处理。"))
        _save(actor, request, "start", ["status"])
    return request


def request_hold(*, actor: Actor, service_request: ServiceRequest, reason: str) -> ServiceRequest:
    """Waiting for parts or for the owner: the clock stops until the job resumes."""
    reason = _require_text(reason, "reason", _("请说明暂停原因。"))
    with transaction.atomic():
        request = _locked(service_request)
        if not _may_work(actor, request):
            raise PermissionDenied()
        _require_status(request, [Status.ASSIGNED, Status.IN_PROGRESS])
        request.status, request.hold_started_at = Status.ON_HOLD, timezone.now()
        _event(actor, request, RequestEvent.Kind.HOLD, reason)
        _save(actor, request, "hold", ["status", "hold_started_at"], {"reason": reason})
    return request


def request_resume(*, actor: Actor, service_request: ServiceRequest, text: str = "") -> ServiceRequest:
    with transaction.atomic():
        request = _locked(service_request)
        if not _may_work(actor, request):
            raise PermissionDenied()
        _require_status(request, [Status.ON_HOLD])
        _end_hold(request, timezone.now())
        request.status = Status.IN_PROGRESS
        _event(actor, request, RequestEvent.Kind.RESUME, _text(text, "text") or _("恢复处理。"))
        _save(actor, request, "resume", ["status", "hold_started_at", "hold_seconds", "resolve_by"],
              {"resolve_by": request.resolve_by})
    return request


def request_transfer(*, actor: Actor, service_request: ServiceRequest, reason: str, assignee: User | None = None,
                     team: Team | None = None) -> ServiceRequest:
    """转派: to another person or team, with the reason on record."""
    actor.require("servicedesk.dispatch", service_request.community_id)
    reason = _require_text(reason, "reason", _("请说明转派原因。"))
    if assignee is None and team is None:
        raise ValidationFailed(fields={"assignee": [_("请选择新的处理人或班组。")]})
    if assignee is not None:
        _worker(service_request.community_id, assignee)
    _same_community(service_request.community_id, team=team)
    with transaction.atomic():
        request = _locked(service_request)
        _require_status(request, [Status.NEW, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS])
        request.team = team or request.team
        if assignee is not None:
            _give(actor, request, assignee, RequestEvent.Kind.TRANSFER,
                  _("转派给 %(name)s：%(reason)s") % {"name": assignee, "reason": reason})
        else:
            request.assignee, request.status = None, Status.ACCEPTED
            request.accepted_at = request.accepted_at or timezone.now()
            _event(actor, request, RequestEvent.Kind.TRANSFER,
                   _("转交%(team)s：%(reason)s") % {"team": team.name, "reason": reason})
        _save(actor, request, "transfer", ["assignee", "team", "status", "accepted_at"],
              {"assignee": getattr(assignee, "pk", None), "team": getattr(team, "pk", None), "reason": reason})
    return request


def request_return(*, actor: Actor, service_request: ServiceRequest, reason: str) -> ServiceRequest:
    """退单: the assignee hands the job back to dispatch, saying why."""
    reason = _require_text(reason, "reason", _("请说明退单原因。"))
    with transaction.atomic():
        request = _locked(service_request)
        if not _is_assignee(actor, request):
            raise PermissionDenied(_("只有处理人可以退单。"))
        _require_status(request, [Status.ASSIGNED, Status.IN_PROGRESS])
        request.assignee, request.status = None, Status.ACCEPTED
        _event(actor, request, RequestEvent.Kind.RETURN, reason, public=False)
        _save(actor, request, "return", ["assignee", "status"], {"reason": reason})
    transaction.on_commit(lambda: _notify_staff(request.community_id, {Role.DISPATCHER}, url=request_url(request),
                                     title=_("退单 #%(id)s") % {"id": request.pk}, body=reason))
    return request


def request_note(*, actor: Actor, service_request: ServiceRequest, text: str, public: bool = True) -> RequestEvent:
    """A progress note by staff (public ones are the day's reply to the requester), or a message
    from the requester."""
    text = _require_text(text, "text", _("请填写内容。"))
    staff = actor.is_admin or service_request.community_id in actor.staff_community_ids
    if not staff and not is_requester(actor, service_request):
        raise PermissionDenied()
    kind = RequestEvent.Kind.NOTE if staff else RequestEvent.Kind.MESSAGE
    with transaction.atomic():
        request = _locked(service_request)
        event = _event(actor, request, kind, text, public=public or not staff)
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
    text = _require_text(text, "text", _("请填写处理结果。"))
    with transaction.atomic():
        request = _locked(service_request)
        if not _may_work(actor, request):
            raise PermissionDenied()
        _require_status(request, OPEN_STATUSES)
        now = timezone.now()
        if request.status == Status.ON_HOLD:
            _end_hold(request, now)
        request.status, request.resolved_at = Status.RESOLVED, now
        request.accepted_at = request.accepted_at or now
        _save_photos(actor, request, photos, RequestPhoto.Stage.RESOLVE)
        _event(actor, request, RequestEvent.Kind.RESOLVE, text)
        _save(actor, request, "resolve", ["status", "resolved_at", "accepted_at", "hold_started_at", "hold_seconds",
                                          "resolve_by"], {"on_time": now <= request.resolve_by})
    if request.requester_id:
        transaction.on_commit(lambda: notify_users(
            [request.requester], title=_("工单 #%(id)s 已办结") % {"id": request.pk},
            body=_("%(text)s 请确认并评价；%(days)s 天内未确认将自动关闭。") % {"text": text, "days": auto_close_days()},
            url=request_url(request)))
    return request


def request_confirm(*, actor: Actor, service_request: ServiceRequest, rating: int, comment: str = "") -> ServiceRequest:
    """The requester confirms the work and rates it 1–5 (staff may record a caller's answer)."""
    if not (is_requester(actor, service_request) or actor.can("servicedesk.dispatch", service_request.community_id)):
        raise PermissionDenied()
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationFailed(fields={"rating": [_("评分为 1 到 5。")]})
    with transaction.atomic():
        request = _locked(service_request)
        _require_status(request, [Status.RESOLVED])
        request.status, request.closed_at = Status.CLOSED, timezone.now()
        request.rating, request.rating_comment = rating, (comment or "").strip()[:300]
        _event(actor, request, RequestEvent.Kind.CLOSE,
               _("确认办结，评价 %(n)s 星。%(comment)s") % {"n": rating, "comment": request.rating_comment})
        _save(actor, request, "confirm", ["status", "closed_at", "rating", "rating_comment"], {"rating": rating})
    return request


def request_reopen(*, actor: Actor, service_request: ServiceRequest, reason: str) -> ServiceRequest:
    """Not fixed after all: back to work, to the same person if there was one. The original
    deadline stands, so a reopened job usually shows as overdue in the daily review."""
    if not (is_requester(actor, service_request) or actor.can("servicedesk.dispatch", service_request.community_id)):
        raise PermissionDenied()
    reason = _require_text(reason, "reason", _("请说明重新打开的原因。"))
    with transaction.atomic():
        request = _locked(service_request)
        _require_status(request, DONE_STATUSES)
        if request.resolved_at and timezone.now() - request.resolved_at > REOPEN_WINDOW:
            raise Conflict(_("办结已超过 30 天，请新建工单。"), code="too_late")
        request.status = Status.ASSIGNED if request.assignee_id else Status.ACCEPTED
        request.resolved_at = request.closed_at = request.rating = None
        request.rating_comment = ""
        request.reopen_count += 1
        _event(actor, request, RequestEvent.Kind.REOPEN, reason)
        _save(actor, request, "reopen", ["status", "resolved_at", "closed_at", "rating", "rating_comment",
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
        request = _locked(service_request)
        _require_status(request, OPEN_STATUSES, _("只能督办未办结的工单。"))
        request.urge_count += 1
        request.last_urged_at = timezone.now()
        text = _text(text, "text") or _("请尽快办理。")
        _event(actor, request, RequestEvent.Kind.URGE, _("第 %(n)s 次督办：%(text)s") % {"n": request.urge_count,
                                                                                  "text": text})
        _save(actor, request, "urge", ["urge_count", "last_urged_at"], {"text": text})
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
        request = _locked(service_request)
        _require_status(request, DONE_STATUSES, _("工单办结后才能回访。"))
        request.satisfaction, request.visited_at = satisfaction, timezone.now()
        label = ServiceRequest.Satisfaction(satisfaction).label
        _event(actor, request, RequestEvent.Kind.VISIT, f"{label}。{_text(text, 'text')}")
        _save(actor, request, "visit", ["satisfaction", "visited_at"], {"satisfaction": satisfaction})
    if satisfaction == ServiceRequest.Satisfaction.UNSATISFIED:
        transaction.on_commit(lambda: _notify_staff(request.community_id, {Role.MANAGER}, url=request_url(request),
                                         title=_("回访不满意 #%(id)s") % {"id": request.pk}, body=text or label))
    return request


# Scheduled work ----------------------------------------------------------------------------

def _warning_lead(created_at, deadline) -> dt.timedelta:
    """Warn a quarter of the allowed time before the deadline, an hour at most."""
    return min(dt.timedelta(hours=1), (deadline - created_at) / 4)


def sla_scan(*, now: dt.datetime | None = None) -> dict:
    """Record, once each, warnings before deadlines and breaches of them, and tell who must act.
    Requests on hold are skipped: their clock is stopped."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(hours=1)
    counts = {"warnings": 0, "breaches": 0}
    candidates = [
        (SlaAlert.Target.ACCEPT, "respond_by", ServiceRequest.objects.filter(accepted_at__isnull=True,
                                                                             status=Status.NEW)),
        (SlaAlert.Target.RESOLVE, "resolve_by", ServiceRequest.objects.filter(resolved_at__isnull=True)
         .exclude(status=Status.ON_HOLD)),
    ]
    for target, field, queryset in candidates:
        recorded = SlaAlert.objects.filter(request=OuterRef("pk"), target=target, deadline=OuterRef(field))
        # A breach is recorded once: requests long overdue must not be looked at on every scan.
        due = (queryset.filter(**{f"{field}__lt": horizon})
               .annotate(warned=Exists(recorded.filter(level=SlaAlert.Level.WARNING)))
               .filter(~Exists(recorded.filter(level=SlaAlert.Level.BREACH))).select_related("assignee"))
        for request in due:
            deadline = getattr(request, field)
            if deadline <= now:
                level = SlaAlert.Level.BREACH
            elif not request.warned and deadline - _warning_lead(request.created_at, deadline) <= now:
                level = SlaAlert.Level.WARNING
            else:
                continue
            try:
                with transaction.atomic():
                    SlaAlert.objects.create(request=request, community_id=request.community_id, target=target,
                                            level=level, deadline=deadline, recorded_at=now)
                    audit_record(actor=SystemActor(), action=f"service_request.sla_{level}", target=request,
                                 community_id=request.community_id, data={"target": target, "deadline": deadline})
            except IntegrityError:
                continue  # recorded by an earlier scan
            counts["warnings" if level == SlaAlert.Level.WARNING else "breaches"] += 1
            _alert(request, target, level, deadline)
    return counts


def _alert(request: ServiceRequest, target: str, level: str, deadline: dt.datetime) -> None:
    what = SlaAlert.Target(target).label
    if level == SlaAlert.Level.WARNING:
        title = _("即将超时 #%(id)s") % {"id": request.pk}
        body = _("%(title)s 须在 %(t)s 前%(what)s。") % {"title": request.title, "t": _fmt(deadline), "what": what}
    else:
        title = _("已超时 #%(id)s") % {"id": request.pk}
        body = _("%(title)s 未在 %(t)s 前%(what)s。") % {"title": request.title, "t": _fmt(deadline), "what": what}
    roles = {Role.DISPATCHER} if level == SlaAlert.Level.WARNING else {Role.DISPATCHER, Role.MANAGER}
    recipients = ([request.assignee] if request.assignee_id else []) + company_staff(request.community_id, roles)
    transaction.on_commit(lambda: notify_users(recipients, title=title, body=body, url=request_url(request)))


def requests_auto_close(*, now: dt.datetime | None = None) -> int:
    """Resolved requests the requester has not confirmed within N days close by themselves."""
    now = now or timezone.now()
    due = ServiceRequest.objects.filter(status=Status.RESOLVED,
                                        resolved_at__lt=now - dt.timedelta(days=auto_close_days()))
    closed = 0
    for request in due.only("pk"):
        with transaction.atomic():
            request = _locked(request)
            if request.status != Status.RESOLVED:
                continue
            request.status, request.closed_at = Status.CLOSED, now
            _event(SystemActor(), request, RequestEvent.Kind.CLOSE,
                   _("办结后 %(n)s 天未确认，系统自动关闭。") % {"n": auto_close_days()}, at=now)
            _save(SystemActor(), request, "auto_close", ["status", "closed_at"])
            closed += 1
    return closed


def daily_review_keep(*, community: Community, date: dt.date, now: dt.datetime | None = None) -> DailyReview | None:
    """Keep the day's review as it stands now and send it to the managers; a day is kept once."""
    from .selectors import daily_review_compute
    now = now or timezone.now()
    if DailyReview.objects.filter(community=community, date=date).exists():
        return None
    data = daily_review_compute(community_id=community.pk, date=date)
    try:
        with transaction.atomic():
            review = DailyReview.objects.create(community=community, date=date, data=data, kept_at=now)
            audit_record(actor=SystemActor(), action="daily_review.keep", target=review, community_id=community.pk,
                         data={k: (len(v) if isinstance(v, list) else v) for k, v in data.items()})
    except IntegrityError:
        return None  # another worker kept it first
    url = reverse("servicedesk:daily_review", args=[community.pk]) + f"?date={date.isoformat()}"
    body = _("新增 %(new)s，办结 %(resolved)s，未办结 %(open)s；超时 %(overdue)s，受理超时 %(late)s，"
             "今日未跟进 %(no_note)s，重新打开 %(reopened)s，重复投诉 %(repeats)s。") % {
        "new": data["new"], "resolved": data["resolved"], "open": data["open"], "overdue": len(data["overdue"]),
        "late": len(data["late_accept"]), "no_note": len(data["no_note_today"]),
        "reopened": len(data["reopened"]), "repeats": len(data["repeats"])}
    title = _("%(community)s %(date)s 日清日审") % {"community": community.name, "date": date.isoformat()}
    transaction.on_commit(lambda: _notify_staff(community.pk, {Role.MANAGER}, title=title, body=body, url=url))
    return review


def review_time() -> dt.time:
    hour, minute = getattr(settings, "LINLI_DAILY_REVIEW_AT", "17:30").split(":")
    return dt.time(int(hour), int(minute))


def daily_reviews_keep_due(*, now: dt.datetime | None = None) -> int:
    """Keep today's review of every community once the configured hour has passed (and any day
    missed while no consumer ran is left to on-demand computation)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.time() < review_time():
        return 0
    kept = 0
    for community in Community.objects.exclude(daily_reviews__date=local.date()):
        kept += daily_review_keep(community=community, date=local.date(), now=now) is not None
    return kept


# Inbox and Open311 keys ---------------------------------------------------------------------

def inbox_mark_read(*, actor: Actor, message) -> None:
    if not actor.is_authenticated or message.user_id != actor.user.pk:
        raise NotFound()
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])


def inbox_mark_all_read(*, actor: Actor) -> int:
    from linli.core.models import InboxMessage

    return InboxMessage.objects.filter(user=actor.user, read_at__isnull=True).update(read_at=timezone.now())


def open311_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def open311_key_create(*, actor: Actor, name: str) -> tuple[Open311Key, str]:
    """A new key for an Open311 client; the key itself is returned once and only its hash kept."""
    if not actor.is_admin:
        raise PermissionDenied()
    key = secrets.token_urlsafe(24)
    instance = record_create(actor=actor, instance=Open311Key(name=name.strip(), key_hash=open311_key_hash(key)),
                             action="open311_key.create", data={"name": name})
    return instance, key


def open311_key_revoke(*, actor: Actor, name: str) -> Open311Key:
    if not actor.is_admin:
        raise PermissionDenied()
    key = Open311Key.objects.filter(name=name).first()
    if key is None:
        raise NotFound()
    return record_update(actor=actor, instance=key, changes={"active": False}, action="open311_key.revoke")
