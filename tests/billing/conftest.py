"""A small community with hand-computable bills (DESIGN §6): zones with sub-zones, a building
without a zone, a 低保 household, a unit that starts mid-month, monthly and annual parking, a fixed
fee and a water meter. `expected` holds each unit's March 2026 bill, worked out by hand."""

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from openpyxl import Workbook

from linli.billing.models import FeeRule, MeterReading
from linli.core.tenancy import Actor
from tests import factories as f

D = Decimal


@dataclass
class World:
    tenant: object
    community: object
    zones: dict
    units: dict
    rules: dict
    expected: dict = field(default_factory=dict)

    def actor(self, role: str = "finance") -> Actor:
        return Actor(self.tenant.user(role))


def build_world(tenant) -> World:
    community = f.CommunityFactory(name="计费小区", code=f"billing-{tenant.community.code}", company=tenant.company,
                                   residents_committee=tenant.residents_committee)
    north = f.ZoneFactory(community=community, name="北区")
    south = f.ZoneFactory(community=community, name="南区")
    gold = f.ZoneFactory(community=community, name="金苗园", parent=south)
    silver = f.ZoneFactory(community=community, name="银苗园", parent=south)
    buildings = {
        "north": f.BuildingFactory(community=community, zone=north, name="北1号楼"),
        "gold": f.BuildingFactory(community=community, zone=gold, name="金1号楼"),
        "silver": f.BuildingFactory(community=community, zone=silver, name="银1号楼"),
        "none": f.BuildingFactory(community=community, zone=None, name="独立楼"),
    }

    def unit(key, building, area, occupants, **extra):
        return f.UnitFactory(building=buildings[building], number=key, area=D(area), occupants=occupants, **extra)

    units = {
        "u1": unit("u1", "north", "89.55", 3),
        "u2": unit("u2", "silver", "120.37", 2, low_income=True),
        "u3": unit("u3", "none", "100.01", 0),
        "u4": unit("u4", "gold", "100.00", 4),
        "u5": unit("u5", "north", "77.77", 1, billing_start=dt.date(2026, 3, 18)),
        "u6": unit("u6", "north", "66.00", 2, billing_start=dt.date(2026, 4, 2)),
        "u7": unit("u7", "north", "90.02", 2),
    }
    f.ParkingSpaceFactory(community=community, code="P1", unit=units["u1"], plan="monthly",
                          plan_start=dt.date(2025, 1, 1))
    f.ParkingSpaceFactory(community=community, code="P2", unit=units["u2"], plan="annual",
                          plan_start=dt.date(2025, 3, 10))
    f.ParkingSpaceFactory(community=community, code="P3", unit=units["u4"], plan="annual",
                          plan_start=dt.date(2025, 7, 1))
    f.ParkingSpaceFactory(community=community, code="P4", unit=units["u3"], plan="monthly",
                          plan_start=dt.date(2026, 3, 11))

    def rule(name, kind, rate, zone=None, **extra):
        return FeeRule.objects.create(community=community, name=name, kind=kind, rate=D(rate), zone=zone,
                                      effective_from="2026-01", **extra)

    rules = {
        "area": rule("物业费", "area", "0.30"),
        "area_north": rule("物业费", "area", "0.25", north),
        "area_south": rule("物业费", "area", "0.40", south),
        "area_gold": rule("物业费", "area", "0.45", gold),
        "garbage": rule("垃圾费", "per_person", "3.00", low_income_rate=D("2.00")),
        "parking": rule("车位费", "parking", "60.00", annual_rate=D("500.00")),
        "fixed_north": rule("公共能耗", "fixed", "5.00", north),
        "water": rule("水费", "metered", "3.65"),
    }
    MeterReading.objects.create(community=community, unit=units["u1"], period="2026-02", reading=D("100.00"))
    MeterReading.objects.create(community=community, unit=units["u1"], period="2026-03", reading=D("112.50"))
    MeterReading.objects.create(community=community, unit=units["u2"], period="2026-03", reading=D("50.00"))
    world = World(tenant, community, {"north": north, "south": south, "gold": gold, "silver": silver}, units, rules)
    world.expected = {
        # 89.55 × 0.25 = 22.3875; 3 × 3; monthly space; fixed; (112.50 − 100.00) × 3.65 = 45.625
        "u1": {"area": D("22.39"), "per_person": D("9.00"), "parking": D("60.00"), "fixed": D("5.00"),
               "metered": D("45.63")},
        # 银苗园 has no rule of its own: 南区's 0.40 → 48.148; 低保 2 × 2.00; the annual space's anniversary
        "u2": {"area": D("48.15"), "per_person": D("4.00"), "parking": D("500.00")},
        # no zone: the community-wide 0.30 → 30.003; nobody lives there; space from 11 March: 60 × 21/31
        "u3": {"area": D("30.00"), "parking": D("40.65")},
        # 金苗园's own 0.45 beats 南区's; 4 × 3; the annual space bills in July
        "u4": {"area": D("45.00"), "per_person": D("12.00")},
        # from 18 March: 14 of 31 days of 19.4425, 3.00 and 5.00
        "u5": {"area": D("8.78"), "per_person": D("1.35"), "fixed": D("2.26")},
        # 90.02 × 0.25 = 22.505 exactly: half-up
        "u7": {"area": D("22.51"), "per_person": D("6.00"), "fixed": D("5.00")},
    }
    return world


@pytest.fixture
def world(tenant):
    return build_world(tenant)


@pytest.fixture
def readings_file():
    """readings_file(rows) → an uploadable meter-readings .xlsx (楼栋, 房号, 上次读数, 本次读数)."""
    def build(rows) -> io.BytesIO:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["楼栋", "房号", "上次读数", "本次读数"])
        for row in rows:
            sheet.append(row)
        data = io.BytesIO()
        workbook.save(data)
        data.seek(0)
        data.name = "抄表.xlsx"
        return data

    return build
