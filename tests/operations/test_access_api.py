"""The API of vehicle access, visitors, facilities and projects: create through the services,
actions, validation in the error shape, and scope."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from linli.core.models import InboxMessage
from linli.operations.models import AccessCard, ProjectUnit
from tests.operations.world_access import closed_groups


@pytest.fixture
def world(tenant):
    return tenant, closed_groups(tenant)


def test_vehicle_and_card_lifecycle(world, api):
    t, w = world
    client = api(t.user("guard"))
    vehicle = client.post("/api/v1/vehicles/", {"community": t.community.pk, "plate": "鲁qd 12345",
                                                "unit": t.units[1].pk}, format="json")
    assert vehicle.status_code == 201 and vehicle.json()["plate"] == "鲁QD12345"
    bad = client.post("/api/v1/vehicles/", {"community": t.community.pk, "plate": "ABC"}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"detail", "code", "fields"} and "plate" in bad.json()["fields"]
    card = client.post("/api/v1/access-cards/", {"community": t.community.pk, "number": "n-77",
                                                 "vehicle": vehicle.json()["id"], "zones": [w["group"].pk]},
                       format="json")
    assert card.status_code == 201 and (card.json()["number"], card.json()["status"]) == ("N-77", "active")
    cid = card.json()["id"]
    assert client.post(f"/api/v1/access-cards/{cid}/report-lost/").json()["status"] == "lost"
    assert client.post(f"/api/v1/access-cards/{cid}/enable/").json()["status"] == "active"
    disabled = client.post(f"/api/v1/access-cards/{cid}/disable/", {"reason": "车辆已出售"}, format="json").json()
    assert (disabled["status"], disabled["disabled_reason"]) == ("disabled", "车辆已出售")
    listed = client.get("/api/v1/access-cards/", {"status": "disabled"}).json()["results"]
    assert [c["id"] for c in listed] == [cid]


def test_disabling_a_card_takes_a_reason_and_tells_the_owner(world, api, django_capture_on_commit_callbacks):
    t, w = world
    client = api(t.user("guard"))
    url = f"/api/v1/access-cards/{w['card'].pk}/disable/"
    missing = client.post(url, {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["fields"]
    assert AccessCard.objects.get(pk=w["card"].pk).status == "active"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "车辆已出售"}, format="json")
    assert response.status_code == 200 and response.json()["disabled_reason"] == "车辆已出售"
    assert "车辆已出售" in InboxMessage.objects.get(user=t.user("owner")).body
    assert client.post(url, {"reason": "再停一次"}, format="json").status_code == 409


def test_the_arrears_setting_is_gone(world, api):
    assert api(world[0].user("manager")).get("/api/v1/access-policies/").status_code == 404


def test_owner_sees_their_own_vehicle_only(world, api):
    t, w = world
    rows = api(t.user("owner")).get("/api/v1/vehicles/").json()["results"]
    assert [r["id"] for r in rows] == [w["vehicle"].pk]
    assert api(t.user("neighbour")).get("/api/v1/vehicles/").json()["results"] == []
    assert api(t.user("owner")).post("/api/v1/vehicles/", {"community": t.community.pk, "plate": "鲁Q55555"},
                                     format="json").status_code == 403


def test_visitor_with_pass_and_leave(world, api):
    t, _w = world
    client = api(t.user("guard"))
    visitor = client.post("/api/v1/visitors/", {"community": t.community.pk, "name": "张三", "plate": "鲁Q66666",
                                                "pass_hours": 3}, format="json")
    assert visitor.status_code == 201
    passes = client.get("/api/v1/temporary-passes/", {"visitor": visitor.json()["id"]}).json()["results"]
    assert [(p["plate"], p["state"]) for p in passes] == [("鲁Q66666", "valid")]
    left = client.post(f"/api/v1/visitors/{visitor.json()['id']}/leave/")
    assert left.json()["left_at"] is not None
    assert client.get(f"/api/v1/temporary-passes/{passes[0]['id']}/").json()["state"] == "revoked"


def test_temporary_pass_window_is_checked(world, api):
    t, _w = world
    client = api(t.user("guard"))
    response = client.post("/api/v1/temporary-passes/", {
        "community": t.community.pk, "plate": "鲁Q66666", "valid_from": "2026-11-28T10:00:00+08:00",
        "valid_until": "2026-11-28T09:00:00+08:00"}, format="json")
    assert response.status_code == 400 and "valid_until" in response.json()["fields"]
    ok = client.post("/api/v1/temporary-passes/", {"community": t.community.pk, "plate": "鲁Q66666", "hours": 2},
                     format="json")
    assert ok.status_code == 201 and len(ok.json()["code"]) == 6
    assert client.post(f"/api/v1/temporary-passes/{ok.json()['id']}/revoke/").json()["state"] == "revoked"


def test_assets_plans_records_and_fault(world, api):
    t, _w = world
    client = api(t.user("technician"))
    asset = client.post("/api/v1/assets/", {"community": t.community.pk, "kind": "pump", "code": "SB-01",
                                            "name": "1 号泵", "zone": t.zone.pk}, format="json")
    assert asset.status_code == 201
    aid = asset.json()["id"]
    plan = client.post("/api/v1/maintenance-plans/", {"asset": aid, "name": "水泵保养", "every_days": 30,
                                                      "next_due": "2026-11-01"}, format="json")
    assert plan.status_code == 201 and plan.json()["community"] == t.community.pk
    due = client.get("/api/v1/maintenance-plans/", {"next_due__lte": "2026-11-30"}).json()["results"]
    assert [p["id"] for p in due] == [plan.json()["id"]]
    record = client.post("/api/v1/maintenance-records/", {"asset": aid, "plan": plan.json()["id"],
                                                          "description": "更换密封圈", "cost": "88.80",
                                                          "done_on": "2026-11-20"}, format="json")
    assert record.status_code == 201 and record.json()["cost"] == "88.80"
    assert client.get(f"/api/v1/maintenance-plans/{plan.json()['id']}/").json()["next_due"] == "2026-12-20"
    fault = client.post(f"/api/v1/assets/{aid}/report-fault/", {"description": "漏水"}, format="json")
    assert fault.status_code == 201
    shown = client.get(f"/api/v1/assets/{aid}/").json()
    assert (shown["status"], shown["requests"]) == ("faulty", [fault.json()["service_request"]])
    other = client.post(f"/api/v1/assets/{aid}/link-request/", {"service_request": 999999}, format="json")
    assert other.status_code == 400


def test_projects_units_summary_and_import(world, api):
    t, _w = world
    client = api(t.user("manager"))
    project = client.post("/api/v1/projects/", {"community": t.community.pk, "kind": "retrofit", "name": "户表改造",
                                                "budget": "1000.50"}, format="json")
    assert project.status_code == 201 and project.json()["budget"] == "1000.50"
    pid = project.json()["id"]
    assert client.post(f"/api/v1/projects/{pid}/units/", {"building": t.building.pk}, format="json").json() == {
        "added": 3}
    row = ProjectUnit.objects.filter(project_id=pid).order_by("unit__number").first()
    patched = client.patch(f"/api/v1/project-units/{row.pk}/", {"status": "done", "done_on": "2026-11-01"},
                           format="json")
    assert patched.status_code == 200 and patched.json()["done_on"] == "2026-11-01"
    client.post("/api/v1/project-fundings/", {"project": pid, "source": "maintenance_fund", "amount": "600.25"},
                format="json")
    summary = client.get(f"/api/v1/projects/{pid}/summary/").json()
    assert (summary["done"], summary["total"], summary["percent"]) == (1, 3, "33.3")
    assert (summary["funded"], summary["gap"]) == ("600.25", "400.25")
    book = Workbook()
    book.active.append(["楼栋", "房号", "进度"])
    book.active.append(["1号楼", "999", "已完成"])
    out = io.BytesIO()
    book.save(out)
    out.name = "p.xlsx"
    out.seek(0)
    rejected = client.post(f"/api/v1/projects/{pid}/import-progress/", {"file": out}, format="multipart")
    assert rejected.status_code == 400 and rejected.json()["code"] == "import_rejected"
    assert rejected.json()["fields"]["rows"] == ["2:房号:该房屋不在本项目中。"]


def test_gate_events_and_gates_are_staff_only(world, api):
    t, _w = world
    for role in ("owner", "committee_member", "regulator"):
        assert api(t.user(role)).get("/api/v1/gates/").json()["results"] == []


def test_card_of_another_tenant_cannot_be_bound(tenants, api):
    a, b = tenants
    w = closed_groups(b)
    response = api(a.user("guard")).post("/api/v1/access-cards/", {
        "community": a.community.pk, "number": "X", "vehicle": w["vehicle"].pk}, format="json")
    assert response.status_code == 400 and "vehicle" in response.json()["fields"]


def test_date_is_needed_for_a_future_record(world, api):
    t, _w = world
    client = api(t.user("technician"))
    aid = client.post("/api/v1/assets/", {"community": t.community.pk, "kind": "camera", "code": "JK-1",
                                          "name": "探头"}, format="json").json()["id"]
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = client.post("/api/v1/maintenance-records/", {"asset": aid, "description": "x", "done_on": tomorrow},
                           format="json")
    assert response.status_code == 400 and "done_on" in response.json()["fields"]
