"""Every dashboard, chart, report and export page (issue 17 item 13), for a community, a
jurisdiction and a school with no data at all, and with query parameters out of range or not
parseable: the page answers 200 (or a download), or a 400 that says in Chinese what is wrong,
never a 500.

The pages were found by grepping the apps' urls.py for dashboard / report / stats / chart /
rank / export / review / fund / credit; a page added there should be added here."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f

# Each query is tried on every page: years before 1 and after 9999 (a date cannot be built from
# them), words where numbers or dates belong, months and quarters that do not exist, and pages
# before the first and far after the last.
BAD_QUERIES = [
    "", "year=-5", "year=0", "year=99999", "year=abc", "year=9999", "date=abc", "date=9999-12-31",
    "date=0001-01-01", "date=2026-02-30", "month=13", "month=0", "period=2026-13", "period=abc",
    "page=-1", "page=abc", "page=99999", "from=abc&to=abc", "from=9999-12-31&to=0001-01-01",
    "start=abc&end=2026-13-40", "start=9999-12-31&end=9999-12-31", "week=abc", "week=9999-12-31",
    "term=abc", "term=-1", "quarter=2026Q9", "quarter=-5", "q=" + "长" * 300, "status=nonsense",
    "live=1&date=9999-12-31",
]


@pytest.fixture
def empty_world(db):
    """A company with one community and nothing in it, its regulators and committee, and an
    empty school: the pages are asked about places where nothing has happened yet."""
    city = f.OrganizationFactory(name="空市", kind="city")
    district = f.OrganizationFactory(name="空区", kind="district", parent=city)
    subdistrict = f.OrganizationFactory(name="空街道", kind="subdistrict", parent=district)
    rc = f.OrganizationFactory(name="空社区", kind="residents_committee", parent=subdistrict)
    company = f.OrganizationFactory(name="空物业", kind="company")
    community = f.CommunityFactory(name="空小区", code="c-empty", company=company, residents_committee=rc)
    school = f.OrganizationFactory(name="空学校", kind="school")
    users = {}
    for role in ("manager", "finance"):
        users[role] = f.UserFactory(username=f"empty-{role}")
        f.MembershipFactory(user=users[role], organization=company, role=role)
    users["regulator"] = f.UserFactory(username="empty-regulator")
    f.MembershipFactory(user=users["regulator"], organization=subdistrict, role="regulator")
    users["district"] = f.UserFactory(username="empty-district")
    f.MembershipFactory(user=users["district"], organization=district, role="regulator")
    users["committee"] = f.UserFactory(username="empty-committee")
    f.MembershipFactory(user=users["committee"], organization=rc, role="committee_member", community=community)
    users["school_admin"] = f.UserFactory(username="empty-school-admin")
    f.MembershipFactory(user=users["school_admin"], organization=school, role="school_admin")
    return {"community": community, "company": company, "subdistrict": subdistrict, "district": district,
            "school": school, "users": users}


def _c(name):
    return lambda w: reverse(name, args=[w["community"].pk])


# (page, who asks, the URL for the empty world)
PAGES = [
    ("web overview", "manager", _c("web:overview")),
    ("service dashboard", "manager", _c("servicedesk:service_dashboard")),
    ("company service dashboard", "manager", lambda w: reverse("servicedesk:company_dashboard", args=[w["company"].pk])),
    ("daily review", "manager", _c("servicedesk:daily_review")),
    ("daily review xlsx", "manager", lambda w: reverse("servicedesk:review_export", args=[w["community"].pk, "xlsx"])),
    ("daily review pdf", "manager", lambda w: reverse("servicedesk:review_export", args=[w["community"].pk, "pdf"])),
    ("service requests", "manager", _c("servicedesk:service_requests")),
    ("hotline board", "regulator", lambda w: reverse("servicedesk:hotline")),
    ("billing dashboard", "finance", _c("billing:dashboard")),
    ("arrears report", "finance", _c("billing:report_arrears")),
    ("collection report", "finance", _c("billing:report_collection")),
    ("daily report", "finance", _c("billing:report_daily")),
    ("common income", "finance", _c("billing:common")),
    ("disclosure", "finance", _c("billing:disclosure")),
    ("reconciliation", "finance", _c("billing:reconciliation")),
    ("bills", "finance", _c("billing:bills")),
    ("oversight home", "regulator", lambda w: reverse("oversight:home")),
    ("oversight dashboard", "regulator", lambda w: reverse("oversight:dashboard", args=[w["subdistrict"].pk])),
    ("district dashboard", "district", lambda w: reverse("oversight:dashboard", args=[w["district"].pk])),
    ("evaluation", "district", lambda w: reverse("oversight:evaluation", args=[w["district"].pk])),
    ("rankings xlsx", "district", lambda w: reverse("oversight:rankings_xlsx", args=[w["district"].pk])),
    ("statistics xlsx", "district", lambda w: reverse("oversight:statistics_xlsx", args=[w["district"].pk])),
    ("committees", "regulator", lambda w: reverse("oversight:committees", args=[w["subdistrict"].pk])),
    ("training", "regulator", lambda w: reverse("oversight:training", args=[w["subdistrict"].pk])),
    ("honours", "regulator", lambda w: reverse("oversight:honours", args=[w["subdistrict"].pk])),
    ("renovation", "regulator", lambda w: reverse("oversight:renovation", args=[w["subdistrict"].pk])),
    ("company results", "manager", lambda w: reverse("oversight:my_results")),
    ("company credit file", "regulator", lambda w: reverse("oversight:company", args=[w["company"].pk])),
    ("public credit page", None, lambda w: reverse("credit:index")),
    ("people day", "manager", _c("operations:people_day")),
    ("org chart", "manager", _c("operations:org")),
    ("staff list", "manager", _c("operations:staff_list")),
    ("staff xlsx", "manager", _c("operations:staff_export")),
    ("roster", "manager", _c("operations:roster")),
    ("roster pdf", "manager", _c("operations:roster_pdf")),
    ("patrols", "manager", _c("operations:patrol_admin")),
    ("environment", "manager", _c("operations:env_admin")),
    ("gate events", "manager", _c("operations:access_gate_events")),
    ("visitors", "manager", _c("operations:visitor_register")),
    ("visitors xlsx", "manager", _c("operations:visitor_export")),
    ("assets", "manager", _c("operations:asset_list")),
    ("assets xlsx", "manager", _c("operations:asset_export")),
    ("projects", "manager", _c("operations:project_list")),
    ("committee desk", "committee", _c("governance:desk")),
    ("fund ledger", "committee", _c("governance:fund")),
    ("fund ledger xlsx", "committee", _c("governance:fund_export")),
    ("school overview", "school_admin", lambda w: reverse("afterschool:school_overview", args=[w["school"].pk])),
    ("school reports", "school_admin", lambda w: reverse("afterschool:reports", args=[w["school"].pk])),
    ("participation xlsx", "school_admin", lambda w: reverse("afterschool:participation_xlsx", args=[w["school"].pk])),
    ("attendance xlsx", "school_admin", lambda w: reverse("afterschool:attendance_xlsx", args=[w["school"].pk])),
]

CHINESE = set(chr(c) for c in range(0x4E00, 0x9FFF))


@pytest.mark.parametrize("role, url", [pytest.param(role, url, id=name) for name, role, url in PAGES])
def test_page_answers_for_an_empty_place_and_any_parameters(empty_world, role, url):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", raise_request_exception=False)
    if role:
        client.force_login(empty_world["users"][role])
    path = url(empty_world)
    failures = []
    for query in BAD_QUERIES:
        response = client.get(f"{path}?{query}" if query else path)
        if query == "":
            # The page itself must open for the role it is meant for (or send it on), not turn it away.
            assert response.status_code in (200, 302), f"{path}: {response.status_code}"
        if response.status_code >= 500:
            failures.append(f"{query[:40]} → {response.status_code}")
        elif response.status_code == 400:
            text = response.content.decode()
            if not CHINESE & set(text):
                failures.append(f"{query[:40]} → 400 without a Chinese message")
        elif response.status_code not in (200, 302):
            failures.append(f"{query[:40]} → {response.status_code}")
    assert not failures, f"{path}: " + "; ".join(failures)
