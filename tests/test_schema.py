"""The OpenAPI schema is what clients and the fuzz (.ci/fuzz) hold the API to: it generates
without a warning, and it documents the errors the API really answers."""

import inspect

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from linli.core.api import ServiceViewSet


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text(encoding="utf-8").startswith("openapi: 3")


def test_every_operation_documents_its_errors_in_the_api_error_shape(schema):
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail", "code", "fields"]
    missing = []
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        expected = {"403"} | ({"404"} if "{" in path else set()) | ({"409"} if method != "get" else set())
        if {} not in operation.get("security", []):
            expected.add("401")
        for code in sorted(expected):
            content = responses.get(code, {}).get("content", {}).get("application/json", {})
            if content.get("schema") != {"$ref": "#/components/schemas/Error"}:
                missing.append(f"{method.upper()} {path} {code}")
    assert not missing, missing


def test_the_token_login_documents_its_throttle(schema):
    assert "429" in schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]


def test_writes_a_viewset_always_refuses_are_not_in_the_schema(schema):
    from linli.api_urls import router

    refused = []
    for prefix, viewset, _basename in router.registry:
        if issubclass(viewset, ServiceViewSet) and viewset.update_service is None \
                and viewset.update is ServiceViewSet.update:
            refused.append(f"/api/v1/{prefix}/{{id}}/")
    assert refused, "the fixture of this test: some viewset is read-only after creation"
    for path in refused:
        assert not {"put", "patch"} & set(schema["paths"].get(path, {})), path


def test_times_are_described_by_a_pattern_not_an_offset_time(schema):
    calendar = schema["components"]["schemas"]["BusinessCalendar"]["properties"]["opens_at"]
    assert "format" not in calendar
    assert calendar["pattern"].startswith("^")


def test_an_api_url_that_matches_no_endpoint_answers_in_the_error_shape(client):
    response = client.get("/api/v1/units/1.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail", "code", "fields"}
    assert response.json()["code"] == "not_found"


def test_a_page_that_matches_no_url_is_still_the_html_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_every_update_service_takes_the_object_its_viewset_passes():
    from linli.api_urls import router

    wrong = []
    for prefix, viewset, _basename in router.registry:
        if issubclass(viewset, ServiceViewSet) and viewset.update_service is not None \
                and viewset.update is ServiceViewSet.update:
            name = viewset.service_object_name or viewset.serializer_class.Meta.model._meta.model_name
            if name not in inspect.signature(viewset.update_service).parameters:
                wrong.append(f"{prefix}: {viewset.update_service.__name__}() takes no {name}= "
                             f"(set service_object_name)")
    assert not wrong, wrong
