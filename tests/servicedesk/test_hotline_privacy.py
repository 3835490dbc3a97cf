"""Hotline privacy (issue 15 item 9): the regulator who typed a caller's number in at the hotline
sees it in full; other regulators, and roles without `personal.phone`, see it masked."""

import pytest
from django.urls import reverse

from linli.servicedesk.models import ServiceRequest
from tests import factories as f

PHONE = "13912345678"
MASKED = "139****5678"


@pytest.fixture
def hotline(tenant, api):
    response = api(tenant.user("regulator")).post("/api/v1/service-requests/", {
        "community": tenant.community.pk, "kind": "complaint", "title": "垃圾无人清运", "location": "2号楼",
        "requester_name": "王先生", "requester_phone": PHONE}, format="json")
    assert response.status_code == 201, response.json()
    request = ServiceRequest.objects.get(pk=response.json()["id"])
    assert request.channel == "hotline"
    return request


def test_the_regulator_who_typed_the_number_sees_it(tenant, api, hotline):
    row = api(tenant.user("regulator")).get(f"/api/v1/service-requests/{hotline.pk}/").json()
    assert row["requester_phone"] == PHONE


def test_other_regulators_see_the_number_masked(tenant, api, hotline):
    colleague = f.UserFactory(username="other-regulator")
    f.MembershipFactory(user=colleague, organization=tenant.subdistrict, role="regulator")
    for user in (colleague, tenant.user("district_regulator")):
        row = api(user).get(f"/api/v1/service-requests/{hotline.pk}/").json()
        assert row["requester_phone"] == MASKED, user.username


def test_the_companys_staff_with_personal_phone_still_see_it(tenant, api, hotline):
    row = api(tenant.user("dispatcher")).get(f"/api/v1/service-requests/{hotline.pk}/").json()
    assert row["requester_phone"] == PHONE


def test_the_request_page_shows_the_number_to_its_regulator_only(tenant, client, hotline):
    page = reverse("servicedesk:request_detail", args=[hotline.pk])
    client.force_login(tenant.user("regulator"))
    own = client.get(page).content.decode()
    assert PHONE in own
    client.force_login(tenant.user("district_regulator"))
    other = client.get(page).content.decode()
    assert MASKED in other and PHONE not in other
