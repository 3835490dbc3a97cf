from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient


def test_ping_answers_anyone_without_touching_the_database(db):
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get("/api/v1/ping/")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert len(queries) == 0


def test_ping_is_in_the_schema(db):
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    assert schema["paths"]["/api/v1/ping/"]["get"]["operationId"] == "ping"
