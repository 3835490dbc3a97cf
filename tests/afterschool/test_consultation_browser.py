"""A guardian answers the parent consultation on a 375 px phone (篇二 “会事先充分征求家长意见”):
finds it in the list, misses a question and is told which, answers, and the school's count moves."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from linli.afterschool.models import ConsultationResponse
from tests.afterschool.world import build_school
from tests.afterschool.world_duties import consultation
from tests.browser import SCREENSHOTS, VIEWPORTS, browser, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser):  # noqa: F811
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="en-US")
    yield context.new_page()
    context.close()


def test_guardian_answers_the_questionnaire_on_a_phone(phone, live_server, transactional_db):
    school = build_school("甲")
    row = consultation(school)
    sign_in(phone, live_server, school.users["guardian1"].username)
    phone.goto(live_server.url + reverse("afterschool:my_consultations"))
    item = phone.locator(".task-list li").filter(has_text=row.title)
    item.get_by_role("link", name="填写").click()
    first, second = row.questions.all()
    phone.get_by_role("radio", name="兴趣与特长社团").check()
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator(".field-error")).to_contain_text("请选择一项")
    assert not ConsultationResponse.objects.exists()
    phone.get_by_role("radio", name="兴趣与特长社团").check()
    phone.get_by_role("radio", name="不需要").check()
    assert phone.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=SCREENSHOTS / "afterschool-consultation-answer-phone.png", full_page=True)
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator(".message-success")).to_contain_text("谢谢您的意见")
    expect(phone.locator(".task-list li").filter(has_text=row.title)).to_contain_text("已提交")
    answer = ConsultationResponse.objects.get()
    assert answer.guardian == school.guardians[1]
    assert answer.answers == {str(first.pk): 1, str(second.pk): 1}
