"""Owners' self-government in a real browser, staff at desk width and at phone width, owners on a
phone (375 px): an owner votes on a motion and sees the published result; the company drafts a
negative-vote use of the maintenance fund, the committee publishes it with seven days of
publicity, owners object and are told of the decision, which follows the one-third rule; the
company's budget is approved by the committee and disclosed to the owners (issue 15)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from linli.core.tenancy import Actor
from linli.governance import services
from linli.governance.models import FundUsage, ServiceBudget
from tests.browser import VIEWPORTS, browser, page, screenshot, sign_in  # noqa: F401 (fixtures)
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
    # The tap only asks: the motion and the choice, and the vote is not cast until confirmed.
    expect(page.locator("h1")).to_have_text("确认表决")
    expect(page.locator(".vote-confirm h2")).to_have_text("1. 续聘甲物业")
    expect(page.locator(".vote-chosen")).to_have_text("您选择：同意")
    screenshot(page, "governance-owner-vote-confirm")
    assert not motion.votes.exists()
    page.get_by_role("link", name="返回重新选择").click()
    assert not motion.votes.exists()
    card.get_by_role("button", name="同意").click()
    page.get_by_role("button", name="确认投“同意”票").click()
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


def phone(page, live_server, username):
    """An owner on a phone (375 px), in a browser session of their own, whatever width the staff use."""
    context = page.context.browser.new_context(viewport=VIEWPORTS["phone"], locale="en-US")
    owner = context.new_page()
    owner.viewport_name = "phone"
    sign_in(owner, live_server, username)
    return owner


def test_a_company_drafted_fund_plan_is_published_objected_to_and_decided(page, live_server, tenant):
    # The company's manager drafts the plan: nothing starts yet.
    sign_in(page, live_server, tenant.user("manager").username)
    page.goto(live_server.url + reverse("governance:desk", args=[tenant.community.pk]))
    page.get_by_role("link", name="维修资金使用").click()
    page.get_by_label("项目名称").fill("1号楼屋面防水")
    page.get_by_label("预算金额（元）").fill("27000")
    page.get_by_label("施工单位").fill("甲防水工程公司")
    page.get_by_label("使用方式").select_option("negative_vote")
    page.get_by_label("1号楼").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("1号楼屋面防水")
    expect(page.locator(".page-head")).to_contain_text("草稿（待发布）")
    screenshot(page, "governance-manager-drafted-plan")
    usage = FundUsage.objects.get()

    # The committee publishes it with a publicity of at least seven days: six are refused.
    committee = other_page(page)
    sign_in(committee, live_server, tenant.user("committee_member").username)
    committee.goto(live_server.url + reverse("governance:usage", args=[usage.pk]))
    ends = committee.get_by_label("公示截止")
    ends.fill((timezone.localtime() + dt.timedelta(days=6)).strftime("%Y-%m-%dT%H:%M"))
    committee.get_by_role("button", name="审核发布").click()
    expect(committee.locator(".messages")).to_contain_text("须公示至少 7 日")
    committee.get_by_label("公示截止").fill((timezone.localtime() + dt.timedelta(days=8)).strftime("%Y-%m-%dT%H:%M"))
    committee.get_by_role("button", name="审核发布").click()
    expect(committee.locator(".messages")).to_contain_text("已发布")
    expect(committee.locator("main")).to_contain_text("提出异议：0 / 3 户")
    screenshot(committee, "governance-committee-published-plan")

    # Owners of the scope were told; on their phones they object.
    owner = phone(page, live_server, tenant.user("owner").username)
    owner.goto(live_server.url + reverse("servicedesk:inbox"))
    owner.get_by_role("link", name="维修资金使用公示：1号楼屋面防水").first.click()
    expect(owner.locator("main")).to_contain_text("9000.00 元")
    owner.get_by_role("button", name="我有异议（反对使用）").click()
    expect(owner.locator("main")).to_contain_text("您已于")
    screenshot(owner, "governance-owner-objected")
    neighbour = phone(page, live_server, tenant.user("neighbour").username)
    neighbour.goto(live_server.url + reverse("governance:usage", args=[usage.pk]))
    neighbour.get_by_role("button", name="我有异议（反对使用）").click()
    expect(neighbour.locator("main")).to_contain_text("您已于")

    # Seven days on, the committee decides: two of the three owners object, more than a third.
    FundUsage.objects.filter(pk=usage.pk).update(publicity_ends=timezone.now() - dt.timedelta(seconds=1))
    committee.reload()
    expect(committee.locator("main")).to_contain_text("提出异议：2 / 3 户，专有部分面积 180.00 / 270.00 m²")
    committee.get_by_role("button", name="作出决定").click()
    expect(committee.locator(".messages")).to_contain_text("不能使用维修资金")
    expect(committee.locator(".verdict")).to_have_text("异议超过三分之一：不能使用")
    usage.refresh_from_db()
    assert usage.status == "rejected" and usage.decision["objecting_owners"] == 2

    owner.goto(live_server.url + reverse("governance:usage", args=[usage.pk]))
    expect(owner.locator(".verdict")).to_have_text("异议超过三分之一：不能使用")
    owner.goto(live_server.url + reverse("servicedesk:inbox"))
    expect(owner.locator("main")).to_contain_text("维修资金使用决定：1号楼屋面防水")
    screenshot(owner, "governance-owner-told-of-the-decision")


def test_a_budget_is_drafted_approved_and_disclosed(page, live_server, tenant):
    sign_in(page, live_server, tenant.user("manager").username)
    page.goto(live_server.url + reverse("governance:desk", args=[tenant.community.pk]))
    page.get_by_role("link", name="编制预算、决算").click()
    page.get_by_label("年度").fill("2027")
    page.get_by_label("类别").select_option("budget")
    page.get_by_label("项目明细").fill("物业服务人员工资，360000，12 人\n公共设施设备维护，85000.50")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2027年度物业服务费预算")
    expect(page.locator(".budget-total")).to_contain_text("445000.50")
    page.get_by_role("button", name="提交业主委员会审核").click()
    expect(page.locator(".page-head")).to_contain_text("待业主委员会审核")
    budget = ServiceBudget.objects.get()

    committee = other_page(page)
    sign_in(committee, live_server, tenant.user("committee_member").username)
    committee.goto(live_server.url + reverse("governance:budget", args=[budget.pk]))
    committee.get_by_role("button", name="批准").click()
    expect(committee.locator(".page-head")).to_contain_text("业主委员会已批准")
    committee.get_by_role("button", name="向业主公开").click()
    expect(committee.locator(".page-head")).to_contain_text("已向业主公开")
    screenshot(committee, "governance-committee-disclosed-budget")

    owner = phone(page, live_server, tenant.user("owner").username)
    owner.goto(live_server.url + reverse("governance:me"))
    owner.get_by_role("link", name="2027年度物业服务费预算").click()
    expect(owner.locator("main")).to_contain_text("物业服务人员工资")
    expect(owner.locator(".budget-total")).to_contain_text("445000.50")
    screenshot(owner, "governance-owner-reads-budget")
