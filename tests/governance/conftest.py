"""A small community built to order for the hand-computed scenarios: each test says exactly which
owners hold which units of what exclusive area, and the numbers of DESIGN §6 follow by hand."""

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count

import pytest

from linli.core.tenancy import Actor
from linli.estates.models import Owner, Ownership, Unit
from tests import factories as f

_numbers = count(1)
# A valid resident ID of an adult (born 1949): candidates need full civil capacity by default (篇四 §一.1).
ADULT_ID = "11010519491231002X"


@dataclass
class Town:
    community: object
    building: object
    committee_user: object
    regulator_user: object
    units: list = field(default_factory=list)

    @property
    def committee(self) -> Actor:
        return Actor(self.committee_user)

    @property
    def regulator(self) -> Actor:
        return Actor(self.regulator_user)

    def unit(self, area, *, built=None) -> Unit:
        area = Decimal(str(area))
        unit = f.UnitFactory(building=self.building, number=f"{next(_numbers):04d}",
                             area=Decimal(str(built)) if built is not None else area, exclusive_area=area)
        self.units.append(unit)
        return unit

    def owner(self, *areas, name=None, developer=False, login=False) -> Owner:
        """An owner holding one new unit per area given (each area its exclusive area)."""
        owner = f.OwnerFactory(community=self.community, name=name or f"业主{next(_numbers)}", is_developer=developer,
                               id_number=ADULT_ID)
        if login:
            owner.user = f.UserFactory(username=f"town-owner-{owner.pk}")
            owner.save()
        for area in areas:
            Ownership.objects.create(owner=owner, unit=self.unit(area), is_voter=True)
        return owner

    def co_owners(self, area, n=2, voter=0) -> list[Owner]:
        """Owners of one unit together; the one at index `voter` votes for it."""
        unit = self.unit(area)
        owners = [f.OwnerFactory(community=self.community, name=f"共有人{next(_numbers)}", id_number=ADULT_ID)
                  for _ in range(n)]
        for i, owner in enumerate(owners):
            Ownership.objects.create(owner=owner, unit=unit, is_voter=i == voter)
        return owners

    def owners(self, *areas) -> list[Owner]:
        return [self.owner(area) for area in areas]


def build_town(tenant) -> Town:
    community = f.CommunityFactory(name="测试小区", code=f"town-{next(_numbers)}", company=tenant.company,
                                   residents_committee=tenant.residents_committee)
    building = f.BuildingFactory(community=community, name="1号楼")
    committee = f.UserFactory(username=f"town-committee-{community.pk}")
    f.MembershipFactory(user=committee, organization=tenant.residents_committee, role="committee_member",
                        community=community)
    return Town(community, building, committee, tenant.user("regulator"))


@pytest.fixture
def town(tenant) -> Town:
    return build_town(tenant)
