"""Owners' self-government in a real browser, at desk width and at phone width: an owner votes
on a motion and sees the published result; a committee member opens a negative-vote usage of the
maintenance fund, owners object, and the decision follows the one-third rule."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from linli.core.tenancy import Actor
from linli.governance import services
from linli.governance.models import FundUsage
from tests.browser import browser, page, screenshot, sign_in  # noqa: F401 (fixtures)
from tests.conftest import build_tenant

pytestmark = pytest.mark.browser


@pytest.fixture
def tenant(transactional_db, live_server):
    return build_tenant("甲")


def other_page(page):
    """A second person at the same screen size, in a browser session of their own."""
    context = page.context.browser.new_context(viewport=page.viewport_size, locale="en-US")
    second = context.new_page()
    second.viewport_name = page.viewport_name
    return second


def test_an_owner_votes_and_sees_the_published_result(page, live_server, tenant):
    committee = Actor(tenant.user("committee_member"))
    assembly = services.assembly_create(actor=committee, community=tenant.community, title="2026年业主大会")
    motion = services.motion_create(actor=committee, assembly=assembly, title="续聘甲物业", matter="hire_company")

    sign_in(page, live_server, tenant.user("owner").username)
    page.goto(live_server.url + reverse("governance:me"))
    card = page.locator(".motion", has_text="续聘甲物业")
    expect(card.get_by_role("button", name="同意")).to_be_visible()
    screenshot(page, "governance-owner-open-vote")
    card.get_by_role("button", name="同意").click()
    expect(page.locator(".messages")).to_contain_text("您的表决已记录")
    expect(page.locator(".motion", has_text="续聘甲物业")).to_contain_text("您已表决：同意")

    # A neighbour's paper ballot is entered by a teller; then the committee closes and publishes.
    services.vote_cast(actor=committee, motion=motion, owner=tenant.owners[1], choice="yes")
    services.assembly_close(actor=committee, assembly=assembly)
    services.assembly_publish(actor=committee, assembly=assembly)

    page.goto(live_server.url + reverse("governance:me"))
    result = page.locator(".motion", has_text="续聘甲物业").locator(".result")
    # 2 of 3 owners (180 of 270 m²) took part: exactly two thirds meets the quorum; both said yes.
    expect(result.locator(".verdict")).to_have_text("通过 · 参与表决达到法定比例")
    expect(result.get_by_role("row", name="参与表决")).to_contain_text("180.00")
    expect(result.get_by_role("row", name="同意")).to_contain_text("100.00%")
    screenshot(page, "governance-owner-published-result")


def test_a_negative_vote_usage_is_decided_by_the_one_third_rule(page, live_server, tenant):
    sign_in(page, live_server, tenant.user("committee_member").username)
    page.goto(live_server.url + reverse("governance:desk", args=[tenant.community.pk]))
    page.get_by_role("link", name="维修资金使用").click()
    page.get_by_label("项目名称").fill("1号楼屋面防水")
    page.get_by_label("预算金额（元）").fill("27000")
    page.get_by_label("施工单位").fill("甲防水工程公司")
    page.get_by_label("使用方式").select_option("negative_vote")
    page.get_by_label("1号楼").check()
    screenshot(page, "governance-committee-new-usage")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("1号楼屋面防水")
    expect(page.locator("main")).to_contain_text("提出异议：0 / 3 户")
    usage = FundUsage.objects.get()

    owner = other_page(page)
    sign_in(owner, live_server, tenant.user("owner").username)
    owner.goto(live_server.url + reverse("governance:me"))
    owner.get_by_role("link", name="1号楼屋面防水").click()
    expect(owner.locator("main")).to_contain_text("您名下房屋分摊")
    expect(owner.locator("main")).to_contain_text("9000.00 元")
    owner.get_by_role("button", name="我有异议（反对使用）").click()
    expect(owner.locator("main")).to_contain_text("您已于")
    screenshot(owner, "governance-owner-objected")

    neighbour = other_page(page)
    sign_in(neighbour, live_server, tenant.user("neighbour").username)
    neighbour.goto(live_server.url + reverse("governance:usage", args=[usage.pk]))
    neighbour.get_by_role("button", name="我有异议（反对使用）").click()
    expect(neighbour.locator("main")).to_contain_text("您已于")

    # Two of the three owners of the scope object: more than a third, so the plan is rejected.
    page.reload()
    expect(page.locator("main")).to_contain_text("提出异议：2 / 3 户，专有部分面积 180.00 / 270.00 m²")
    page.get_by_role("button", name="作出决定").click()
    expect(page.locator(".messages")).to_contain_text("不能使用维修资金")
    expect(page.locator(".verdict")).to_have_text("异议超过三分之一：不能使用")
    screenshot(page, "governance-committee-decided")
    usage.refresh_from_db()
    assert usage.status == "rejected" and usage.decision["objecting_owners"] == 2
