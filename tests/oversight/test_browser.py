"""The evaluation in a real browser, at desk and phone width: the sub-district's inspector scores a
community item by item, the district enters the annual assessment and publishes the year's
results, and the public page shows them to a visitor who is not signed in."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from linli.core.tenancy import SystemActor
from linli.oversight import services
from linli.oversight.models import EvaluationResult, Inspection
from tests.browser import browser, page, screenshot, sign_in  # noqa: F401 (fixtures)
from tests.conftest import build_tenant

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db, live_server):
    tenant = build_tenant("甲")
    rubric = services.rubric_default_install(actor=SystemActor())
    return tenant, rubric


def as_user(page, live_server, user, path):
    page.context.clear_cookies()
    sign_in(page, live_server, user.username)
    page.goto(live_server.url + path)


def test_inspect_by_rubric_publish_and_show_on_the_public_page(page, live_server, world):
    tenant, rubric = world
    items = [item for category in rubric.categories.all() for item in category.items.all()]

    # 1. The sub-district's inspector scores the community against the rubric, item by item.
    as_user(page, live_server, tenant.user("regulator"), reverse("oversight:inspect", args=[tenant.subdistrict.pk]))
    page.get_by_label("小区").select_option(str(tenant.community.pk))
    page.get_by_role("button", name="按考评标准评分").click()
    expect(page.locator("[data-category='6']")).to_contain_text("服务结果评价")
    expect(page.locator("[data-hotline]")).to_be_visible()
    page.get_by_label("季度").fill("2026Q1")
    for item in items:
        page.locator(f"#id_item_{item.pk}").fill(str(item.max_points - 1))
    screenshot(page, "oversight-inspection")
    page.get_by_role("button", name="保存检查考评").click()
    expect(page.locator(".message-success")).to_contain_text(f"{100 - len(items)}.00")
    inspection = Inspection.objects.get()
    assert (inspection.score, inspection.inspector) == (100 - len(items), tenant.user("regulator"))
    assert inspection.item_scores.count() == len(items)

    # 2. The district enters the annual assessment and publishes the year's results.
    as_user(page, live_server, tenant.user("district_regulator"),
            reverse("oversight:evaluation", args=[tenant.district.pk]) + "?year=2026")
    page.get_by_label("物业服务企业").select_option(str(tenant.company.pk))
    page.get_by_label("年度", exact=True).last.fill("2026")
    page.get_by_label("年度考核得分").fill("90")
    page.get_by_role("button", name="保存年度考核").click()
    expect(page.locator(".message-success")).to_contain_text(tenant.company.name)
    row = page.locator(f"[data-results] [data-company='{tenant.company.pk}']")
    # 18 items, one point short each: 82; 0.6 × 82 + 0.4 × 90 = 49.2 + 36 = 85.20
    assert len(items) == 18
    expect(row).to_contain_text("85.20")
    page.get_by_role("button", name="公布年度考评结果").click()
    expect(page.locator(".message-success")).to_contain_text("已公布")
    screenshot(page, "oversight-evaluation")
    assert str(EvaluationResult.objects.get().total) == "85.20"

    # 3. Anyone, not signed in, sees the published result and the credit record.
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("credit:index") + "?year=2026")
    table = page.locator("[data-public-results]")
    expect(table).to_contain_text(tenant.company.name)
    expect(table).to_contain_text("85.20")
    expect(page.locator("main")).to_contain_text("2026 年度综合考评")
    screenshot(page, "oversight-public")
