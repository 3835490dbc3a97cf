"""Shared fixtures, above all `tenants`: two complete, separate worlds for isolation tests."""

from dataclasses import dataclass, field

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories as f


@dataclass
class Tenant:
    """One jurisdiction chain, one company serving one community, and its people."""

    city: object
    district: object
    subdistrict: object
    residents_committee: object
    company: object
    community: object
    zone: object
    building: object
    units: list
    owners: list
    users: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def user(self, role: str):
        return self.users[role]


def build_tenant(tag: str) -> Tenant:
    city = f.OrganizationFactory(name=f"{tag}市", kind="city")
    district = f.OrganizationFactory(name=f"{tag}区", kind="district", parent=city)
    subdistrict = f.OrganizationFactory(name=f"{tag}街道", kind="subdistrict", parent=district)
    rc = f.OrganizationFactory(name=f"{tag}社区", kind="residents_committee", parent=subdistrict)
    company = f.OrganizationFactory(name=f"{tag}物业", kind="company")
    community = f.CommunityFactory(name=f"{tag}小区", code=f"c-{tag}", company=company, residents_committee=rc)
    zone = f.ZoneFactory(community=community, name="北区")
    building = f.BuildingFactory(community=community, zone=zone, name="1号楼")
    units = [f.UnitFactory(building=building, number=f"10{i}") for i in range(1, 4)]
    owners = []
    users = {}
    for i, unit in enumerate(units):
        owner = f.OwnerFactory(community=community, name=f"{tag}业主{i}", id_number="11010519491231002X")
        f.OwnershipFactory(owner=owner, unit=unit)
        owners.append(owner)
    users["owner"] = owners[0].user = f.UserFactory(username=f"{tag}-owner")
    owners[0].save()
    users["neighbour"] = owners[1].user = f.UserFactory(username=f"{tag}-neighbour")
    owners[1].save()
    for role in ("manager", "finance", "cashier", "dispatcher", "technician", "guard", "cleaner", "gardener"):
        users[role] = f.UserFactory(username=f"{tag}-{role}")
        f.MembershipFactory(user=users[role], organization=company, role=role)
    users["regulator"] = f.UserFactory(username=f"{tag}-regulator")
    f.MembershipFactory(user=users["regulator"], organization=subdistrict, role="regulator")
    users["district_regulator"] = f.UserFactory(username=f"{tag}-district")
    f.MembershipFactory(user=users["district_regulator"], organization=district, role="regulator")
    users["committee_member"] = f.UserFactory(username=f"{tag}-committee")
    f.MembershipFactory(user=users["committee_member"], organization=rc, role="committee_member",
                        community=community)
    tenant = Tenant(city, district, subdistrict, rc, company, community, zone, building, units, owners, users)
    tenant.extra["resident"] = f.ResidentFactory(unit=units[0], name=f"{tag}家属", phone="13800000001")
    tenant.extra["parking_space"] = f.ParkingSpaceFactory(community=community, unit=units[0], code=f"{tag}-P1")
    tenant.extra["premises"] = f.PremisesFactory(community=community, code=f"{tag}-S1")
    return tenant


# The modules that take a minute or more (measured with --durations), longest first. With two
# workers they are handed out before the rest, so they run beside the short ones instead of last
# and alone.
LONG_MODULES = ("tests/test_tenancy.py", "tests/core/test_backup.py", "tests/demo/", "tests/billing/test_reliability.py",
                "tests/reliability/", "tests/security/test_csp_browser.py")


def _long_rank(nodeid: str) -> int:
    return next((i for i, prefix in enumerate(LONG_MODULES) if nodeid.startswith(prefix)), len(LONG_MODULES))


def pytest_xdist_make_scheduler(config, log):
    """With `-n 2` (make test), hand out whole modules, as `--dist loadscope` does, so a module's
    world is built once; the demo package as one unit, so the demo is seeded once; and the long
    modules first (the collection order, see below, not the number of tests in a module)."""
    from xdist.scheduler import LoadScopeScheduling

    class ModulesAndTheDemoPackage(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            if nodeid.startswith("tests/demo/"):
                return "tests/demo/"
            return super()._split_scope(nodeid)

    config.option.loadscopereorder = False
    return ModulesAndTheDemoPackage(config, log)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if hasattr(config, "workerinput"):  # an xdist worker: its collection is the controller's work queue
        items.sort(key=lambda item: _long_rank(item.nodeid))


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads of a test land in its own temporary folder, removed with it."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def tenants(db):
    """Two tenants, A and B, that share nothing: different districts, companies, communities."""
    return build_tenant("甲"), build_tenant("乙")


@pytest.fixture
def tenant(tenants):
    return tenants[0]


@pytest.fixture
def admin_user(db):
    return f.UserFactory(username="platform-admin", is_superuser=True, is_staff=True)


def api_client_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def login(client):
    """`login(user)`: the test client, signed in as the user (pages, not the API)."""
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def api():
    """api(user) → an APIClient authenticated with that user's token."""
    return api_client_for
