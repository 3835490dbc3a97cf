"""The optional second factor (TOTP, django-otp) of staff and regulators: enrolment with a QR
code and a confirming code, then a code after the password on every later sign-in, on the pages
and on the API token endpoint. Codes are real TOTP values computed from the device's key."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from linli.core.models import AuditEvent
from tests import factories as f

TOKEN_URL = "/api/v1/auth/token/"


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                 drift=offset_steps)
    return str(value).zfill(device.digits)


def overview_url(tenant):
    return reverse("web:overview", args=[tenant.community.pk])


def password_login(client, user, next_url=""):
    data = {"username": user.username, "password": f.DEFAULT_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("web:login"), data)


@pytest.fixture
def protected(tenant):
    manager = tenant.user("manager")
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    return manager, device


@pytest.mark.parametrize("role", ["manager", "technician", "regulator", "district_regulator"])
def test_staff_and_regulators_are_offered_the_enrolment_page(client, tenant, role):
    client.force_login(tenant.user(role))
    response = client.get(reverse("web:otp_setup"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and "otpauth://totp/" in page
    device = TOTPDevice.objects.get(user=tenant.user(role))
    assert device.confirmed is False
    assert response.context["secret"] in page


@pytest.mark.parametrize("role", ["owner", "committee_member"])
def test_owners_and_other_roles_get_no_second_factor(client, tenant, role):
    client.force_login(tenant.user(role))
    assert client.get(reverse("web:otp_setup")).status_code == 404
    assert not TOTPDevice.objects.exists()


def test_a_guardian_gets_no_second_factor(client, db):
    guardian = f.UserFactory(username="guardian-x")
    school = f.OrganizationFactory(name="苗庄小学", kind="school")
    f.MembershipFactory(user=guardian, organization=school, role="guardian")
    client.force_login(guardian)
    assert client.get(reverse("web:otp_setup")).status_code == 404


def test_the_enrolment_is_confirmed_by_a_code_from_the_key(client, tenant):
    manager = tenant.user("manager")
    client.force_login(manager)
    client.get(reverse("web:otp_setup"))
    device = TOTPDevice.objects.get(user=manager)
    response = client.post(reverse("web:otp_setup"), {"code": code_for(device)}, follow=True)
    device.refresh_from_db()
    assert device.confirmed is True
    assert "动态验证码已启用" in response.content.decode()
    assert AuditEvent.objects.filter(action="account.second_factor_on", target_id=str(manager.pk)).exists()


def test_a_wrong_code_does_not_confirm_the_enrolment(client, tenant):
    manager = tenant.user("manager")
    client.force_login(manager)
    client.get(reverse("web:otp_setup"))
    device = TOTPDevice.objects.get(user=manager)
    wrong = str((int(code_for(device)) + 1) % 1_000_000).zfill(6)
    response = client.post(reverse("web:otp_setup"), {"code": wrong})
    device.refresh_from_db()
    assert device.confirmed is False
    assert "验证码不正确" in response.content.decode()


def test_the_otpauth_uri_carries_the_device_key(client, tenant):
    import base64

    manager = tenant.user("manager")
    client.force_login(manager)
    response = client.get(reverse("web:otp_setup"))
    device = TOTPDevice.objects.get(user=manager)
    secret = response.context["secret"]
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    assert response.context["uri"].startswith("otpauth://totp/")


def test_with_a_device_the_password_alone_leads_to_the_code_page(client, tenant, protected):
    manager, _device = protected
    response = password_login(client, manager)
    assert response.status_code == 302
    response = client.get(overview_url(tenant))
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:otp_verify"))
    page = client.get(response.url)
    assert "输入动态验证码" in page.content.decode()


def test_with_a_device_the_api_with_the_session_answers_otp_required(client, tenant, protected):
    manager, _device = protected
    password_login(client, manager)
    response = client.get("/api/v1/units/")
    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"


def test_the_right_code_finishes_the_sign_in_and_goes_on(client, tenant, protected):
    manager, device = protected
    password_login(client, manager)
    target = overview_url(tenant)
    response = client.post(reverse("web:otp_verify"), {"code": code_for(device), "next": target})
    assert response.status_code == 302 and response.url == target
    assert client.get(target).status_code == 200


def test_a_wrong_code_keeps_the_user_at_the_code_page(client, tenant, protected):
    manager, device = protected
    password_login(client, manager)
    wrong = str((int(code_for(device)) + 1) % 1_000_000).zfill(6)
    response = client.post(reverse("web:otp_verify"), {"code": wrong})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert client.get(overview_url(tenant)).status_code == 302


def test_a_code_cannot_be_used_twice(client, tenant, protected):
    manager, device = protected
    password_login(client, manager)
    code = code_for(device)
    assert client.post(reverse("web:otp_verify"), {"code": code}).status_code == 302
    client.logout()
    password_login(client, manager)
    assert client.post(reverse("web:otp_verify"), {"code": code}).status_code == 200


def test_staff_without_a_device_sign_in_with_the_password_only(client, tenant):
    password_login(client, tenant.user("manager"))
    assert client.get(overview_url(tenant)).status_code == 200


def test_the_api_token_needs_the_code_of_a_protected_account(client, tenant, protected):
    manager, device = protected
    body = {"username": manager.username, "password": f.DEFAULT_PASSWORD}
    response = client.post(TOKEN_URL, body, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"
    assert "otp_token" in response.json()["fields"]
    response = client.post(TOKEN_URL, {**body, "otp_token": code_for(device)}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["token"]


def test_the_api_token_of_an_unprotected_account_needs_no_code(client, tenant):
    body = {"username": tenant.user("finance").username, "password": f.DEFAULT_PASSWORD}
    response = client.post(TOKEN_URL, body, content_type="application/json")
    assert response.status_code == 200


def test_a_verified_user_may_remove_the_device(client, tenant, protected):
    manager, device = protected
    password_login(client, manager)
    client.post(reverse("web:otp_verify"), {"code": code_for(device)})
    response = client.post(reverse("web:otp_setup"), {"action": "remove"}, follow=True)
    assert "已停用动态验证码" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=manager, confirmed=True).exists()
    assert AuditEvent.objects.filter(action="account.second_factor_off", target_id=str(manager.pk)).exists()
    assert client.get(overview_url(tenant)).status_code == 200


def test_a_code_of_the_previous_step_is_still_accepted(client, tenant, protected):
    manager, device = protected
    password_login(client, manager)
    if time.time() % device.step < 1:
        time.sleep(1)  # not across a step boundary while computing
    response = client.post(reverse("web:otp_verify"), {"code": code_for(device, offset_steps=-1)})
    assert response.status_code == 302
