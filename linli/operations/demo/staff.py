"""Demo staff of 苗庄小区 (篇一 §四): the establishment as positions with their planned headcount,
the teams by zone, a staff record for each of the company's people the orgs demo created (two
posts left vacant, so the headcount chart has gaps), the shifts and this week's roster."""

import datetime as dt

from django.utils import timezone

from linli.core.demo import DemoContext
from linli.orgs.models import Membership

from ..models import Position, RosterEntry, Shift, StaffMember, StaffTeam, WorkKind

K = WorkKind
# 篇一 §四: (post, line of work, planned headcount)
POSITIONS = [
    ("经理", K.MANAGEMENT, 1), ("小区主任", K.MANAGEMENT, 1), ("财务主管", K.FINANCE, 1), ("现金出纳", K.FINANCE, 1),
    ("收费员", K.FINANCE, 1), ("综合管理", K.ADMIN, 2), ("保安队长", K.SECURITY, 1), ("保安员", K.SECURITY, 13),
    ("维修主管", K.MAINTENANCE, 1), ("维修工", K.MAINTENANCE, 3), ("绿化主管", K.GREENING, 1),
    ("绿化工", K.GREENING, 3), ("保洁主管", K.CLEANING, 1), ("保洁员", K.CLEANING, 19), ("车库管理员", K.GARAGE, 2),
]
# (team, line of work, zone, planned headcount)
TEAMS = [
    ("财务室", K.FINANCE, None, 3), ("综合办", K.ADMIN, None, 2),
    ("金苗园保安班", K.SECURITY, "金苗园", 3), ("银苗园保安班", K.SECURITY, "银苗园", 3),
    ("兰苗园保安班", K.SECURITY, "兰苗园", 3), ("北区保安班", K.SECURITY, "北区", 4),
    ("维修班", K.MAINTENANCE, None, 4), ("绿化班", K.GREENING, None, 4),
    ("金苗园保洁组", K.CLEANING, "金苗园", 3), ("银苗园保洁组", K.CLEANING, "银苗园", 3),
    ("兰苗园保洁组", K.CLEANING, "兰苗园", 3), ("北区保洁一组", K.CLEANING, "北区", 2),
    ("北区保洁二组", K.CLEANING, "北区", 2), ("北区保洁三组", K.CLEANING, "北区", 2),
    ("北区保洁四组", K.CLEANING, "北区", 2), ("中心游园保洁组", K.CLEANING, "中心游园", 2),
    ("地下车库管理班", K.GARAGE, "南区", 2),
]
# The orgs demo's post of a membership → (position, team)
POSTS = {
    "经理": ("经理", None), "小区主任": ("小区主任", None), "财务主管": ("财务主管", "财务室"),
    "收费员": ("收费员", "财务室"), "现金出纳": ("现金出纳", "财务室"), "综合管理": ("综合管理", "综合办"),
    "保安队长": ("保安队长", None), "维修主管": ("维修主管", "维修班"), "维修工": ("维修工", "维修班"),
    "绿化主管": ("绿化主管", "绿化班"), "绿化工": ("绿化工", "绿化班"), "保洁主管": ("保洁主管", None),
    "车库管理员": ("车库管理员", "地下车库管理班"),
    **{f"保安员（{z}）": ("保安员", f"{z}保安班") for z in ("金苗园", "银苗园", "兰苗园", "北区")},
    **{f"保洁员（{z}）": ("保洁员", f"{z}保洁组") for z in ("金苗园", "银苗园", "兰苗园", "中心游园")},
    **{f"保洁员（北区{n}组）": ("保洁员", f"北区保洁{n}组") for n in "一二三四"},
}
# Posts left vacant in the demo (one each), so planned and actual differ somewhere.
VACANT = {"保安员（北区）", "保洁员（中心游园）"}
SHIFTS = [("早班", dt.time(6), dt.time(14)), ("中班", dt.time(14), dt.time(22)), ("夜班", dt.time(22), dt.time(6)),
          ("白班", dt.time(8), dt.time(17))]


def find_or_create(ctx, model, lookup: dict, **defaults):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **defaults)
        ctx.count(str(model._meta.verbose_name_plural))
    return obj


def staff(ctx: DemoContext, community, zones) -> dict:
    positions = {name: find_or_create(ctx, Position, {"community": community, "name": name}, kind=kind,
                            planned_headcount=planned, order=i)
                 for i, (name, kind, planned) in enumerate(POSITIONS)}
    teams = {name: find_or_create(ctx, StaffTeam, {"community": community, "name": name}, kind=kind, zone=zones.get(zone),
                        planned_headcount=planned)
             for name, kind, zone, planned in TEAMS}
    hired = dt.date(2026, 3, 1)
    vacant = set(VACANT)
    memberships = (Membership.objects.filter(organization=community.company, active=True, position__in=POSTS)
                   .select_related("user").order_by("-id"))
    for m in memberships:
        if m.position in vacant:
            vacant.discard(m.position)
            continue
        position, team = POSTS[m.position]
        if not StaffMember.objects.filter(community=community, user=m.user).exists():
            StaffMember.objects.create(community=community, user=m.user, name=m.user.display_name or m.user.username,
                                       phone=getattr(m.user, "phone", "") or "", position=positions[position],
                                       team=teams.get(team), hired_on=hired)
            ctx.count("staff records")
    return teams


def roster(ctx: DemoContext, community, teams: dict) -> None:
    shifts = {name: find_or_create(ctx, Shift, {"community": community, "name": name}, start=start, end=end)
              for name, start, end in SHIFTS}
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.isoweekday() - 1)
    if RosterEntry.objects.filter(community=community, date__gte=monday,
                                  date__lt=monday + dt.timedelta(days=7)).exists():
        return
    rotation = [shifts["早班"], shifts["中班"], shifts["夜班"]]
    entries = []
    for team in teams.values():
        members = list(team.members.filter(active=True).order_by("id"))
        for offset in range(7):
            day = monday + dt.timedelta(days=offset)
            for i, member in enumerate(members):
                if team.kind == K.SECURITY:
                    if (i + offset) % 4 == 3:
                        continue  # a day off in four
                    shift = rotation[(i + offset) % 3]
                elif team.kind == K.GARAGE:
                    shift = rotation[(i + offset) % 2]
                elif team.kind in (K.FINANCE, K.ADMIN, K.MAINTENANCE) and day.isoweekday() > 5:
                    continue
                else:
                    shift = shifts["白班"]
                entries.append(RosterEntry(community=community, team=team, member=member, date=day, shift=shift))
    RosterEntry.objects.bulk_create(entries, ignore_conflicts=True)
    ctx.count("roster entries", len(entries))
