"""Demo facilities and projects of 苗庄小区: assets of every kind with upkeep, the water-meter
retrofit 户表改造 over the owners' units (§五.6.1) part done, and the guardrail renovation funded by
a government subsidy and common income (§五.1.2, §五.7)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from linli.core.demo import DemoContext
from linli.core.tenancy import Actor, SystemActor

from ..models import Asset, MaintenanceRecord, Project, ProjectFunding, ProjectUnit
from ..services import facilities

ASSETS = [
    # kind, code, name, zone, location, installed, plan (name, every days) or None
    (Asset.Kind.GUARDRAIL, "HL-01", "南区东侧护栏", "南区", "南区东围墙 120 米", 1998, ("护栏巡查紧固", 30)),
    (Asset.Kind.GUARDRAIL, "HL-02", "北区北侧护栏", "北区", "北区北围墙 200 米", 1992, ("护栏巡查紧固", 30)),
    (Asset.Kind.GUARDRAIL, "HL-03", "中心游园护栏", "中心游园", "游园水池周边", 2001, None),
    (Asset.Kind.STREETLIGHT, "LD-01", "金苗园主路路灯 1-10", "金苗园", "金苗园主路", 2002, ("路灯检修", 90)),
    (Asset.Kind.STREETLIGHT, "LD-02", "北区主路路灯 1-16", "北区", "北区主路", 1990, ("路灯检修", 90)),
    (Asset.Kind.CAMERA, "JK-01", "金苗园大门红外探头", "金苗园", "金苗园大门", 2026, ("探头清洁校准", 60)),
    (Asset.Kind.CAMERA, "JK-02", "银苗园大门红外探头", "银苗园", "银苗园大门", 2026, ("探头清洁校准", 60)),
    (Asset.Kind.CAMERA, "JK-03", "兰苗园大门红外探头", "兰苗园", "兰苗园大门", 2026, ("探头清洁校准", 60)),
    (Asset.Kind.FITNESS, "JS-01", "中心游园健身路径", "中心游园", "中心游园西侧", 2005, ("健身器材安全检查", 30)),
    (Asset.Kind.FITNESS, "JS-02", "北区健身广场器材", "北区", "北区广场", 2003, ("健身器材安全检查", 30)),
    (Asset.Kind.BARRIER, "DZ-01", "金苗园挡车器", "金苗园", "金苗园大门", 2026, ("道闸保养", 60)),
    (Asset.Kind.BARRIER, "DZ-02", "银苗园挡车器", "银苗园", "银苗园大门", 2026, ("道闸保养", 60)),
    (Asset.Kind.BARRIER, "DZ-03", "兰苗园挡车器", "兰苗园", "兰苗园大门", 2026, ("道闸保养", 60)),
    (Asset.Kind.GARBAGE_POINT, "LJ-01", "北区垃圾投放点", "北区", "北区 6 号楼东", 2026, ("投放点清洗消毒", 7)),
    (Asset.Kind.GARBAGE_POINT, "LJ-02", "南区垃圾投放点", "南区", "银苗园北门外", 2026, ("投放点清洗消毒", 7)),
    (Asset.Kind.GARBAGE_POINT, "LJ-03", "中心游园垃圾投放点", "中心游园", "游园南入口", 2026, None),
    (Asset.Kind.PUMP, "SB-01", "二次供水水泵房 1 号泵", "南区", "南区水泵房", 2002, ("水泵保养", 30)),
    (Asset.Kind.PUMP, "SB-02", "二次供水水泵房 2 号泵", "南区", "南区水泵房", 2002, ("水泵保养", 30)),
    (Asset.Kind.WATER_METER, "SJ-01", "小区总水表", "北区", "北区大门井内", 1995, ("总表读数核对", 30)),
]


def _assets(ctx: DemoContext, community, zones: dict) -> dict:
    system = SystemActor()
    rng = ctx.rng("operations.assets")
    technician = ctx.users.get("technician")
    actor = Actor(technician) if technician is not None else system
    today = timezone.localdate()
    made = {}
    for kind, code, name, zone_name, location, year, plan in ASSETS:
        asset = Asset.objects.filter(community=community, code=code).first()
        if asset is None:
            asset = facilities.asset_create(actor=system, community=community, kind=kind, code=code, name=name,
                                            zone=zones.get(zone_name), location=location,
                                            installed_on=dt.date(year, 6, 1))
            ctx.count("assets")
            if plan is not None:
                every = plan[1]
                # Some plans are overdue, some due this week, the rest later: the "due" list has rows.
                first_due = today + dt.timedelta(days=rng.choice([-5, -1, 2, 6, every // 2, every]))
                created = facilities.maintenance_plan_create(actor=system, asset=asset, name=plan[0], every_days=every,
                                                             next_due=first_due - dt.timedelta(days=every))
                facilities.maintenance_record_create(actor=actor, asset=asset, plan=created,
                                                     description=f"{plan[0]}：正常",
                                                     done_on=first_due - dt.timedelta(days=every),
                                                     cost=Decimal(rng.choice(["0", "0", "35.00", "120.00"])))
                ctx.count("maintenance_plans")
        made[code] = asset
    if not MaintenanceRecord.objects.filter(asset=made["LD-02"], plan__isnull=True).exists():
        facilities.maintenance_record_create(actor=actor, asset=made["LD-02"], description="更换 3 盏损坏灯具（配合供电部门）",
                                             done_on=today - dt.timedelta(days=12), cost=Decimal("486.50"))
    return made


def _retrofit(ctx: DemoContext, community) -> None:
    """户表改造 (篇一 §五.6.1) over every owner's unit; the north is well under way, the south began later."""
    project = Project.objects.filter(community=community, name="户表改造").first()
    if project is not None:
        return
    system = SystemActor()
    project = facilities.project_create(
        actor=system, community=community, kind=Project.Kind.RETROFIT, name="户表改造",
        description="协调供水部门完成区内所有业主的户表改造工作（篇一 §五.6.1），一户一表，抄表到户。",
        status=Project.Status.IN_PROGRESS, start_date=dt.date(2026, 9, 1), planned_end=dt.date(2027, 3, 31),
        budget=Decimal("0"))
    facilities.project_units_add(actor=system, project=project)
    rng = ctx.rng("operations.retrofit")
    rows = list(ProjectUnit.objects.filter(project=project).select_related("unit__building__zone__parent")
                .order_by("id"))
    today = timezone.localdate()
    for row in rows:
        zone = row.unit.building.zone
        north = zone is not None and (zone.name == "北区" or (zone.parent_id and zone.parent.name == "北区"))
        roll = rng.random()
        if roll < (0.7 if north else 0.25):
            row.status, row.done_on = ProjectUnit.Status.DONE, dt.date(2026, 9, 1) + dt.timedelta(
                days=rng.randrange((today - dt.date(2026, 9, 1)).days))
        elif roll < (0.8 if north else 0.4):
            row.status = ProjectUnit.Status.IN_PROGRESS
        elif roll < (0.83 if north else 0.43):
            row.status, row.note = ProjectUnit.Status.REFUSED, "业主长期外出，约定返回后施工"
    ProjectUnit.objects.bulk_update(rows, ["status", "done_on", "note"], batch_size=1000)
    ctx.count("project_units", len(rows))


def _renovation(ctx: DemoContext, community, assets: dict) -> None:
    """护栏修补更换 (篇一 §五.1.2), paid by a subsidy the residents' committee obtained and by common income (§五.7)."""
    if Project.objects.filter(community=community, name="南区及北区护栏修补更换").exists():
        return
    system = SystemActor()
    project = facilities.project_create(
        actor=system, community=community, kind=Project.Kind.RENOVATION, name="南区及北区护栏修补更换",
        description="对区内缺损的护栏进行修补、更换（篇一 §五.1.2）。由社区牵头争取政府资金补贴，不足部分经业主大会同意由公共收益列支。",
        status=Project.Status.IN_PROGRESS, start_date=dt.date(2026, 10, 15), planned_end=dt.date(2026, 12, 31),
        budget=Decimal("86000.00"), assets=[assets["HL-01"], assets["HL-02"]])
    facilities.project_funding_add(actor=system, project=project, source=ProjectFunding.Source.GOVERNMENT,
                                   amount=Decimal("50000.00"), reference="兰山区老旧小区改造补助（蒙山社区申报）",
                                   received_on=dt.date(2026, 10, 20))
    facilities.project_funding_add(actor=system, project=project, source=ProjectFunding.Source.COMMON_INCOME,
                                   amount=Decimal("20000.00"), reference="经营用房租金收益，业委会审议通过",
                                   received_on=dt.date(2026, 11, 5))
    ctx.count("projects", 2)


def load(ctx: DemoContext, community, zones: dict) -> None:
    assets = _assets(ctx, community, zones)
    _retrofit(ctx, community)
    _renovation(ctx, community, assets)
