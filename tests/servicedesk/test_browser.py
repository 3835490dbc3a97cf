"""The service desk in a real browser: an owner files a repair with a photo from their phone,
the dispatcher assigns it at a desk, the technician resolves it on a phone-width page, and the
owner confirms it with a rating."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from linli.servicedesk.models import ServiceRequest
from tests.browser import VIEWPORTS, browser, screenshot, sign_in  # noqa: F401 (fixtures)
from tests.conftest import build_tenant
from tests.servicedesk.helpers import png

pytestmark = pytest.mark.browser



@pytest.fixture
def tenant(transactional_db, live_server):
    return build_tenant("甲")


def as_user(browser, live_server, username, viewport):
    page = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN").new_page()
    page.viewport_name = viewport
    sign_in(page, live_server, username)
    return page


def test_a_repair_from_filing_to_rating(browser, live_server, tenant):
    owner = as_user(browser, live_server, tenant.user("owner").username, "phone")
    owner.goto(live_server.url + reverse("servicedesk:my_request_new"))
    owner.get_by_label("分类").select_option("水电")
    owner.get_by_label("标题").fill("厨房水管漏水")
    owner.get_by_label("详细描述").fill("水槽下面的接头一直滴水")
    owner.get_by_label("房屋").select_option(str(tenant.units[0].pk))
    owner.get_by_label("照片").set_input_files([{"name": "leak.png", "mimeType": "image/png", "buffer": png()}])
    screenshot(owner, "sd-owner-files")
    owner.get_by_role("button", name="提交").click()
    expect(owner.get_by_role("heading", level=1)).to_contain_text("厨房水管漏水")
    expect(owner.locator(".messages")).to_contain_text("我们会在")
    expect(owner.locator(".photos img")).to_have_count(1)
    expect(owner.locator(".photos img")).to_have_js_property("naturalWidth", 40)
    request = ServiceRequest.objects.get(title="厨房水管漏水")
    detail = live_server.url + reverse("servicedesk:request_detail", args=[request.pk])

    dispatcher = as_user(browser, live_server, tenant.user("dispatcher").username, "desktop")
    dispatcher.goto(detail)
    dispatcher.get_by_label("处理人", exact=True).select_option(str(tenant.user("technician").pk))
    dispatcher.get_by_role("button", name="派单", exact=True).click()
    expect(dispatcher.locator(".deadline-row .status")).to_have_text("已派单")
    screenshot(dispatcher, "sd-dispatcher-assigned")

    technician = as_user(browser, live_server, tenant.user("technician").username, "phone")
    technician.goto(live_server.url + reverse("servicedesk:work_queue"))
    screenshot(technician, "sd-technician-queue")
    technician.get_by_role("link", name=re.compile("厨房水管漏水")).click()
    technician.get_by_label("处理结果").fill("已更换水管接头")
    technician.get_by_role("button", name="办结", exact=True).click()
    expect(technician.locator(".deadline-row .status")).to_have_text("已办结")
    screenshot(technician, "sd-technician-resolved")

    owner.goto(detail)
    expect(owner.locator(".timeline")).to_contain_text("已更换水管接头")
    owner.locator("label[for=star4]").click()
    owner.get_by_label("评价").fill("师傅很准时")
    owner.get_by_role("button", name="确认办结并评价").click()
    expect(owner.locator(".deadline-row .status")).to_have_text("已关闭")
    expect(owner.locator(".stars")).to_have_text("★★★★☆")
    screenshot(owner, "sd-owner-rated")
    request.refresh_from_db()
    assert (request.status, request.rating, request.assignee) == ("closed", 4, tenant.user("technician"))
