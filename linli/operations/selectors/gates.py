"""Reads of vehicle access and the visitor register, scoped to the actor.

The company's staff read their communities' vehicles, cards, gates, passes and visitors;
owners read their own units' vehicles and cards. A visitor's phone is shown only to roles that
need it (personal.phone)."""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour
from django.utils import timezone

from linli.core.dates import day_bounds
from linli.core.masking import mask_phone
from linli.core.tenancy import Actor

from ..models import AccessCard, Gate, GateEvent, TemporaryPass, Vehicle, Visitor


def _staff(qs: QuerySet, actor: Actor, own: Q | None = None) -> QuerySet:
    if actor.is_admin:
        return qs
    scope = Q(community_id__in=actor.staff_community_ids)
    if own is not None:
        scope |= own
    return qs.filter(scope)


def vehicle_list(*, actor: Actor) -> QuerySet[Vehicle]:
    return _staff(Vehicle.objects.select_related("owner", "unit", "unit__building"), actor,
                  own=Q(unit_id__in=actor.own_unit_ids))


def access_card_list(*, actor: Actor) -> QuerySet[AccessCard]:
    return _staff(AccessCard.objects.select_related("vehicle", "parking_space").prefetch_related("zones"), actor,
                  own=Q(vehicle__unit_id__in=actor.own_unit_ids) | Q(parking_space__unit_id__in=actor.own_unit_ids))


def gate_list(*, actor: Actor) -> QuerySet[Gate]:
    return _staff(Gate.objects.select_related("zone"), actor)


def gate_event_list(*, actor: Actor) -> QuerySet[GateEvent]:
    return _staff(GateEvent.objects.select_related("gate", "card", "temporary_pass"), actor)


def temporary_pass_list(*, actor: Actor) -> QuerySet[TemporaryPass]:
    return _staff(TemporaryPass.objects.select_related("visitor", "issued_by"), actor)


def visitor_list(*, actor: Actor) -> QuerySet[Visitor]:
    return _staff(Visitor.objects.select_related("unit", "unit__building", "registered_by"), actor)


def visitor_phone(actor: Actor, visitor: Visitor) -> str:
    return visitor.phone if actor.can("personal.phone", visitor.community_id) else mask_phone(visitor.phone)


def pass_state(temporary: TemporaryPass, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if temporary.revoked_at is not None:
        return "revoked"
    if now < temporary.valid_from:
        return "pending"
    return "valid" if now < temporary.valid_until else "expired"


def gate_hourly(*, actor: Actor, community, day: dt.date) -> dict:
    """In and out per hour of a day, for the gate events chart; the hours are local."""
    start, end = day_bounds(day)
    counts = {(d, h): 0 for d in GateEvent.Direction.values for h in range(24)}
    denied = 0
    rows = (gate_event_list(actor=actor).filter(community=community, at__gte=start, at__lt=end).order_by()
            .annotate(hour=ExtractHour("at", tzinfo=timezone.get_current_timezone()))
            .values("direction", "hour", "allowed").annotate(n=Count("id")))
    for row in rows:
        counts[(row["direction"], row["hour"])] += row["n"]
        if not row["allowed"]:
            denied += row["n"]
    return {
        "hours": [f"{h:02d}" for h in range(24)],
        "in": [counts[("in", h)] for h in range(24)],
        "out": [counts[("out", h)] for h in range(24)],
        "total_in": sum(counts[("in", h)] for h in range(24)),
        "total_out": sum(counts[("out", h)] for h in range(24)),
        "denied": denied,
    }
