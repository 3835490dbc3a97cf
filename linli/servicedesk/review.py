"""The daily review (日清日审, DESIGN §5, §6): computed from the requests as they are, kept once a
day at the configured hour and sent to the managers, read back (the kept one if there is one),
and the sections other apps add to it.

An app registers a section from its AppConfig.ready():

    register_review_section("patrol_missed", _("漏巡点位"), [_("巡逻"), _("路线"), …], compute)

`compute(community_id, date)` returns the section's rows, each {"cells": [str, …]} with an
optional "url"; it runs inside `daily_review_compute`, so it must be a couple of indexed
queries. Rows are kept as text in the review's snapshot: a kept review shows what was
missing that day even after the rows behind it change."""

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.dates import day_bounds
from linli.core.errors import PermissionDenied
from linli.core.tenancy import Actor, SystemActor
from linli.estates.models import Community
from linli.orgs.models import Role

from .models import DailyReview, RequestEvent, ServiceRequest, Status
from .selectors import service_request_list
from .services import FOLLOW_UP_KINDS
from .services.common import notify_staff

# Sections other apps add -------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewSection:
    key: str
    title: str
    columns: tuple
    compute: Callable[[int, dt.date], list[dict]]


REVIEW_SECTIONS: dict[str, ReviewSection] = {}


def register_review_section(key: str, title, columns, compute: Callable[[int, dt.date], list[dict]]) -> None:
    if key in REVIEW_SECTIONS:
        raise ValueError(f"review section registered twice: {key}")
    REVIEW_SECTIONS[key] = ReviewSection(key, title, tuple(columns), compute)


def sections_compute(community_id: int, date: dt.date) -> dict[str, list[dict]]:
    return {key: section.compute(community_id, date) for key, section in REVIEW_SECTIONS.items()}


def review_sections(review: dict) -> list[tuple[str, str, tuple, list[dict]]]:
    """(key, title, columns, rows) of each section in a review; a kept review from before a
    section existed simply has none of it."""
    kept = review.get("sections") or {}
    result = []
    for key, rows in kept.items():
        section = REVIEW_SECTIONS.get(key)
        width = len(rows[0]["cells"]) if rows else 0
        title, columns = (section.title, section.columns) if section else (key, ("",) * width)
        result.append((key, str(title), tuple(str(c) for c in columns), rows))
    return result


# Computing a day -----------------------------------------------------------------------------

def _ids(qs) -> list[int]:
    return list(qs.values_list("id", flat=True))


def _paused(status: str, hold_started_at, resolve_by) -> bool:
    """On hold since before its deadline: the clock stopped, so it is not overdue."""
    return status == Status.ON_HOLD and hold_started_at is not None and hold_started_at <= resolve_by


def daily_review_compute(*, community_id: int, date: dt.date) -> dict:
    """The review of one community-day (DESIGN §5, §6), from the requests as they are now.

    "Unresolved at the end of D" is: filed before the end of D, and not resolved, or resolved
    only after it. The two parts are read once each, as ranges of the index on (community,
    resolved_at, created_at, resolve_by) that also holds what the lists need (see
    ServiceRequest.Meta.indexes): the still-unresolved part is small, and the resolved-after
    part is small for any recent day and read from the index alone for an old one. For a day
    after today the same formulas give what the review will show if nothing changes. Other
    apps' sections (missed patrol checkpoints, overdue cleaning …, registered above) come
    under "sections"."""
    start, end = day_bounds(date)
    # Unordered: the models' default order (by id) would lead the planner to walk the whole
    # community in id order instead of the index ranges.
    requests = ServiceRequest.objects.filter(community_id=community_id).order_by()
    unresolved = list(requests.filter(resolved_at__isnull=True, created_at__lt=end)
                      .values_list("id", "created_at", "resolve_by", "status", "hold_started_at"))
    resolved_later = list(requests.filter(resolved_at__gte=end, created_at__lt=end)
                          .values_list("id", "created_at", "resolve_by"))
    overdue = ([pk for pk, _c, due, status, held in unresolved
                if due is not None and due < end and not _paused(status, held, due)]
               + [pk for pk, _c, due in resolved_later if due is not None and due < end])
    older = [pk for pk, created, *_rest in unresolved if created < start] + [
        pk for pk, created, _due in resolved_later if created < start]
    late_accept = (_ids(requests.filter(accepted_at__isnull=True, respond_by__lt=end))
                   + _ids(requests.filter(accepted_at__gte=start, accepted_at__lt=end,
                                          accepted_at__gt=F("respond_by"))))
    events = RequestEvent.objects.filter(community_id=community_id, at__gte=start, at__lt=end).order_by()
    followed_up = set(events.filter(kind__in=FOLLOW_UP_KINDS, public=True).values_list("request_id", flat=True))
    return {
        "date": date.isoformat(),
        "community": community_id,
        "new": requests.filter(created_at__gte=start, created_at__lt=end).count(),
        "resolved": events.filter(kind=RequestEvent.Kind.RESOLVE).values("request_id").distinct().count(),
        "open": len(unresolved) + len(resolved_later),
        "overdue": sorted(overdue),
        "late_accept": sorted(set(late_accept)),
        "no_note_today": sorted(set(older) - followed_up),
        "reopened": sorted(set(events.filter(kind=RequestEvent.Kind.REOPEN).values_list("request_id", flat=True))),
        "repeats": sorted(_ids(requests.filter(created_at__gte=start, created_at__lt=end, repeat_of__isnull=False))),
        "sections": sections_compute(community_id, date),
    }


# Reading a day ------------------------------------------------------------------------------

def daily_review(*, actor: Actor, community: Community, date: dt.date, live: bool = False) -> dict:
    """The kept review of that day if there is one (what was reviewed), else computed now."""
    if not actor.can("servicedesk.review", community):
        raise PermissionDenied()
    if not live:
        kept = DailyReview.objects.filter(community=community, date=date).first()
        if kept is not None:
            return kept.data
    return daily_review_compute(community_id=community.pk, date=date)


def daily_review_kept(*, actor: Actor, community: Community) -> QuerySet[DailyReview]:
    if not actor.can("servicedesk.review", community):
        raise PermissionDenied()
    return DailyReview.objects.filter(community=community)


def review_rows(*, actor: Actor, community: Community, review: dict) -> dict[str, list[ServiceRequest]]:
    """The requests behind each list of a review, for the page and the exports."""
    lists = ("overdue", "late_accept", "no_note_today", "reopened", "repeats")
    wanted = {pk for name in lists for pk in review[name]}
    found = service_request_list(actor=actor).filter(community=community, pk__in=wanted).in_bulk()
    return {name: [found[pk] for pk in review[name] if pk in found] for name in lists}


def is_projection(date: dt.date) -> bool:
    """A day after today has not happened: what the formulas give for it is what the day will show
    if no request changes until then, a projection (预计) and never a review."""
    return date > timezone.localdate()


# Keeping a day ------------------------------------------------------------------------------

def daily_review_keep(*, community: Community, date: dt.date, now: dt.datetime | None = None) -> DailyReview | None:
    """Keep the day's review as it stands now and send it to the managers; a day is kept once."""
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
    transaction.on_commit(lambda: notify_staff(community.pk, {Role.MANAGER}, title=title, body=body, url=url))
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
