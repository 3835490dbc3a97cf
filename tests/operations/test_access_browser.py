"""A guard at the gate on a phone: registers a visitor with a car, which gets a temporary pass to
show; a bad plate is refused on the page; the gate then lets the car in on the pass."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from linli.operations.models import GateEvent, TemporaryPass, Visitor
from linli.operations.services import gates
from tests.browser import VIEWPORTS, browser, screenshot, sign_in  # noqa: F401 (fixtures)
from tests.conftest import build_tenant
from tests.operations.world_access import closed_groups

pytestmark = pytest.mark.browser


@pytest.fixture
def tenant(transactional_db, live_server):
    tenant = build_tenant("甲")
    tenant.extra["world"] = closed_groups(tenant)
    return tenant


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="en-US")
    page = context.new_page()
    page.viewport_name = "phone"
    yield page
    context.close()


def test_a_guard_registers_a_visitor_and_issues_a_temporary_pass(phone, live_server, tenant):
    page = phone
    sign_in(page, live_server, tenant.user("guard").username)
    page.goto(live_server.url + reverse("operations:visitor_register", args=[tenant.community.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("访客登记")
    expect(page.locator(".empty")).to_have_text("今天还没有访客登记")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "operations-visitors-empty")

    page.get_by_label("访客姓名").fill("王五")
    page.get_by_label("车牌号").fill("鲁12")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".field-error")).to_contain_text("车牌号格式不正确")
    assert not Visitor.objects.exists()
    screenshot(page, "operations-visitors-error")

    page.get_by_label("车牌号").fill("鲁q 88888")
    page.get_by_label("手机号").fill("13900002222")
    page.get_by_label("拜访楼栋").select_option(label="1号楼")
    page.get_by_label("房号").fill(tenant.units[1].number)
    page.get_by_label("事由").fill("探亲")
    page.get_by_label("临时通行证").select_option(label="4 小时")
    page.get_by_role("button", name="登记", exact=True).click()

    issued = TemporaryPass.objects.get()
    expect(page.locator(".pass-code")).to_have_text(issued.code)
    expect(page.locator(".pass-plate")).to_have_text("鲁Q88888")
    expect(page.locator(".messages")).to_contain_text("已登记 王五")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "operations-pass")

    event, _created = gates.gate_event_record(gate=tenant.extra["world"]["gate"], event_id="cam-1", direction="in",
                                               at=timezone.now(), plate="鲁Q88888")
    assert (event.allowed, event.reason) == (True, "temporary_pass")

    page.goto(live_server.url + reverse("operations:visitor_register", args=[tenant.community.pk]))
    row = page.locator(".visitor").filter(has_text="王五")
    expect(row).to_contain_text("鲁Q88888")
    expect(row).to_contain_text(issued.code)
    screenshot(page, "operations-visitors-today")
    row.get_by_role("button", name="离开").click()
    left = page.locator(".visitor").filter(has_text="王五")
    expect(left.get_by_role("button", name="离开")).to_have_count(0)
    expect(left.locator(".badge")).to_contain_text("离开")
    assert Visitor.objects.get().left_at is not None
    assert TemporaryPass.objects.get().revoked_at is not None
    screenshot(page, "operations-visitors-left")

    page.goto(live_server.url + reverse("operations:access_gate_events", args=[tenant.community.pk]))
    expect(page.locator("table")).to_contain_text("临时通行证有效")
    assert GateEvent.objects.count() == 1
    screenshot(page, "operations-gate-events")
