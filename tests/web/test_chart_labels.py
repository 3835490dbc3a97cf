"""Charts at phone width (375 px): every label of a chart is inside the viewport, and a short bar's
value is read whole (issue 17 §7: the staffing chart's labels overlapped on the organisation page,
and a vote bar's "15503.76" read "03.76")."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from linli.core.tenancy import Actor
from linli.governance import services
from linli.operations.models import Position
from tests.browser import VIEWPORTS, browser, screenshot, sign_in  # noqa: F401 (fixtures)
from tests.conftest import build_tenant

pytestmark = pytest.mark.browser

# The labels of an SVG chart as the phone lays them out: their text and bounding box.
LABELS = """el => Array.from(el.querySelectorAll('svg text')).map(t => {
  const r = t.getBoundingClientRect();
  return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
}).filter(r => r.text.trim() && r.right > r.left)"""


@pytest.fixture
def tenant(transactional_db, live_server):
    return build_tenant("甲")


@pytest.fixture
def phone(browser):  # noqa: F811 (the browser fixture)
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="en-US")
    page = context.new_page()
    page.viewport_name = "phone"
    yield page
    context.close()


def labels_of(chart):
    expect(chart.locator("svg text").first).to_be_attached()
    return chart.evaluate(LABELS)


def assert_inside_viewport(labels, width=375):
    assert labels
    outside = [label for label in labels if label["left"] < 0 or label["right"] > width]
    assert not outside, outside


def overlapping(labels):
    return [(a["text"], b["text"]) for i, a in enumerate(labels) for b in labels[i + 1:]
            if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]]


def test_the_staffing_chart_labels_are_inside_a_phone_and_do_not_overlap(phone, live_server, tenant):
    names = ["经理", "小区主任", "财务主管", "现金出纳", "收费员", "综合管理", "保安队长", "保安员", "维修主管",
             "维修工", "绿化主管", "绿化工", "保洁主管", "保洁员", "车库管理员"]
    for order, name in enumerate(names):
        Position.objects.create(community=tenant.community, name=name, kind="security", order=order,
                                planned_headcount=order % 4 + 1 if name != "保洁员" else 19)
    sign_in(phone, live_server, tenant.user("manager").username)
    phone.goto(live_server.url + reverse("operations:org", args=[tenant.community.pk]))
    labels = labels_of(phone.locator("[data-source=chart-positions]"))
    assert_inside_viewport(labels)
    assert set(names) <= {label["text"] for label in labels}  # every name, none truncated
    assert not overlapping(labels)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "chart-labels-org")


def test_a_short_vote_bars_value_is_read_whole_on_a_phone(phone, live_server, tenant):
    committee = Actor(tenant.user("committee_member"))
    # Exclusive areas (m²) as large as a whole estate's, so that "反对" is a short bar with a long value.
    for unit, area in zip(tenant.units, ("103262.36", "15503.76", "7885.45"), strict=True):
        unit.area = unit.exclusive_area = Decimal(area)
        unit.save()
    assembly = services.assembly_create(actor=committee, community=tenant.community, title="2026年业主大会")
    motion = services.motion_create(actor=committee, assembly=assembly, title="续聘甲物业", matter="hire_company")
    for owner, choice in zip(tenant.owners, ("yes", "no", "abstain"), strict=True):
        services.vote_cast(actor=committee, motion=motion, owner=owner, choice=choice)
    services.assembly_close(actor=committee, assembly=assembly)
    services.assembly_publish(actor=committee, assembly=assembly)

    sign_in(phone, live_server, tenant.user("owner").username)
    phone.goto(live_server.url + reverse("governance:me"))
    chart = phone.locator(".motion", has_text="续聘甲物业").locator(".chart")
    expect(chart).to_be_visible()
    labels = labels_of(chart)
    assert_inside_viewport(labels)
    box = chart.bounding_box()
    values = {label["text"]: label for label in labels}
    for value in ("103262.36", "15503.76", "7885.45"):
        assert value in values, sorted(values)
        label = values[value]
        # Whole: within the chart's own box, not clipped by the axis or the card.
        assert box["x"] <= label["left"] and label["right"] <= box["x"] + box["width"], (value, label, box)
    assert not overlapping(labels)
    screenshot(phone, "chart-labels-vote")
