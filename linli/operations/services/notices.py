"""Notices to owners (公告): written as drafts, published to the community, one zone or one
building — which also drops them into the audience's inbox — and withdrawn when wrong or
outdated. Owners opening a notice mark it read."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, NotFound, ValidationFailed
from linli.core.notify import notify_users
from linli.core.services import full_clean_or_fail
from linli.core.tenancy import Actor
from linli.estates.models import Building, Community, Zone
from linli.orgs.models import User

from ..models import Notice, NoticeRead
from ..selectors.notices import audience_user_ids, is_live

CAPABILITY = "operations.manage"
CONTENT_FIELDS = {"title", "body", "audience", "zone", "building"}
EDITABLE_FIELDS = CONTENT_FIELDS | {"pinned", "expires_at"}


def _target(notice: Notice) -> None:
    """Keep only the reference the audience uses, and check it is the community's."""
    if notice.audience == Notice.Audience.COMMUNITY:
        notice.zone, notice.building = None, None
    elif notice.audience == Notice.Audience.ZONE:
        notice.building = None
        if notice.zone is None:
            raise ValidationFailed(fields={"zone": [_("请选择分区。")]})
    elif notice.audience == Notice.Audience.BUILDING:
        notice.zone = None
        if notice.building is None:
            raise ValidationFailed(fields={"building": [_("请选择楼栋。")]})
    else:
        raise ValidationFailed(fields={"audience": [_("未知的范围。")]})
    for name in ("zone", "building"):
        ref = getattr(notice, name)
        if ref is not None and ref.community_id != notice.community_id:
            raise ValidationFailed(fields={name: [_("不属于该小区。")]})
    if not (notice.title or "").strip():
        raise ValidationFailed(fields={"title": [_("请填写标题。")]})
    if not (notice.body or "").strip():
        raise ValidationFailed(fields={"body": [_("请填写正文。")]})
    if notice.expires_at is not None and notice.expires_at <= (notice.published_at or timezone.now()):
        raise ValidationFailed(fields={"expires_at": [_("下架时间必须晚于发布时间。")]})


def _save(actor: Actor, notice: Notice, action: str, data: dict | None = None) -> Notice:
    full_clean_or_fail(notice, exclude=["community", "author"])
    try:
        with transaction.atomic():
            notice.save()
            audit_record(actor=actor, action=f"notice.{action}", target=notice, community_id=notice.community_id,
                         data={"title": notice.title, "audience": notice.audience, "zone": notice.zone_id,
                               "building": notice.building_id, **(data or {})})
    except IntegrityError as exc:
        raise ValidationFailed(fields={"audience": [_("范围与分区/楼栋不一致。")]}) from exc
    return notice


def notice_create(*, actor: Actor, community: Community, title: str, body: str,
                  audience: str = Notice.Audience.COMMUNITY, zone: Zone | None = None, building: Building | None = None,
                  pinned: bool = False, expires_at: dt.datetime | None = None) -> Notice:
    """A draft: nobody but the staff sees it until it is published."""
    actor.require(CAPABILITY, community)
    notice = Notice(community=community, title=(title or "").strip(), body=(body or "").strip(), audience=audience,
                    zone=zone, building=building, pinned=pinned, expires_at=expires_at,
                    author=actor.user if actor.is_authenticated else None)
    _target(notice)
    return _save(actor, notice, "create")


def notice_update(*, actor: Actor, notice: Notice, changes: dict) -> Notice:
    """A draft changes freely; a published notice only its pinning and expiry (what owners were
    told stays what they were told — withdraw it and publish a correction)."""
    actor.require(CAPABILITY, notice.community_id)
    changes = {k: v for k, v in changes.items() if k in EDITABLE_FIELDS}
    if notice.published_at is not None and set(changes) & CONTENT_FIELDS:
        changed = {k for k in set(changes) & CONTENT_FIELDS if getattr(notice, k) != changes[k]}
        if changed:
            raise Conflict(_("已发布的公告不能修改内容，请撤回后重新发布。"), code="published")
    if not changes:
        return notice
    before = {k: getattr(notice, k) for k in changes}
    for name, value in changes.items():
        setattr(notice, name, value.strip() if isinstance(value, str) else value)
    _target(notice)
    return _save(actor, notice, "update", {"changed": sorted(k for k in changes if before[k] != changes[k])})


def notice_url(notice: Notice) -> str:
    return reverse("operations:bulletin_detail", args=[notice.pk])


def _announce(notice: Notice) -> None:
    users = User.objects.filter(id__in=audience_user_ids(notice), is_active=True)
    body = notice.body if len(notice.body) <= 120 else notice.body[:120] + "…"
    notify_users(users, title=_("公告：%(title)s") % {"title": notice.title}, body=body, url=notice_url(notice))


def notice_publish(*, actor: Actor, notice: Notice) -> Notice:
    actor.require(CAPABILITY, notice.community_id)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.withdrawn_at is not None:
            raise Conflict(_("已撤回的公告不能再发布。"), code="withdrawn")
        if notice.published_at is not None:
            raise Conflict(_("公告已发布。"), code="published")
        notice.published_at = timezone.now()
        _target(notice)
        _save(actor, notice, "publish")
    transaction.on_commit(lambda: _announce(notice))
    return notice


def notice_withdraw(*, actor: Actor, notice: Notice) -> Notice:
    actor.require(CAPABILITY, notice.community_id)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.published_at is None:
            raise Conflict(_("草稿无需撤回。"), code="draft")
        if notice.withdrawn_at is not None:
            raise Conflict(_("公告已撤回。"), code="withdrawn")
        notice.withdrawn_at = timezone.now()
        _save(actor, notice, "withdraw")
    return notice


def notice_mark_read(*, actor: Actor, notice: Notice) -> NoticeRead | None:
    """An owner or resident of the audience opened the notice. Not audited: reading changes
    nothing but the read count, and the chain would grow by every owner's every visit."""
    if not actor.is_authenticated or not is_live(notice):
        raise NotFound()
    if actor.user.pk not in audience_user_ids(notice):
        return None
    read, _created = NoticeRead.objects.get_or_create(notice=notice, user=actor.user,
                                                      defaults={"read_at": timezone.now()})
    return read
