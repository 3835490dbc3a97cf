"""One error shape under /api/ (DESIGN §5 v1.1): every answer of 400 or more is JSON
{"detail", "code", "fields"}, also a body that is too large (413), JSON nested too deeply (400
`parse_error`) and a server error (500 `server_error`); `fields` is flat, field → messages; and
messages are in the caller's language, Django's own password messages included."""

import io
import json

import pytest
from rest_framework.exceptions import ParseError
from rest_framework.test import APIClient

from linli.core.api import PingView
from linli.core.api_errors import flat_fields
from linli.core.parsers import MAX_DEPTH, JSONParser

SHAPE = {"detail", "code", "fields"}


def anonymous():
    return APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans", raise_request_exception=False)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == SHAPE and body["code"] == code
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [1000, 100_000])
def test_json_nested_too_deep_is_a_parse_error_even_before_sign_in(depth):
    body = error(anonymous().post("/api/v1/auth/token/", nested(depth), content_type="application/json"),
                 400, "parse_error")
    assert "嵌套" in body["detail"]


def test_json_nested_too_deep_is_a_parse_error_for_a_signed_in_caller(tenant, api):
    client = api(tenant.user("owner"))
    error(client.post("/api/v1/service-requests/", '{"title": %s}' % nested(1000), content_type="application/json"),
          400, "parse_error")


def test_the_parser_takes_the_deepest_allowed_body_and_refuses_one_level_more():
    def parse(text):
        return JSONParser().parse(io.BytesIO(text.encode()), "application/json", {})

    assert parse(nested(MAX_DEPTH)) == json.loads(nested(MAX_DEPTH))
    assert parse('{"a": "%s"}' % ("[" * 100)) == {"a": "[" * 100}  # brackets inside strings do not count
    with pytest.raises(ParseError):
        parse(nested(MAX_DEPTH + 1))


@pytest.mark.parametrize("url, role", [("/api/v1/auth/token/", None), ("/api/v1/service-requests/", "owner")])
def test_a_body_beyond_the_upload_limit_is_a_413_in_the_error_shape(tenant, api, settings, url, role):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = api(tenant.user(role) if role else None)
    client.raise_request_exception = False
    at_limit = json.dumps({"username": "nobody", "password": "y", "padding": "x" * 940}).ljust(1000)
    assert len(at_limit) == 1000
    response = client.post(url, at_limit, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"  # read, refused for what it says
    body = error(client.post(url, at_limit + " ", content_type="application/json"), 413, "request_too_large")
    assert body["detail"] == "请求内容过大。"


def test_a_form_body_beyond_the_limit_is_a_413_too(tenant, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = api(tenant.user("owner"))
    client.raise_request_exception = False
    response = client.post("/api/v1/service-requests/", {"title": "x" * 2000}, format="multipart")
    error(response, 413, "request_too_large")


@pytest.mark.django_db
def test_a_server_error_under_the_api_is_json(monkeypatch):
    def broken(self, request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(PingView, "get", broken)
    body = error(anonymous().get("/api/v1/ping/"), 500, "server_error")
    assert "a bug" not in json.dumps(body)


def test_nested_field_errors_come_back_flat(tenant, api):
    response = api(tenant.user("manager")).post("/api/v1/service-categories/", {
        "community": tenant.community.pk, "name": "杂项", "kinds": ["repair", "bogus"]}, format="json")
    body = error(response, 400, "invalid")
    assert list(body["fields"]) == ["kinds.1"]
    assert all(isinstance(m, str) for m in body["fields"]["kinds.1"])


def test_flat_fields_names_each_message_by_its_path():
    assert flat_fields({"selections": {"0": ["无效"]}, "lines": [{}, {"amount": ["太大"]}], "title": "必填"}) == {
        "selections.0": ["无效"], "lines.1.amount": ["太大"], "title": ["必填"]}
    assert flat_fields(["整体错误"]) == {"non_field_errors": ["整体错误"]}


def test_password_rules_answer_in_chinese(tenant, api):
    response = api(tenant.user("manager")).post("/api/v1/users/", {"username": "newcomer", "password": "q7!"},
                                                format="json")
    body = error(response, 400, "invalid")
    assert body["fields"]["password"] == ["密码太短，至少要有 8 个字符。"]
