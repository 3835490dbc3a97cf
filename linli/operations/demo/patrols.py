"""Demo patrols of 苗庄小区: the two routes of the areas not under closed management (北区 at
night, 中心游园) with plans, last night's rounds walked (one checkpoint missed) and today's rounds
to walk."""

import datetime as dt

from django.utils import timezone

from linli.core.demo import DemoContext

from ..models import Checkpoint, PatrolCheckIn, PatrolPlan, PatrolRound, PatrolRoute, StaffMember
from ..services import patrols
from .staff import find_or_create

ROUTES = [
    ("北区夜间巡逻", "北区", "北区未实行封闭管理，夜间巡逻（篇一 §五.1.5）",
     [("北门岗亭", "苗庄路北门"), ("1号楼门市后巷", "1—3号楼门市背面"), ("5号楼东侧", "5号楼东山墙"),
      ("9号楼北侧车棚", "非机动车棚"), ("14号楼西山墙", "14号楼西侧小路"), ("18号楼南侧路灯", "18号楼南")],
     [("夜间一巡", dt.time(22), dt.time(2)), ("凌晨二巡", dt.time(2), dt.time(5))]),
    ("中心游园巡逻", "中心游园", "游园、广场与老年活动中心",
     [("游园北入口", "北入口"), ("健身器材区", "游园东侧"), ("老年活动中心", "活动中心门前"), ("南侧花坛", "广场南")],
     [("午间巡逻", dt.time(12), dt.time(14)), ("傍晚巡逻", dt.time(18), dt.time(21))]),
]


def load(ctx: DemoContext, community, zones, teams) -> None:
    for name, zone, description, points, plans in ROUTES:
        route = find_or_create(ctx, PatrolRoute, {"community": community, "name": name}, zone=zones.get(zone),
                     description=description)
        for order, (point, location) in enumerate(points, start=1):
            find_or_create(ctx, Checkpoint, {"route": route, "name": point}, community=community, location=location,
                 order=order)
        for plan_name, start, end in plans:
            find_or_create(ctx, PatrolPlan, {"route": route, "name": plan_name}, community=community, team=teams["北区保安班"],
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
