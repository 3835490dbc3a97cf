from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.core.models import AuditEvent, OutboxMessage
from linli.estates.models import BindingRequest, Building, Owner, Ownership, Unit
from linli.orgs.models import User
from tests import factories as f


@pytest.fixture
def manager(tenant, api):
    return api(tenant.user("manager"))


def test_unit_exclusive_area_defaults_to_built_area(tenant, manager):
    response = manager.post("/api/v1/units/", {"building": tenant.building.pk, "number": "201", "area": "88.56"},
                            format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["area"], body["exclusive_area"], body["community"]) == ("88.56", "88.56", tenant.community.pk)
    assert body["zone"] == tenant.zone.pk


def test_exclusive_area_larger_than_built_area_is_refused(tenant, manager):
    response = manager.post("/api/v1/units/", {"building": tenant.building.pk, "number": "202", "area": "80.00",
                                               "exclusive_area": "80.01"}, format="json")
    assert response.status_code == 400 and "exclusive_area" in response.json()["fields"]
    assert not Unit.objects.filter(number="202").exists()


def test_bad_area_gets_the_error_shape_in_chinese(tenant, manager):
    response = manager.post("/api/v1/units/", {"building": tenant.building.pk, "number": "x", "area": "abc"},
                            format="json")
    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid" and "area" in body["fields"]
    assert "数" in body["detail"]


def test_duplicate_unit_number_in_a_building_is_refused(tenant, manager):
    response = manager.post("/api/v1/units/", {"building": tenant.building.pk, "number": tenant.units[0].number,
                                               "area": "90"}, format="json")
    assert response.status_code in (400, 409)
    assert Unit.objects.filter(building=tenant.building, number=tenant.units[0].number).count() == 1


def test_units_filter_by_community_building_and_zone(tenants, admin_user, api):
    a, b = tenants
    client = api(admin_user)
    assert client.get("/api/v1/units/", {"community": a.community.pk}).json()["count"] == 3
    assert client.get("/api/v1/units/", {"building": b.building.pk}).json()["count"] == 3
    assert client.get("/api/v1/units/", {"zone": a.zone.pk, "number": "101"}).json()["count"] == 1


def test_zone_of_another_community_cannot_be_a_parent(tenants, admin_user, api):
    a, b = tenants
    response = api(admin_user).post("/api/v1/zones/", {"community": a.community.pk, "name": "金苗园",
                                                       "parent": b.zone.pk}, format="json")
    assert response.status_code == 400 and "parent" in response.json()["fields"]


def test_technician_cannot_edit_the_registry(tenant, api):
    response = api(tenant.user("technician")).patch(f"/api/v1/units/{tenant.units[0].pk}/", {"area": "1.00"},
                                                    format="json")
    assert response.status_code == 403
    assert Unit.objects.get(pk=tenant.units[0].pk).area == Decimal("90.00")


def test_owner_id_number_is_validated(tenant, manager):
    response = manager.post("/api/v1/owners/", {"community": tenant.community.pk, "name": "王五",
                                                "id_number": "110105194912310021"}, format="json")
    assert response.status_code == 400 and "id_number" in response.json()["fields"]
    good = manager.post("/api/v1/owners/", {"community": tenant.community.pk, "name": "王五",
                                            "id_number": "11010519491231002x", "phone": "13912345678"}, format="json")
    assert good.status_code == 201 and good.json()["id_number"] == "11010519491231002X"


@pytest.mark.parametrize("role, phone_visible, id_visible", [
    ("manager", True, True), ("technician", True, False), ("regulator", False, False),
    ("committee_member", False, False)])
def test_personal_data_is_masked_by_role(tenant, api, role, phone_visible, id_visible):
    owner = tenant.owners[2]
    body = api(tenant.user(role)).get(f"/api/v1/owners/{owner.pk}/").json()
    assert (body["phone"] == owner.phone) is phone_visible
    assert (body["id_number"] == owner.id_number) is id_visible
    if not phone_visible:
        assert body["phone"] == owner.phone[:3] + "****" + owner.phone[-4:]


def test_an_owner_sees_their_own_personal_data_in_full(tenant, api):
    owner = tenant.owners[0]
    body = api(tenant.user("owner")).get(f"/api/v1/owners/{owner.pk}/").json()
    assert body["id_number"] == owner.id_number


def test_the_first_owner_of_a_unit_is_its_voter_and_a_new_voter_replaces_the_old(tenant, manager):
    unit = tenant.units[0]
    co_owner = f.OwnerFactory(community=tenant.community, name="共有人")
    second = manager.post("/api/v1/ownerships/", {"owner": co_owner.pk, "unit": unit.pk}, format="json")
    assert second.status_code == 201 and second.json()["is_voter"] is False
    switched = manager.patch(f"/api/v1/ownerships/{second.json()['id']}/", {"is_voter": True}, format="json")
    assert switched.status_code == 200
    assert list(Ownership.objects.filter(unit=unit, is_voter=True).values_list("owner_id", flat=True)) == [co_owner.pk]


def test_ending_the_voters_title_passes_the_vote_to_a_co_owner(tenant, manager):
    unit = tenant.units[0]
    co_owner = f.OwnerFactory(community=tenant.community, name="共有人")
    Ownership.objects.create(owner=co_owner, unit=unit, is_voter=False)
    voter = Ownership.objects.get(unit=unit, is_voter=True)
    assert manager.delete(f"/api/v1/ownerships/{voter.pk}/").status_code == 204
    assert Ownership.objects.get(unit=unit).owner == co_owner
    assert Ownership.objects.get(unit=unit).is_voter


def test_one_owner_may_hold_many_units(tenant, manager):
    owner = tenant.owners[0]
    for unit in tenant.units[1:]:
        assert manager.post("/api/v1/ownerships/", {"owner": owner.pk, "unit": unit.pk}, format="json").status_code == 201
    assert sorted(manager.get(f"/api/v1/owners/{owner.pk}/").json()["units"]) == sorted(u.pk for u in tenant.units)


def test_parking_space_with_a_holder_unit(tenant, manager):
    response = manager.post("/api/v1/parking-spaces/", {"community": tenant.community.pk, "code": "B-01",
                                                        "unit": tenant.units[1].pk, "plan": "annual",
                                                        "plan_start": "2026-03-01"}, format="json")
    assert response.status_code == 201 and response.json()["plan"] == "annual"


def test_owner_adds_a_family_member_to_their_own_unit_only(tenant, api):
    client = api(tenant.user("owner"))
    ok = client.post("/api/v1/residents/", {"unit": tenant.units[0].pk, "name": "李小明", "relation": "family"},
                     format="json")
    assert ok.status_code == 201
    refused = client.post("/api/v1/residents/", {"unit": tenant.units[1].pk, "name": "李小明", "relation": "tenant"},
                          format="json")
    assert refused.status_code == 400 and "unit" in refused.json()["fields"]


def test_invitation_code_opens_an_owner_account_once(tenant, manager, api, django_capture_on_commit_callbacks):
    owner = tenant.owners[2]
    with django_capture_on_commit_callbacks(execute=True):
        invite = manager.post(f"/api/v1/owners/{owner.pk}/invite/", {"sms": True}, format="json")
    assert invite.status_code == 201
    code = invite.json()["code"]
    assert code in OutboxMessage.objects.get(recipient=owner.phone).body

    from linli.estates.services import owner_invitation_redeem
    from linli.core.errors import ValidationFailed

    user = owner_invitation_redeem(code=code, username="owner-three", password="Owner-pass-2026")
    owner.refresh_from_db()
    assert owner.user == user
    with pytest.raises(ValidationFailed):
        owner_invitation_redeem(code=code, username="owner-four", password="Owner-pass-2026")
    units = api(user).get("/api/v1/units/").json()["results"]
    assert [u["id"] for u in units] == [tenant.units[2].pk]


def test_binding_request_is_reviewed_by_staff_and_binds_the_login(tenant, api):
    applicant = f.UserFactory(username="applicant")
    proof = SimpleUploadedFile("deed.pdf", b"%PDF-1.4 title deed", content_type="application/pdf")
    response = api(applicant).post("/api/v1/binding-requests/", {
        "community": tenant.community.pk, "building_name": tenant.building.name,
        "unit_number": tenant.units[2].number, "name": tenant.owners[2].name, "proof": proof}, format="multipart")
    assert response.status_code == 201, response.json()
    assert api(applicant).get(f"/api/v1/units/{tenant.units[2].pk}/").status_code == 404
    review = api(tenant.user("dispatcher")).post(f"/api/v1/binding-requests/{response.json()['id']}/review/",
                                                 {"approve": True}, format="json")
    assert review.status_code == 200 and review.json()["status"] == "approved"
    assert Owner.objects.get(pk=tenant.owners[2].pk).user == applicant
    assert api(applicant).get(f"/api/v1/units/{tenant.units[2].pk}/").status_code == 200


def test_binding_proof_must_be_a_document_or_image(tenant, api):
    applicant = f.UserFactory(username="applicant")
    fake = SimpleUploadedFile("deed.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = api(applicant).post("/api/v1/binding-requests/", {
        "community": tenant.community.pk, "building_name": tenant.building.name,
        "unit_number": tenant.units[2].number, "name": "某人", "proof": fake}, format="multipart")
    assert response.status_code == 400 and "proof" in response.json()["fields"]
    assert not BindingRequest.objects.exists()


def test_rejecting_a_binding_needs_a_reason(tenant, api):
    binding = BindingRequest.objects.create(
        user=f.UserFactory(username="applicant"), unit=tenant.units[2], name="某人",
        proof=SimpleUploadedFile("p.pdf", b"%PDF-1.4"))
    response = api(tenant.user("manager")).post(f"/api/v1/binding-requests/{binding.pk}/review/", {"approve": False},
                                               format="json")
    assert response.status_code == 400 and "note" in response.json()["fields"]


def test_only_admins_create_communities(tenant, api, admin_user):
    refused = api(tenant.user("manager")).post("/api/v1/communities/", {"name": "新小区", "code": "new"},
                                               format="json")
    assert refused.status_code == 403
    created = api(admin_user).post("/api/v1/communities/", {"name": "新小区", "code": "new",
                                                           "company": tenant.company.pk}, format="json")
    assert created.status_code == 201


def test_community_company_must_be_a_company(tenant, admin_user, api):
    response = api(admin_user).post("/api/v1/communities/", {"name": "新小区", "code": "new2",
                                                            "company": tenant.district.pk}, format="json")
    assert response.status_code == 400 and "company" in response.json()["fields"]


def test_building_names_are_unique_per_community(tenant, manager):
    response = manager.post("/api/v1/buildings/", {"community": tenant.community.pk, "name": tenant.building.name},
                            format="json")
    assert response.status_code in (400, 409)
    assert Building.objects.filter(community=tenant.community, name=tenant.building.name).count() == 1


# Linking a login to an owner record (DESIGN §5 v1.1) ------------------------------------------

def test_a_manager_links_a_login_they_created_and_the_owner_then_reads_their_unit(tenant, manager, api):
    created = manager.post("/api/v1/users/", {"username": "new-owner-login", "password": "Qz7!pLm2#vR9"},
                           format="json")
    assert created.status_code == 201, created.json()
    login = created.json()["id"]
    response = manager.post("/api/v1/owners/", {"community": tenant.community.pk, "name": "赵六", "user": login},
                            format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["user"] == login
    owner = Owner.objects.get(pk=response.json()["id"])
    manager.post("/api/v1/ownerships/", {"owner": owner.pk, "unit": tenant.units[2].pk}, format="json")
    assert AuditEvent.objects.filter(action="owner.create", target_id=owner.pk, data__user=login).exists()

    units = api(User.objects.get(pk=login)).get("/api/v1/units/").json()["results"]
    assert [row["id"] for row in units] == [tenant.units[2].pk]


def test_linking_a_login_later_is_audited_with_before_and_after(tenant, manager):
    login = f.UserFactory(username="later-login", created_by=tenant.user("manager"))
    owner = tenant.owners[2]
    response = manager.patch(f"/api/v1/owners/{owner.pk}/", {"user": login.pk}, format="json")
    assert response.status_code == 200 and response.json()["user"] == login.pk
    event = AuditEvent.objects.filter(action="owner.update", target_id=owner.pk).latest("id")
    assert event.data == {"before": {"user": None}, "after": {"user": login.pk}}


def test_a_manager_cannot_link_their_own_or_a_colleagues_login(tenant, manager):
    for user in (tenant.user("manager"), tenant.user("cashier")):
        response = manager.patch(f"/api/v1/owners/{tenant.owners[2].pk}/", {"user": user.pk}, format="json")
        assert response.status_code == 400 and "user" in response.json()["fields"], user
    tenant.owners[2].refresh_from_db()
    assert tenant.owners[2].user_id is None


def test_a_manager_cannot_link_a_login_they_cannot_see(tenants, manager):
    a, b = tenants
    response = manager.patch(f"/api/v1/owners/{a.owners[2].pk}/", {"user": b.user("owner").pk}, format="json")
    assert response.status_code == 400 and "user" in response.json()["fields"]


def test_one_login_is_one_owner_per_community(tenant, manager):
    taken = tenant.owners[0].user
    taken.created_by = tenant.user("manager")
    taken.save()
    response = manager.patch(f"/api/v1/owners/{tenant.owners[2].pk}/", {"user": taken.pk}, format="json")
    assert response.status_code == 400 and "user" in response.json()["fields"]


def test_the_platform_admin_may_link_any_login(tenant, api, admin_user):
    response = api(admin_user).patch(f"/api/v1/owners/{tenant.owners[2].pk}/",
                                     {"user": tenant.user("cashier").pk}, format="json")
    assert response.status_code == 200 and response.json()["user"] == tenant.user("cashier").pk


def test_other_roles_cannot_link_a_login(tenant, api):
    login = f.UserFactory(username="plain-login")
    for role in ("cashier", "committee_member", "regulator"):
        response = api(tenant.user(role)).patch(f"/api/v1/owners/{tenant.owners[2].pk}/", {"user": login.pk},
                                                format="json")
        assert response.status_code in (400, 403, 404), role
    tenant.owners[2].refresh_from_db()
    assert tenant.owners[2].user_id is None


def test_an_owner_cannot_link_a_login_to_their_own_record(tenant, api):
    owner = tenant.owners[0]
    response = api(tenant.user("owner")).patch(f"/api/v1/owners/{owner.pk}/",
                                               {"user": tenant.user("neighbour").pk}, format="json")
    assert response.status_code in (400, 403)
    owner.refresh_from_db()
    assert owner.user_id == tenant.user("owner").pk
