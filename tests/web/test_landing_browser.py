"""Landing per role in a real browser at phone width (issue 17): the field worker's own page with
its short menu in sight, the rest of the menu under 更多 (a native disclosure: keyboard, and no
script needed); the owner's open items first."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import browser, screenshot, sign_in  # noqa: F401 (fixtures)
from tests.conftest import build_tenant

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def tenant(transactional_db, live_server):
    return build_tenant("甲")


@pytest.fixture
def phone(browser):  # noqa: F811
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.viewport_name = "phone"
    yield page
    context.close()


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize(("role", "url", "heading", "tabs"), [
    ("technician", "servicedesk:work_queue", "我的工单", ["我的工单", "报事工单", "消息"]),
    ("guard", "operations:patrol_mine", "我的巡逻", ["我的巡逻", "访客与出入", "我的工单", "消息"]),
    ("cleaner", "operations:env_mine", "今日任务", ["今日任务", "我的工单", "消息"]),
])
def test_a_field_worker_lands_on_their_work(phone, live_server, tenant, role, url, heading, tabs):
    sign_in(phone, live_server, tenant.user(role).username)
    expect(phone).to_have_url(live_server.url + reverse(url))
    expect(phone.get_by_role("heading", level=1)).to_have_text(heading)
    strip = phone.get_by_role("navigation", name="常用")
    expect(strip.get_by_role("link")).to_have_text(tabs)
    expect(strip.get_by_role("link", name=heading)).to_have_attribute("aria-current", "page")
    no_sideways_scroll(phone)
    screenshot(phone, f"landing-{role}")


def test_more_opens_from_the_keyboard_and_leads_to_the_rest(phone, live_server, tenant):
    sign_in(phone, live_server, tenant.user("technician").username)
    phone.get_by_role("button", name="菜单").click()
    sidebar = phone.locator("#sidebar")
    overview = sidebar.get_by_role("link", name="小区概况")
    expect(overview).to_be_hidden()  # closed: only the short menu shows
    expect(sidebar.get_by_role("link", name="我的工单")).to_be_visible()
    more = sidebar.locator("summary", has_text="更多")
    more.focus()
    phone.keyboard.press("Enter")
    expect(overview).to_be_visible()
    screenshot(phone, "landing-technician-more")
    overview.click()
    expect(phone).to_have_url(live_server.url + reverse("web:overview", args=[tenant.community.pk]))
    # On a page from 更多 the disclosure is open, with that page marked current.
    phone.get_by_role("button", name="菜单").click()
    expect(sidebar.get_by_role("link", name="小区概况")).to_have_attribute("aria-current", "page")


def test_more_needs_no_script(browser, live_server, tenant):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, tenant.user("guard").username)
    expect(page).to_have_url(live_server.url + reverse("operations:patrol_mine"))
    sidebar = page.locator("#sidebar")
    expect(sidebar.get_by_role("link", name="排班表")).to_be_hidden()
    sidebar.locator("summary", has_text="更多").click()
    expect(sidebar.get_by_role("link", name="排班表")).to_be_visible()
    context.close()


def test_an_owner_sees_what_is_waiting_first(phone, live_server, tenant):
    sign_in(phone, live_server, tenant.user("owner").username)
    expect(phone).to_have_url(live_server.url + reverse("web:my_home"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的待办")
    items = phone.locator(".open-items li")
    expect(items).to_have_count(3)
    expect(phone.locator(".open-items")).to_contain_text("未缴账单")
    phone.locator(".link-tiles").get_by_role("link", name="我的房屋").click()
    expect(phone).to_have_url(live_server.url + reverse("estates:my_units"))
    no_sideways_scroll(phone)
