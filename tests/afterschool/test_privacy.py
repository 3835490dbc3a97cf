"""Part 9: a student's data is visible only to their guardians, their class teacher, that day's
duty staff and the school's admins — in the selectors, the API and the pages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.afterschool import selectors
from linli.afterschool.models import DutyAssignment
from linli.core.masking import mask_phone
from linli.core.tenancy import Actor
from tests import factories as f

# Who sees student 1 (class 1) and student 2 (class 2), both taking part.
VISIBLE = {
    "admin": {1, 2},
    "teacher1": {1},
    "teacher2": {2},
    "duty": {1, 2},
    "guardian1": {1},
    "co_guardian": {1},
    "guardian2": {2},
}


@pytest.mark.parametrize("role", VISIBLE)
def test_each_role_sees_exactly_its_students(school, enrolled, role):
    seen = set(selectors.student_list(actor=school.actor(role)).values_list("id", flat=True))
    assert seen == {school.students[i].pk for i in VISIBLE[role]}


@pytest.mark.parametrize("role", VISIBLE)
def test_api_answers_404_for_a_student_out_of_scope(school, enrolled, api, role):
    client = api(school.users[role])
    for i in (1, 2):
        response = client.get(f"/api/v1/students/{school.students[i].pk}/")
        assert response.status_code == (200 if i in VISIBLE[role] else 404), (role, i)
        attendance = client.get("/api/v1/applications/", {"student": school.students[i].pk}).json()
        assert (attendance["count"] > 0) == (i in VISIBLE[role] and role != "duty"), (role, i)


def test_duty_gives_no_access_on_another_day(school, enrolled):
    DutyAssignment.objects.filter(user=school.users["duty"]).update(date=timezone.localdate() - dt.timedelta(days=1))
    assert not selectors.student_list(actor=school.actor("duty")).exists()


def test_duty_staff_see_only_students_who_take_part(school):
    assert not selectors.student_list(actor=school.actor("duty")).exists()


def test_staff_of_a_company_and_an_owner_see_nothing(school, enrolled, tenant, api):
    for role in ("manager", "owner", "regulator"):
        client = api(tenant.user(role))
        assert client.get("/api/v1/students/").json()["count"] == 0
        assert client.get(f"/api/v1/guardians/{school.guardians[1].pk}/").status_code == 404


# The handover list ----------------------------------------------------------------------------

def handover(api, user, school, **params):
    return api(user).get("/api/v1/handover/", {"school": school.org.pk, **params})


def test_duty_staff_get_the_whole_handover_list_with_addresses_and_phones(school, enrolled, api):
    response = handover(api, school.users["duty"], school)
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()}
    assert set(rows) == {"甲学生1", "甲学生2"}
    assert rows["甲学生1"]["address"] == "甲小区1号楼"
    assert {g["phone"] for g in rows["甲学生1"]["guardians"]} == {"13900000001", "13911112222"}
    assert rows["甲学生2"]["boarder"] and rows["甲学生2"]["ends"] == "19:40:00"


def test_another_classes_teacher_cannot_see_the_handover_list_of_a_class(school, enrolled, api):
    rows = handover(api, school.users["teacher2"], school).json()
    assert [row["name"] for row in rows] == ["甲学生2"]


def test_a_teacher_neither_on_duty_nor_heading_a_class_gets_404(school, enrolled, api):
    outsider = f.UserFactory(username="甲-teacher3")
    f.MembershipFactory(user=outsider, organization=school.org, role="teacher")
    assert handover(api, outsider, school).status_code == 404


def test_yesterdays_duty_staff_do_not_see_todays_handover_list(school, enrolled, api):
    DutyAssignment.objects.filter(user=school.users["duty"]).update(date=timezone.localdate() - dt.timedelta(days=1))
    assert handover(api, school.users["duty"], school).status_code == 404
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert handover(api, school.users["duty"], school, date=yesterday).status_code == 404


@pytest.mark.parametrize("role", ["guardian1", "co_guardian"])
def test_guardians_do_not_get_the_handover_list(school, enrolled, api, role):
    assert handover(api, school.users[role], school).status_code == 404


def test_handover_page_is_404_for_another_classes_teacher_without_a_class(school, enrolled, client):
    outsider = f.UserFactory(username="甲-teacher3")
    f.MembershipFactory(user=outsider, organization=school.org, role="teacher")
    client.force_login(outsider)
    assert client.get(reverse("afterschool:handover", args=[school.org.pk])).status_code == 404


def test_handover_page_of_the_class_teacher_lists_only_their_class(school, enrolled, client):
    client.force_login(school.users["teacher2"])
    page = client.get(reverse("afterschool:handover", args=[school.org.pk])).content.decode()
    assert "甲学生2" in page and "甲学生1" not in page and "13900000001" not in page


def test_handover_page_of_the_duty_teacher_is_printable(school, enrolled, client):
    client.force_login(school.users["duty"])
    page = client.get(reverse("afterschool:handover", args=[school.org.pk])).content.decode()
    assert "甲学生1" in page and "13900000001" in page and "data-print" in page


# Phones -------------------------------------------------------------------------------------

def phone_seen(api, user, guardian):
    return api(user).get(f"/api/v1/guardians/{guardian.pk}/").json()["phone"]


def test_another_guardian_of_the_child_sees_the_phone_masked(school, api):
    guardian = school.guardians[1]
    assert phone_seen(api, school.users["co_guardian"], guardian) == mask_phone(guardian.phone)
    assert phone_seen(api, school.users["guardian1"], guardian) == guardian.phone


@pytest.mark.parametrize("role", ["admin", "teacher1"])
def test_class_teacher_and_admin_see_the_phone(school, api, role):
    assert phone_seen(api, school.users[role], school.guardians[1]) == school.guardians[1].phone


def test_may_see_phone_is_false_for_a_co_guardian(school):
    assert not selectors.may_see_guardian_phone(Actor(school.users["co_guardian"]), school.guardians[1])


def test_duty_staff_see_visitor_id_numbers_masked_and_admins_in_full(school, api):
    client = api(school.users["duty"])
    client.post("/api/v1/gate-visits/", {"school": school.org.pk, "visitor_name": "张三", "purpose": "送作业",
                                         "id_number": "11010519491231002X"}, format="json")
    assert client.get("/api/v1/gate-visits/").json()["results"][0]["id_number"] == "1101**********002X"
    assert api(school.users["admin"]).get("/api/v1/gate-visits/").json()["results"][0]["id_number"] == \
        "11010519491231002X"
    assert api(school.users["teacher1"]).get("/api/v1/gate-visits/").json()["count"] == 0
