"""The barrier controllers' endpoint: device keys, the decision, retries, and the error shape."""

import pytest
from rest_framework.test import APIClient

from linli.core.tenancy import Actor
from linli.operations.models import Gate, GateEvent
from linli.operations.services import gates
from tests.operations.world_access import closed_groups

URL = "/api/v1/gate-controller/events/"
EVENT = {"event_id": "evt-1", "direction": "in", "at": "2026-11-28T08:15:00+08:00", "card_number": "C-1001"}


@pytest.fixture
def world(tenant):
    return tenant, closed_groups(tenant)


def controller(key=None, header="X-Gate-Key"):
    client = APIClient()
    if key is not None:
        if header == "Authorization":
            client.credentials(HTTP_AUTHORIZATION=f"Gate {key}")
        else:
            client.credentials(HTTP_X_GATE_KEY=key)
    return client


def test_a_gate_event_refused_for_an_unknown_device_key(world):
    response = controller("gk_not-a-real-key").post(URL, EVENT, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert set(response.json()) == {"detail", "code", "fields"}
    assert not GateEvent.objects.exists()


def test_no_key_at_all_is_401(world):
    response = controller().post(URL, EVENT, format="json")
    assert response.status_code == 401 and not GateEvent.objects.exists()


def test_a_users_token_is_not_a_device_key(world, api):
    t, _w = world
    response = api(t.user("manager")).post(URL, EVENT, format="json")
    assert response.status_code == 401 and not GateEvent.objects.exists()


def test_an_inactive_gate_is_refused(world):
    t, w = world
    gates.gate_update(actor=Actor(t.user("manager")), gate=w["gate"], changes={"active": False})
    response = controller(w["key"]).post(URL, EVENT, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not GateEvent.objects.exists()


@pytest.mark.parametrize("header", ["X-Gate-Key", "Authorization"])
def test_a_valid_card_is_allowed(world, header):
    _t, w = world
    response = controller(w["key"], header).post(URL, EVENT, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["allowed"], body["reason"], body["duplicate"], body["plate"]) == (True, "card_ok", False, "鲁Q12345")
    assert body["message"] == "门禁卡有效"
    assert Gate.objects.get(pk=w["gate"].pk).last_seen_at is not None


def test_a_retry_returns_the_same_answer_and_records_nothing_new(world):
    _t, w = world
    client = controller(w["key"])
    first = client.post(URL, EVENT, format="json")
    again = client.post(URL, {**EVENT, "card_number": "OTHER"}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["duplicate"] is True
    assert again.json()["allowed"] is True
    assert GateEvent.objects.count() == 1


def test_an_unknown_card_is_denied_with_its_reason(world):
    _t, w = world
    body = controller(w["key"]).post(URL, {**EVENT, "card_number": "ZZZ"}, format="json").json()
    assert (body["allowed"], body["reason"], body["message"]) == (False, "card_unknown", "未登记的卡")


@pytest.mark.parametrize("change", [{"direction": "up"}, {"at": "yesterday"}, {"card_number": "", "plate": ""},
                                    {"event_id": ""}, {"event_id": "x" * 65}])
def test_bad_reports_are_400_and_record_nothing(world, change):
    _t, w = world
    response = controller(w["key"]).post(URL, {**EVENT, **change}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert not GateEvent.objects.exists()


def test_an_unreadable_plate_is_kept_as_read_and_denied(world):
    _t, w = world
    body = controller(w["key"]).post(URL, {**EVENT, "card_number": "", "plate": "??-1"}, format="json").json()
    assert (body["allowed"], body["reason"], body["plate"]) == (False, "plate_unknown", "??1")


def test_the_schema_documents_the_device_key(world, api):
    t, _w = world
    schema = api(t.user("manager")).get("/api/v1/schema/?format=json").json()
    assert schema["components"]["securitySchemes"]["gateKey"] == {
        "type": "apiKey", "in": "header", "name": "X-Gate-Key",
        "description": "道闸控制器的设备密钥（也可用 `Authorization: Gate <key>`）。"}
    operation = schema["paths"]["/api/v1/gate-controller/events/"]["post"]
    assert operation["security"] == [{"gateKey": []}]


def test_creating_a_gate_returns_its_key_once(world, api):
    t, w = world
    client = api(t.user("manager"))
    created = client.post("/api/v1/gates/", {"community": t.community.pk, "zone": w["group"].pk, "name": "银苗园挡车器"},
                          format="json")
    assert created.status_code == 201
    key = created.json()["key"]
    assert gates.gate_for_key(key).pk == created.json()["id"]
    shown = client.get(f"/api/v1/gates/{created.json()['id']}/").json()
    assert "key" not in shown and shown["key_prefix"] == key[:8]
    rotated = client.post(f"/api/v1/gates/{created.json()['id']}/rotate-key/").json()
    assert rotated["key"] != key and gates.gate_for_key(key) is None


def test_a_guard_cannot_create_gates(world, api):
    t, _w = world
    response = api(t.user("guard")).post("/api/v1/gates/", {"community": t.community.pk, "name": "X"}, format="json")
    assert response.status_code == 403


def test_staff_list_the_gate_events(world, api):
    t, w = world
    controller(w["key"]).post(URL, EVENT, format="json")
    rows = api(t.user("guard")).get("/api/v1/gate-events/", {"allowed": "true"}).json()["results"]
    assert [r["event_id"] for r in rows] == ["evt-1"]
    assert api(t.user("owner")).get("/api/v1/gate-events/").json()["results"] == []
