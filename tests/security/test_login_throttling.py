"""Login throttling by django-axes (DESIGN §8): a username+address pair is locked after
AXES_FAILURE_LIMIT wrong passwords, refused even with the right one, and free again after the
cool-off. On the login page and on the API token endpoint, with a Chinese message."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


@pytest.fixture
def user(db):
    return f.UserFactory(username="zhang-san")


def web_login(client, password, username="zhang-san", address="10.0.0.1"):
    return client.post(reverse("web:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def api_login(client, password, username="zhang-san", address="10.0.0.1"):
    return client.post(TOKEN_URL, {"username": username, "password": password}, REMOTE_ADDR=address,
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_failures_below_the_limit_say_wrong_password_and_the_right_one_still_works(client, user, limit):
    for _ in range(limit - 1):
        response = web_login(client, "wrong")
        assert response.status_code == 200
        assert "用户名或密码错误" in response.content.decode()
    response = web_login(client, f.DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_limit_of_failures_locks_the_login_page_with_a_chinese_message(client, user, limit):
    for _ in range(limit - 1):
        web_login(client, "wrong")
    response = web_login(client, "wrong")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "<form" in response.content.decode()


def test_the_right_password_is_refused_while_locked(client, user, limit):
    for _ in range(limit):
        web_login(client, "wrong")
    response = web_login(client, f.DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_for_that_username_and_address_only(client, user, limit):
    other = f.UserFactory(username="li-si")
    for _ in range(limit):
        web_login(client, "wrong")
    assert web_login(client, f.DEFAULT_PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert web_login(client, f.DEFAULT_PASSWORD, username=other.username).status_code == 302


def test_after_the_cool_off_the_right_password_works_again(client, user, limit, settings):
    for _ in range(limit):
        web_login(client, "wrong")
    assert web_login(client, f.DEFAULT_PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1))
    response = web_login(client, f.DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_a_successful_login_clears_the_earlier_failures(client, user, limit):
    for _ in range(limit - 1):
        web_login(client, "wrong")
    assert web_login(client, f.DEFAULT_PASSWORD).status_code == 302
    client.logout()
    for _ in range(limit - 1):
        web_login(client, "wrong")
    assert web_login(client, f.DEFAULT_PASSWORD).status_code == 302


def test_api_token_failures_lock_with_the_error_shape(client, user, limit):
    for _ in range(limit - 1):
        response = api_login(client, "wrong")
        assert response.status_code == 400
    response = api_login(client, "wrong")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out"
    assert "登录失败次数过多" in body["detail"]
    assert body["fields"] == {}


def test_api_token_refuses_the_right_password_while_locked(client, user, limit, settings):
    for _ in range(limit):
        api_login(client, "wrong")
    response = api_login(client, f.DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1))
    response = api_login(client, f.DEFAULT_PASSWORD)
    assert response.status_code == 200
    assert response.json()["token"]


def test_failures_on_the_api_and_the_page_count_together(client, user, limit):
    for _ in range(limit - 1):
        api_login(client, "wrong")
    assert web_login(client, "wrong").status_code == 429


def test_behind_the_proxy_the_forwarded_address_is_counted(client, user, limit, settings):
    settings.LINLI_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    for _ in range(limit):
        client.post(reverse("web:login"), {"username": "zhang-san", "password": "wrong"},
                    REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    other_client = client.post(reverse("web:login"), {"username": "zhang-san", "password": f.DEFAULT_PASSWORD},
                               REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.10")
    assert other_client.status_code == 302
