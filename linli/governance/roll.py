"""The voting roll (DESIGN §6): who votes, with what area.

- An owner counts once per community however many units they hold; their area is the sum of
  the exclusive areas (专有部分面积) of the units they vote for.
- A co-owned unit votes through its designated voter (Ownership.is_voter); if the registry names
  none, through its earliest recorded co-owner, so that no unit silently drops off the roll.
- The developer's unsold units count as one owner: every owner record marked `is_developer`
  in the community is folded into one entry (under the earliest such record).
- A unit with no registered owner is not on the roll: register the owner first.

The roll is snapshotted (a Roll with its entries) when a vote opens; later registry changes
do not alter it."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from linli.estates.models import Owner, Ownership

from .models import Roll, RollEntry


@dataclass
class Voter:
    owner_id: int
    area: Decimal = Decimal("0.00")
    units: list[int] = field(default_factory=list)


def roll_compute(*, community_id: int, unit_ids=None) -> list[Voter]:
    """The roll as the registry stands now, for the whole community or the given units."""
    rows = Ownership.objects.filter(unit__community_id=community_id)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    developer_ids = set(
        Owner.objects.filter(community_id=community_id, is_developer=True).values_list("id", flat=True)
    )
    developer = min(developer_ids) if developer_ids else None
    per_unit: dict[int, tuple] = {}
    for ownership_id, unit_id, owner_id, is_voter, area in rows.values_list(
        "id", "unit_id", "owner_id", "is_voter", "unit__exclusive_area"
    ).order_by("unit_id", "id"):
        current = per_unit.get(unit_id)
        if current is None or (is_voter and not current[1]):
            per_unit[unit_id] = (owner_id, is_voter, area)
    voters: dict[int, Voter] = {}
    for unit_id, (owner_id, _voter, area) in sorted(per_unit.items()):
        key = developer if owner_id in developer_ids else owner_id
        voter = voters.setdefault(key, Voter(key))
        voter.area += area
        voter.units.append(unit_id)
    return sorted(voters.values(), key=lambda v: v.owner_id)


def roll_snapshot(*, community_id: int, unit_ids=None) -> Roll:
    """Freeze the roll: one Roll and its entries, written in bulk (a community has thousands)."""
    voters = roll_compute(community_id=community_id, unit_ids=unit_ids)
    with transaction.atomic():
        roll = Roll.objects.create(
            community_id=community_id, taken_at=timezone.now(), scoped=unit_ids is not None,
            total_owners=len(voters), total_area=sum((v.area for v in voters), Decimal("0.00")),
        )
        RollEntry.objects.bulk_create(
            [RollEntry(roll=roll, owner_id=v.owner_id, area=v.area, units=v.units) for v in voters], batch_size=1000
        )
    return roll


def voter_key(owner: Owner) -> int:
    """The owner id under which `owner` is on a roll: their own, or for any developer record the
    community's earliest developer record, as roll_compute folds them."""
    if not owner.is_developer:
        return owner.pk
    return Owner.objects.filter(community_id=owner.community_id, is_developer=True).order_by("id")[0].pk


def roll_entry_for(roll: Roll, owner: Owner) -> RollEntry | None:
    """The entry through which `owner` votes on this roll, if they are on it."""
    return RollEntry.objects.filter(roll=roll, owner_id=voter_key(owner)).first()
