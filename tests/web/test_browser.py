"""The web UI in a real browser: a staff member finds a unit and its owner; an owner sees only
their own unit. At desk width and at phone width."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import browser, page, screenshot, sign_in  # noqa: F401 (fixtures)
from tests.conftest import build_tenant

pytestmark = pytest.mark.browser


@pytest.fixture
def tenant(transactional_db, live_server):
    return build_tenant("甲")


def test_staff_finds_a_unit_and_sees_its_owner(page, live_server, tenant):
    sign_in(page, live_server, tenant.user("manager").username)
    expect(page).to_have_url(live_server.url + reverse("web:overview", args=[tenant.community.pk]))
    expect(page.get_by_role("heading", name="甲小区", level=1)).to_be_visible()
    expect(page.locator(".chart svg").first).to_be_visible()
    screenshot(page, "staff-overview")

    page.get_by_placeholder("查找房屋：房号或楼栋").fill("10")
    page.keyboard.press("Enter")
    results = page.locator("#unit-results")
    expect(results).to_contain_text("共 3 套房屋")

    # The live search narrows the list as the number is typed, without a page load.
    page.locator("#id_q").fill("102")
    expect(results).to_contain_text("共 1 套房屋")
    expect(results.get_by_role("link", name="101", exact=True)).to_have_count(0)
    screenshot(page, "staff-unit-search")

    results.get_by_role("link", name="102", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("1号楼 102")
    expect(page.locator("main")).to_contain_text(tenant.owners[1].name)
    screenshot(page, "staff-unit-detail")


def test_owner_sees_only_their_own_unit(page, live_server, tenant):
    mine, neighbours = tenant.units[0], tenant.units[1]
    sign_in(page, live_server, tenant.user("owner").username)
    expect(page).to_have_url(live_server.url + reverse("web:my_home"))
    page.goto(live_server.url + reverse("estates:my_units"))
    units = page.locator(".my-unit h2")
    expect(units).to_have_count(1)
    expect(units).to_have_text(f"1号楼 {mine.number}")
    expect(page.locator("main")).not_to_contain_text(neighbours.number)
    expect(page.locator("main")).not_to_contain_text(tenant.owners[1].name)
    screenshot(page, "owner-my-units")

    response = page.goto(live_server.url + reverse("estates:unit_detail", args=[neighbours.pk]))
    assert response.status == 404
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    screenshot(page, "owner-neighbour-404")
