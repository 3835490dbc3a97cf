"""Reads of the estate registry, scoped to the actor (DESIGN §4).

Staff of the serving company, regulators of the jurisdiction and committee members read a
community's whole registry; owners and residents read only their own units."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from linli.core.tenancy import Actor

from .models import (
    BindingRequest,
    Building,
    Community,
    ImportJob,
    Owner,
    OwnerInvitation,
    Ownership,
    ParkingSpace,
    Premises,
    Resident,
    Unit,
    Zone,
)


def community_list(*, actor: Actor) -> QuerySet[Community]:
    qs = Community.objects.select_related("company", "residents_committee")
    return qs if actor.is_admin else qs.filter(id__in=actor.community_ids())


def _registry(qs: QuerySet, actor: Actor, community_field: str = "community_id", own: Q | None = None) -> QuerySet:
    if actor.is_admin:
        return qs
    scope = Q(**{f"{community_field}__in": actor.registry_community_ids()})
    if own is not None:
        scope |= own
    return qs.filter(scope)


def zone_list(*, actor: Actor) -> QuerySet[Zone]:
    own_zones = Q(buildings__units__id__in=actor.own_unit_ids) | Q(children__buildings__units__id__in=actor.own_unit_ids)
    return _registry(Zone.objects.all(), actor, own=own_zones).distinct()


def building_list(*, actor: Actor) -> QuerySet[Building]:
    own = Q(id__in=Unit.objects.filter(id__in=actor.own_unit_ids).values("building_id"))
    return _registry(Building.objects.select_related("zone"), actor, own=own)


def unit_list(*, actor: Actor) -> QuerySet[Unit]:
    return _registry(Unit.objects.select_related("building", "building__zone"), actor, own=Q(id__in=actor.own_unit_ids))


def owner_list(*, actor: Actor) -> QuerySet[Owner]:
    return _registry(Owner.objects.all(), actor, own=Q(id__in=actor.owner_ids))


def ownership_list(*, actor: Actor) -> QuerySet[Ownership]:
    return _registry(
        Ownership.objects.select_related("owner", "unit"), actor, "unit__community_id", own=Q(unit_id__in=actor.own_unit_ids)
    )


def resident_list(*, actor: Actor) -> QuerySet[Resident]:
    return _registry(Resident.objects.select_related("unit"), actor, "unit__community_id",
                     own=Q(unit_id__in=actor.own_unit_ids))


def parking_space_list(*, actor: Actor) -> QuerySet[ParkingSpace]:
    return _registry(ParkingSpace.objects.select_related("unit"), actor, own=Q(unit_id__in=actor.own_unit_ids))


def premises_list(*, actor: Actor) -> QuerySet[Premises]:
    return _registry(Premises.objects.all(), actor)


def import_job_list(*, actor: Actor) -> QuerySet[ImportJob]:
    return _registry(ImportJob.objects.select_related("community"), actor)


def owner_invitation_list(*, actor: Actor) -> QuerySet[OwnerInvitation]:
    return _registry(OwnerInvitation.objects.select_related("owner"), actor, "owner__community_id")


def binding_request_list(*, actor: Actor) -> QuerySet[BindingRequest]:
    return _registry(
        BindingRequest.objects.select_related("unit", "unit__building", "user"),
        actor,
        "unit__community_id",
        own=Q(user_id=getattr(actor.user, "pk", None)),
    )


def community_overview(*, actor: Actor, community: Community) -> dict:
    """Totals for the staff overview page: one pass of aggregates, per zone and overall."""
    units = unit_list(actor=actor).filter(community=community)
    totals = units.aggregate(units=Count("id"), area=Sum("area"), exclusive_area=Sum("exclusive_area"))
    by_status = dict(units.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    by_usage = dict(units.values_list("usage").annotate(n=Count("id")).values_list("usage", "n"))
    zones = list(
        zone_list(actor=actor)
        .filter(community=community)
        .annotate(buildings_count=Count("buildings", distinct=True))
        .order_by("parent_id", "name")
    )
    zone_units = dict(
        units.values_list("building__zone_id").annotate(n=Count("id")).values_list("building__zone_id", "n")
    )
    zone_area = dict(
        units.values_list("building__zone_id").annotate(a=Sum("area")).values_list("building__zone_id", "a")
    )
    for zone in zones:
        zone.units_count = zone_units.get(zone.pk, 0)
        zone.units_area = zone_area.get(zone.pk) or 0
    occupied = by_status.get(Unit.Status.OCCUPIED, 0) + by_status.get(Unit.Status.RENTED, 0)
    return {
        "units": totals["units"] or 0,
        "area": totals["area"] or 0,
        "exclusive_area": totals["exclusive_area"] or 0,
        "buildings": building_list(actor=actor).filter(community=community).count(),
        "owners": owner_list(actor=actor).filter(community=community).count(),
        "parking_spaces": parking_space_list(actor=actor).filter(community=community).count(),
        "premises": premises_list(actor=actor).filter(community=community).count(),
        "low_income": units.filter(low_income=True).count(),
        "by_status": by_status,
        "by_usage": by_usage,
        "occupancy_rate": (occupied * 100 // totals["units"]) if totals["units"] else 0,
        "zones": zones,
    }


def registry_community_list(*, actor: Actor) -> QuerySet[Community]:
    """Communities whose whole registry the actor reads (staff, regulators, committee, admin);
    the registry pages use this so that an owner reaching them gets a 404."""
    qs = Community.objects.select_related("company", "residents_committee")
    return qs if actor.is_admin else qs.filter(id__in=actor.registry_community_ids())


def _count_of(model) -> Coalesce:
    """The number of `model` rows of the outer query's community, as a correlated subquery."""
    rows = model.objects.filter(community=OuterRef("pk")).order_by().values("community")
    return Coalesce(Subquery(rows.annotate(n=Count("id")).values("n"), output_field=IntegerField()), 0)


def community_table(*, actor: Actor, query: str = "") -> QuerySet[Community]:
    """The rows of the community list page: the registry communities whose name or code holds every
    word of `query`, each with its numbers of buildings and units. The numbers are subqueries of
    the row, so a page of rows is one query however many communities and units there are (a join
    of units and buildings counted distinct made rows per unit × building)."""
    qs = registry_community_list(actor=actor)
    for term in query.split():
        qs = qs.filter(Q(name__icontains=term) | Q(code__icontains=term))
    return qs.annotate(buildings_count=_count_of(Building), units_count=_count_of(Unit))


def binding_community_list(*, actor: Actor) -> QuerySet[Community]:
    """Every community, by name only: anyone signed in may ask to be bound to a unit anywhere,
    and a community's name is no secret (it is on the gate)."""
    return Community.objects.only("id", "name").order_by("name", "id")


def personal_names(*, community_ids) -> dict[int, set[str]]:
    """The names of the people of these communities (individual owners, residents), by community.
    Read for no actor because nothing of it is shown: public free text is masked with it
    (linli.core.masking.mask_text), so a complaint that names a neighbour does not publish the name."""
    names: dict[int, set[str]] = {pk: set() for pk in community_ids}
    for community_id, name in Owner.objects.filter(community_id__in=names, kind=Owner.Kind.PERSON).values_list(
            "community_id", "name"):
        names[community_id].add(name)
    for community_id, name in Resident.objects.filter(unit__community_id__in=names).values_list(
            "unit__community_id", "name"):
        names[community_id].add(name)
    return names


def zone_paths(zones, separator: str = " › ") -> dict[int, str]:
    """Each zone's path from its top zone (南区 › 金苗园), by zone id. Zones whose parent is not
    among `zones` start their own path."""
    by_id = {z.pk: z for z in zones}
    paths = {}
    for zone in zones:
        names, current = [], zone
        while current is not None:
            names.append(current.name)
            current = by_id.get(current.parent_id)
        paths[zone.pk] = separator.join(reversed(names))
    return paths


def labelled_zones(zones) -> list:
    """The zones with their path as `label`, sorted by it (parents before children), for menus."""
    zones = list(zones)
    paths = zone_paths(zones)
    for zone in zones:
        zone.label = paths[zone.pk]
    return sorted(zones, key=lambda z: z.label)
