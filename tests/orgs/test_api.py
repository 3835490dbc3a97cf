import pytest

from linli.orgs.models import Membership, Organization
from tests import factories as f


def test_token_endpoint_returns_a_token_for_good_credentials(db, api):
    f.UserFactory(username="zhang")
    response = api(None).post("/api/v1/auth/token/", {"username": "zhang", "password": f.DEFAULT_PASSWORD},
                              format="json")
    assert response.status_code == 200 and len(response.json()["token"]) == 40


def test_token_endpoint_refuses_a_wrong_password_in_the_error_shape(db, api):
    f.UserFactory(username="zhang")
    response = api(None).post("/api/v1/auth/token/", {"username": "zhang", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "code", "fields"}


def test_jurisdiction_tree_is_enforced(admin_user, api):
    client = api(admin_user)
    city = client.post("/api/v1/organizations/", {"name": "临沂市", "kind": "city", "parent": None}, format="json")
    assert city.status_code == 201
    wrong = client.post("/api/v1/organizations/", {"name": "某街道", "kind": "subdistrict",
                                                    "parent": city.json()["id"]}, format="json")
    assert wrong.status_code == 400 and "parent" in wrong.json()["fields"]
    assert not Organization.objects.filter(name="某街道").exists()


def test_a_company_may_stand_outside_the_tree(admin_user, api):
    response = api(admin_user).post("/api/v1/organizations/", {"name": "金辰物业", "kind": "company", "parent": None},
                                    format="json")
    assert response.status_code == 201 and response.json()["parent"] is None


def test_only_platform_admins_create_organizations(tenant, api):
    response = api(tenant.user("manager")).post("/api/v1/organizations/", {"name": "X", "kind": "company"},
                                                format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_user_password_is_write_only_and_validated(admin_user, api):
    client = api(admin_user)
    weak = client.post("/api/v1/users/", {"username": "li", "password": "123"}, format="json")
    assert weak.status_code == 400 and "password" in weak.json()["fields"]
    ok = client.post("/api/v1/users/", {"username": "li", "password": "Strong-pass-2026"}, format="json")
    assert ok.status_code == 201 and "password" not in ok.json()


def _hire(client, username):
    response = client.post("/api/v1/users/", {"username": username, "password": "Strong-pass-2026"}, format="json")
    assert response.status_code == 201
    return response.json()["id"]


def test_manager_creates_a_login_and_adds_it_to_their_company(tenant, api):
    client = api(tenant.user("manager"))
    newcomer = _hire(client, "newcomer")
    ok = client.post("/api/v1/memberships/", {"user": newcomer, "organization": tenant.company.pk, "role": "technician"},
                     format="json")
    assert ok.status_code == 201
    assert Membership.objects.filter(user_id=newcomer, organization=tenant.company, role="technician").exists()


def test_manager_cannot_add_staff_to_another_company(tenants, api):
    a, b = tenants
    client = api(a.user("manager"))
    newcomer = _hire(client, "newcomer")
    response = client.post("/api/v1/memberships/", {"user": newcomer, "organization": b.company.pk,
                                                    "role": "technician"}, format="json")
    assert response.status_code == 400 and "organization" in response.json()["fields"]
    assert not Membership.objects.filter(user_id=newcomer).exists()


def test_manager_cannot_grant_a_regulator_role(tenant, api):
    client = api(tenant.user("manager"))
    newcomer = _hire(client, "newcomer")
    response = client.post(
        "/api/v1/memberships/", {"user": newcomer, "organization": tenant.company.pk, "role": "regulator"},
        format="json")
    assert response.status_code == 400
    assert "role" in response.json()["fields"]


def test_committee_member_must_name_a_community_of_the_residents_committee(tenants, admin_user, api):
    a, b = tenants
    newcomer = f.UserFactory(username="newcomer")
    response = api(admin_user).post("/api/v1/memberships/", {
        "user": newcomer.pk, "organization": a.residents_committee.pk, "role": "committee_member",
        "community": b.community.pk}, format="json")
    assert response.status_code == 400 and "community" in response.json()["fields"]


def test_duplicate_membership_is_refused(tenant, admin_user, api):
    response = api(admin_user).post("/api/v1/memberships/", {
        "user": tenant.user("guard").pk, "organization": tenant.company.pk, "role": "guard"}, format="json")
    assert response.status_code == 400 and response.json()["detail"]
    assert Membership.objects.filter(user=tenant.user("guard"), role="guard").count() == 1


@pytest.mark.parametrize("language, expected", [("zh-hans", "上级必须是"), ("en", "parent")])
def test_errors_follow_the_requested_language(admin_user, api, language, expected):
    client = api(admin_user)
    client.credentials(HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"], HTTP_ACCEPT_LANGUAGE=language)
    response = client.post("/api/v1/organizations/", {"name": "某区", "kind": "district"}, format="json")
    assert response.status_code == 400
    assert expected in str(response.json()["fields"]["parent"]) or expected in response.json()["detail"]
