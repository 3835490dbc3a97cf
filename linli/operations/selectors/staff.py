"""Reads of staff and organisation, scoped to the actor: the company's staff of a community
read its positions, teams, staff records (phones masked for roles without "personal.phone",
by the serializer and the export) and rosters. Anyone else finds nothing (404)."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q, QuerySet

from linli.core.tenancy import Actor
from linli.estates import selectors as estates
from linli.estates.models import Community

from ..models import Position, RosterEntry, Shift, StaffMember, StaffTeam, WorkKind


def community_ids(actor: Actor, capability: str = "operations.view") -> set[int]:
    """The communities where the actor holds `capability` as the serving company's staff."""
    return {cid for cid in actor.staff_community_ids if actor.can(capability, cid)}


def operations_scoped(qs: QuerySet, actor: Actor, capability: str = "operations.view") -> QuerySet:
    return qs if actor.is_admin else qs.filter(community_id__in=community_ids(actor, capability))


def operations_community_list(*, actor: Actor) -> QuerySet[Community]:
    """The communities whose operations pages the actor opens: those served by the company they
    work for (every staff role holds "operations.view"). Anyone else finds them missing (404)."""
    qs = estates.community_list(actor=actor)
    return qs if actor.is_admin else qs.filter(id__in=community_ids(actor))


def position_list(*, actor: Actor) -> QuerySet[Position]:
    return operations_scoped(Position.objects.all(), actor)


def staff_team_list(*, actor: Actor) -> QuerySet[StaffTeam]:
    return operations_scoped(StaffTeam.objects.select_related("zone", "leader"), actor)


def staff_member_list(*, actor: Actor) -> QuerySet[StaffMember]:
    return operations_scoped(StaffMember.objects.select_related("position", "team", "team__zone", "user"), actor)


def shift_list(*, actor: Actor) -> QuerySet[Shift]:
    return operations_scoped(Shift.objects.all(), actor)


def roster_entry_list(*, actor: Actor) -> QuerySet[RosterEntry]:
    return operations_scoped(RosterEntry.objects.select_related("team", "member", "member__position", "shift"), actor)


def headcount(*, actor: Actor, community) -> dict:
    """Planned against actual (active records) per position and per team."""
    active = Q(members__active=True)
    positions = (position_list(actor=actor).filter(community=community)
                 .annotate(actual=Count("members", filter=active)).order_by("order", "id"))
    teams = (staff_team_list(actor=actor).filter(community=community)
             .annotate(actual=Count("members", filter=active)).order_by("kind", "name", "id"))
    rows = [{"name": p.name, "kind": p.get_kind_display(), "planned": p.planned_headcount, "actual": p.actual,
             "gap": p.actual - p.planned_headcount, "id": p.pk} for p in positions]
    team_rows = [{"name": t.name, "kind": t.get_kind_display(), "zone": t.zone.name if t.zone_id else "",
                  "planned": t.planned_headcount, "actual": t.actual, "gap": t.actual - t.planned_headcount,
                  "id": t.pk, "kind_value": t.kind} for t in teams]
    kinds = list(WorkKind.values)
    team_rows.sort(key=lambda r: (kinds.index(r["kind_value"]), r["name"]))
    for r in team_rows:
        del r["kind_value"]
    return {
        "positions": rows, "teams": team_rows,
        "planned": sum(r["planned"] for r in rows), "actual": sum(r["actual"] for r in rows),
    }


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.isoweekday() - 1)


def roster_week(*, actor: Actor, community, start: dt.date) -> dict:
    """The week grid from Monday `start`: one row per team, one cell per day with its entries."""
    days = [start + dt.timedelta(days=i) for i in range(7)]
    entries = (roster_entry_list(actor=actor).filter(community=community, date__gte=days[0], date__lte=days[-1])
               .order_by("team__kind", "team__name", "date", "shift__start", "member__name"))
    by_team: dict = defaultdict(lambda: [[] for _ in days])
    teams = {}
    for entry in entries:
        teams[entry.team_id] = entry.team
        by_team[entry.team_id][(entry.date - start).days].append(entry)
    rows = [{"team": teams[tid], "cells": cells} for tid, cells in by_team.items()]
    return {"days": days, "rows": rows, "count": len(entries)}


def roster_day(*, actor: Actor, community, date: dt.date) -> list[dict]:
    """Who is on which shift that day, shift by shift."""
    groups: dict = {}
    for entry in (roster_entry_list(actor=actor).filter(community=community, date=date)
                  .order_by("shift__start", "team__kind", "team__name", "member__name")):
        groups.setdefault(entry.shift_id, {"shift": entry.shift, "entries": []})["entries"].append(entry)
    return list(groups.values())
