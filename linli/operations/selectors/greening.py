"""Reads of greening and facilities, scoped to the community's staff; the 3.3 evergreen check
of the prominent areas, and the open vegetable plots and streetlight faults with their days
open and overdue flags."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from linli.core.tenancy import Actor

from ..models import PROMINENT, GreenArea, Planting, PlantSpecies, PlotClearance, StreetlightFault
from .staff import operations_scoped


def plant_species_list(*, actor: Actor) -> QuerySet[PlantSpecies]:
    return operations_scoped(PlantSpecies.objects.all(), actor)


def planting_list(*, actor: Actor) -> QuerySet[Planting]:
    return operations_scoped(Planting.objects.select_related("species", "zone", "recorded_by"), actor)


def plot_list(*, actor: Actor) -> QuerySet[PlotClearance]:
    return operations_scoped(PlotClearance.objects.select_related("zone", "reported_by"), actor)


def streetlight_list(*, actor: Actor) -> QuerySet[StreetlightFault]:
    return operations_scoped(StreetlightFault.objects.select_related("zone", "reported_by"), actor)


def evergreen_gaps(*, actor: Actor, community) -> list[dict]:
    """Each prominent area (3.3 显眼处) with the evergreens planted there; `missing` when none."""
    planted = {}
    for area, count in (planting_list(actor=actor).filter(community=community, species__evergreen=True,
                                                          area__in=PROMINENT)
                        .values_list("area", "quantity")):
        planted[area] = planted.get(area, 0) + count
    return [{"area": area, "label": GreenArea(area).label, "evergreens": planted.get(area, 0),
             "missing": not planted.get(area)} for area in PROMINENT]


def with_flags(rows, today: dt.date | None = None) -> list:
    """Plots or faults with `overdue` (and, for faults, `days` open and `due`) set for display."""
    today = today or timezone.localdate()
    rows = list(rows)
    for row in rows:
        row.overdue = row.overdue_on(today)
        if isinstance(row, StreetlightFault):
            row.days, row.due = row.days_open(today), row.due_on()
    return rows
