"""The after-school API: the whole flow over HTTP, the schema, and schools kept apart."""

import datetime as dt
from types import SimpleNamespace

import pytest

from linli.afterschool import api as afterschool_api
from linli.afterschool.models import Application
from linli.core.models import OutboxMessage
from tests.afterschool.isolation import other_tenant_objects
from tests.afterschool.world import build_school, clock, session_time


def test_the_flow_over_the_api(school, api, django_capture_on_commit_callbacks):
    guardian, teacher, admin, duty = (api(school.users[r]) for r in ("guardian1", "teacher1", "admin", "duty"))
    student, program = school.students[1], school.program

    refused = guardian.post("/api/v1/applications/", {"student": student.pk, "program": program.pk,
                                                      "consent": False}, format="json")
    assert refused.status_code == 400 and set(refused.json()) == {"detail", "code", "fields"}
    created = guardian.post("/api/v1/applications/", {"student": student.pk, "program": program.pk, "consent": True},
                            format="json")
    assert created.status_code == 201, created.json()
    application = created.json()
    assert application["status"] == "submitted" and application["terms"]["time"] == "17:10–18:10"

    url = f"/api/v1/applications/{application['id']}/review/"
    assert api(school.users["teacher2"]).post(url, {"approve": True}, format="json").status_code == 404
    assert teacher.post(url, {"approve": True}, format="json").json()["status"] == "class_approved"
    assert admin.post(url, {"approve": True}, format="json").json()["status"] == "approved"

    for text in school.texts.values():
        signed = guardian.post("/api/v1/agreements/", {"application": application["id"], "text": text.pk,
                                                       "signer_name": "甲家长1", "consent": True}, format="json")
        assert signed.status_code == 201, signed.json()
    assert guardian.get(f"/api/v1/applications/{application['id']}/").json()["status"] == "enrolled"
    pdf = guardian.get(f"/api/v1/agreements/{signed.json()['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    with django_capture_on_commit_callbacks(execute=True):
        marked = duty.post("/api/v1/attendance/", {"session": school.session.pk, "student": student.pk,
                                                   "status": "absent"}, format="json")
    assert marked.status_code == 201 and marked.json()["alerted_at"]
    assert OutboxMessage.objects.filter(recipient=school.guardians[1].phone, body__contains="未到").exists()
    marked = duty.post("/api/v1/attendance/", {"session": school.session.pk, "student": student.pk,
                                               "status": "present"}, format="json")
    assert marked.json()["status"] == "present"

    with clock(session_time(school.session, dt.time(18, 15))):
        dismissed = duty.post("/api/v1/dismissals/", {"session": school.session.pk,
                                                      "school_class": school.classes[0].pk, "group": "day"},
                              format="json")
    assert dismissed.status_code == 201 and dismissed.json()["headcount"] == 1

    leave = guardian.post("/api/v1/leave-requests/", {"student": student.pk, "start_date": str(school.session.date),
                                                      "end_date": str(school.session.date), "reason": "看病"},
                          format="json")
    assert leave.status_code == 201
    reviewed = teacher.post(f"/api/v1/leave-requests/{leave.json()['id']}/review/", {"approve": True}, format="json")
    assert reviewed.json()["status"] == "approved"


def test_programs_generate_sessions_and_duty_is_assigned_over_the_api(school, api):
    admin = api(school.users["admin"])
    generated = admin.post(f"/api/v1/programs/{school.program.pk}/generate-sessions/")
    assert generated.status_code == 201 and generated.json()["created"] > 0
    assert admin.get("/api/v1/sessions/", {"program": school.program.pk}).json()["count"] == \
        generated.json()["created"] + 1
    duty = admin.post("/api/v1/duty-assignments/", {"school": school.org.pk, "date": str(school.session.date),
                                                    "user": school.users["teacher1"].pk, "kind": "teacher"},
                      format="json")
    assert duty.status_code == 201
    assert api(school.users["teacher1"]).post("/api/v1/duty-assignments/", {
        "school": school.org.pk, "date": str(school.session.date), "user": school.users["teacher2"].pk},
        format="json").status_code == 403


def test_a_second_application_answers_409(school, api):
    guardian = api(school.users["guardian1"])
    body = {"student": school.students[1].pk, "program": school.program.pk, "consent": True}
    guardian.post("/api/v1/applications/", body, format="json")
    second = guardian.post("/api/v1/applications/", body, format="json")
    assert second.status_code == 409 and second.json()["code"] == "already_applied"
    assert Application.objects.count() == 1


def test_schema_lists_the_after_school_endpoints(db, api, admin_user):
    paths = api(admin_user).get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    for prefix in ("students", "guardians", "programs", "applications", "agreements", "sessions", "attendance",
                   "leave-requests", "duty-assignments", "dismissals", "working-group-members", "gate-visits",
                   "incidents", "school-terms", "grades", "school-classes", "agreement-texts"):
        assert f"/api/v1/{prefix}/" in paths, prefix
    assert "/api/v1/handover/" in paths and "/api/v1/agreements/{id}/pdf/" in paths


@pytest.mark.parametrize("role", ["admin", "teacher1", "duty", "guardian1"])
def test_people_of_one_school_never_see_another_schools_objects(school, enrolled, api, role):
    others = other_tenant_objects(SimpleNamespace(community=SimpleNamespace(name="乙")))
    client = api(school.users[role])
    leaks = []
    for prefix, viewset, _basename in afterschool_api.routes:
        obj = others[viewset.serializer_class.Meta.model._meta.model_name]
        if client.get(f"/api/v1/{prefix}/{obj.pk}/").status_code != 404:
            leaks.append(f"GET {prefix}/{obj.pk}")
        ids = {row["id"] for row in client.get(f"/api/v1/{prefix}/", {"page_size": 500}).json()["results"]}
        if obj.pk in ids:
            leaks.append(f"list {prefix}")
    assert not leaks, leaks
    other_school = others["student"].school_id
    assert client.get("/api/v1/handover/", {"school": other_school}).status_code == 404


def test_naming_another_schools_student_is_a_field_error(school, api):
    other = build_school("乙")
    response = api(school.users["guardian1"]).post("/api/v1/applications/", {
        "student": other.students[1].pk, "program": school.program.pk, "consent": True}, format="json")
    assert response.status_code == 400 and "student" in response.json()["fields"]
