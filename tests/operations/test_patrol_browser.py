"""A guard walks a patrol on a phone: types codes, opens a QR code's scan URL, mistypes one,
skips one checkpoint and finishes; the manager then finds the missed checkpoint in the
daily review (日清日审)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from linli.operations.models import Checkpoint, PatrolRound, PatrolRoute
from tests.browser import VIEWPORTS, browser, screenshot, sign_in  # noqa: F401 (fixtures)
from tests.conftest import build_tenant

pytestmark = pytest.mark.browser

POINTS = ["北门岗亭", "1号楼门市后巷", "9号楼北侧车棚", "18号楼南侧路灯"]


@pytest.fixture
def tenant(transactional_db, live_server):
    return build_tenant("甲")


def as_user(browser, live_server, username, viewport):
    page = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN").new_page()
    page.viewport_name = viewport
    sign_in(page, live_server, username)
    return page


def a_round(tenant):
    now = timezone.now()
    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time.min))
    route = PatrolRoute.objects.create(community=tenant.community, zone=tenant.zone, name="北区夜间巡逻")
    points = [Checkpoint.objects.create(community=tenant.community, route=route, name=name, order=i,
                                        location=f"{name}旁")
              for i, name in enumerate(POINTS, start=1)]
    patrol_round = PatrolRound.objects.create(
        community=tenant.community, route=route, date=timezone.localdate(), window_start=now - dt.timedelta(minutes=5),
        window_end=min(now + dt.timedelta(hours=1), midnight - dt.timedelta(seconds=1)))
    return patrol_round, points


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]


def test_a_guard_skips_a_checkpoint_and_the_review_shows_it(browser, live_server, tenant):
    patrol_round, points = a_round(tenant)
    guard = as_user(browser, live_server, tenant.user("guard").username, "phone")
    guard.goto(live_server.url + reverse("operations:patrol_mine"))
    expect(guard.get_by_role("heading", level=1)).to_have_text("我的巡逻")
    no_horizontal_scroll(guard)
    screenshot(guard, "ops-patrol-mine")
    guard.get_by_role("link", name="北区夜间巡逻").click()
    expect(guard.locator(".checklist li")).to_have_count(4)
    expect(guard.locator(".checklist .badge.warn")).to_have_count(4)
    screenshot(guard, "ops-patrol-round-start")

    code = guard.get_by_label("输入点位码打卡")
    code.fill(points[0].code.lower())
    guard.get_by_role("button", name="打卡", exact=True).click()
    expect(guard.locator(".message-success")).to_contain_text("已打卡：北门岗亭")
    expect(guard.locator(".checklist li.done")).to_have_count(1)

    guard.get_by_label("输入点位码打卡").fill("WRONG123")
    guard.get_by_role("button", name="打卡", exact=True).click()
    expect(guard.locator(".field-error")).to_have_text("没有这个点位码，请核对后重新输入。")
    screenshot(guard, "ops-patrol-round-error")

    guard.goto(live_server.url + reverse("operations:patrol_scan", args=[points[1].code]))
    expect(guard.locator(".message-success")).to_contain_text("已打卡：1号楼门市后巷")
    expect(guard.locator(".checklist li.done")).to_have_count(2)

    guard.get_by_label("输入点位码打卡").fill(points[3].code)
    guard.get_by_role("button", name="打卡", exact=True).click()
    expect(guard.locator(".checklist li.done")).to_have_count(3)
    no_horizontal_scroll(guard)
    screenshot(guard, "ops-patrol-round-three-of-four")

    guard.get_by_role("button", name="结束巡逻（还有未打卡的点）").click()
    expect(guard.locator(".message-warning")).to_contain_text("有漏巡")
    expect(guard.locator(".status")).to_have_text("有漏巡")
    expect(guard.get_by_label("输入点位码打卡")).to_have_count(0)
    screenshot(guard, "ops-patrol-round-finished")
    patrol_round.refresh_from_db()
    assert patrol_round.status == "incomplete" and patrol_round.checkins.count() == 3

    manager = as_user(browser, live_server, tenant.user("manager").username, "desktop")
    manager.goto(live_server.url + reverse("servicedesk:daily_review", args=[tenant.community.pk]))
    missed = manager.locator("#patrol_missed")
    expect(missed.get_by_role("heading")).to_have_text("漏巡点位（1）")
    expect(missed.locator("tbody tr")).to_have_count(1)
    expect(missed.locator("tbody tr")).to_contain_text("9号楼北侧车棚")
    expect(missed.locator("tbody tr")).to_contain_text("北区夜间巡逻")
    expect(manager.locator("#env_overdue .empty")).to_have_text("无")
    screenshot(manager, "ops-review-missed-checkpoint")
    manager.goto(live_server.url + reverse("operations:people_day", args=[tenant.community.pk]))
    expect(manager.locator("#patrol-exceptions tbody tr")).to_have_count(1)
    expect(manager.locator("#overdue-tasks .empty")).to_have_text("没有逾期任务。")
    screenshot(manager, "ops-manager-day")


def test_the_cleaners_empty_day_at_phone_width(browser, live_server, tenant):
    cleaner = as_user(browser, live_server, tenant.user("cleaner").username, "phone")
    cleaner.goto(live_server.url + reverse("operations:env_mine"))
    expect(cleaner.locator(".empty")).to_have_text("今天没有分配给您的任务。")
    no_horizontal_scroll(cleaner)
    screenshot(cleaner, "ops-cleaner-empty")
    guard = as_user(browser, live_server, tenant.user("guard").username, "phone")
    guard.goto(live_server.url + reverse("operations:patrol_mine"))
    expect(guard.locator(".empty")).to_have_text("现在没有需要巡逻的路线。")
    screenshot(guard, "ops-patrol-mine-empty")
