"""Writes of staff and organisation: positions with their planned headcount, teams by zone,
staff records, shifts and duty rosters. Each checks "operations.manage" in the row's community,
keeps every reference inside that community and audits itself in the same transaction."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import ValidationFailed
from linli.core.services import record_create, record_update, same_community
from linli.core.tenancy import Actor
from linli.orgs.models import Membership

from ..models import Position, RosterEntry, Shift, StaffMember, StaffTeam

# A row's community is fixed once it exists.
FIXED = ("community",)


def require(actor: Actor, capability: str, community_id: int) -> None:
    actor.require(capability, community_id)


def update(*, actor: Actor, instance, changes: dict, action: str, capability: str = "operations.manage"):
    require(actor, capability, instance.community_id)
    for name in FIXED:
        changes.pop(name, None)
    same_community(instance.community_id, **{k: v for k, v in changes.items() if hasattr(v, "community_id")})
    return record_update(actor=actor, instance=instance, changes=changes, action=action)


def _staff_user(community, user) -> None:
    """A staff record's login must be someone working for the company that serves the community."""
    if user is None:
        return
    if community.company_id is None or not Membership.objects.filter(
            user=user, organization_id=community.company_id, active=True).exists():
        raise ValidationFailed(fields={"user": [_("登录账号必须是本小区物业企业的在职员工。")]})


# Positions and teams --------------------------------------------------------------------------

def position_create(*, actor: Actor, community, name: str, kind: str, planned_headcount: int = 1,
                    order: int = 0) -> Position:
    require(actor, "operations.manage", community.pk)
    return record_create(actor=actor, instance=Position(community=community, name=name.strip(), kind=kind,
                                                        planned_headcount=planned_headcount, order=order),
                         action="operations.position.create")


def position_update(*, actor: Actor, position: Position, changes: dict) -> Position:
    return update(actor=actor, instance=position, changes=changes, action="operations.position.update")


def staff_team_create(*, actor: Actor, community, name: str, kind: str, zone=None, planned_headcount: int = 0,
                      leader=None) -> StaffTeam:
    require(actor, "operations.manage", community.pk)
    same_community(community.pk, zone=zone, leader=leader)
    return record_create(actor=actor, instance=StaffTeam(community=community, name=name.strip(), kind=kind, zone=zone,
                                                         planned_headcount=planned_headcount, leader=leader),
                         action="operations.team.create")


def staff_team_update(*, actor: Actor, staff_team: StaffTeam, changes: dict) -> StaffTeam:
    return update(actor=actor, instance=staff_team, changes=changes, action="operations.team.update")


# Staff records --------------------------------------------------------------------------------

def staff_member_create(*, actor: Actor, community, name: str, position: Position, phone: str = "", team=None,
                        user=None, hired_on=None, left_on=None, active: bool = True) -> StaffMember:
    require(actor, "operations.manage", community.pk)
    same_community(community.pk, position=position, team=team)
    _staff_user(community, user)
    member = StaffMember(community=community, name=name.strip(), phone=phone.strip(), position=position, team=team,
                         user=user, hired_on=hired_on, left_on=left_on, active=active and left_on is None)
    return record_create(actor=actor, instance=member, action="operations.staff.create")


def staff_member_update(*, actor: Actor, staff_member: StaffMember, changes: dict) -> StaffMember:
    """Leaving (a date in `left_on`) ends the record: it no longer counts against the headcount;
    clearing the date (rehired) makes it count again."""
    if "user" in changes:
        _staff_user(staff_member.community, changes["user"])
    if "left_on" in changes:
        changes["active"] = changes["left_on"] is None
    return update(actor=actor, instance=staff_member, changes=changes, action="operations.staff.update")


# Shifts and rosters ---------------------------------------------------------------------------

def shift_create(*, actor: Actor, community, name: str, start: dt.time, end: dt.time) -> Shift:
    require(actor, "operations.manage", community.pk)
    if start == end:
        raise ValidationFailed(fields={"end": [_("结束时间不能与开始时间相同。")]})
    return record_create(actor=actor, instance=Shift(community=community, name=name.strip(), start=start, end=end),
                         action="operations.shift.create")


def shift_update(*, actor: Actor, shift: Shift, changes: dict) -> Shift:
    if changes.get("start", shift.start) == changes.get("end", shift.end):
        raise ValidationFailed(fields={"end": [_("结束时间不能与开始时间相同。")]})
    return update(actor=actor, instance=shift, changes=changes, action="operations.shift.update")


def _check_roster(community_id: int, team, member, shift) -> None:
    same_community(community_id, team=team, member=member, shift=shift)
    if not member.active:
        raise ValidationFailed(fields={"member": [_("该员工已离职，不能排班。")]})


def roster_entry_create(*, actor: Actor, team: StaffTeam, member: StaffMember, date: dt.date, shift: Shift,
                        note: str = "") -> RosterEntry:
    require(actor, "operations.manage", team.community_id)
    _check_roster(team.community_id, team, member, shift)
    return record_create(actor=actor, instance=RosterEntry(community_id=team.community_id, team=team, member=member,
                                                           date=date, shift=shift, note=note),
                         action="operations.roster.create")


def roster_entry_update(*, actor: Actor, roster_entry: RosterEntry, changes: dict) -> RosterEntry:
    entry = roster_entry
    _check_roster(entry.community_id, changes.get("team", entry.team), changes.get("member", entry.member),
                  changes.get("shift", entry.shift))
    return update(actor=actor, instance=entry, changes=changes, action="operations.roster.update")


def roster_entry_delete(*, actor: Actor, roster_entry: RosterEntry) -> None:
    require(actor, "operations.manage", roster_entry.community_id)
    with transaction.atomic():
        audit_record(actor=actor, action="operations.roster.delete", target=roster_entry,
                     community_id=roster_entry.community_id,
                     data={"member": roster_entry.member_id, "date": roster_entry.date, "shift": roster_entry.shift_id})
        roster_entry.delete()


def roster_copy_week(*, actor: Actor, community, week_start: dt.date) -> int:
    """Copy the week before `week_start` (a Monday) into the week from it, day by day. What is
    already planned stays; people who have left since are not copied. Returns how many were added."""
    require(actor, "operations.manage", community.pk)
    if week_start.isoweekday() != 1:
        raise ValidationFailed(fields={"week": [_("请从周一开始复制一周的排班。")]})
    previous = week_start - dt.timedelta(days=7)
    source = RosterEntry.objects.filter(community=community, date__gte=previous, date__lt=week_start,
                                        member__active=True)
    existing = set(RosterEntry.objects.filter(community=community, date__gte=week_start,
                                              date__lt=week_start + dt.timedelta(days=7))
                   .values_list("member_id", "date", "shift_id"))
    new = []
    for entry in source:
        date = entry.date + dt.timedelta(days=7)
        if (entry.member_id, date, entry.shift_id) not in existing:
            new.append(RosterEntry(community=community, team_id=entry.team_id, member_id=entry.member_id, date=date,
                                   shift_id=entry.shift_id, note=entry.note))
    with transaction.atomic():
        RosterEntry.objects.bulk_create(new)
        audit_record(actor=actor, action="operations.roster.copy_week", target=community, community_id=community.pk,
                     data={"from": previous, "to": week_start, "added": len(new)})
    return len(new)
