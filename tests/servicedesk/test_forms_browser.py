"""Issue 17 at phone width in a real browser: the owner's repair form keeps its photo after a
refused submit, the daily review labels a future day a projection and has a jump menu, a missing
rating is said inline (no browser popup), and a long unbroken string does not widen the page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from linli.servicedesk import services
from linli.servicedesk.models import ServiceRequest
from tests.browser import VIEWPORTS, browser, screenshot, sign_in  # noqa: F401 (fixtures)
from tests.conftest import build_tenant
from tests.servicedesk.helpers import actor, backdate, file, png

pytestmark = pytest.mark.browser


@pytest.fixture
def tenant(transactional_db, live_server):
    return build_tenant("甲")


def phone(browser, live_server, username):
    page = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN").new_page()
    page.viewport_name = "phone"
    sign_in(page, live_server, username)
    return page


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_repair_form_keeps_its_photo_after_a_refused_submit(browser, live_server, tenant):
    owner = phone(browser, live_server, tenant.user("owner").username)
    owner.goto(live_server.url + reverse("servicedesk:my_request_new"))
    expect(owner.get_by_label("房屋")).to_have_value(str(tenant.units[0].pk))
    owner.get_by_label("照片", exact=True).set_input_files(
        files=[{"name": "漏水.png", "mimeType": "image/png", "buffer": png()}])
    owner.get_by_role("button", name="提交").click()  # no title, no description: refused
    expect(owner.locator(".field-error")).to_contain_text("请填写标题或描述")
    kept = owner.get_by_label("已选择照片：漏水.png")
    expect(kept).to_be_checked()
    screenshot(owner, "repair-form-kept-photo")
    assert page_width(owner) <= 375
    owner.get_by_label("标题").fill("卫生间漏水")
    owner.get_by_role("button", name="提交").click()
    expect(owner.locator("h1")).to_contain_text("卫生间漏水")
    assert ServiceRequest.objects.get().photos.count() == 1


def test_a_missing_rating_is_said_inline_not_by_a_popup(browser, live_server, tenant):
    request = file(tenant, "owner")
    services.request_assign(actor=actor(tenant, "dispatcher"), service_request=request,
                            assignee=tenant.user("technician"))
    services.request_resolve(actor=actor(tenant, "technician"), service_request=request, text="已修好")
    owner = phone(browser, live_server, tenant.user("owner").username)
    dialogs = []
    owner.on("dialog", lambda dialog: dialogs.append(dialog.message))
    owner.goto(live_server.url + reverse("servicedesk:request_detail", args=[request.pk]))
    owner.get_by_role("button", name="确认办结并评价").click()
    expect(owner.locator("#confirm-error")).to_have_text("请选择 1 到 5 星的评分。")
    assert not dialogs
    request.refresh_from_db()
    assert request.status == "resolved"


def test_the_daily_review_labels_a_future_day_and_jumps_to_sections(browser, live_server, tenant):
    backdate(file(tenant, title="x" * 100), days=3)  # overdue, with a title of one unbroken word
    manager = phone(browser, live_server, tenant.user("manager").username)
    review = live_server.url + reverse("servicedesk:daily_review", args=[tenant.community.pk])
    manager.goto(review + f"?date={(timezone.localdate() + dt.timedelta(days=2)).isoformat()}")
    expect(manager.locator("h1 .badge")).to_have_text("预测")
    expect(manager.locator("#overdue h2")).to_contain_text("预计超时未办结")
    screenshot(manager, "daily-review-projection")
    assert page_width(manager) <= 375
    manager.goto(review)
    expect(manager.locator("h1 .badge")).to_have_count(0)
    jump = manager.locator("nav.review-jump")
    manager.mouse.wheel(0, 3000)
    expect(jump).to_be_in_viewport()  # it stays under the top bar while the page scrolls
    jump.get_by_role("link", name="重复投诉").click()
    expect(manager.locator("#repeats")).to_be_in_viewport()
    assert page_width(manager) <= 375
    manager.goto(review + "?date=abc")
    expect(manager.get_by_role("alert")).to_contain_text("“abc”不是有效的日期")
