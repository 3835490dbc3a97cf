"""Reads of notices. Staff of the company read every notice of their communities, drafts
included; an owner or resident reads the live notices whose audience includes one of their
units. The audience of a notice is the users of the owners and current residents of its units."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from linli.core.masking import mask_phone
from linli.core.money import percent
from linli.core.tenancy import Actor
from linli.estates.models import Ownership, Resident, Unit
from linli.orgs.models import User

from ..models import Notice, NoticeRead


def audience_units(notice: Notice) -> QuerySet[Unit]:
    units = Unit.objects.filter(community_id=notice.community_id)
    if notice.audience == Notice.Audience.ZONE:
        # A zone's notice reaches its groups too (南区 › 金苗园).
        return units.filter(Q(building__zone_id=notice.zone_id) | Q(building__zone__parent_id=notice.zone_id))
    if notice.audience == Notice.Audience.BUILDING:
        return units.filter(building_id=notice.building_id)
    return units


def audience_user_ids(notice: Notice) -> set[int]:
    units = audience_units(notice).values("id")
    owners = Ownership.objects.filter(unit_id__in=units, owner__user__isnull=False).values_list("owner__user_id",
                                                                                             flat=True)
    residents = Resident.objects.filter(unit_id__in=units, user__isnull=False, move_out__isnull=True).values_list(
        "user_id", flat=True)
    return set(owners) | set(residents)


def _live(now: dt.datetime) -> Q:
    return (Q(published_at__isnull=False, published_at__lte=now, withdrawn_at__isnull=True)
            & (Q(expires_at__isnull=True) | Q(expires_at__gt=now)))


def is_live(notice: Notice, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (notice.published_at is not None and notice.published_at <= now and notice.withdrawn_at is None
            and (notice.expires_at is None or notice.expires_at > now))


def notice_state(notice: Notice, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if notice.withdrawn_at is not None:
        return "withdrawn"
    if notice.published_at is None:
        return "draft"
    if notice.expires_at is not None and notice.expires_at <= now:
        return "expired"
    return "published"


def _own_notices(actor: Actor, now: dt.datetime) -> Q:
    """Live notices whose audience includes one of the actor's units."""
    units = Unit.objects.filter(id__in=actor.own_unit_ids)
    zones = set(units.values_list("building__zone_id", flat=True)) | set(
        units.values_list("building__zone__parent_id", flat=True))
    target = (Q(audience=Notice.Audience.COMMUNITY, community_id__in=set(units.values_list("community_id", flat=True)))
              | Q(audience=Notice.Audience.ZONE, zone_id__in=zones - {None})
              | Q(audience=Notice.Audience.BUILDING, building_id__in=set(units.values_list("building_id", flat=True))))
    return _live(now) & target


def notice_list(*, actor: Actor) -> QuerySet[Notice]:
    qs = Notice.objects.select_related("zone", "building", "author")
    if actor.is_admin:
        return qs
    scope = Q(community_id__in=actor.staff_community_ids)
    if actor.own_unit_ids:
        scope |= _own_notices(actor, timezone.now())
    return qs.filter(scope)


def bulletin(*, actor: Actor, limit: int | None = None) -> list[Notice]:
    """The owner portal's notice board: live notices for the actor's units, pinned first, each
    marked `unread`."""
    if not actor.is_authenticated or not actor.own_unit_ids:
        return []
    qs = (Notice.objects.filter(_own_notices(actor, timezone.now())).select_related("zone", "building", "community")
          .annotate(read=Exists(NoticeRead.objects.filter(notice=OuterRef("pk"), user=actor.user)))
          .order_by("-pinned", "-published_at", "-id"))
    notices = list(qs[:limit] if limit else qs)
    for notice in notices:
        notice.unread = not notice.read
    return notices


def bulletin_unread_count(*, actor: Actor) -> int:
    return sum(1 for notice in bulletin(actor=actor) if notice.unread)


def notice_reads(*, actor: Actor, notice: Notice) -> dict:
    """Who of the audience has read the notice: counts, the share, and those who have not (their
    phone masked unless the actor's role needs it)."""
    audience = audience_user_ids(notice)
    read = set(NoticeRead.objects.filter(notice=notice, user_id__in=audience).values_list("user_id", flat=True))
    show_phone = actor.can("personal.phone", notice.community_id)
    unread = []
    for user in User.objects.filter(id__in=audience - read).order_by("display_name", "username")[:500]:
        unread.append({"id": user.pk, "name": str(user),
                       "phone": user.phone if show_phone else mask_phone(user.phone)})
    total = len(audience)
    return {"audience": total, "read": len(read), "unread_count": total - len(read),
            "percent": percent(len(read), total, places=1), "unread": unread}
