"""The after-school pages through Django's test client."""

from django.urls import reverse

from linli.afterschool.models import Application, Attendance, Dismissal
from tests.afterschool.world import build_school, submit


def nav_labels(response) -> set[str]:
    return {item.label for group in response.context["nav_groups"] for item in group.items}


def test_guardian_applies_through_the_terms_page(school, client):
    client.force_login(school.users["guardian1"])
    url = reverse("afterschool:apply", args=[school.students[1].pk, school.program.pk])
    page = client.get(url).content.decode()
    assert "17:10–18:10" in page and "辅导作业" in page and school.program.method in page
    refused = client.post(url, {"statement": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["consent"]
    assert client.post(url, {"consent": "on"}).status_code == 302
    assert Application.objects.get().status == "submitted"


def test_guardian_cannot_open_the_apply_page_for_another_child(school, client):
    client.force_login(school.users["guardian1"])
    assert client.get(reverse("afterschool:apply", args=[school.students[2].pk, school.program.pk])).status_code == 404


def test_portal_shows_only_the_guardians_children(school, enrolled, client):
    client.force_login(school.users["guardian1"])
    response = client.get(reverse("afterschool:portal"))
    page = response.content.decode()
    assert "甲学生1" in page and "甲学生2" not in page
    assert "课后服务" in nav_labels(response)


def test_duty_teacher_takes_the_roll_and_checks_the_class_out(school, enrolled, client):
    client.force_login(school.users["duty"])
    session_url = reverse("afterschool:session", args=[school.session.pk])
    page = client.get(session_url).content.decode()
    assert "甲学生1" in page and "甲学生2" in page
    client.post(session_url, {f"status-{school.students[1].pk}": "present",
                              f"status-{school.students[2].pk}": "late"})
    assert dict(Attendance.objects.values_list("student__name", "status")) == {"甲学生1": "present", "甲学生2": "late"}
    response = client.post(reverse("afterschool:dismiss", args=[school.session.pk]),
                           {"school_class": school.classes[0].pk, "group": "day"}, follow=True)
    assert "已集体放学" in response.content.decode()
    assert Dismissal.objects.get().headcount == 1


def test_class_teacher_not_on_duty_sees_the_roll_read_only(school, enrolled, client):
    client.force_login(school.users["teacher2"])
    response = client.get(reverse("afterschool:session", args=[school.session.pk]))
    page = response.content.decode()
    assert "甲学生2" in page and "甲学生1" not in page and "保存考勤" not in page
    assert client.post(reverse("afterschool:session", args=[school.session.pk]),
                       {f"status-{school.students[2].pk}": "present"}).status_code == 403


def test_teacher_reviews_only_their_class_on_the_page(school, client):
    submit(school, 1)
    submit(school, 2)
    client.force_login(school.users["teacher1"])
    response = client.get(reverse("afterschool:applications", args=[school.org.pk]))
    names = [a.student.name for a in response.context["applications"]]
    assert names == ["甲学生1"]
    assert "申请审核" in nav_labels(response) and "统计报表" not in nav_labels(response)


def test_school_navigation_for_the_admin(school, client):
    client.force_login(school.users["admin"])
    response = client.get(reverse("afterschool:school_overview", args=[school.org.pk]))
    assert {"课后服务概况", "今日课后服务", "交接名单", "统计报表", "门卫登记", "突发事件"} <= nav_labels(response)


def test_home_sends_each_school_role_to_its_page(school, client):
    expected = {"admin": reverse("afterschool:school_overview", args=[school.org.pk]),
                "teacher1": reverse("afterschool:today", args=[school.org.pk]),
                "guardian1": reverse("afterschool:portal")}
    for role, url in expected.items():
        client.force_login(school.users[role])
        assert client.get(reverse("afterschool:home")).url == url


def test_another_school_is_404(school, client):
    other = build_school("乙")
    client.force_login(school.users["admin"])
    for name in ("today", "students", "handover", "duty", "gate", "incidents", "applications"):
        assert client.get(reverse(f"afterschool:{name}", args=[other.org.pk])).status_code == 404, name
    assert client.get(reverse("afterschool:session", args=[other.session.pk])).status_code == 404


def test_reports_page_draws_both_charts(school, enrolled, client):
    client.force_login(school.users["admin"])
    response = client.get(reverse("afterschool:reports", args=[school.org.pk]))
    page = response.content.decode()
    assert 'id="chart-participation"' in page and 'id="chart-attendance"' in page
    assert response.context["participation"][0]["rate"] == 100
