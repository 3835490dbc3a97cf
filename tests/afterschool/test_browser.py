"""The after-school flow in a real browser, at desk and phone width: a guardian applies, the
class teacher reviews, the school approves, the guardian signs, and the day's duty teacher takes
the roll and checks the class out."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from linli.afterschool.models import Application, Attendance, Dismissal
from tests.afterschool.world import build_school, clock, enroll, session_time
from tests.browser import browser, page, screenshot, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def school(transactional_db, live_server):
    return build_school("甲")


def as_user(page, live_server, user, path):
    page.context.clear_cookies()
    sign_in(page, live_server, user.username)
    page.goto(live_server.url + path)


def test_apply_review_approve_sign_then_roll_and_dismissal(page, live_server, school):
    child = school.students[1]

    # 1. The guardian reads the terms and applies.
    as_user(page, live_server, school.users["guardian1"], reverse("afterschool:portal"))
    card = page.locator(f"[data-student='{child.pk}']")
    expect(card).to_contain_text("尚未申请课后服务")
    screenshot(page, "afterschool-portal-empty")
    card.get_by_role("link", name=f"了解并申请：{school.program.name}").click()
    expect(page.locator("main")).to_contain_text("17:10–18:10")
    expect(page.locator("main")).to_contain_text("辅导作业")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".field-error")).to_be_visible()  # consent is required
    page.get_by_label("我已阅读上述服务时间、内容和方式").check()
    screenshot(page, "afterschool-apply")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".message-success")).to_contain_text("申请已提交")
    expect(card.locator(".status")).to_have_text("待班级审核")

    # 2. The class teacher reviews.
    as_user(page, live_server, school.users["teacher1"], reverse("afterschool:applications", args=[school.org.pk]))
    item = page.locator("[data-application]").filter(has_text=child.name)
    screenshot(page, "afterschool-class-review")
    item.get_by_role("button", name="班级审核通过").click()
    expect(page.locator(".message-success")).to_contain_text(child.name)

    # 3. The school approves.
    as_user(page, live_server, school.users["admin"], reverse("afterschool:applications", args=[school.org.pk]))
    page.locator("[data-application]").filter(has_text=child.name).get_by_role("button", name="学校批准").click()
    expect(page.locator(".message-success")).to_contain_text(child.name)
    assert Application.objects.get().status == "approved"

    # 4. The guardian signs the agreement and the safety-responsibility letter.
    as_user(page, live_server, school.users["guardian1"], reverse("afterschool:portal"))
    card.get_by_role("link", name="签署协议").click()
    expect(page.locator("main")).to_contain_text("课后服务安全责任书")
    page.get_by_label("我已阅读《课后服务协议书》").check()
    screenshot(page, "afterschool-sign")
    page.get_by_role("button", name="签署", exact=True).click()
    expect(page.locator(".message-success")).to_contain_text("已签署")
    expect(card.locator(".status")).to_have_text("已参加")
    expect(card.get_by_role("link", name="课后服务协议书（PDF）")).to_be_visible()
    screenshot(page, "afterschool-portal-enrolled")

    # 5. The duty teacher takes the roll and checks the class out.
    as_user(page, live_server, school.users["duty"], reverse("afterschool:today", args=[school.org.pk]))
    expect(page.locator("main")).to_contain_text("您今天值班")
    page.get_by_role("link", name=school.program.name).click()
    row = page.locator(f"[data-student='{child.pk}']")
    row.get_by_label("出勤").check()
    screenshot(page, "afterschool-roll")
    page.get_by_role("button", name="保存考勤").click()
    expect(page.locator(".message-success")).to_contain_text("考勤已保存")
    with clock(session_time(school.session, dt.time(18, 15))):
        page.reload()
        page.locator(f"[data-class='{school.classes[0].pk}']").get_by_role("button", name="走读生集体放学").click()
        page.get_by_role("button", name=f"确认 {school.classes[0]} 走读生放学").click()
        expect(page.locator(".message-success")).to_contain_text("已集体放学，离校 1 人")
        screenshot(page, "afterschool-dismissed")
    assert Attendance.objects.get(student=child).status == "present"
    assert Dismissal.objects.get().headcount == 1


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_on_a_phone_the_roll_has_all_present_and_the_check_out_asks_first_and_can_be_undone(page, live_server,
                                                                                            school):
    enroll(school, 1)
    enroll(school, 2)
    class1 = page.locator(f"[data-class='{school.classes[0].pk}']")
    with clock(session_time(school.session, dt.time(18, 15))):
        as_user(page, live_server, school.users["duty"], reverse("afterschool:session", args=[school.session.pk]))
        page.get_by_role("button", name="保存考勤").click()
        expect(page.locator(".message-warning")).to_contain_text("没有为任何学生选择考勤，未保存")
        assert not Attendance.objects.exists()
        page.locator(f"[data-student='{school.students[2].pk}']").get_by_label("缺勤").check()
        page.get_by_role("button", name="全部出勤").click()
        expect(page.locator(".message-success")).to_contain_text("考勤已保存：2 人，缺勤 1 人")
        assert dict(Attendance.objects.values_list("student", "status")) == {
            school.students[1].pk: "present", school.students[2].pk: "absent"}

        class1.get_by_role("button", name="走读生集体放学").click()
        expect(page.locator("h1")).to_have_text("确认集体放学")
        expect(page.locator("main")).to_contain_text("离校 1 人")
        screenshot(page, "afterschool-dismiss-confirm")
        assert not Dismissal.objects.exists()
        page.get_by_role("button", name=f"确认 {school.classes[0]} 走读生放学").click()
        expect(page.locator(".message-success")).to_contain_text("2 分钟内可撤销")
        class1.get_by_role("button", name="撤销走读生放学").click()
        expect(page.locator(".message-success")).to_contain_text("学生仍在校")
        assert not Dismissal.objects.exists()
        expect(class1.get_by_role("button", name="走读生集体放学")).to_be_visible()

    with clock(session_time(school.session, dt.time(2, 42), days=1)):
        as_user(page, live_server, school.users["admin"], reverse("afterschool:session", args=[school.session.pk]))
        expect(class1.locator(".dismiss-closed")).to_have_text("走读生集体放学可在 17:10–19:10 登记，现在不在此时间内。")
        expect(class1.get_by_role("button", name="走读生集体放学")).to_have_count(0)
        screenshot(page, "afterschool-dismiss-closed")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_on_a_phone_leaving_the_service_names_the_child_and_the_programme_first(page, live_server, school):
    application = enroll(school, 1)
    child = school.students[1]
    as_user(page, live_server, school.users["guardian1"], reverse("afterschool:portal"))
    card = page.locator(f"[data-student='{child.pk}']")
    card.get_by_role("link", name="退出课后服务").click()
    expect(page.locator("h1")).to_have_text("退出课后服务")
    expect(page.locator("main")).to_contain_text(f"{child.name} 将退出{school.program.name}")
    screenshot(page, "afterschool-withdraw-confirm")
    application.refresh_from_db()
    assert application.status == "enrolled"
    page.get_by_role("button", name=f"确认 {child.name} 退出课后服务").click()
    expect(page.locator(".message-success")).to_have_text(f"{child.name} 已退出{school.program.name}。")
    expect(card.locator(".status").first).to_have_text("已退出")
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_another_classes_teacher_sees_only_their_class_on_the_handover_list(page, live_server, school):
    enroll(school, 1)
    enroll(school, 2)
    as_user(page, live_server, school.users["teacher2"], reverse("afterschool:handover", args=[school.org.pk]))
    expect(page.locator("main")).to_contain_text(school.students[2].name)
    expect(page.locator("main")).not_to_contain_text(school.students[1].name)
    as_user(page, live_server, school.users["duty"], reverse("afterschool:handover", args=[school.org.pk]))
    expect(page.locator("main")).to_contain_text(school.students[1].name)
    expect(page.locator("main")).to_contain_text(school.guardians[1].phone)
    screenshot(page, "afterschool-handover")
