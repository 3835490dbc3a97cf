"""篇三 一(一), 一(二), 三、(二): the tiers' own duties — targets and deadlines per office in the
district's work assessment, the campaign's end-of-August review and back-signing, the late
offices (page and .xlsx) and staffing with its gaps. Pages and API, scoped to the jurisdiction."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from linli.core.errors import PermissionDenied
from linli.core.models import AuditEvent
from linli.core.tenancy import Actor
from linli.oversight import duty_selectors, duty_services, services
from linli.oversight.duty_models import DutyItem, StaffingRecord, campaign_due
from tests import factories as f

# A past year, so that every completion date of the tests is already past.
YEAR = timezone.localdate().year - 1
AUG31, SEP1 = dt.date(YEAR, 8, 31), dt.date(YEAR, 9, 1)


def district(tenant) -> Actor:
    return Actor(tenant.user("district_regulator"))


def item(tenant, office=None, **extra) -> DutyItem:
    values = {"kind": "campaign", "topic": "backsign", "title": "未签合同的小区8月底前补签到位", **extra}
    return duty_services.duty_item_create(actor=district(tenant), office=office or tenant.subdistrict, year=YEAR,
                                          **values)


# Targets and deadlines ----------------------------------------------------------------------------

def test_the_district_sets_a_target_by_page_and_the_campaign_is_due_at_the_end_of_august(tenant, client):
    client.force_login(tenant.user("district_regulator"))
    url = reverse("oversight:duties", args=[tenant.district.pk])
    response = client.post(url, {"year": YEAR, "office": tenant.subdistrict.pk, "kind": "campaign",
                                 "topic": "training", "title": "从业人员8月底前全部轮训一遍", "target_count": 40})
    assert response.status_code == 302
    created = DutyItem.objects.get()
    assert (created.office, created.assessor, created.deadline) == (tenant.subdistrict, tenant.district, AUG31)
    assert AuditEvent.objects.filter(action="oversight.duty_item").count() == 1
    page = client.get(url + f"?year={YEAR}").content.decode()
    assert "从业人员8月底前全部轮训一遍" in page and tenant.subdistrict.name in page


def test_an_assessment_item_needs_a_deadline_and_the_page_says_so(tenant, client):
    client.force_login(tenant.user("district_regulator"))
    response = client.post(reverse("oversight:duties", args=[tenant.district.pk]), {
        "year": YEAR, "office": tenant.residents_committee.pk, "kind": "assessment", "topic": "staffing",
        "title": "配齐2名物业管理专职人员"})
    assert response.status_code == 200
    assert "请填写完成期限" in response.content.decode()
    assert not DutyItem.objects.exists()


def test_the_district_sets_a_target_by_api_and_a_subdistrict_may_not(tenant, api):
    body = {"office": tenant.residents_committee.pk, "year": YEAR, "kind": "assessment", "topic": "staffing",
            "title": "配齐2名物业管理专职人员", "target_count": 2, "deadline": f"{YEAR}-06-30"}
    refused = api(tenant.user("regulator")).post("/api/v1/duty-items/", body, format="json")
    assert refused.status_code == 403
    created = api(tenant.user("district_regulator")).post("/api/v1/duty-items/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["assessor"] == tenant.district.pk
    assert created.json()["late"] is True  # not done, and the deadline has passed


def test_another_districts_regulator_is_refused_everywhere(tenants, api, client):
    a, b = tenants
    target = item(a)
    other = api(b.user("district_regulator"))
    body = {"office": a.subdistrict.pk, "year": YEAR, "kind": "campaign", "title": "越权下达"}
    assert other.post("/api/v1/duty-items/", body, format="json").status_code == 400
    assert other.get(f"/api/v1/duty-items/{target.pk}/").status_code == 404
    assert other.post(f"/api/v1/duty-items/{target.pk}/review/", {"status": "passed"}, format="json").status_code == 404
    assert other.get("/api/v1/duty-items/").json()["results"] == []
    assert other.get("/api/v1/late-offices/", {"jurisdiction": a.district.pk, "year": YEAR}).status_code == 404
    assert other.get("/api/v1/staffing/", {"jurisdiction": a.district.pk}).status_code == 404
    with pytest.raises(PermissionDenied):
        duty_services.duty_item_create(actor=Actor(b.user("district_regulator")), office=a.subdistrict, year=YEAR,
                                       title="越权", kind="campaign", assessor=a.district)
    client.force_login(b.user("district_regulator"))
    for name in ("duties", "duties_late", "duties_late_xlsx", "staffing"):
        assert client.get(reverse(f"oversight:{name}", args=[a.district.pk])).status_code == 404, name
    assert client.get(reverse("oversight:duty_item", args=[target.pk])).status_code == 404


def test_done_on_the_deadline_is_on_time_and_a_day_later_is_late(tenant, api):
    on_time, late = item(tenant), item(tenant, title="第二项")
    office = api(tenant.user("regulator"))  # the sub-district reports its own
    body = {"done_count": 3, "result": "3个小区已补签", "completed_on": str(AUG31)}
    assert office.post(f"/api/v1/duty-items/{on_time.pk}/report/", body, format="json").json()["late"] is False
    body["completed_on"] = str(SEP1)
    reported = office.post(f"/api/v1/duty-items/{late.pk}/report/", body, format="json").json()
    assert reported["late"] is True and reported["reported_on"] == str(timezone.localdate())
    assert AuditEvent.objects.filter(action="oversight.duty_item_report").count() == 2


def test_not_done_is_late_only_after_the_deadline_day(tenant):
    open_item = item(tenant)
    assert open_item.late_on(AUG31) is False
    assert open_item.late_on(SEP1) is True
    assert duty_selectors.late_offices(jurisdiction=tenant.district, year=YEAR, today=AUG31) == []
    rows = duty_selectors.late_offices(jurisdiction=tenant.district, year=YEAR, today=SEP1)
    assert [(r["office"], r["open"], r["days_late"]) for r in rows] == [(tenant.subdistrict, 1, 1)]


def test_completion_below_the_target_count_and_in_the_future_are_refused(tenant, api):
    target = item(tenant, target_count=5)
    office = api(tenant.user("regulator"))
    short = office.post(f"/api/v1/duty-items/{target.pk}/report/",
                        {"done_count": 4, "completed_on": str(AUG31)}, format="json")
    assert short.status_code == 400 and "done_count" in short.json()["fields"]
    future = office.post(f"/api/v1/duty-items/{target.pk}/report/",
                         {"done_count": 5, "completed_on": str(timezone.localdate() + dt.timedelta(days=1))},
                         format="json")
    assert future.status_code == 400 and "completed_on" in future.json()["fields"]
    target.refresh_from_db()
    assert target.completed_on is None and target.reported_on is None


def test_the_end_of_august_review_is_the_districts_and_closes_the_item(tenant, api):
    target = item(tenant)
    assert api(tenant.user("regulator")).post(f"/api/v1/duty-items/{target.pk}/review/", {"status": "passed"},
                                              format="json").status_code == 403
    reviewed = api(tenant.user("district_regulator")).post(
        f"/api/v1/duty-items/{target.pk}/review/", {"status": "failed", "score": "55", "reviewed_on": str(SEP1)},
        format="json")
    assert reviewed.status_code == 200, reviewed.json()
    assert (reviewed.json()["status"], reviewed.json()["score"]) == ("failed", "55.00")
    again = api(tenant.user("regulator")).post(f"/api/v1/duty-items/{target.pk}/report/",
                                               {"completed_on": str(SEP1)}, format="json")
    assert again.status_code == 409
    moved = api(tenant.user("district_regulator")).patch(f"/api/v1/duty-items/{target.pk}/",
                                                         {"deadline": f"{YEAR}-09-30"}, format="json")
    assert moved.status_code == 409


def test_the_district_moves_a_deadline_by_api_and_the_office_may_not(tenant, api):
    target = item(tenant)
    url = f"/api/v1/duty-items/{target.pk}/"
    assert api(tenant.user("regulator")).patch(url, {"deadline": f"{YEAR}-09-30"}, format="json").status_code == 403
    moved = api(tenant.user("district_regulator")).patch(url, {"deadline": f"{YEAR}-09-30"}, format="json")
    assert moved.status_code == 200 and moved.json()["deadline"] == f"{YEAR}-09-30"
    assert AuditEvent.objects.filter(action="oversight.duty_item_plan").exists()


def test_the_office_reports_and_the_district_reviews_by_page(tenant, client):
    target = item(tenant, target_count=1)
    url = reverse("oversight:duty_item", args=[target.pk])
    client.force_login(tenant.user("regulator"))
    page = client.get(url).content.decode()
    assert "报告进展" in page and "记录考核结果" not in page
    client.post(url, {"step": "report", "done_count": 1, "result": "已补签", "completed_on": str(SEP1)})
    target.refresh_from_db()
    assert target.completed_on == SEP1
    client.force_login(tenant.user("district_regulator"))
    assert "记录考核结果" in client.get(url).content.decode()
    client.post(url, {"step": "review", "status": "passed", "score": "90"})
    target.refresh_from_db()
    assert target.status == "passed" and target.reviewed_on == timezone.localdate()


# Back-signing: read from the contract register ------------------------------------------------------

def test_back_signing_counts_the_communities_without_a_contract_until_one_is_registered(tenant, client):
    target = item(tenant)
    assert duty_selectors.backsign_open(tenant.subdistrict) == [tenant.community]
    client.force_login(tenant.user("district_regulator"))
    page = client.get(reverse("oversight:duty_item", args=[target.pk])).content.decode()
    assert tenant.community.name in page and reverse("oversight:committees", args=[tenant.subdistrict.pk]) in page
    services.service_contract_record(actor=district(tenant), community=tenant.community, company=tenant.company,
                                     phase="preliminary", signed_on=AUG31, start=AUG31)
    assert duty_selectors.backsign_open(tenant.subdistrict) == []


# The late offices -----------------------------------------------------------------------------------

def test_the_district_sees_the_late_offices_on_a_page_and_in_excel(tenant, client):
    on_time = item(tenant, office=tenant.residents_committee, title="按期完成的目标")
    duty_services.duty_item_report(actor=district(tenant), duty_item=on_time, completed_on=AUG31, done_count=1)
    item(tenant, title="逾期未完成的目标")
    client.force_login(tenant.user("district_regulator"))
    page = client.get(reverse("oversight:duties_late", args=[tenant.district.pk]) + f"?year={YEAR}").content.decode()
    assert "逾期未完成的目标" in page and tenant.subdistrict.name in page
    assert "按期完成的目标" not in page and tenant.residents_committee.name not in page
    response = client.get(reverse("oversight:duties_late_xlsx", args=[tenant.district.pk]) + f"?year={YEAR}")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2]) for r in rows] == [(tenant.subdistrict.name, "逾期未完成的目标")]
    assert rows[0][7] == (timezone.localdate() - campaign_due(YEAR)).days


def test_late_offices_by_api(tenant, api):
    item(tenant)
    rows = api(tenant.user("district_regulator")).get("/api/v1/late-offices/", {
        "jurisdiction": tenant.district.pk, "year": YEAR}).json()
    assert [(r["office"], r["late_items"], r["open"]) for r in rows] == [(tenant.subdistrict.pk, 1, 1)]
    assert api(tenant.user("district_regulator")).get("/api/v1/late-offices/", {
        "jurisdiction": tenant.district.pk, "year": YEAR + 2}).json() == []


# Staffing -------------------------------------------------------------------------------------------

def gaps(tenant) -> dict:
    return {r["organization"].pk: r["gaps"] for r in duty_selectors.staffing_rows(jurisdiction=tenant.district)}


def test_staffing_gaps_are_flagged_until_each_tier_is_staffed(tenant, api):
    before = gaps(tenant)
    assert len(before[tenant.district.pk]) == 1  # office not named; its regulator is its staff
    assert len(before[tenant.subdistrict.pk]) == 1  # no lead named
    assert "现有 0 名" in before[tenant.residents_committee.pk][0]
    one = f.UserFactory(username="rc-one")
    f.MembershipFactory(user=one, organization=tenant.residents_committee, role="regulator")
    assert "现有 1 名" in gaps(tenant)[tenant.residents_committee.pk][0]
    f.MembershipFactory(user=f.UserFactory(username="rc-two"), organization=tenant.residents_committee,
                        role="regulator")
    assert gaps(tenant)[tenant.residents_committee.pk] == []

    client = api(tenant.user("district_regulator"))
    named = client.post("/api/v1/staffing-records/", {"organization": tenant.district.pk,
                                                      "office_name": "区物业管理办公室"}, format="json")
    assert named.status_code == 201, named.json()
    lead = client.post("/api/v1/staffing-records/", {"organization": tenant.subdistrict.pk,
                                                     "lead": tenant.user("regulator").pk}, format="json")
    assert lead.status_code == 201, lead.json()
    after = gaps(tenant)
    assert after[tenant.district.pk] == []
    # The lead is not also the full-time staff: the sub-district still needs one.
    assert after[tenant.subdistrict.pk] == ["未落实专职工作人员"]
    rows = client.get("/api/v1/staffing/", {"jurisdiction": tenant.district.pk}).json()
    assert {r["organization"]: r["gaps"] for r in rows}[tenant.subdistrict.pk] == ["未落实专职工作人员"]
    assert AuditEvent.objects.filter(action="oversight.staffing").count() == 2


def test_a_lead_must_be_of_that_office_and_only_the_district_names_one(tenant, api):
    outsider = api(tenant.user("district_regulator")).post(
        "/api/v1/staffing-records/", {"organization": tenant.subdistrict.pk, "lead": tenant.user("manager").pk},
        format="json")
    assert outsider.status_code == 400
    own = api(tenant.user("regulator")).post(
        "/api/v1/staffing-records/", {"organization": tenant.subdistrict.pk, "lead": tenant.user("regulator").pk},
        format="json")
    assert own.status_code == 403
    assert not StaffingRecord.objects.exists()


def test_the_staffing_page_shows_gaps_and_saves(tenant, client):
    client.force_login(tenant.user("regulator"))
    url = reverse("oversight:staffing", args=[tenant.subdistrict.pk])
    page = client.get(url).content.decode()
    assert "未明确物业管理分管领导" in page and "登记办公室与分管领导" not in page
    client.force_login(tenant.user("district_regulator"))
    url = reverse("oversight:staffing", args=[tenant.district.pk])
    assert client.post(url, {"organization": tenant.subdistrict.pk,
                             "lead": tenant.user("regulator").pk}).status_code == 302
    assert StaffingRecord.objects.get().lead == tenant.user("regulator")
    assert "未明确物业管理分管领导" not in client.get(url).content.decode()
