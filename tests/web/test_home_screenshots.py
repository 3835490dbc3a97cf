"""The acceptance screenshots of issue 17: on the seeded demo, at 375 px, the owner, technician,
guard, teacher and manager each land on their own page with their open items in sight. The
pictures are saved under docs/screenshots/<role>-home-375.png for the closing note."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from linli.core.demo import DEMO_PASSWORD
from linli.orgs.models import Organization
from tests.browser import browser  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

DOCS = settings.BASE_DIR / "docs" / "screenshots"


@pytest.fixture
def demo(transactional_db, live_server):
    call_command("seed_demo", "--if-empty", verbosity=0)
    return Organization.objects.get(kind="school", name="苗庄小学")


def landings(school) -> dict:
    """role → (where they land, its heading, what must be in sight above the fold)."""
    from linli.estates.models import Community

    community = Community.objects.get(code="miaozhuang")
    return {
        "owner": (reverse("web:my_home"), "我的待办", ".open-items .has-items"),
        "technician": (reverse("servicedesk:work_queue"), "我的工单", ".job, .empty"),
        "guard": (reverse("operations:patrol_mine"), "我的巡逻", ".round-card, main .empty"),
        "teacher": (reverse("afterschool:today", args=[school.pk]), "今日课后服务", "main .table, main .empty"),
        "manager": (reverse("web:overview", args=[community.pk]), community.name, ".stats"),
    }


def test_each_role_lands_on_its_work_at_phone_width(browser, live_server, demo):  # noqa: F811
    DOCS.mkdir(parents=True, exist_ok=True)
    for role, (url, heading, open_items) in landings(demo).items():
        context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
        page = context.new_page()
        page.goto(live_server.url + reverse("web:login"))
        page.get_by_label("用户名").fill(role)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()
        expect(page).to_have_url(live_server.url + url)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        first = page.locator(open_items).first
        expect(first).to_be_visible()
        assert first.bounding_box()["y"] < 812, role  # the open items are on the first screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, role
        page.screenshot(path=DOCS / f"{role}-home-375.png")
        context.close()
