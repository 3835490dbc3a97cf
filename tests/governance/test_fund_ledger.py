"""The committee's fund ledger page: search by unit and owner, the .xlsx export of what the search
shows, with a total row, and who may have it (issue 17 §8)."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from linli.core.tenancy import Actor
from linli.governance import services
from linli.governance.models import FundAccount
from linli.estates.models import Unit
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(tenant):
    """Three units with first deposits of 50.00/m² (areas from the factory), and a fourth in
    another building whose number contains the first building's numbers."""
    other = f.BuildingFactory(community=tenant.community, zone=tenant.zone, name="2号楼")
    extra = f.UnitFactory(building=other, number="1101", area=Decimal("120.50"))
    owner = f.OwnerFactory(community=tenant.community, name="王小明", id_number="11010519491231002X")
    f.OwnershipFactory(owner=owner, unit=extra)
    units = Unit.objects.filter(community=tenant.community)
    services.fund_first_deposit(actor=Actor(tenant.user("committee_member")), community=tenant.community,
                                units=units, rate=Decimal("50"))
    return tenant


def rows_of(page: str) -> list[str]:
    """The units listed in the ledger table, in order."""
    return re.findall(r'<td data-label="房屋">([^<]+)</td>', page)


def test_search_by_unit_narrows_the_ledger(login, ledger):
    client = login(ledger.user("committee_member"))
    url = reverse("governance:fund", args=[ledger.community.pk])
    everything = client.get(url).content.decode()
    assert len(rows_of(everything)) == 4
    page = client.get(url, {"unit": "102"}).content.decode()
    assert rows_of(page) == ["1号楼-102"]
    # "1号楼-101" names the building: 2号楼-1101 holds "101" in its number but is not listed.
    page = client.get(url, {"unit": "1号楼-101"}).content.decode()
    assert rows_of(page) == ["1号楼-101"]
    page = client.get(url, {"unit": "101"}).content.decode()
    assert rows_of(page) == ["1号楼-101", "2号楼-1101"]
    page = client.get(url, {"unit": "999"}).content.decode()
    assert "没有符合条件的分户账。" in page and len(rows_of(page)) == 0


def test_search_by_owner_name_narrows_the_ledger(login, ledger):
    client = login(ledger.user("committee_member"))
    url = reverse("governance:fund", args=[ledger.community.pk])
    page = client.get(url, {"owner": "小明"}).content.decode()
    assert rows_of(page) == ["2号楼-1101"] and "王小明" in page
    page = client.get(url, {"owner": ledger.owners[1].name}).content.decode()
    assert rows_of(page) == ["1号楼-102"]
    # The owner of another community is not found here, however the name is typed.
    page = client.get(url, {"owner": "乙业主0"}).content.decode()
    assert len(rows_of(page)) == 0


def test_the_ledger_comes_before_the_entry_forms(login, ledger):
    page = login(ledger.user("committee_member")).get(
        reverse("governance:fund", args=[ledger.community.pk])).content.decode()
    assert page.index('id="ledger"') < page.index("首期交存</h2>")


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_the_export_is_the_ledger_with_money_as_numbers_and_a_total(login, ledger):
    client = login(ledger.user("committee_member"))
    sheet = _sheet(client.get(reverse("governance:fund_export", args=[ledger.community.pk])))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("房屋", "业主", "建筑面积(m²)", "首期交存(元)", "余额(元)")
    body, total = rows[1:-1], rows[-1]
    accounts = FundAccount.objects.filter(community=ledger.community)
    assert sorted(r[0] for r in body) == sorted(str(a.unit) for a in accounts)
    assert total[0] == "合计（4 户）"
    assert Decimal(str(total[4])) == sum(a.balance for a in accounts)
    assert Decimal(str(total[3])) == sum(a.first_deposit for a in accounts) == Decimal(50) * sum(
        a.unit.area for a in accounts)
    money = sheet.cell(row=2, column=5)
    assert isinstance(money.value, (int, float)) and money.number_format == "0.00"
    assert dict((r[0], r[1]) for r in body)["2号楼-1101"] == "王小明"


def test_the_export_follows_the_search(login, ledger):
    client = login(ledger.user("committee_member"))
    sheet = _sheet(client.get(reverse("governance:fund_export", args=[ledger.community.pk]), {"owner": "王小明"}))
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["2号楼-1101", "合计（1 户）"]
    assert Decimal(str(rows[-1][4])) == Decimal("6025.00")  # 120.50 m² × 50.00


@pytest.mark.parametrize("role", ["owner", "technician", "cashier"])
def test_the_ledger_and_its_export_are_refused_to_other_roles(login, ledger, role):
    client = login(ledger.user(role))
    assert client.get(reverse("governance:fund", args=[ledger.community.pk])).status_code in (403, 404)
    assert client.get(reverse("governance:fund_export", args=[ledger.community.pk])).status_code in (403, 404)


def test_another_communitys_committee_gets_nothing(login, ledger, tenants):
    client = login(tenants[1].user("committee_member"))
    response = client.get(reverse("governance:fund_export", args=[ledger.community.pk]), {"owner": "王小明"})
    assert response.status_code in (403, 404)
    assert b"PK" not in response.content[:2]
    # Its own community's export works and holds none of these units.
    own = _sheet(client.get(reverse("governance:fund_export", args=[tenants[1].community.pk])))
    assert all("王小明" not in str(r) for r in own.iter_rows(values_only=True))
