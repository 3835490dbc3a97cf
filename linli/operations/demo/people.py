"""Demo of staff, rosters, patrols and cleaning/greening for 苗庄小区 (篇一 §四–§五).

The establishment of 篇一 §四 as positions with their planned headcount; the teams by zone; a
staff record for each of the company's people the orgs demo created (two posts left vacant, so
the headcount chart has gaps); shifts and this week's roster; the two patrol routes of the
areas not under closed management (北区 at night, 中心游园) with plans, last night's rounds
walked (one checkpoint missed) and today's rounds to walk; and the seed's cleaning and
greening routines with a week of tasks, most done and one overdue.

Idempotent: rows are looked up by their natural keys and only what is missing is created."""

import datetime as dt

from django.utils import timezone

from linli.core.demo import DemoContext
from linli.estates.models import Zone
from linli.orgs.models import Membership

from ..models import (
    Checkpoint,
    EnvInspection,
    EnvInspectionItem,
    EnvTask,
    PatrolCheckIn,
    PatrolPlan,
    PatrolRound,
    PatrolRoute,
    Position,
    RosterEntry,
    Shift,
    StaffMember,
    StaffTeam,
    TaskTemplate,
    WorkKind,
)
from ..services import environment, patrols

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
ROUTES = [
    ("北区夜间巡逻", "北区", "北区未实行封闭管理，夜间巡逻（篇一 §五.1.5）",
     [("北门岗亭", "苗庄路北门"), ("1号楼门市后巷", "1—3号楼门市背面"), ("5号楼东侧", "5号楼东山墙"),
      ("9号楼北侧车棚", "非机动车棚"), ("14号楼西山墙", "14号楼西侧小路"), ("18号楼南侧路灯", "18号楼南")],
     [("夜间一巡", dt.time(22), dt.time(2)), ("凌晨二巡", dt.time(2), dt.time(5))]),
    ("中心游园巡逻", "中心游园", "游园、广场与老年活动中心",
     [("游园北入口", "北入口"), ("健身器材区", "游园东侧"), ("老年活动中心", "活动中心门前"), ("南侧花坛", "广场南")],
     [("午间巡逻", dt.time(12), dt.time(14)), ("傍晚巡逻", dt.time(18), dt.time(21))]),
]
HOMES = ["北区", "金苗园", "银苗园", "兰苗园", "中心游园"]
RESIDENTIAL = ["北区", "金苗园", "银苗园", "兰苗园"]
# (name, kind, frequency, times, weekdays, due, zones, checklist) — 篇一 §五.2–3
TEMPLATES = [
    ("道路保洁", "cleaning", "daily", 1, [], dt.time(10), HOMES, ["路面目观无异物", "无积水", "果皮箱已清理"]),
    ("绿化带保洁", "cleaning", "daily", 1, [], dt.time(16), HOMES, ["绿化带内无垃圾", "无杂物堆放"]),
    ("垃圾清运", "cleaning", "daily", 1, [], dt.time(18), HOMES, ["垃圾桶已清空", "投放点地面清洁", "日产日清"]),
    ("楼梯与扶手清扫", "cleaning", "monthly", 2, [], dt.time(18), RESIDENTIAL, ["楼梯无垃圾", "扶手无灰尘"]),
    ("绿化浇水", "greening", "weekly", 1, [2, 5], dt.time(11), ["中心游园", "北区"], ["浇透", "无漏浇"]),
    ("绿化修剪", "greening", "monthly", 1, [], dt.time(17), ["中心游园"], ["绿篱平整", "枯枝已清理"]),
]


def _get(ctx, model, lookup: dict, **defaults):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **defaults)
        ctx.count(str(model._meta.verbose_name_plural))
    return obj


def _staff(ctx: DemoContext, community, zones) -> dict:
    positions = {name: _get(ctx, Position, {"community": community, "name": name}, kind=kind,
                            planned_headcount=planned, order=i)
                 for i, (name, kind, planned) in enumerate(POSITIONS)}
    teams = {name: _get(ctx, StaffTeam, {"community": community, "name": name}, kind=kind, zone=zones.get(zone),
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


def _roster(ctx: DemoContext, community, teams: dict) -> None:
    shifts = {name: _get(ctx, Shift, {"community": community, "name": name}, start=start, end=end)
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


def _patrols(ctx: DemoContext, community, zones, teams) -> None:
    for name, zone, description, points, plans in ROUTES:
        route = _get(ctx, PatrolRoute, {"community": community, "name": name}, zone=zones.get(zone),
                     description=description)
        for order, (point, location) in enumerate(points, start=1):
            _get(ctx, Checkpoint, {"route": route, "name": point}, community=community, location=location,
                 order=order)
        for plan_name, start, end in plans:
            _get(ctx, PatrolPlan, {"route": route, "name": plan_name}, community=community, team=teams["北区保安班"],
                 window_start=start, window_end=end, weekdays=[])
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    for day in (yesterday - dt.timedelta(days=1), yesterday, today):
        ctx.count("patrol rounds", patrols.patrol_rounds_generate(community=community, date=day))
    _walk_past_rounds(ctx, community)


def _walk_past_rounds(ctx: DemoContext, community) -> None:
    """The rounds whose window has ended were walked; on the last night round of 北区 the guard
    skipped one checkpoint, which the daily review lists."""
    if PatrolCheckIn.objects.filter(community=community).exists():
        return
    now = timezone.now()
    guards = list(StaffMember.objects.filter(community=community, team__name="北区保安班", user__isnull=False)
                  .values_list("user_id", flat=True)) or [None]
    ended = list(PatrolRound.objects.filter(community=community, status__in=patrols.OPEN, window_end__lte=now)
                 .select_related("route").order_by("window_start"))
    last_night = next((r for r in reversed(ended) if r.route.name == "北区夜间巡逻"), None)
    checkins = []
    for n, patrol_round in enumerate(ended):
        points = list(patrol_round.route.checkpoints.filter(active=True).order_by("order"))
        if patrol_round == last_night:
            points = points[:2] + points[3:]
        step = (patrol_round.window_end - patrol_round.window_start) / (len(points) + 1)
        guard = guards[n % len(guards)]
        for i, point in enumerate(points, start=1):
            checkins.append(PatrolCheckIn(community=community, patrol_round=patrol_round, checkpoint=point,
                                          at=patrol_round.window_start + step * i, by_id=guard,
                                          method=PatrolCheckIn.Method.SCAN if i % 3 else PatrolCheckIn.Method.TYPED))
        patrol_round.guard_id, patrol_round.started_at = guard, patrol_round.window_start + step
    PatrolCheckIn.objects.bulk_create(checkins, ignore_conflicts=True)
    PatrolRound.objects.bulk_update(ended, ["guard", "started_at"])
    patrols.patrol_rounds_close_due(now=now)
    ctx.count("patrol check-ins", len(checkins))


def _environment(ctx: DemoContext, community, zones, teams) -> None:
    rng = ctx.rng("operations.environment")
    for name, kind, frequency, times, weekdays, due, zone_names, checklist in TEMPLATES:
        template = TaskTemplate.objects.filter(community=community, name=name).first()
        if template is None:
            template = TaskTemplate.objects.create(
                community=community, name=name, kind=kind, frequency=frequency, times=times, weekdays=weekdays,
                due_time=due, checklist=checklist, team=teams["绿化班"] if kind == "greening" else None)
            template.zones.set([zones[z] for z in zone_names if z in zones])
            ctx.count("task templates")
    today = timezone.localdate()
    ctx.count("cleaning tasks", environment.env_tasks_generate(
        community=community, start=today - dt.timedelta(days=5), end=today + dt.timedelta(days=1)))
    now = timezone.now()
    past = list(EnvTask.objects.filter(community=community, status=EnvTask.Status.PENDING, due_by__lt=now,
                                       done_at__isnull=True).select_related("template", "zone")
                .order_by("due_by", "id"))
    if not past or EnvTask.objects.filter(community=community, status=EnvTask.Status.DONE).exists():
        return
    # One overdue: yesterday's garbage of 兰苗园 was not cleared.
    yesterday = today - dt.timedelta(days=1)
    overdue = next((t for t in past if t.due_date == yesterday and t.template.name == "垃圾清运"
                    and t.zone_id and t.zone.name == "兰苗园"), past[-1])
    users = dict(StaffMember.objects.filter(community=community, user__isnull=False)
                 .values_list("team_id", "user_id"))
    done = []
    for task in past:
        if task.pk == overdue.pk:
            continue
        task.status = EnvTask.Status.DONE
        task.done_at = task.due_by - dt.timedelta(minutes=rng.randrange(20, 180))
        task.done_by_id = users.get(task.team_id)
        task.note = rng.choice(["", "", "已完成", "已清理干净", "垃圾已清运至转运站"])
        done.append(task)
    EnvTask.objects.bulk_update(done, ["status", "done_at", "done_by", "note"])
    inspector = ctx.users.get("manager")
    for task, passed in ((done[-1], True), (done[len(done) // 2], False)) if len(done) > 1 else ():
        inspection = EnvInspection.objects.create(community=community, task=task, zone=task.zone,
                                                  kind=task.template.kind, inspector=inspector,
                                                  at=task.done_at + dt.timedelta(hours=1), passed=passed,
                                                  note="" if passed else "个别点位需返工")
        EnvInspectionItem.objects.bulk_create([
            EnvInspectionItem(inspection=inspection, name=item, passed=passed or i > 0,
                              note="" if passed or i > 0 else "仍有杂物")
            for i, item in enumerate(task.template.checklist)])
    ctx.count("env inspections", 2)


def load(ctx: DemoContext) -> None:
    community = ctx.communities.get("miaozhuang")
    if community is None or community.company_id is None:
        return
    zones = {z.name: z for z in Zone.objects.filter(community=community)}
    teams = _staff(ctx, community, zones)
    _roster(ctx, community, teams)
    _patrols(ctx, community, zones, teams)
    _environment(ctx, community, zones, teams)
    ctx.log(f"社区运营（人员与日常）：{StaffMember.objects.filter(community=community).count()} 名员工，"
            f"{PatrolRoute.objects.filter(community=community).count()} 条巡逻路线，"
            f"{EnvTask.objects.filter(community=community).count()} 项保洁绿化任务")
