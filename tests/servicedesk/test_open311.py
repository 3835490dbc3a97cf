"""Open311 GeoReport v2 as a generic client uses it: discovery, services, posting with a key,
fetching by id and by token, in JSON and XML, with the spec's error bodies."""

import io
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command

from linli.servicedesk.models import ServiceRequest

BASE = "/open311/v2"


@pytest.fixture
def key(db):
    out = io.StringIO()
    call_command("open311_key", "create", "12345热线", stdout=out)
    return out.getvalue().split()[-1]


def parse(response, fmt):
    return response.json() if fmt == "json" else ET.fromstring(response.content)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_client_lists_services_posts_and_fetches_by_id_and_token(client, tenant, key, fmt):
    code = tenant.community.code
    discovery = client.get(f"{BASE}/discovery.{fmt}")
    assert discovery.status_code == 200
    services = client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": code})
    assert services.status_code == 200
    if fmt == "json":
        assert discovery.json()["endpoints"][0]["formats"] == ["text/xml", "application/json"]
        service = next(s for s in services.json() if s["service_name"] == "报修 · 公共设施")
        assert set(service) == {"service_code", "service_name", "description", "metadata", "type", "keywords",
                                "group"}
        service_code = service["service_code"]
    else:
        assert ET.fromstring(discovery.content).tag == "discovery"
        root = ET.fromstring(services.content)
        assert root.tag == "services"
        service_code = next(s.findtext("service_code") for s in root if s.findtext("service_name") == "报修 · 公共设施")
    definition = client.get(f"{BASE}/services/{service_code}.{fmt}", {"jurisdiction_id": code})
    assert definition.status_code == 200

    posted = client.post(f"{BASE}/requests.{fmt}", {
        "api_key": key, "jurisdiction_id": code, "service_code": service_code, "address_string": "3号楼2单元",
        "description": "路灯不亮", "first_name": "伟", "last_name": "王", "phone": "13800001234"})
    assert posted.status_code == 201
    if fmt == "json":
        request_id, token = posted.json()[0]["service_request_id"], posted.json()[0]["token"]
    else:
        item = ET.fromstring(posted.content).find("request")
        request_id, token = int(item.findtext("service_request_id")), item.findtext("token")
    request = ServiceRequest.objects.get(pk=request_id)
    assert request.channel == "hotline" and request.kind == "repair" and request.category.name == "公共设施"
    assert request.requester_name == "王 伟"

    by_id = client.get(f"{BASE}/requests/{request_id}.{fmt}", {"jurisdiction_id": code})
    by_token = client.get(f"{BASE}/tokens/{token}.{fmt}")
    listed = client.get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": code, "status": "open"})
    if fmt == "json":
        row = by_id.json()[0]
        assert row["status"] == "open" and row["agency_responsible"] == tenant.company.name
        assert row["expected_datetime"].startswith(request.resolve_by.astimezone().strftime("%Y-%m-%d")[:4])
        assert row["service_code"] == service_code and "13800001234" not in by_id.content.decode()
        assert by_token.json() == [{"service_request_id": request_id, "token": token}]
        assert [r["service_request_id"] for r in listed.json()] == [request_id]
    else:
        row = ET.fromstring(by_id.content).find("request")
        assert row.findtext("status") == "open" and row.findtext("agency_responsible") == tenant.company.name
        assert row.findtext("expected_datetime")
        assert ET.fromstring(by_token.content).find("request").findtext("service_request_id") == str(request_id)
        assert [r.findtext("service_request_id") for r in ET.fromstring(listed.content)] == [str(request_id)]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_errors_have_the_spec_bodies(client, tenant, key, fmt):
    code = tenant.community.code
    service = client.get(f"{BASE}/services.json", {"jurisdiction_id": code}).json()[0]["service_code"]
    cases = [
        (client.post(f"{BASE}/requests.{fmt}", {"api_key": "wrong", "jurisdiction_id": code,
                                                "service_code": service, "address_string": "x"}), 403),
        (client.post(f"{BASE}/requests.{fmt}", {"api_key": key, "jurisdiction_id": code,
                                                "address_string": "x"}), 400),
        (client.post(f"{BASE}/requests.{fmt}", {"api_key": key, "jurisdiction_id": code,
                                                "service_code": service}), 400),
        (client.get(f"{BASE}/requests/999999.{fmt}"), 404),
        (client.get(f"{BASE}/tokens/nope.{fmt}"), 404),
        (client.get(f"{BASE}/services.{fmt}"), 400),
        (client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "nowhere"}), 404),
    ]
    for response, status in cases:
        assert response.status_code == status
        if fmt == "json":
            body = response.json()
            assert body[0]["code"] == status and body[0]["description"]
        else:
            root = ET.fromstring(response.content)
            assert root.tag == "errors"
            assert root.find("error").findtext("code") == str(status)
    assert not ServiceRequest.objects.exists()


def test_a_revoked_key_is_refused(client, tenant, key):
    call_command("open311_key", "revoke", "12345热线", stdout=io.StringIO())
    service = client.get(f"{BASE}/services.json", {"jurisdiction_id": tenant.community.code}).json()[0]
    response = client.post(f"{BASE}/requests.json", {"api_key": key, "jurisdiction_id": tenant.community.code,
                                                     "service_code": service["service_code"], "lat": "35.06",
                                                     "long": "118.34"})
    assert response.status_code == 403


def test_the_public_list_names_the_building_not_the_flat(client, tenant):
    from .helpers import file

    file(tenant, unit=tenant.units[0], requester_name="张三")
    body = client.get(f"{BASE}/requests.json", {"jurisdiction_id": tenant.community.code}).content.decode()
    assert "1号楼" in body and "101" not in body and "张三" not in body
