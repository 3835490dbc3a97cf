"""The after-school pages through Django's test client."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.afterschool import services
from linli.afterschool.models import Application, Attendance, Dismissal, LeaveRequest
from tests.afterschool.world import build_school, clock, session_time, submit


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
    dismiss_url = reverse("afterschool:dismiss", args=[school.session.pk])
    with clock(session_time(school.session, dt.time(18, 15))):
        confirm = client.post(dismiss_url, {"school_class": school.classes[0].pk, "group": "day"})
        assert "确认 初一（1）班 走读生放学" in confirm.content.decode() and "离校 1 人" in confirm.content.decode()
        assert not Dismissal.objects.exists()  # the first tap only asks
        response = client.post(dismiss_url, {"school_class": school.classes[0].pk, "group": "day", "confirm": "1"},
                               follow=True)
    assert "已集体放学" in response.content.decode()
    assert Dismissal.objects.get().headcount == 1


def test_a_check_out_outside_the_sessions_time_is_refused_on_the_page(school, enrolled, client):
    services.attendance_take(actor=school.actor("admin"), session=school.session,
                             marks={school.students[1]: "present"})
    client.force_login(school.users["admin"])
    dismiss_url = reverse("afterschool:dismiss", args=[school.session.pk])
    with clock(session_time(school.session, dt.time(2, 42), days=1)):
        page = client.get(reverse("afterschool:session", args=[school.session.pk])).content.decode()
        assert "走读生集体放学可在 17:10–19:10 登记，现在不在此时间内。" in page
        assert f'id="dismiss-{school.classes[0].pk}-day"' in page and "走读生集体放学</button>" not in page
        for data in ({}, {"confirm": "1"}):
            response = client.post(dismiss_url, {"school_class": school.classes[0].pk, "group": "day", **data},
                                   follow=True)
            assert "现在已过，不能再登记" in response.content.decode()
    assert not Dismissal.objects.exists()


def test_the_duty_teacher_undoes_a_check_out_from_the_page_for_two_minutes(school, enrolled, client):
    services.attendance_take(actor=school.actor("duty"), session=school.session,
                             marks={school.students[1]: "present"})
    client.force_login(school.users["duty"])
    session_url = reverse("afterschool:session", args=[school.session.pk])
    with clock(session_time(school.session, dt.time(18, 15))):
        client.post(reverse("afterschool:dismiss", args=[school.session.pk]),
                    {"school_class": school.classes[0].pk, "group": "day", "confirm": "1"})
    dismissal = Dismissal.objects.get()
    with clock(session_time(school.session, dt.time(18, 17, 1))):
        assert "撤销走读生放学" not in client.get(session_url).content.decode()
        late = client.post(reverse("afterschool:dismiss_undo", args=[school.session.pk]),
                           {"dismissal": dismissal.pk}, follow=True)
        assert "超过 2 分钟，不能撤销" in late.content.decode()
    assert Dismissal.objects.exists()
    with clock(session_time(school.session, dt.time(18, 16))):
        assert "撤销走读生放学" in client.get(session_url).content.decode()
        undone = client.post(reverse("afterschool:dismiss_undo", args=[school.session.pk]),
                             {"dismissal": dismissal.pk}, follow=True)
    assert "已撤销 初一（1）班 走读生的放学登记" in undone.content.decode()
    assert not Dismissal.objects.exists()


def test_all_present_marks_everyone_not_marked_otherwise(school, enrolled, client):
    client.force_login(school.users["duty"])
    session_url = reverse("afterschool:session", args=[school.session.pk])
    response = client.post(session_url, {f"status-{school.students[2].pk}": "absent", "all_present": "1"},
                           follow=True)
    assert dict(Attendance.objects.values_list("student__name", "status")) == {"甲学生1": "present", "甲学生2": "absent"}
    assert "考勤已保存：2 人，缺勤 1 人" in response.content.decode()


def test_saving_the_roll_with_nothing_marked_warns_and_saves_nothing(school, enrolled, client):
    client.force_login(school.users["duty"])
    response = client.post(reverse("afterschool:session", args=[school.session.pk]), {}, follow=True)
    page = response.content.decode()
    assert "没有为任何学生选择考勤，未保存" in page and "0 人" not in page
    assert not Attendance.objects.exists()


def test_withdrawing_an_application_not_yet_accepted_asks_first_and_says_so(school, client):
    application = submit(school)
    client.force_login(school.users["guardian1"])
    url = reverse("afterschool:withdraw", args=[application.pk])
    assert f'href="{url}"' in client.get(reverse("afterschool:portal")).content.decode()
    page = client.get(url).content.decode()
    assert "撤回报名申请" in page and "退出课后服务" not in page
    assert f"{school.students[1].name} 的{school.program.name}报名申请将被撤回" in page
    client.post(url)  # no confirmation: nothing happens
    application.refresh_from_db()
    assert application.status == "submitted"
    done = client.post(url, {"confirm": "1"}, follow=True).content.decode()
    assert f"已撤回 {school.students[1].name} 的{school.program.name}报名申请" in done
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_an_enrolled_child_leaves_the_service_after_a_confirmation_naming_child_and_programme(school, enrolled,
                                                                                              client):
    application = enrolled[1]
    client.force_login(school.users["guardian1"])
    url = reverse("afterschool:withdraw", args=[application.pk])
    page = client.get(url).content.decode()
    assert f"确认 {school.students[1].name} 退出课后服务" in page and "撤回报名申请" not in page
    assert f"{school.students[1].name} 将退出{school.program.name}" in page
    done = client.post(url, {"confirm": "1"}, follow=True).content.decode()
    assert f"{school.students[1].name} 已退出{school.program.name}" in done and "已撤回" not in done
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_a_guardian_cannot_open_the_withdrawal_of_another_familys_application(school, enrolled, client):
    client.force_login(school.users["guardian1"])
    assert client.get(reverse("afterschool:withdraw", args=[enrolled[2].pk])).status_code == 404
    assert client.post(reverse("afterschool:withdraw", args=[enrolled[2].pk]), {"confirm": "1"}).status_code == 404
    enrolled[2].refresh_from_db()
    assert enrolled[2].status == "enrolled"


@pytest.mark.parametrize("start, end, shown, hidden", [
    (dt.date(2026, 12, 30), dt.date(2027, 1, 2), "2026-12-30 – 2027-01-02", None),
    (dt.date(2026, 12, 9), dt.date(2026, 12, 10), "12-09 – 12-10", "2026-12-09"),
])
def test_the_portal_shows_a_leaves_year_when_it_crosses_one(school, client, monkeypatch, start, end, shown, hidden):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 12, 8))
    LeaveRequest.objects.create(school=school.org, student=school.students[1], start_date=start, end_date=end,
                                reason="回老家", requested_by=school.users["guardian1"],
                                status=LeaveRequest.Status.APPROVED)  # not among the portal's open items
    client.force_login(school.users["guardian1"])
    page = client.get(reverse("afterschool:portal")).content.decode()
    assert shown in page
    assert hidden is None or hidden not in page


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
