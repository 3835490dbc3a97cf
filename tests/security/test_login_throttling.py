"""Login throttling by django-axes (DESIGN §8): a username+address pair is locked after
AXES_FAILURE_LIMIT wrong passwords, refused even with the right one, and free again after the
cool-off. On the login page and on the API token endpoint, with a Chinese message. And the token
endpoint's rate limit, counted per address as the trusted proxy reports it."""

import datetime as dt
import re
import secrets
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.security.test_deploy_check import PRODUCTION, run

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


# The API's rate limit per address (issue 14 item 7) ------------------------------------------

@pytest.fixture
def rate(settings):
    """The production rate of the token endpoint (the suite's settings raise it), fresh counts."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "10/min"}}
    cache.clear()
    yield 10
    cache.clear()


def token_attempt(client, **headers):
    # The right password: django-axes counts failures, so only the rate limit can answer 429.
    return client.post(TOKEN_URL, {"username": "zhang-san", "password": f.DEFAULT_PASSWORD},
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans", **headers)


def test_rotating_x_forwarded_for_does_not_escape_the_api_login_throttle(client, user, rate):
    answers = [token_attempt(client, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
               for i in range(30)]
    assert [r.status_code for r in answers[:rate]] == [200] * rate
    assert {r.status_code for r in answers[rate:]} == {429}
    assert answers[-1].json()["code"] == "throttled" and set(answers[-1].json()) == {"detail", "code", "fields"}


def test_behind_the_proxy_the_api_throttle_counts_the_address_the_proxy_sets(client, user, rate, settings):
    settings.LINLI_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    for _ in range(rate):
        assert token_attempt(client, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9").status_code == 200
    assert token_attempt(client, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9").status_code == 429
    assert token_attempt(client, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.10").status_code == 200


def test_the_shipped_nginx_sets_the_address_headers_from_the_connection_only():
    template = (Path(django_settings.BASE_DIR) / "deploy" / "nginx.conf.template").read_text()
    headers = dict(re.findall(r"proxy_set_header\s+(X-Real-IP|X-Forwarded-For)\s+(\S+);", template))
    assert headers == {"X-Real-IP": "$remote_addr", "X-Forwarded-For": "$remote_addr"}
    assert "$http_x_forwarded_for" not in template and "$proxy_add_x_forwarded_for" not in template


def test_production_keeps_the_throttle_counts_where_every_worker_sees_them(tmp_path):
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1])")
    production = {**PRODUCTION, "LINLI_SECRET_KEY": secrets.token_urlsafe(50), "LINLI_VAR_DIR": str(tmp_path)}
    answers = [run(["-c", code], env) for env in (
        production, {**production, "REDIS_URL": "redis://127.0.0.1:6379/0"}, {"LINLI_VAR_DIR": str(tmp_path)})]
    assert [a.stdout.strip() for a in answers] == ["FileBasedCache", "RedisCache", "LocMemCache"], \
        "".join(a.stderr for a in answers)
