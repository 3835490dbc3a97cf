"""Demo of vehicle access, visitors, facilities, projects and notices for 苗庄小区 (篇一 §五).

The three barrier gates of the closed groups 金苗园 / 银苗园 / 兰苗园 (§五.1.1) with about forty
owners' vehicles and cards bound to their parking spaces — all working: no card is stopped for an
unpaid fee (Civil Code Art. 944) — today's visitors and gate events, assets of every kind with upkeep,
the water-meter retrofit 户表改造 over the owners' units (§五.6.1) part done, the guardrail
renovation funded by a government subsidy and common income (§五.1.2, §五.7), and three notices.
Rows are looked up by natural key (a plate, a card number, a code, a name) and only what is
missing is created."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from linli.core.demo import DemoContext, People
from linli.core.tenancy import Actor, SystemActor
from linli.estates.models import Building, Ownership, ParkingSpace, Unit, Zone

from ..models import (
    AccessCard,
    Asset,
    Gate,
    GateEvent,
    MaintenanceRecord,
    Notice,
    Project,
    ProjectFunding,
    ProjectUnit,
    TemporaryPass,
    Vehicle,
    Visitor,
)
from ..services import access, facilities, notices

GROUPS = ("金苗园", "银苗园", "兰苗园")
CARDS = 40
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
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
VISITORS = [
    ("快递", "", "", "送快递", None), ("外卖", "", "", "送外卖", None),
    ("亲友", "鲁Q", 4, "探亲", True), ("维修", "鲁Q", 8, "上门维修空调", True),
    ("亲友", "", "", "探望老人", None), ("搬家", "鲁Q", 8, "搬家", False),
    ("亲友", "鲁QD", 2, "接孩子", True), ("中介", "", "", "看房", None),
]


def _plate(rng, prefix: str = "鲁Q", new_energy: bool = False) -> str:
    if new_energy:
        return prefix + rng.choice("DF") + rng.choice(LETTERS + "0123456789") + f"{rng.randrange(10000):04d}"
    tail = "".join(rng.choice(LETTERS + "0123456789" * 3) for _ in range(4))
    return prefix + rng.choice(LETTERS) + tail


def _gates(ctx: DemoContext, community, zones: dict) -> dict:
    gates = {}
    for name in GROUPS:
        gate = Gate.objects.filter(community=community, name=f"{name}挡车器").first()
        if gate is None:
            gate, _key = access.gate_create(actor=SystemActor(), community=community, name=f"{name}挡车器",
                                            zone=zones[name])
            ctx.count("gates")
        gates[name] = gate
    return gates


def _cards(ctx: DemoContext, community, zones: dict) -> None:
    """Cards for owners' spaces in the closed groups and the south garage."""
    system = SystemActor()
    rng = ctx.rng("operations.access.cards")
    spaces = list(ParkingSpace.objects.filter(community=community, unit__isnull=False,
                                              zone__name__in=[*GROUPS, "南区"]).order_by("code"))
    chosen = rng.sample(spaces, min(len(spaces), CARDS))
    owners = {}
    for holding in (Ownership.objects.filter(unit_id__in=[s.unit_id for s in chosen]).select_related("owner")
                    .order_by("-id")):
        owners[holding.unit_id] = holding.owner
    for i, space in enumerate(sorted(chosen, key=lambda s: s.code), start=1):
        number = f"MZ{i:04d}"
        plate = _plate(rng, new_energy=rng.random() < 0.2)
        if AccessCard.objects.filter(community=community, number=number).exists():
            continue
        vehicle = Vehicle.objects.filter(community=community, unit_id=space.unit_id).first()
        if vehicle is None and not Vehicle.objects.filter(community=community, plate=plate).exists():
            vehicle = access.vehicle_create(actor=system, community=community, plate=plate, unit=space.unit,
                                            owner=owners.get(space.unit_id),
                                            description=rng.choice(["白色大众", "黑色丰田", "银色比亚迪", "红色本田",
                                                                    "蓝色吉利", "白色五菱"]))
            ctx.count("vehicles")
        zone = zones.get(space.zone.name) if space.zone_id else None
        access.card_issue(actor=system, community=community, number=number, vehicle=vehicle, parking_space=space,
                          zones=[zone] if zone is not None else [])
        ctx.count("access_cards")


def _today(ctx: DemoContext, community, gates: dict) -> None:
    """Visitors and gate events of the hours before now, so today's pages have something to show."""
    guard = ctx.users.get("guard")
    actor = Actor(guard) if guard is not None else SystemActor()
    rng = ctx.rng(f"operations.access.today.{timezone.localdate()}")
    people = People(rng)
    now = timezone.now()
    # The last twelve hours of today (fewer just after midnight): nothing in the future.
    start = max(timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min)),
                now - dt.timedelta(hours=12))
    minutes = max(1, int((now - start).total_seconds() // 60))
    units = list(Unit.objects.filter(community=community, building__zone__name__in=GROUPS)
                 .select_related("building").order_by("id")[:400])
    for i, (kind, prefix, hours, purpose, leaves) in enumerate(VISITORS):
        arrived = start + dt.timedelta(minutes=minutes * i // len(VISITORS), seconds=1)
        name = people.name()
        if arrived > now or Visitor.objects.filter(community=community, purpose=purpose,
                                                   arrived_at__date=arrived.date()).exists():
            continue
        plate = _plate(rng, prefix[:2], new_energy=prefix == "鲁QD") if prefix else ""
        visitor = access.visitor_register(actor=actor, community=community, name=name, phone=people.mobile(),
                                          plate=plate, unit=rng.choice(units) if units else None,
                                          purpose=purpose, arrived_at=arrived, pass_hours=hours or None)
        ctx.count("visitors")
        if leaves or (leaves is None and rng.random() < 0.6):
            access.visitor_leave(actor=actor, visitor=visitor,
                                 at=min(now, arrived + dt.timedelta(minutes=rng.randint(10, 90))))
    cards = list(AccessCard.objects.filter(community=community).select_related("vehicle", "parking_space__zone"))
    passes = list(TemporaryPass.objects.filter(community=community, valid_until__gt=start))
    day = timezone.localdate().strftime("%Y%m%d")
    for n in range(60):
        event_id = f"demo-{day}-{n:03d}"
        if GateEvent.objects.filter(community=community, event_id=event_id).exists():
            continue
        at = start + dt.timedelta(minutes=rng.randrange(minutes))
        gate = gates[rng.choice(GROUPS)]
        roll = rng.random()
        if roll < 0.8 and cards:
            card = rng.choice(cards)
            # A car goes through its own group's gate; a card of the south garage opens all three.
            space_zone = card.parking_space.zone.name if card.parking_space and card.parking_space.zone else ""
            gate = gates.get(space_zone, gate)
            access.gate_event_record(gate=gate, event_id=event_id, direction=rng.choice(["in", "out"]),
                                     at=at, card_number=card.number)
        elif roll < 0.9 and passes:
            access.gate_event_record(gate=gate, event_id=event_id, direction="in", at=at,
                                     plate=rng.choice(passes).plate)
        else:
            access.gate_event_record(gate=gate, event_id=event_id, direction="in", at=at, plate=_plate(rng, "苏C"))
        ctx.count("gate_events")


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


def _notices(ctx: DemoContext, community) -> None:
    manager = ctx.users.get("manager")
    actor = Actor(manager) if manager is not None else SystemActor()
    owner = ctx.users.get("owner")
    home = (Unit.objects.filter(community=community, ownerships__owner__user=owner).select_related("building__zone")
            .order_by("id").first() if owner is not None else None)
    building = home.building if home is not None else Building.objects.filter(community=community).order_by("id").first()
    zone = building.zone if building is not None else None
    specs = [
        ("关于金苗园、银苗园、兰苗园实行持卡出入的通知", Notice.Audience.COMMUNITY, None, None, True,
         "各位业主：\n南区三个组团已增设挡车器，自 12 月 1 日起车辆凭门禁卡出入，访客车辆由门岗登记并发放临时通行证。"
         "门禁卡遗失请及时到服务中心挂失补办。\n金辰物业苗庄小区服务中心"),
        (f"{zone.name if zone else '本区'}停水通知", Notice.Audience.ZONE if zone else Notice.Audience.COMMUNITY,
         zone, None, False,
         "因户表改造施工，本周四 9:00–15:00 暂停供水，请提前储水。给您带来不便，敬请谅解。"),
        (f"{building.name if building else ''}楼道清扫及杂物清理", Notice.Audience.BUILDING if building else
         Notice.Audience.COMMUNITY, None, building, False,
         "本周六上午统一清扫楼道、扶手，请将楼道内堆放的杂物于周五前自行清理。"),
    ]
    for title, audience, zone_ref, building_ref, pinned, body in specs:
        if Notice.objects.filter(community=community, title=title).exists():
            continue
        notice = notices.notice_create(actor=actor, community=community, title=title, body=body, audience=audience,
                                       zone=zone_ref, building=building_ref, pinned=pinned)
        notices.notice_publish(actor=actor, notice=notice)
        ctx.count("notices")


def load(ctx: DemoContext) -> None:
    community = ctx.communities.get("miaozhuang")
    if community is None:
        return
    zones = {z.name: z for z in Zone.objects.filter(community=community)}
    if not all(name in zones for name in GROUPS):
        return
    gates = _gates(ctx, community, zones)
    _cards(ctx, community, zones)
    _today(ctx, community, gates)
    assets = _assets(ctx, community, zones)
    _retrofit(ctx, community)
    _renovation(ctx, community, assets)
    _notices(ctx, community)
    done = ProjectUnit.objects.filter(project__community=community, status=ProjectUnit.Status.DONE).count()
    ctx.log(f"{community.name}：{Gate.objects.filter(community=community).count()} 部道闸，"
            f"{AccessCard.objects.filter(community=community).count()} 张门禁卡，"
            f"{Asset.objects.filter(community=community).count()} 项设施，户表改造已完成 {done} 户")

