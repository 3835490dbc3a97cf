"""A database that is down answers 503 with a clear message and Retry-After, never a stack trace
(DESIGN §8). The production server (gunicorn, DEBUG off) runs in another process with a database
of the suite's kind that cannot be reached: a PostgreSQL port where no server listens, or an
SQLite file in a folder that does not exist. Nothing of ours is replaced."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from django.db import connection

from tests.support.scratch import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unreachable_database(directory) -> str:
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        return f"postgres://{params['USER'] or 'postgres'}@127.0.0.1:{free_port()}/{params['NAME']}"
    return f"sqlite:///{directory / 'missing' / 'linli.sqlite3'}"


@pytest.fixture(scope="module", params=[False, True], ids=["production", "debug"])
def server(request, tmp_path_factory):
    directory = tmp_path_factory.mktemp("db-down")
    port = free_port()
    env = dict(os.environ, DATABASE_URL=unreachable_database(directory), LINLI_VAR_DIR=str(directory),
               DJANGO_SETTINGS_MODULE="linli.settings", PYTHONPATH=str(ROOT), LINLI_SECRET_KEY="db-down-test-key",
               LINLI_DEBUG="1" if request.param else "0",
               LINLI_SECURE_COOKIES="0")  # plain HTTP on loopback: the CSRF cookie must come back
    env.pop("REDIS_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "linli.wsgi:application", "--bind",
                                f"127.0.0.1:{port}", "--workers", "1", "--graceful-timeout", "1",
                                "--log-level", "warning"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/api/v1/ping/", timeout=5)
            break
        except httpx.TransportError:
            assert process.poll() is None, process.stderr.read()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
    yield base
    process.terminate()
    process.communicate(timeout=30)


def assert_unavailable(response):
    assert response.status_code == 503, response.text[:2000]
    assert response.headers["Retry-After"] == "30"
    assert "no-cache" in response.headers["Cache-Control"]
    assert "Traceback" not in response.text and "OperationalError" not in response.text


def test_an_api_call_answers_503_in_the_error_shape_in_chinese(server):
    response = httpx.get(f"{server}/api/v1/bills/", headers={"Authorization": "Token 0123456789abcdef"})
    assert_unavailable(response)
    assert response.json() == {"detail": "数据库暂时无法连接，请稍后重试。", "code": "database_unavailable",
                               "fields": {}}


def test_an_api_call_asking_for_english_gets_english(server):
    response = httpx.post(f"{server}/api/v1/auth/token/", json={"username": "owner", "password": "Linli@2026"},
                          headers={"Accept-Language": "en"})
    assert_unavailable(response)
    assert response.json()["code"] == "database_unavailable"
    assert response.json()["detail"] == "The database cannot be reached at the moment. Please try again shortly."


def test_a_page_of_a_signed_in_user_answers_with_the_503_page(server):
    response = httpx.get(f"{server}/", cookies={"sessionid": "a-session-the-database-would-hold"})
    assert_unavailable(response)
    assert response.headers["Content-Type"].startswith("text/html")
    assert "数据库暂时无法连接，请稍后重试。" in response.text and "<h1>服务暂时不可用</h1>" in response.text


def test_a_form_sent_to_a_page_answers_with_the_503_page(server):
    with httpx.Client(base_url=server) as client:
        login = client.get("/login/")
        assert login.status_code == 200  # the sign-in form itself needs no database
        response = client.post("/login/", data={"username": "owner", "password": "Linli@2026",
                                                "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")},
                               headers={"Referer": f"{server}/login/"})
    assert_unavailable(response)
    assert "服务暂时不可用" in response.text
