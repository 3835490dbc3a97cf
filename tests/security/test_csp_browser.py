"""Content-Security-Policy in a real browser: the main pages of every part of the platform, on the
seeded demo, load without a single CSP violation and still draw their charts (ECharts), and the
API docs page (Swagger UI) works under the same policy."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from linli.core.demo import DEMO_PASSWORD
from linli.estates.models import Community
from linli.orgs.models import Organization
from tests.browser import browser  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def pages(community_id: int, school_id: int, jurisdiction_id: int) -> list[tuple[str | None, str, int]]:
    """(who signs in, page, charts the page draws at least)."""
    return [
        (None, reverse("web:login"), 0),
        ("manager", reverse("web:overview", args=[community_id]), 1),
        ("manager", reverse("estates:unit_list", args=[community_id]), 0),
        ("manager", reverse("billing:dashboard", args=[community_id]), 1),
        ("manager", reverse("servicedesk:service_dashboard", args=[community_id]), 1),
        ("manager", reverse("governance:desk", args=[community_id]), 0),
        ("manager", reverse("web:otp_setup"), 0),
        ("owner", reverse("billing:my_bills"), 0),
        ("owner", reverse("governance:me"), 1),
        ("school", reverse("afterschool:home"), 0),
        ("school", reverse("afterschool:reports", args=[school_id]), 1),
        ("regulator", reverse("oversight:dashboard", args=[jurisdiction_id]), 1),
        (None, reverse("api-docs"), 0),
    ]


@pytest.fixture
def demo(transactional_db, live_server):
    call_command("seed_demo", "--if-empty", verbosity=0)
    community = Community.objects.get(code="miaozhuang")
    school = Organization.objects.get(kind="school", name="苗庄小学")
    jurisdiction = Organization.objects.get(kind="subdistrict", name="兰山街道办事处")
    return pages(community.pk, school.pk, jurisdiction.pk)


def is_csp_violation(text: str) -> bool:
    return "Content Security Policy" in text or "Content-Security-Policy" in text


def test_main_pages_raise_no_csp_violation_and_draw_their_charts(browser, live_server, demo):  # noqa: F811
    problems = []
    contexts = {}
    for who, path, charts in demo:
        if who not in contexts:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            messages = []
            page.on("console", lambda m, messages=messages: messages.append(m.text))
            page.on("pageerror", lambda e, messages=messages: messages.append(f"page error: {e}"))
            if who:
                page.goto(live_server.url + reverse("web:login"))
                page.get_by_label("用户名").fill(who)
                page.get_by_label("密码").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="登录", exact=True).click()
                page.wait_for_load_state("networkidle")
            contexts[who] = (context, page, messages)
        context, page, messages = contexts[who]
        response = page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        policy = dict(d.strip().split(" ", 1) for d in response.headers["content-security-policy"].split(";"))
        assert policy["script-src"].split()[0] == "'self'" and "unsafe" not in policy["script-src"], path
        assert policy["frame-ancestors"] == "'none'", path
        if path == reverse("api-docs"):
            page.locator(".swagger-ui .opblock").first.wait_for(timeout=15000)
        drawn = page.locator(".chart canvas, .chart svg")
        if charts:
            drawn.first.wait_for(timeout=10000)
            box = page.locator(".chart").first.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # tooltip HTML
            page.wait_for_timeout(300)
        if drawn.count() < charts:
            problems.append(f"{path}: {drawn.count()} charts drawn, expected {charts}")
        problems += [f"{path} ({who}): {m}" for m in messages if is_csp_violation(m) or m.startswith("page error")]
        messages.clear()
    for context, _page, _messages in contexts.values():
        context.close()
    assert not problems, "\n".join(problems)
