"""Filing a request (by staff, a regulator's hotline or an owner), correcting its
classification, and adding photos: routing, the repeat-complaint check and the deadlines."""

import datetime as dt
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.notify import notify_phone, notify_users
from linli.core.sentences import word
from linli.core.services import full_clean_or_fail, record_update, same_community
from linli.core.tenancy import Actor
from linli.core.uploads import check_photo
from linli.estates.models import Community, Unit, Zone
from linli.orgs.models import Role

from .. import matching
from ..models import (
    OPEN_STATUSES,
    Category,
    Channel,
    Kind,
    Priority,
    RequestEvent,
    RequestPhoto,
    ServiceRequest,
    Team,
)
from .common import (
    actor_user,
    add_event,
    fmt_time,
    is_requester,
    locked,
    may_work,
    notify_staff,
    request_url,
    require_status,
    require_text,
    set_deadlines,
)

REPEAT_WINDOW = dt.timedelta(days=30)
PHOTOS_PER_REQUEST = 9


def save_photos(actor: Actor, request: ServiceRequest, photos, stage: str) -> None:
    photos = list(photos or [])
    checked = [(photo, check_photo(photo)) for photo in photos]
    if request.photos.count() + len(checked) > PHOTOS_PER_REQUEST:
        message = _("每张工单最多 %(n)s 张照片。") % {"n": PHOTOS_PER_REQUEST}
        raise ValidationFailed(message, fields={"photos": [message]})
    for photo, content_type in checked:
        extension = content_type.split("/")[1].replace("jpeg", "jpg")
        photo.name = f"{secrets.token_hex(8)}.{extension}"
        RequestPhoto.objects.create(request=request, image=photo, content_type=content_type, size=photo.size,
                                    stage=stage, uploaded_by=actor_user(actor))


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
    same_community(community.pk, unit=unit, zone=zone)
    if channel == Channel.OWNER and not actor.is_admin and unit is not None and unit.pk not in actor.own_unit_ids:
        raise ValidationFailed(fields={"unit": [_("只能为自己的房屋报事。")]})
    description, location = (description or "").strip(), (location or "").strip()
    title = (title or "").strip() or description[:30]
    require_text(title, "title", _("请填写标题或描述。"))
    if unit is None and not location and zone is None:
        raise ValidationFailed(_("请选择房屋，或填写公共区域的位置。"), fields={"location": [_("请填写位置。")]})
    if kind not in Kind.values:
        raise ValidationFailed(fields={"kind": [_("未知的类型。")]})
    if priority not in Priority.values:
        raise ValidationFailed(fields={"priority": [_("未知的优先级。")]})
    category = _category(community, kind, category)
    user = actor_user(actor)
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
        set_deadlines(request)
        request.save()
        save_photos(actor, request, photos, RequestPhoto.Stage.REPORT)
        add_event(actor, request, RequestEvent.Kind.CREATE, request.get_channel_display(), at=request.created_at)
        if repeat_of is not None:
            add_event(actor, request, RequestEvent.Kind.ESCALATE,
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
        "respond": fmt_time(request.respond_by), "resolve": fmt_time(request.resolve_by)}
    if request.requester is not None:
        notify_users([request.requester], key="servicedesk.filed", url=url, params={
            "kind": word(Kind(request.kind).label), "title": request.title, "id": request.pk,
            "respond": fmt_time(request.respond_by), "resolve": fmt_time(request.resolve_by)})
    notify_phone(request.requester_phone, _("【邻里】") + reply)
    notify_staff(request.community_id, {Role.DISPATCHER, Role.MANAGER}, title=_("新工单 #%(id)s") % {"id": request.pk},
                 body=f"{request.get_kind_display()} · {request.title} · {request.location}", url=url)
    if request.escalated:
        notify_staff(request.community_id, {Role.MANAGER}, sms=True,
                     title=_("重复投诉 #%(id)s") % {"id": request.pk},
                     body=_("%(where)s 30 天内再次投诉同一事项：%(title)s") % {"where": request.location,
                                                                              "title": request.title}, url=url)


def request_update(*, actor: Actor, service_request: ServiceRequest, changes: dict) -> ServiceRequest:
    """A dispatcher corrects the classification; a new kind or priority moves the deadlines."""
    actor.require("servicedesk.dispatch", service_request.community_id)
    allowed = {"kind", "category", "priority", "title", "description", "location", "zone"}
    changes = {k: v for k, v in changes.items() if k in allowed}
    with transaction.atomic():
        request = locked(service_request)
        require_status(request, OPEN_STATUSES)
        if "category" in changes:
            changes["category"] = _category(request.community, changes.get("kind", request.kind), changes["category"])
        same_community(request.community_id, zone=changes.get("zone"))
        request = record_update(actor=actor, instance=request, changes=changes, action="service_request.update")
        if {"kind", "priority"} & set(changes):
            set_deadlines(request)
            request.save(update_fields=["respond_by", "resolve_by", "updated_at"])
        add_event(actor, request, RequestEvent.Kind.UPDATE, "", public=False)
    return request


def request_photo_add(*, actor: Actor, service_request: ServiceRequest, photos, stage: str = RequestPhoto.Stage.REPORT):
    if not (is_requester(actor, service_request) or may_work(actor, service_request) or actor.is_admin):
        raise PermissionDenied()
    photos = list(photos)
    with transaction.atomic():
        request = locked(service_request)
        save_photos(actor, request, photos, stage)
        audit_record(actor=actor, action="service_request.photos", target=request,
                     community_id=request.community_id, data={"count": len(photos), "stage": stage})
    return request

