"""Assets, their upkeep plans and records, and repair requests linked to them."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.tenancy import Actor
from linli.operations.models import Asset
from linli.operations.selectors import facilities as selectors
from linli.operations.services import facilities
from linli.servicedesk import services as servicedesk
from linli.servicedesk.models import ServiceRequest


@pytest.fixture
def tech(tenant):
    return Actor(tenant.user("technician"))


@pytest.fixture
def light(tenant, tech):
    return facilities.asset_create(actor=tech, community=tenant.community, kind="streetlight", code="LD-01",
                                   name="主路路灯", zone=tenant.zone, location="北区主路")


def test_asset_codes_are_unique_per_community(tenant, tech, light):
    with pytest.raises(Conflict):
        facilities.asset_create(actor=tech, community=tenant.community, kind="camera", code="LD-01", name="x")


def test_a_guard_cannot_add_assets(tenant):
    with pytest.raises(PermissionDenied):
        facilities.asset_create(actor=Actor(tenant.user("guard")), community=tenant.community, kind="camera",
                                code="JK-1", name="探头")


def test_upkeep_by_plan_moves_the_next_due_date(tenant, tech, light):
    today = timezone.localdate()
    plan = facilities.maintenance_plan_create(actor=tech, asset=light, name="路灯检修", every_days=90,
                                              next_due=today - dt.timedelta(days=3))
    due = selectors.maintenance_due(actor=tech, community=tenant.community, on=today)
    assert list(due) == [plan]
    record = facilities.maintenance_record_create(actor=tech, asset=light, plan=plan, description="检修完毕",
                                                  cost=Decimal("35.50"))
    plan.refresh_from_db()
    assert plan.next_due == today + dt.timedelta(days=90)
    assert (record.cost, record.done_by) == (Decimal("35.50"), tenant.user("technician"))
    assert not selectors.maintenance_due(actor=tech, community=tenant.community, on=today).exists()


def test_a_plan_of_another_asset_is_refused(tenant, tech, light):
    other = facilities.asset_create(actor=tech, community=tenant.community, kind="pump", code="SB-1", name="水泵")
    plan = facilities.maintenance_plan_create(actor=tech, asset=other, name="保养", every_days=30)
    with pytest.raises(ValidationFailed):
        facilities.maintenance_record_create(actor=tech, asset=light, plan=plan, description="x")


def test_reporting_a_fault_files_a_linked_repair_request(tenant, tech, light):
    request = facilities.asset_fault_report(actor=tech, asset=light, description="3 号灯不亮")
    light.refresh_from_db()
    assert light.status == Asset.Status.FAULTY
    assert list(light.requests.all()) == [request]
    assert (request.kind, request.zone, request.location, request.category.name) == (
        "repair", tenant.zone, "北区主路", "公共设施")
    assert request.resolve_by is not None


def test_linking_an_existing_request(tenant, tech, light):
    request = servicedesk.request_create(actor=Actor(tenant.user("dispatcher")), community=tenant.community,
                                         kind="repair", title="路灯坏了", location="北区主路")
    facilities.asset_request_link(actor=tech, asset=light, service_request=request)
    assert list(ServiceRequest.objects.filter(assets=light)) == [request]


def test_a_repair_record_puts_a_faulty_asset_back_in_service(tenant, tech, light):
    request = facilities.asset_fault_report(actor=tech, asset=light, description="不亮")
    facilities.maintenance_record_create(actor=tech, asset=light, request=request, description="更换镇流器")
    light.refresh_from_db()
    assert light.status == Asset.Status.IN_SERVICE


def test_asset_pages(client, tenant, tech, light):
    client.force_login(tenant.user("technician"))
    cid = tenant.community.pk
    listing = client.get(reverse("operations:asset_list", args=[cid]))
    assert listing.status_code == 200 and "LD-01" in listing.content.decode()
    detail = reverse("operations:asset_detail", args=[light.pk])
    client.post(reverse("operations:asset_act", args=[light.pk, "plan"]), {"plan-name": "检修", "plan-every_days": "30"})
    client.post(reverse("operations:asset_act", args=[light.pk, "fault"]), {"fault-description": "灯杆倾斜",
                                                                              "fault-priority": "high"})
    html = client.get(detail).content.decode()
    assert "检修" in html and "路灯故障" in html
    bad = client.post(reverse("operations:asset_act", args=[light.pk, "link"]), {"link-service_request": "999999"})
    assert bad.status_code == 400 and "没有这个报修单" in bad.content.decode()
    client.post(reverse("operations:asset_list", args=[cid]), {"kind": "camera", "code": "JK-9", "name": "新探头"})
    assert Asset.objects.filter(code="JK-9").exists()


def test_asset_export(client, tenant, tech, light):
    client.force_login(tenant.user("manager"))
    response = client.get(reverse("operations:asset_export", args=[tenant.community.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and rows[1][:3] == ("LD-01", "路灯", "主路路灯")


def test_another_company_cannot_see_the_asset(client, tenants, tech, light):
    _a, b = tenants
    client.force_login(b.user("technician"))
    assert client.get(reverse("operations:asset_detail", args=[light.pk])).status_code == 404
