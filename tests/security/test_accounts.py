"""Tokens do not outlive passwords, and names cannot impersonate (issue 14 items 8 and 10,
DESIGN §5 v1.1): logout deletes the caller's token; a password change on any path deletes all of
the user's tokens and ends their other sessions; nobody renames themselves, and no username may
look like an existing one."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from linli.core.errors import ValidationFailed
from linli.core.models import AuditEvent
from linli.core.tenancy import Actor
from linli.estates.services import owner_invitation_redeem, owner_invite
from tests import factories as f

NEW_PASSWORD = "Qing-Shan-2027!"


@pytest.fixture
def user(db):
    return f.UserFactory(username="wang-wu")


def token_client(user) -> tuple[APIClient, str]:
    key = Token.objects.get_or_create(user=user)[0].key
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client, key


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def still_signed_in(client: Client) -> bool:
    response = client.get(reverse("web:home"))
    return not (response.status_code == 302 and response.url.startswith(reverse("web:login")))


# Logout ---------------------------------------------------------------------------------

def test_logout_deletes_the_callers_token(user):
    client, key = token_client(user)
    assert client.get("/api/v1/users/").status_code == 200
    response = client.post("/api/v1/auth/logout/")
    assert response.status_code == 204
    assert not Token.objects.filter(key=key).exists()
    assert client.get("/api/v1/users/").status_code == 401
    assert AuditEvent.objects.filter(action="user.logout", target_id=str(user.pk)).exists()


def test_logout_needs_a_signed_in_caller(db):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans").post("/api/v1/auth/logout/")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code", "fields"}


def test_logout_leaves_other_users_tokens(user):
    other, other_key = token_client(f.UserFactory(username="zhao-liu"))
    token_client(user)[0].post("/api/v1/auth/logout/")
    assert Token.objects.filter(key=other_key).exists()
    assert other.get("/api/v1/users/").status_code == 200


# Password changes -----------------------------------------------------------------------

def test_a_password_change_on_the_api_deletes_every_token_and_ends_other_sessions(user):
    client, _key = token_client(user)
    elsewhere = signed_in(user)
    assert still_signed_in(elsewhere)
    response = client.patch(f"/api/v1/users/{user.pk}/", {"password": NEW_PASSWORD}, format="json")
    assert response.status_code == 200
    assert not Token.objects.filter(user=user).exists()
    assert client.get("/api/v1/users/").status_code == 401
    assert not still_signed_in(elsewhere)
    event = AuditEvent.objects.filter(action="user.password_change").latest("id")
    assert (event.target_id, event.data) == (str(user.pk), {"tokens_deleted": 1})


def test_a_password_change_on_the_api_with_a_session_keeps_that_session(user):
    here, elsewhere = signed_in(user), signed_in(user)
    response = here.patch(f"/api/v1/users/{user.pk}/", {"password": NEW_PASSWORD}, content_type="application/json")
    assert response.status_code == 200
    assert still_signed_in(here)
    assert not still_signed_in(elsewhere)


def test_a_password_change_on_the_page_deletes_every_token_and_ends_other_sessions(user):
    client, _key = token_client(user)
    here, elsewhere = signed_in(user), signed_in(user)
    response = here.post(reverse("web:password_change"), {
        "old_password": f.DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert still_signed_in(here)
    assert not still_signed_in(elsewhere)
    assert client.get("/api/v1/users/").status_code == 401


def test_a_wrong_current_password_on_the_page_changes_nothing(user):
    _client, key = token_client(user)
    here = signed_in(user)
    response = here.post(reverse("web:password_change"), {
        "old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(f.DEFAULT_PASSWORD)
    assert Token.objects.filter(key=key).exists()


def test_the_admins_password_page_deletes_the_users_tokens(user, admin_user):
    client, _key = token_client(user)
    admin = signed_in(admin_user)
    response = admin.post(reverse("admin:auth_user_password_change", args=[user.pk]),
                          {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                           "set-password": "1"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/api/v1/users/").status_code == 401
    assert AuditEvent.objects.filter(action="user.password_change", actor_name=admin_user.username).exists()


# Usernames ------------------------------------------------------------------------------

def test_a_user_cannot_rename_themselves(user):
    client, _key = token_client(user)
    response = client.patch(f"/api/v1/users/{user.pk}/", {"username": "admin"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "self_rename" and "username" in response.json()["fields"]
    user.refresh_from_db()
    assert user.username == "wang-wu"


def test_a_user_may_send_their_own_name_unchanged(user):
    client, _key = token_client(user)
    response = client.patch(f"/api/v1/users/{user.pk}/", {"username": "wang-wu", "display_name": "王五"},
                            format="json")
    assert response.status_code == 200 and response.json()["display_name"] == "王五"


def test_a_platform_admin_renames_a_user(user, admin_user, api):
    response = api(admin_user).patch(f"/api/v1/users/{user.pk}/", {"username": "wang-wu-2"}, format="json")
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.username == "wang-wu-2"


@pytest.mark.parametrize("name, said", [
    ("Admin", "相似"), ("ADMIN", "相似"), ("\u0430dmin", "相似"),  # the last with a Cyrillic а
    ("ａｄｍｉｎ", "已存在"),  # full-width: Django stores the compatibility form, admin itself
])
def test_a_new_username_that_looks_like_an_existing_one_is_refused(admin_user, api, name, said):
    f.UserFactory(username="admin")
    response = api(admin_user).post("/api/v1/users/", {"username": name, "password": NEW_PASSWORD}, format="json")
    assert response.status_code == 400
    assert said in response.json()["fields"]["username"][0]


def test_a_username_that_only_resembles_an_existing_one_in_part_is_accepted(admin_user, api):
    f.UserFactory(username="admin")
    response = api(admin_user).post("/api/v1/users/", {"username": "admin2", "password": NEW_PASSWORD},
                                    format="json")
    assert response.status_code == 201


def test_a_rename_to_a_look_alike_is_refused(user, admin_user, api):
    f.UserFactory(username="paypal")
    response = api(admin_user).patch(f"/api/v1/users/{user.pk}/", {"username": "\u0440\u0430\u0443\u0440\u0430l"},
                                     format="json")
    assert response.status_code == 400 and "username" in response.json()["fields"]


def test_look_alikes_from_before_the_check_can_still_be_edited_but_not_renamed_alike(admin_user, api):
    f.UserFactory(username="admin")
    older = f.UserFactory(username="Admin")  # made before the check existed
    client = api(admin_user)
    assert client.patch(f"/api/v1/users/{older.pk}/", {"display_name": "老管理员"}, format="json").status_code == 200
    assert client.patch(f"/api/v1/users/{older.pk}/", {"username": "ADMIN"}, format="json").status_code == 400


def test_an_owner_opening_an_account_cannot_take_a_look_alike_name(tenant):
    owner = tenant.owners[2]
    _invitation, code = owner_invite(actor=Actor(tenant.user("manager")), owner=owner, send_sms=False)
    with pytest.raises(ValidationFailed) as refused:
        owner_invitation_redeem(code=code, username=tenant.user("manager").username.upper(), password=NEW_PASSWORD)
    assert "username" in refused.value.fields
    assert owner_invitation_redeem(code=code, username="甲-owner3", password=NEW_PASSWORD).username == "甲-owner3"
