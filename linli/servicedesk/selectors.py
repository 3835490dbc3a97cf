"""Reads of the service desk, scoped to the actor (DESIGN §4); the daily review is in review.py.

Staff of the serving company, regulators of the jurisdiction and committee members read all
of a community's requests (regulators and the committee with phones masked, by the serializer);
an owner or resident reads the requests of their own units and those they filed."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from linli.core.dates import day_bounds
from linli.core.db_router import replica_reads
from linli.core.errors import NotFound
from linli.core.models import InboxMessage
from linli.core.tenancy import Actor
from linli.estates import selectors as estates
from linli.estates.models import Community
from linli.orgs.models import Organization, User

from .models import (
    OPEN_STATUSES,
    BusinessCalendar,
    Category,
    Kind,
    RequestEvent,
    RequestPhoto,
    ServiceRequest,
    SlaPolicy,
    Status,
    Team,
)
from .services import FOLLOW_UP_KINDS, WORK_ROLES


def reader_community_ids(actor: Actor) -> set[int]:
    """Communities whose requests the actor reads in full: as staff of the serving company, as
    a regulator of the jurisdiction or as a committee member."""
    return actor.staff_community_ids | actor.regulated_community_ids | actor.committee_community_ids


def request_community_list(*, actor: Actor) -> QuerySet[Community]:
    """Communities whose service desk pages the actor opens (an owner reads only their own
    requests, from their own pages)."""
    qs = estates.community_list(actor=actor)
    return qs if actor.is_admin else qs.filter(id__in=reader_community_ids(actor))


def service_request_list(*, actor: Actor) -> QuerySet[ServiceRequest]:
    qs = ServiceRequest.objects.select_related("community", "category", "unit", "unit__building", "assignee", "team",
                                               "company")
    if actor.is_admin:
        return qs
    if not actor.is_authenticated:
        return qs.none()
    scope = Q(community_id__in=reader_community_ids(actor)) | Q(requester=actor.user)
    if actor.own_unit_ids:
        scope |= Q(unit_id__in=actor.own_unit_ids)
    return qs.filter(scope)


def sees_internal(actor: Actor, request: ServiceRequest) -> bool:
    """Internal notes are for the company's staff (and the platform), not requesters or regulators."""
    return actor.is_admin or request.community_id in actor.staff_community_ids


def shows_requester_phone(actor: Actor, request: ServiceRequest) -> bool:
    """The requester's phone in full for the roles that call people back (personal.phone), for the
    requester, and for whoever typed it in — above all the regulator who took a hotline call, who
    calls the caller back and knew the number anyway. Everyone else sees it masked."""
    if actor.can("personal.phone", request.community_id):
        return True
    return actor.is_authenticated and actor.user.pk in {request.requester_id, request.created_by_id} - {None}


def request_events(*, actor: Actor, request: ServiceRequest) -> QuerySet[RequestEvent]:
    events = RequestEvent.objects.filter(request=request).select_related("actor")
    return events if sees_internal(actor, request) else events.filter(public=True)


def request_photo_get(*, actor: Actor, photo_id: int) -> RequestPhoto:
    photo = RequestPhoto.objects.filter(pk=photo_id, request__in=service_request_list(actor=actor)).first()
    if photo is None:
        raise NotFound()
    return photo


def _visible_config(qs: QuerySet, actor: Actor) -> QuerySet:
    return qs if actor.is_admin else qs.filter(community_id__in=actor.community_ids())


def category_list(*, actor: Actor) -> QuerySet[Category]:
    return _visible_config(Category.objects.all(), actor)


def calendar_list(*, actor: Actor) -> QuerySet[BusinessCalendar]:
    return _visible_config(BusinessCalendar.objects.all(), actor)


def sla_policy_list(*, actor: Actor) -> QuerySet[SlaPolicy]:
    return _visible_config(SlaPolicy.objects.select_related("calendar"), actor)


def team_list(*, actor: Actor) -> QuerySet[Team]:
    qs = Team.objects.prefetch_related("memberships__user", "categories")
    return qs if actor.is_admin else qs.filter(community_id__in=actor.staff_community_ids)


def inbox_list(*, actor: Actor) -> QuerySet[InboxMessage]:
    if not actor.is_authenticated:
        return InboxMessage.objects.none()
    return InboxMessage.objects.filter(user=actor.user)


def inbox_unread_count(*, actor: Actor) -> int:
    return inbox_list(actor=actor).filter(read_at__isnull=True).count()


def worker_choices(*, actor: Actor, community: Community):
    """Staff to whom the community's requests can be assigned."""
    if not (actor.is_admin or community.pk in actor.staff_community_ids) or community.company_id is None:
        return User.objects.none()
    return User.objects.filter(memberships__organization_id=community.company_id, memberships__role__in=WORK_ROLES,
                               memberships__active=True, is_active=True).distinct().order_by("username")


# Work queues and boards ----------------------------------------------------------------------

def needs_note_today(now: dt.datetime | None = None):
    """An annotation: open, older than today, and without a public follow-up note today."""
    start, end = day_bounds(timezone.localdate(now))
    noted = RequestEvent.objects.filter(request=OuterRef("pk"), kind__in=FOLLOW_UP_KINDS, public=True,
                                        at__gte=start, at__lt=end)
    return Q(status__in=OPEN_STATUSES, created_at__lt=start) & ~Exists(noted)


def work_queue(*, actor: Actor) -> dict:
    """A worker's own open jobs (soonest deadline first) and the pools of their teams."""
    if not actor.is_authenticated:
        return {"mine": [], "pool": []}
    visible = service_request_list(actor=actor)
    mine = (visible.filter(assignee=actor.user, status__in=OPEN_STATUSES)
            .annotate(needs_note=needs_note_today()).order_by("resolve_by", "id"))
    pool = (visible.filter(assignee__isnull=True, status__in=[Status.NEW, Status.ACCEPTED],
                           team__memberships__user=actor.user).order_by("resolve_by", "id"))
    return {"mine": list(mine), "pool": list(pool)}


def hotline_community_list(*, actor: Actor) -> QuerySet[Community]:
    """Communities a regulator may take hotline requests for."""
    qs = Community.objects.select_related("company")
    if actor.is_admin:
        return qs
    return qs.filter(id__in=[cid for cid in actor.regulated_community_ids if actor.can("servicedesk.hotline", cid)])


# Statistics (the evaluation of companies reuses company_service_stats) -----------------------
# Aggregates over many requests: read from the replica when there is one (linli/core/db_router.py).

RATE = Decimal("0.0001")


def ratio(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole)).quantize(RATE, rounding=ROUND_HALF_UP)


STAT_COUNTS = ("total", "resolved", "on_time", "overdue_open", "rated", "visited", "satisfied", "complaints",
               "repeats", "urges", "hotline")


def _stats(qs: QuerySet, now: dt.datetime) -> QuerySet:
    """The figures of each group of `qs`: the counts named in STAT_COUNTS and the average rating."""
    satisfied = [ServiceRequest.Satisfaction.SATISFIED, ServiceRequest.Satisfaction.BASIC]
    return qs.annotate(
        total=Count("id"),
        resolved=Count("id", filter=Q(resolved_at__isnull=False)),
        on_time=Count("id", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("resolve_by"))),
        overdue_open=Count("id", filter=Q(resolved_at__isnull=True, resolve_by__lt=now)),
        rated=Count("rating"),
        rating_avg=Avg("rating"),
        visited=Count("id", filter=~Q(satisfaction="")),
        satisfied=Count("id", filter=Q(satisfaction__in=satisfied)),
        complaints=Count("id", filter=Q(kind=Kind.COMPLAINT)),
        repeats=Count("id", filter=Q(repeat_of__isnull=False)),
        urges=Sum("urge_count"),
        hotline=Count("id", filter=Q(channel="hotline")),
    )


def _with_rates(row: dict) -> dict:
    row["urges"] = row["urges"] or 0
    row["on_time_rate"] = ratio(row["on_time"], row["resolved"])
    row["satisfaction_rate"] = ratio(row["satisfied"], row["visited"])
    row["rating_avg"] = (Decimal(str(row["rating_avg"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                         if row["rating_avg"] is not None else None)
    row["repeat_rate"] = ratio(row["repeats"], row["complaints"])
    return row


@replica_reads
def company_service_stats(*, actor: Actor, start: dt.date, end: dt.date, company_ids=None,
                          community_ids=None) -> list[dict]:
    """Per company, for requests filed from `start` to `end` (inclusive) in the actor's scope:
    counts, on-time rate (resolved by the deadline ÷ resolved), average rating (1–5),
    satisfaction rate of return visits, repeat-complaint rate (repeats ÷ complaints) and urges."""
    begin, _ = day_bounds(start)
    _, finish = day_bounds(end)
    qs = service_request_list(actor=actor).filter(created_at__gte=begin, created_at__lt=finish,
                                                  company__isnull=False)
    if company_ids is not None:
        qs = qs.filter(company_id__in=company_ids)
    if community_ids is not None:
        qs = qs.filter(community_id__in=community_ids)
    rows = _stats(qs.order_by().values("company_id", "company__name"), timezone.now())
    return [_with_rates(dict(row)) for row in rows.order_by("company__name")]


def _by_category(qs: QuerySet, now: dt.datetime) -> list[dict]:
    """Open and overdue requests per category, largest first."""
    rows = (qs.filter(resolved_at__isnull=True).order_by().values("category__name")
            .annotate(open=Count("id"),
                      overdue=Count("id", filter=Q(resolve_by__lt=now)
                                    & ~Q(status=Status.ON_HOLD, hold_started_at__lte=F("resolve_by")))))
    return sorted(({"name": r["category__name"] or "", "open": r["open"], "overdue": r["overdue"]} for r in rows),
                  key=lambda r: (-r["open"], r["name"]))


def _trend(qs: QuerySet, days: int, now: dt.datetime) -> list[dict]:
    """Per day of the last `days`: requests resolved, and the share of them resolved in time."""
    today = timezone.localdate(now)
    first = today - dt.timedelta(days=days - 1)
    start, _ = day_bounds(first)
    rows = (qs.filter(resolved_at__gte=start).order_by()
            .annotate(day=TruncDate("resolved_at", tzinfo=timezone.get_current_timezone()))
            .values("day").annotate(resolved=Count("id"),
                                    on_time=Count("id", filter=Q(resolved_at__lte=F("resolve_by")))))
    by_day = {r["day"]: r for r in rows}
    result = []
    for i in range(days):
        day = first + dt.timedelta(days=i)
        row = by_day.get(day, {"resolved": 0, "on_time": 0})
        rate = ratio(row["on_time"], row["resolved"])
        result.append({"date": day.isoformat(), "resolved": row["resolved"], "on_time": row["on_time"],
                       "rate": rate * 100 if rate is not None else None})
    return result


@replica_reads
def dashboard(*, actor: Actor, community_ids, days: int = 30, now: dt.datetime | None = None) -> dict:
    """Open and overdue by category, the on-time trend, and the period's figures."""
    now = now or timezone.now()
    qs = service_request_list(actor=actor).filter(community_id__in=community_ids)
    today = timezone.localdate(now)
    stats = company_service_stats(actor=actor, start=today - dt.timedelta(days=days - 1), end=today,
                                  community_ids=community_ids)
    by_category = _by_category(qs, now)
    since, _ = day_bounds(today - dt.timedelta(days=days - 1))
    per_community = _stats(qs.filter(created_at__gte=since).order_by().values("community_id", "community__name"), now)
    return {
        "by_category": by_category,
        "trend": _trend(qs, days, now),
        "stats": stats,
        # The period's figures of the one company the page is about; a community with no request
        # in the period has no row, and its figures are zeros and "no rate" (None), not missing.
        "summary": stats[0] if stats else _with_rates(dict.fromkeys(STAT_COUNTS, 0) | {"rating_avg": None}),
        "by_community": [_with_rates(dict(row)) for row in per_community.order_by("community__name")],
        "open": qs.filter(resolved_at__isnull=True).count(),
        "overdue": sum(r["overdue"] for r in by_category),
        "days": days,
    }


def company_list(*, actor: Actor):
    """Companies serving the communities the actor reads requests of, for the company dashboard."""
    qs = Organization.objects.filter(kind=Organization.Kind.COMPANY)
    if actor.is_admin:
        return qs
    return qs.filter(served_communities__id__in=reader_community_ids(actor)).distinct()
