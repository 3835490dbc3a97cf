"""The people API: tenant isolation of every endpoint, writes through the services, masking,
check-ins by code, completion with a photo, and the schema."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from linli.operations.api import environment, patrols, staff
from tests.operations.world_people import MODELS, people_objects, people_world

routes = [*staff.routes, *patrols.routes, *environment.routes]
ROLES = ["manager", "finance", "guard", "cleaner", "technician", "regulator", "committee_member", "owner"]


def test_every_people_endpoint_has_an_isolation_object(tenants):
    served = {viewset.serializer_class.Meta.model._meta.model_name for _, viewset, _ in routes}
    assert served == set(MODELS)


@pytest.mark.parametrize("role", ROLES)
def test_another_tenants_objects_are_not_found(tenants, api, role):
    a, b = tenants
    people_world(a)
    objects = people_objects(b)
    client = api(a.user(role))
    leaks = []
    for prefix, viewset, _ in routes:
        obj = objects[viewset.serializer_class.Meta.model._meta.model_name]
        if client.get(f"/api/v1/{prefix}/{obj.pk}/").status_code != 404:
            leaks.append(f"GET {prefix}")
        if client.patch(f"/api/v1/{prefix}/{obj.pk}/", {}, format="json").status_code not in (404, 405):
            leaks.append(f"PATCH {prefix}")
        listing = client.get(f"/api/v1/{prefix}/", {"page_size": 500})
        if listing.status_code == 200 and obj.pk in {row["id"] for row in listing.json()["results"]}:
            leaks.append(f"LIST {prefix}")
    assert not leaks, leaks


def test_own_tenants_staff_read_and_outsiders_do_not(tenant, api):
    world = people_world(tenant)
    assert api(tenant.user("cleaner")).get(f"/api/v1/patrol-rounds/{world['patrolround'].pk}/").status_code == 200
    assert api(tenant.user("regulator")).get("/api/v1/staff-members/").json()["results"] == []


def test_a_manager_creates_and_a_guard_may_not(tenant, api):
    body = {"community": tenant.community.pk, "name": "保安员", "kind": "security", "planned_headcount": 13}
    response = api(tenant.user("manager")).post("/api/v1/positions/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["planned_headcount"] == 13
    refused = api(tenant.user("guard")).post("/api/v1/positions/", {**body, "name": "队长"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    patched = api(tenant.user("manager")).patch(f"/api/v1/positions/{response.json()['id']}/",
                                                {"planned_headcount": 12}, format="json")
    assert patched.json()["planned_headcount"] == 12


def test_phones_are_masked_for_roles_without_personal_data(tenant, api):
    member = people_world(tenant)["staffmember"]
    assert api(tenant.user("manager")).get(f"/api/v1/staff-members/{member.pk}/").json()["phone"] == "13812345678"
    assert api(tenant.user("cleaner")).get(f"/api/v1/staff-members/{member.pk}/").json()["phone"] == "138****5678"


def test_headcount_endpoint(tenant, api, tenants):
    people_world(tenant)
    data = api(tenant.user("manager")).get("/api/v1/staff-headcount/", {"community": tenant.community.pk}).json()
    assert data["positions"][0] == {"id": data["positions"][0]["id"], "name": "保安员", "kind": "保安",
                                    "planned": 4, "actual": 1, "gap": -3}
    other = tenants[1]
    assert api(other.user("manager")).get("/api/v1/staff-headcount/",
                                          {"community": tenant.community.pk}).status_code == 404


def test_check_in_by_code_and_refusal_off_the_route(tenant, api):
    world = people_world(tenant)
    guard = api(tenant.user("guard"))
    code = world["checkpoints"][1].code
    response = guard.post("/api/v1/patrol-checkins/", {"code": code}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["patrol_round"] == world["patrolround"].pk and response.json()["method"] == "scan"
    again = guard.post(f"/api/v1/patrol-rounds/{world['patrolround'].pk}/checkin/", {"code": code}, format="json")
    assert again.status_code == 409
    finish = guard.post(f"/api/v1/patrol-rounds/{world['patrolround'].pk}/finish/", {}, format="json")
    assert finish.json()["status"] == "incomplete"
    closed = guard.post(f"/api/v1/patrol-rounds/{world['patrolround'].pk}/checkin/",
                        {"code": world["checkpoints"][2].code}, format="json")
    assert closed.status_code == 400 and "已结束" in closed.json()["detail"]


def test_generate_and_complete_through_the_api(tenant, api):
    world = people_world(tenant)
    manager = api(tenant.user("manager"))
    today = timezone.localdate()
    generated = manager.post("/api/v1/task-templates/generate/", {
        "community": tenant.community.pk, "start": today.isoformat(),
        "end": (today + dt.timedelta(days=2)).isoformat()}, format="json")
    assert generated.json() == {"added": 2}
    rounds = manager.post("/api/v1/patrol-rounds/generate/", {"community": tenant.community.pk,
                                                              "date": today.isoformat()}, format="json")
    assert rounds.status_code == 200
    task = world["envtask"]
    cleaner = api(tenant.user("cleaner"))
    bad = cleaner.post(f"/api/v1/env-tasks/{task.pk}/complete/",
                       {"photo": io.BytesIO(b"GIF89a nonsense"), "note": "x"}, format="multipart")
    assert bad.status_code == 400 and "photo" in bad.json()["fields"]
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "done.jpg"
    done = cleaner.post(f"/api/v1/env-tasks/{task.pk}/complete/", {"photo": buffer, "note": "已完成"},
                        format="multipart")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done" and done.json()["photo_url"].endswith("/photo/")
    from django.test import Client

    web = Client()
    web.force_login(tenant.user("manager"))
    assert web.get(done.json()["photo_url"]).status_code == 200


def test_inspection_through_the_api(tenant, api):
    world = people_world(tenant)
    response = api(tenant.user("manager")).post("/api/v1/env-inspections/", {
        "community": tenant.community.pk, "task": world["envtask"].pk, "kind": "cleaning",
        "items": [{"name": "路面无杂物", "passed": True}, {"name": "无积水", "passed": False}]}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["passed"] is False


def test_the_schema_has_the_people_endpoints(api, tenant):
    schema = api(tenant.user("manager")).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    text = schema.content.decode()
    for fragment in ("/api/v1/positions/", "/api/v1/roster-entries/copy-week/",
                     "/api/v1/patrol-rounds/{id}/checkin/", "/api/v1/env-tasks/{id}/complete/",
                     "/api/v1/staff-headcount/", "/api/v1/task-templates/generate/"):
        assert fragment in text, fragment
