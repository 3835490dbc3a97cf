"""Demo estate registry (loaded by `manage.py seed_demo`, see linli/core/demo.py).

苗庄小区 as 篇一 describes it: 43 ha, about 200,000 m² built from 1989 to 2002, an older north
district of small walk-up flats and a newer south district whose three groups 金苗园 / 银苗园 /
兰苗园 are under closed management, about 2,000 units, their owners and residents, parking
spaces and the commercial premises. 翠园小区, a small community of another company, is there to
show that tenants are kept apart.

The whole registry is planned in memory from a fixed seed first, so it is the same on every
run whatever the database holds; then only what is missing is written. Owners, titles and
residents are written with their unit: the people of a unit that already exists are left alone."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from linli.core.demo import DemoContext, People, demo_user
from linli.orgs.models import Membership, Role

from .models import Building, Community, Owner, Ownership, ParkingSpace, Premises, Resident, Unit, Zone

Usage, Status = Unit.Usage, Unit.Status
RECENT_DELIVERY = dt.date(2026, 10, 1)  # billing of the units the developer sold this autumn starts here
LAST_MONTH_START = dt.date(2026, 11, 1)


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


@dataclass
class BuildingPlan:
    name: str
    zone: str
    floors: int
    year: int


@dataclass
class UnitPlan:
    building: str
    number: str
    floor: int
    area: Decimal
    exclusive_area: Decimal
    zone: str
    usage: str = Usage.RESIDENTIAL
    status: str = Status.OCCUPIED
    occupants: int = 0
    low_income: bool = False
    billing_start: dt.date | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.building, self.number


@dataclass
class OwnerPlan:
    name: str
    kind: str = Owner.Kind.PERSON
    phone: str = ""
    id_number: str = ""
    is_developer: bool = False
    login: str | None = None  # key of ctx.users whose login this owner record is
    titles: list = field(default_factory=list)  # (unit key, is_voter, since)


@dataclass
class ResidentPlan:
    unit: tuple[str, str]
    name: str
    relation: str
    phone: str = ""
    move_in: dt.date | None = None


@dataclass
class ParkingPlan:
    code: str
    zone: str
    location: str
    underground: bool
    unit: tuple[str, str] | None
    plan: str
    plan_start: dt.date | None


@dataclass
class PremisesPlan:
    code: str
    name: str
    zone: str
    area: Decimal
    status: str
    current_use: str


@dataclass
class CommunityPlan:
    buildings: list[BuildingPlan] = field(default_factory=list)
    units: list[UnitPlan] = field(default_factory=list)
    owners: list[OwnerPlan] = field(default_factory=list)
    residents: list[ResidentPlan] = field(default_factory=list)
    parking: list[ParkingPlan] = field(default_factory=list)
    premises: list[PremisesPlan] = field(default_factory=list)


# 苗庄小区 ---------------------------------------------------------------------------------

# (name, kind, parent, closed management)
MIAOZHUANG_ZONES = [
    ("北区", Zone.Kind.DISTRICT, None, False),
    ("南区", Zone.Kind.DISTRICT, None, False),
    ("金苗园", Zone.Kind.GROUP, "南区", True),
    ("银苗园", Zone.Kind.GROUP, "南区", True),
    ("兰苗园", Zone.Kind.GROUP, "南区", True),
    ("中心游园", Zone.Kind.AREA, None, False),
]

# (zone, buildings, first year, last year, floors to choose from, stairwells, smallest and largest flat)
MIAOZHUANG_BLOCKS = [
    ("北区", 18, 1989, 1995, (5, 5, 6, 6, 6), (2, 3, 3, 4), (50, 90)),
    ("金苗园", 13, 1996, 1998, (6, 6, 7), (2, 3, 3), (85, 145)),
    ("银苗园", 13, 1998, 2000, (6, 6, 7), (2, 3, 3), (85, 145)),
    ("兰苗园", 12, 2000, 2002, (6, 6, 7), (2, 3, 3), (85, 145)),
]
STREET_FRONT = {"北区1号楼", "北区2号楼", "北区3号楼"}  # ground floors are shops (门市) on 苗庄路

# The demo owners' homes: `owner` holds two flats in 金苗园, `owner2` one in 银苗园.
DEMO_OWNERS = [
    ("owner", "李建华", True, [("金苗园1号楼", "2-301"), ("金苗园3号楼", "1-502")]),
    ("owner2", "孙秀兰", False, [("银苗园2号楼", "1-201")]),
]
DEVELOPER = "临沂苗庄房地产开发有限公司"

PREMISES = [
    ("JY-01", "老年活动中心用房", "中心游园", "320.00", Premises.Status.SELF_USED, "老年活动中心（与蒙山社区共建）"),
    ("JY-02", "便民超市", "北区", "186.50", Premises.Status.LEASED, "苗庄便民超市"),
    ("JY-03", "社区卫生服务站用房", "南区", "142.80", Premises.Status.LEASED, "蒙山社区卫生服务站"),
    ("JY-04", "物业服务中心", "南区", "98.60", Premises.Status.SELF_USED, "金辰物业服务中心"),
    ("JY-05", "快递驿站", "北区", "45.20", Premises.Status.LEASED, "快递代收点"),
    ("JY-06", "早餐店", "北区", "38.70", Premises.Status.LEASED, "早餐店"),
    ("JY-07", "理发店", "金苗园", "32.40", Premises.Status.LEASED, "理发店"),
    ("JY-08", "北门门面房", "北区", "56.00", Premises.Status.VACANT, ""),
]

# (code prefix, zone, location, underground, how many)
PARKING = [
    ("B1", "南区", "南区地下车库B1层", True, 120),
    ("BQ", "北区", "北区路边车位", False, 80),
    ("JM", "金苗园", "金苗园组团内", False, 35),
    ("YM", "银苗园", "银苗园组团内", False, 35),
    ("LM", "兰苗园", "兰苗园组团内", False, 30),
]


def _occupants(rng, status: str) -> int:
    if status == Status.OCCUPIED:
        return rng.choices((1, 2, 3, 4, 5), weights=(10, 30, 35, 15, 10))[0]
    if status == Status.RENTED:
        return rng.choices((1, 2, 3, 4), weights=(30, 35, 25, 10))[0]
    return 0


def _month_start(rng, first: dt.date, last: dt.date = LAST_MONTH_START) -> dt.date:
    months = (last.year - first.year) * 12 + last.month - first.month
    n = first.month - 1 + rng.randint(0, months)
    return dt.date(first.year + n // 12, n % 12 + 1, 1)


def _plan_units(rng, plan: CommunityPlan) -> None:
    for zone, count, first_year, last_year, floor_choices, stair_choices, (smallest, largest) in MIAOZHUANG_BLOCKS:
        for i in range(1, count + 1):
            name = f"{zone}{i}号楼"
            floors = rng.choice(floor_choices)
            stairs = rng.choice(stair_choices)
            year = first_year + (i - 1) * (last_year - first_year + 1) // count
            plan.buildings.append(BuildingPlan(name, zone, floors, year))
            doors = 3 if zone == "北区" and rng.random() < 0.3 else 2
            # Flats of one door position share a layout on every floor and in every stairwell.
            layouts = [rng.uniform(smallest, largest) for _ in range(doors)]
            first_floor = 1
            if name in STREET_FRONT:
                first_floor = 2
                for shop in range(1, stairs * 2 + 2):
                    area = rng.uniform(35, 120)
                    plan.units.append(UnitPlan(name, f"门市{shop:02d}", 1, _money(area),
                                               _money(area * rng.uniform(0.86, 0.92)), zone, usage=Usage.COMMERCIAL))
            for stair in range(1, stairs + 1):
                for floor in range(first_floor, floors + 1):
                    for door in range(1, doors + 1):
                        area = layouts[door - 1]
                        plan.units.append(UnitPlan(name, f"{stair}-{floor}{door:02d}", floor, _money(area),
                                                   _money(area * rng.uniform(0.78, 0.85)), zone))


def _plan_statuses(rng, plan: CommunityPlan, reserved: set) -> tuple[list, list]:
    """Statuses, occupants and 低保; returns the developer's unsold units and this autumn's deliveries."""
    newest = [u for u in plan.units if u.zone == "兰苗园" and u.key not in reserved]
    picked = rng.sample(newest, 20)
    unsold, delivered = picked[:12], picked[12:]
    for unit in plan.units:
        if unit.usage == Usage.COMMERCIAL:
            unit.status = rng.choices((Status.RENTED, Status.OCCUPIED, Status.VACANT), weights=(70, 20, 10))[0]
            continue
        unit.status = rng.choices((Status.OCCUPIED, Status.RENTED, Status.VACANT), weights=(82, 10, 8))[0]
        unit.occupants = _occupants(rng, unit.status)
        if unit.status == Status.OCCUPIED:
            unit.low_income = rng.random() < (0.055 if unit.zone == "北区" else 0.015)
    for unit in unsold:
        unit.status, unit.occupants, unit.low_income = Status.UNSOLD, 0, False
    for unit in delivered:
        unit.status, unit.occupants, unit.low_income = Status.DELIVERED, 0, False
        unit.billing_start = RECENT_DELIVERY
    by_key = {u.key: u for u in plan.units}
    for key in reserved:
        unit = by_key[key]
        unit.status, unit.occupants, unit.low_income = Status.OCCUPIED, 3, False
    return unsold, delivered


def _person(people: People, rng, *, male: bool | None = None, surname: str | None = None, born=(1940, 1990),
            id_share: float = 0.6) -> OwnerPlan:
    male = people.male() if male is None else male
    owner = OwnerPlan(people.name(male, surname))
    if rng.random() < 0.95:
        owner.phone = people.mobile()
    if rng.random() < id_share:
        owner.id_number = people.id_number(people.birth_date(*born), male)
    return owner


def _since(rng, year: int) -> dt.date:
    return dt.date(rng.randint(year, 2024), rng.randint(1, 12), rng.randint(1, 28))


def _plan_owners(rng, people: People, plan: CommunityPlan, unsold: list, delivered: list) -> None:
    years = {b.name: b.year for b in plan.buildings}
    reserved = {key for *_, keys in DEMO_OWNERS for key in keys}

    developer = OwnerPlan(DEVELOPER, kind=Owner.Kind.COMPANY, phone="0539-8101989", is_developer=True)
    developer.titles = [(u.key, True, dt.date(2002, 12, 31)) for u in unsold]
    plan.owners.append(developer)

    for login, name, male, keys in DEMO_OWNERS:
        owner = OwnerPlan(name, phone=people.mobile(), id_number=people.id_number(people.birth_date(1965, 1980), male),
                          login=login)
        owner.titles = [(key, True, _since(rng, years[key[0]])) for key in keys]
        plan.owners.append(owner)

    taken = reserved | {u.key for u in unsold}
    for unit in delivered:
        owner = _person(people, rng, born=(1975, 1998), id_share=1.0)
        owner.titles = [(unit.key, True, dt.date(2026, 9, rng.randint(1, 30)))]
        plan.owners.append(owner)
        taken.add(unit.key)

    pool = [u for u in plan.units if u.key not in taken]
    rng.shuffle(pool)
    # Twenty owners hold two or three units each.
    cursor = 0
    for i in range(20):
        owner = _person(people, rng, born=(1955, 1980))
        owner.phone = owner.phone or people.mobile()
        for unit in pool[cursor: cursor + (3 if i < 5 else 2)]:
            owner.titles.append((unit.key, True, _since(rng, years[unit.building])))
        cursor += 3 if i < 5 else 2
        plan.owners.append(owner)

    singles = pool[cursor:]
    co_owned = {u.key for u in rng.sample([u for u in singles if u.usage == Usage.RESIDENTIAL], 40)}
    for unit in sorted(singles, key=lambda u: (u.building, u.number)):
        owner = _person(people, rng)
        since = _since(rng, years[unit.building])
        if unit.key not in co_owned:
            owner.titles = [(unit.key, True, since)]
            plan.owners.append(owner)
            continue
        # Spouses on one title: one of them is named to vote for the unit.
        spouse_male = rng.random() < 0.5
        spouse = _person(people, rng, male=spouse_male)
        first_votes = rng.random() < 0.75
        owner.titles = [(unit.key, first_votes, since)]
        spouse.titles = [(unit.key, not first_votes, since)]
        plan.owners.extend([owner, spouse])


def _plan_residents(rng, people: People, plan: CommunityPlan) -> None:
    surname_of = {}
    since_of = {}
    for owner in plan.owners:
        for key, is_voter, since in owner.titles:
            if is_voter and owner.kind == Owner.Kind.PERSON:
                surname_of[key], since_of[key] = owner.name[0], since
    demo_homes = {keys[0] for *_, keys in DEMO_OWNERS}
    for unit in plan.units:
        if unit.usage != Usage.RESIDENTIAL:
            continue
        if unit.status == Status.RENTED:
            move_in = _month_start(rng, dt.date(2021, 1, 1))
            plan.residents.append(ResidentPlan(unit.key, people.name(), Resident.Relation.TENANT, people.mobile(),
                                               move_in))
            for _ in range(unit.occupants - 1 if rng.random() < 0.3 else 0):
                plan.residents.append(ResidentPlan(unit.key, people.name(), Resident.Relation.TENANT, "", move_in))
        elif unit.status == Status.OCCUPIED and unit.occupants >= 2 and (unit.key in demo_homes or rng.random() < 0.45):
            for _ in range(min(unit.occupants - 1, rng.randint(1, 2))):
                phone = people.mobile() if rng.random() < 0.5 else ""
                plan.residents.append(ResidentPlan(unit.key, people.name(surname=surname_of.get(unit.key)),
                                                   Resident.Relation.FAMILY, phone, since_of.get(unit.key)))


def _plan_parking(rng, plan: CommunityPlan) -> None:
    demo_home = DEMO_OWNERS[0][3][0]
    lived_in = [u for u in plan.units
                if u.usage == Usage.RESIDENTIAL and u.status in {Status.OCCUPIED, Status.RENTED} and u.key != demo_home]
    south = {"金苗园", "银苗园", "兰苗园"}
    for prefix, zone, location, underground, count in PARKING:
        candidates = [u for u in lived_in if (u.zone in south if zone == "南区" else u.zone == zone)]
        holders = rng.sample(candidates, count)
        for i in range(1, count + 1):
            holder = holders[i - 1].key if rng.random() < 0.85 else None
            if prefix == "B1" and i == 1:
                holder = demo_home
            plan_kind, start = ParkingSpace.Plan.MONTHLY, None
            if holder:
                if rng.random() < 0.35:
                    plan_kind, start = ParkingSpace.Plan.ANNUAL, _month_start(rng, dt.date(2025, 12, 1))
                else:
                    start = _month_start(rng, dt.date(2024, 1, 1))
            plan.parking.append(ParkingPlan(f"{prefix}-{i:03d}", zone, location, underground, holder, plan_kind, start))


def plan_miaozhuang(ctx: DemoContext) -> CommunityPlan:
    rng = ctx.rng("estates.miaozhuang")
    people = People(rng)
    plan = CommunityPlan()
    _plan_units(rng, plan)
    reserved = {key for *_, keys in DEMO_OWNERS for key in keys}
    unsold, delivered = _plan_statuses(rng, plan, reserved)
    _plan_owners(rng, people, plan, unsold, delivered)
    _plan_residents(rng, people, plan)
    _plan_parking(rng, plan)
    plan.premises = [PremisesPlan(code, name, zone, Decimal(area), status, use)
                     for code, name, zone, area, status, use in PREMISES]
    return plan


# 翠园小区 ---------------------------------------------------------------------------------

def plan_cuiyuan(ctx: DemoContext) -> CommunityPlan:
    rng = ctx.rng("estates.cuiyuan")
    people = People(rng)
    plan = CommunityPlan()
    for b in (1, 2):
        name = f"{b}号楼"
        plan.buildings.append(BuildingPlan(name, "", 5, 2008))
        layouts = [rng.uniform(88, 126) for _ in range(2)]
        for stair in (1, 2):
            for floor in range(1, 6):
                for door in (1, 2):
                    area = layouts[door - 1]
                    unit = UnitPlan(name, f"{stair}-{floor}{door:02d}", floor, _money(area),
                                    _money(area * rng.uniform(0.8, 0.85)), "")
                    unit.status = rng.choices((Status.OCCUPIED, Status.RENTED, Status.VACANT), weights=(85, 10, 5))[0]
                    unit.occupants = _occupants(rng, unit.status)
                    plan.units.append(unit)
    for unit in plan.units:
        owner = _person(people, rng, born=(1960, 1990))
        owner.titles = [(unit.key, True, _since(rng, 2008))]
        plan.owners.append(owner)
    _plan_residents(rng, people, plan)
    for i, unit in enumerate(rng.sample(plan.units, 8), start=1):
        plan.parking.append(ParkingPlan(f"P-{i:02d}", "", "地面车位", False, unit.key, ParkingSpace.Plan.MONTHLY,
                                        _month_start(rng, dt.date(2025, 1, 1))))
    plan.premises = [PremisesPlan("SP-01", "1号楼底商", "", Decimal("64.00"), Premises.Status.LEASED, "便利店")]
    return plan


# Writing ----------------------------------------------------------------------------------

def _community(ctx: DemoContext, code: str, **fields) -> Community:
    community = Community.objects.filter(code=code).first()
    if community is None:
        community = Community.objects.create(code=code, **fields)
        ctx.count("communities")
    ctx.communities[code] = community
    return community


def _zones(ctx: DemoContext, community: Community, spec) -> dict[str, Zone]:
    zones: dict[str, Zone] = {}
    for name, kind, parent, closed in spec:
        zone = Zone.objects.filter(community=community, parent=zones.get(parent), name=name).first()
        if zone is None:
            zone = Zone.objects.create(community=community, parent=zones.get(parent), name=name, kind=kind,
                                       closed_management=closed)
            ctx.count("zones")
        zones[name] = zone
    return zones


def _write(ctx: DemoContext, community: Community, plan: CommunityPlan, zones: dict[str, Zone]) -> None:
    existing = set(Building.objects.filter(community=community).values_list("name", flat=True))
    new = [Building(community=community, zone=zones.get(b.zone), name=b.name, floors=b.floors, year_built=b.year)
           for b in plan.buildings if b.name not in existing]
    Building.objects.bulk_create(new)
    ctx.count("buildings", len(new))
    building_ids = dict(Building.objects.filter(community=community).values_list("name", "id"))

    existing = set(Unit.objects.filter(community=community).values_list("building__name", "number"))
    new_units = [u for u in plan.units if u.key not in existing]
    Unit.objects.bulk_create(
        [Unit(community=community, building_id=building_ids[u.building], number=u.number, floor=u.floor, area=u.area,
              exclusive_area=u.exclusive_area, usage=u.usage, status=u.status, occupants=u.occupants,
              low_income=u.low_income, billing_start=u.billing_start) for u in new_units],
        batch_size=500,
    )
    ctx.count("units", len(new_units))
    new_keys = {u.key for u in new_units}
    unit_ids = {(b, n): pk for b, n, pk in Unit.objects.filter(community=community)
                .values_list("building__name", "number", "id")}

    owners = [o for o in plan.owners if any(key in new_keys for key, *_ in o.titles)]
    known = {(name, phone): pk for name, phone, pk in Owner.objects.filter(community=community)
             .exclude(phone="").values_list("name", "phone", "id")}
    bound = set(Owner.objects.filter(community=community, user__isnull=False).values_list("user_id", flat=True))
    to_create, owner_ids = [], {}
    for i, o in enumerate(owners):
        if o.phone and (o.name, o.phone) in known:
            owner_ids[i] = known[(o.name, o.phone)]
            continue
        user = ctx.users.get(o.login) if o.login else None
        to_create.append((i, Owner(community=community, name=o.name, kind=o.kind, phone=o.phone,
                                   id_number=o.id_number, is_developer=o.is_developer,
                                   user=user if user is not None and user.pk not in bound else None)))
    Owner.objects.bulk_create([row for _, row in to_create], batch_size=500)
    ctx.count("owners", len(to_create))
    for i, row in to_create:
        if row.pk is None:  # every database Linli supports returns the new keys
            raise RuntimeError("bulk_create did not return primary keys")
        owner_ids[i] = row.pk
    Ownership.objects.bulk_create(
        [Ownership(owner_id=owner_ids[i], unit_id=unit_ids[key], is_voter=is_voter, since=since)
         for i, o in enumerate(owners) for key, is_voter, since in o.titles if key in new_keys],
        batch_size=500,
    )
    ctx.count("ownerships", sum(key in new_keys for o in owners for key, *_ in o.titles))

    residents = [Resident(unit_id=unit_ids[r.unit], name=r.name, relation=r.relation, phone=r.phone, move_in=r.move_in)
                 for r in plan.residents if r.unit in new_keys]
    Resident.objects.bulk_create(residents, batch_size=500)
    ctx.count("residents", len(residents))

    existing = set(ParkingSpace.objects.filter(community=community).values_list("code", flat=True))
    spaces = [ParkingSpace(community=community, zone=zones.get(p.zone), code=p.code, location=p.location,
                           underground=p.underground, unit_id=unit_ids[p.unit] if p.unit else None, plan=p.plan,
                           plan_start=p.plan_start) for p in plan.parking if p.code not in existing]
    ParkingSpace.objects.bulk_create(spaces, batch_size=500)
    ctx.count("parking_spaces", len(spaces))

    existing = set(Premises.objects.filter(community=community).values_list("code", flat=True))
    premises = [Premises(community=community, zone=zones.get(p.zone), code=p.code, name=p.name, area=p.area,
                         status=p.status, current_use=p.current_use) for p in plan.premises if p.code not in existing]
    Premises.objects.bulk_create(premises)
    ctx.count("premises", len(premises))


def _built_area(plan: CommunityPlan) -> Decimal:
    return sum((u.area for u in plan.units), Decimal(0)) + sum((p.area for p in plan.premises), Decimal(0))


def load(ctx: DemoContext) -> None:
    orgs = ctx.organizations
    plan = plan_miaozhuang(ctx)
    people = People(ctx.rng("estates.people"))
    phones = {o.login: o.phone for o in plan.owners if o.login}
    for login, name, _male, keys in DEMO_OWNERS:
        where = "、".join(f"{b} {n}" for b, n in keys)
        label = "业主（两套房）" if len(keys) > 1 else "业主（另一户）"
        demo_user(ctx, login, name, login=(label, f"只看自己名下的房屋（{where}）及其账单、报修、表决"),
                  phone=phones[login])

    community = _community(
        ctx, "miaozhuang", name="苗庄小区", company=orgs["company"], residents_committee=orgs["residents_committee"],
        address="山东省临沂市兰山区苗庄路1号", latitude=Decimal("35.062000"), longitude=Decimal("118.340000"),
        land_area=Decimal("430000.00"), built_area=_built_area(plan), year_built=2002,
        contract_start=dt.date(2026, 1, 1), contract_end=dt.date(2028, 12, 31),
    )
    ctx.community = community
    zones = _zones(ctx, community, MIAOZHUANG_ZONES)
    _write(ctx, community, plan, zones)
    ctx.log(f"{community.name}：{len(plan.buildings)} 栋楼，{len(plan.units)} 套房屋，"
            f"{len(plan.owners)} 位业主，{len(plan.parking)} 个车位，{len(plan.premises)} 处经营用房")

    committee = demo_user(ctx, "committee", people.name(), phone=people.mobile(), login=(
        "业委会委员（苗庄小区）", "苗庄小区：业主大会与表决、维修资金与公共收益监督"))
    _, created = Membership.objects.get_or_create(
        user=committee, organization=orgs["residents_committee"], role=Role.COMMITTEE_MEMBER,
        defaults={"community": community, "position": "业主委员会委员"},
    )
    ctx.count("memberships", int(created))

    second = plan_cuiyuan(ctx)
    cuiyuan = _community(
        ctx, "cuiyuan", name="翠园小区", company=orgs["company_2"], residents_committee=orgs["residents_committee_2"],
        address="山东省临沂市兰山区涑河北街18号", latitude=Decimal("35.071500"), longitude=Decimal("118.331200"),
        land_area=Decimal("12000.00"), built_area=_built_area(second), year_built=2008,
        contract_start=dt.date(2025, 7, 1), contract_end=dt.date(2027, 6, 30),
    )
    _write(ctx, cuiyuan, second, {})
    ctx.log(f"{cuiyuan.name}：{len(second.units)} 套房屋（恒安物业，用于演示数据隔离）")
