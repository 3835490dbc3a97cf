"""Personal data on every endpoint and page that shows it (DESIGN §4, docs/security.md): phones,
ID numbers and e-mail addresses in full only for the person and the roles whose work needs them;
masked for everyone else who may read the record, above all the regulators, who see aggregates."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from linli.billing.models import Lease
from linli.core.masking import mask_email, mask_id_number, mask_phone
from linli.servicedesk.models import ServiceRequest
from tests import factories as f

ID_NUMBER = "11010519491231002X"


def masked(value: str) -> bool:
    return "*" in value


@pytest.fixture
def owner(tenant):
    return tenant.owners[0]


OWNER_VIEWERS = [
    # role, sees the phone in full, sees the ID number in full
    ("manager", True, True),
    ("dispatcher", True, False),
    ("technician", True, False),
    ("cleaner", False, False),
    ("committee_member", False, False),
    ("regulator", False, False),
    ("district_regulator", False, False),
]


@pytest.mark.parametrize("role, full_phone, full_id", OWNER_VIEWERS)
def test_owner_api_masks_by_role(tenant, api, owner, role, full_phone, full_id):
    response = api(tenant.user(role)).get(f"/api/v1/owners/{owner.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["phone"] == (owner.phone if full_phone else mask_phone(owner.phone))
    assert body["id_number"] == (ID_NUMBER if full_id else mask_id_number(ID_NUMBER))


def test_an_owner_sees_their_own_data_in_full(tenant, api, owner):
    body = api(tenant.user("owner")).get(f"/api/v1/owners/{owner.pk}/").json()
    assert body["phone"] == owner.phone and body["id_number"] == ID_NUMBER


@pytest.mark.parametrize("role", ["regulator", "committee_member", "cleaner"])
def test_resident_phones_are_masked_for_roles_without_the_need(tenant, api, role):
    resident = tenant.extra["resident"]
    rows = api(tenant.user(role)).get("/api/v1/residents/").json()["results"]
    assert [r["phone"] for r in rows if r["id"] == resident.pk] == [mask_phone(resident.phone)]


def test_resident_phone_in_full_for_the_dispatcher(tenant, api):
    resident = tenant.extra["resident"]
    rows = api(tenant.user("dispatcher")).get("/api/v1/residents/").json()["results"]
    assert [r["phone"] for r in rows if r["id"] == resident.pk] == [resident.phone]


def test_a_binding_request_shows_the_id_number_to_the_manager_only(tenant, api):
    applicant = f.UserFactory(username="applicant")
    created = api(applicant).post("/api/v1/binding-requests/", {
        "community": tenant.community.pk, "building_name": tenant.building.name, "unit_number": tenant.units[2].number,
        "name": "申请人", "phone": "13712345678", "id_number": ID_NUMBER,
        "proof": SimpleUploadedFile("p.pdf", b"%PDF-1.4")}, format="multipart").json()
    assert created["id_number"] == ID_NUMBER  # the applicant's own
    for role, full_id in (("manager", True), ("dispatcher", False)):
        body = api(tenant.user(role)).get(f"/api/v1/binding-requests/{created['id']}/").json()
        assert body["phone"] == "13712345678"
        assert body["id_number"] == (ID_NUMBER if full_id else mask_id_number(ID_NUMBER))


@pytest.mark.parametrize("role, full", [("dispatcher", True), ("technician", True), ("regulator", False),
                                        ("district_regulator", False), ("committee_member", False)])
def test_the_requesters_phone_on_a_service_request(tenant, api, role, full):
    created = api(tenant.user("dispatcher")).post("/api/v1/service-requests/", {
        "community": tenant.community.pk, "kind": "complaint", "title": "噪音", "channel": "phone",
        "location": "2号楼门口", "requester_name": "来电人", "requester_phone": "13987654321"}, format="json")
    assert created.status_code == 201, created.json()
    response = api(tenant.user(role)).get(f"/api/v1/service-requests/{created.json()['id']}/")
    assert response.status_code == 200
    assert response.json()["requester_phone"] == ("13987654321" if full else mask_phone("13987654321"))


def test_a_regulator_sees_the_hotline_request_with_the_phone_masked_on_the_page(tenant, client):
    request = ServiceRequest.objects.create(community=tenant.community, kind="complaint", title="噪音扰民",
                                            requester_name="来电人", requester_phone="13987654321", channel="phone")
    client.force_login(tenant.user("regulator"))
    response = client.get(reverse("servicedesk:request_detail", args=[request.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "13987654321" not in page and mask_phone("13987654321") in page


@pytest.mark.parametrize("role, full", [("finance", True), ("committee_member", False), ("regulator", False)])
def test_a_lease_tenants_phone(tenant, api, role, full):
    lease = Lease.objects.create(community=tenant.community, premises=tenant.extra["premises"], tenant="便民超市",
                                 tenant_phone="13600001111", monthly_rent=Decimal("3000"),
                                 start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    response = api(tenant.user(role)).get(f"/api/v1/leases/{lease.pk}/")
    assert response.status_code == 200
    assert response.json()["tenant_phone"] == ("13600001111" if full else mask_phone("13600001111"))


def test_a_regulator_listing_users_sees_committee_members_phones_masked(tenant, api):
    member = tenant.user("committee_member")
    member.phone, member.email = "13511112222", "wei@example.com"
    member.save()
    rows = api(tenant.user("regulator")).get("/api/v1/users/").json()["results"]
    row = next(r for r in rows if r["id"] == member.pk)
    assert row["phone"] == mask_phone("13511112222") and masked(row["phone"])
    assert row["email"] == mask_email("wei@example.com") and masked(row["email"])


def test_a_manager_sees_the_phones_of_the_companys_staff(tenant, api):
    technician = tenant.user("technician")
    technician.phone = "13533334444"
    technician.save()
    rows = api(tenant.user("manager")).get("/api/v1/users/").json()["results"]
    assert next(r for r in rows if r["id"] == technician.pk)["phone"] == "13533334444"


def test_a_user_sees_their_own_phone(tenant, api):
    regulator = tenant.user("regulator")
    regulator.phone = "13555556666"
    regulator.save()
    body = api(regulator).get(f"/api/v1/users/{regulator.pk}/").json()
    assert body["phone"] == "13555556666"


@pytest.mark.parametrize("role", ["regulator", "committee_member"])
def test_owner_page_masks_for_regulators_and_the_committee(tenant, client, owner, role):
    client.force_login(tenant.user(role))
    response = client.get(reverse("estates:owner_detail", args=[owner.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert owner.phone not in page and ID_NUMBER not in page
    assert mask_phone(owner.phone) in page


def test_the_registry_export_masks_the_id_numbers_for_finance(tenant, api, owner):
    def cells(role):
        response = api(tenant.user(role)).get(f"/api/v1/communities/{tenant.community.pk}/export.xlsx")
        assert response.status_code == 200
        book = load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
        return {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value}

    finance = cells("finance")
    assert owner.phone in finance and ID_NUMBER not in finance and mask_id_number(ID_NUMBER) in finance
    assert ID_NUMBER in cells("manager")
