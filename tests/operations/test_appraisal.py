"""Staff appraisal (篇一 5.6 “奖励20%的优秀者，鼓励70%的普通者，淘汰10%的落后者”): the band sizes and
their rounding, ties at a boundary, rankings per position and team, closing, the .xlsx, the page
and the API, and that only the community's manager sees any of it."""

import io

import pytest
from openpyxl import load_workbook

from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.tenancy import Actor
from linli.operations.appraisal_rules import band_sizes, bands, competition_ranks
from linli.operations.models import Appraisal, AppraisalScore
from linli.operations.selectors.appraisal import appraisal_report
from linli.operations.services import appraisal as services
from tests.operations.world_duties import appraisal, staff


@pytest.mark.parametrize("n, expected", [(1, (0, 1, 0)), (3, (0, 3, 0)), (10, (2, 7, 1)), (11, (2, 8, 1)),
                                         (9, (1, 8, 0)), (20, (4, 14, 2))])
def test_band_sizes_round_down_the_ends(n, expected):
    assert band_sizes(n, 20, 10) == expected
    assert sum(band_sizes(n, 20, 10)) == n


def test_ten_distinct_totals_give_two_rewarded_and_one_eliminated():
    totals = [90, 80, 70, 60, 50, 40, 30, 20, 10, 95]
    result = bands(totals, 20, 10)
    assert [t for t, b in zip(totals, result) if b == "reward"] == [90, 95]
    assert [t for t, b in zip(totals, result) if b == "eliminate"] == [10]
    assert result.count("encourage") == 7


def test_a_tie_across_a_boundary_is_encouraged():
    # 2nd and 3rd share 80: neither is rewarded over the other, so only the first is.
    result = bands([90, 80, 80, 70, 60, 50, 40, 30, 20, 20], 20, 10)
    assert result[:3] == ["reward", "encourage", "encourage"]
    # The last two tie at 20: nobody is eliminated.
    assert "eliminate" not in result
    # A tie inside a band does not matter.
    assert bands([90, 90, 50, 40, 30, 20, 20, 10, 5, 1], 20, 10)[:2] == ["reward", "reward"]


def test_competition_ranks_share_a_place_and_skip():
    assert competition_ranks([70, 90, 80, 80]) == [4, 1, 2, 2]


def test_the_default_is_twenty_seventy_ten_with_the_seed_criteria(tenant):
    review = appraisal(tenant)
    assert (review.reward_percent, review.encourage_percent, review.eliminate_percent) == (20, 70, 10)
    assert [c["name"] for c in review.criteria][:3] == ["敬业修德", "高效创优", "诚信进取"]
    assert review.max_total == 100


def test_shares_are_configurable_but_may_not_exceed_the_whole(tenant):
    review = appraisal(tenant, name="年度考核", reward_percent=30, eliminate_percent=5)
    assert review.encourage_percent == 65
    with pytest.raises(ValidationFailed) as error:
        appraisal(tenant, name="坏比例", reward_percent=60, eliminate_percent=41)
    assert "eliminate_percent" in error.value.fields
    assert appraisal(tenant, name="刚好", reward_percent=60, eliminate_percent=40).encourage_percent == 0


def _score_all(t, review, members, totals):
    manager = Actor(t.user("manager"))
    for member, total in zip(members, totals):
        services.appraisal_score(actor=manager, appraisal=review, member=member,
                                 scores=[total // 5] * 4 + [total - 4 * (total // 5)])


def test_closing_fixes_the_bands_of_eleven_staff(tenant):
    members = staff(tenant, 11)
    review = appraisal(tenant)
    totals = [95, 90, 85, 80, 75, 70, 65, 60, 55, 50, 45]
    _score_all(tenant, review, members, totals)
    services.appraisal_close(actor=Actor(tenant.user("manager")), appraisal=review)
    bands_by_total = dict(AppraisalScore.objects.filter(appraisal=review).values_list("total", "band"))
    assert [bands_by_total[t] for t in totals] == ["reward"] * 2 + ["encourage"] * 8 + ["eliminate"]
    review.refresh_from_db()
    assert review.status == Appraisal.Status.CLOSED
    with pytest.raises(ValidationFailed):
        services.appraisal_score(actor=Actor(tenant.user("manager")), appraisal=review, member=members[0],
                                 scores=[0] * 5)


def test_one_or_three_staff_are_all_encouraged(tenant):
    for n in (1, 3):
        members = staff(tenant, n)
        review = appraisal(tenant, name=f"{n}人考核")
        _score_all(tenant, review, members, [90, 60, 30][:n])
        services.appraisal_close(actor=Actor(tenant.user("manager")), appraisal=review)
        assert set(AppraisalScore.objects.filter(appraisal=review).values_list("band", flat=True)) == {"encourage"}


def test_a_score_outside_a_criterion_is_refused_and_nothing_is_written(tenant):
    member = staff(tenant, 1)[0]
    review = appraisal(tenant)
    manager = Actor(tenant.user("manager"))
    for bad in ([21, 0, 0, 0, 0], [-1, 0, 0, 0, 0], [10, 10, 10, 10], ["x"] * 5):
        with pytest.raises(ValidationFailed):
            services.appraisal_score(actor=manager, appraisal=review, member=member, scores=bad)
    assert not AppraisalScore.objects.exists()
    row = services.appraisal_score(actor=manager, appraisal=review, member=member, scores=[20, 0, 20, 0, 20])
    assert row.total == 60


def test_closing_without_scores_is_refused(tenant):
    with pytest.raises(ValidationFailed):
        services.appraisal_close(actor=Actor(tenant.user("manager")), appraisal=appraisal(tenant))


@pytest.mark.parametrize("role", ["finance", "guard", "gardener", "regulator", "owner"])
def test_only_the_manager_appraises(tenant, role):
    with pytest.raises(PermissionDenied):
        services.appraisal_create(actor=Actor(tenant.user(role)), community=tenant.community, name="x",
                                  period_start=tenant.community.created_at.date(),
                                  period_end=tenant.community.created_at.date())


def test_rankings_per_position_and_team(tenant):
    guards = staff(tenant, 3, position="保安员", team="北区保安班")
    cleaners = staff(tenant, 2, position="保洁员", team=None)
    review = appraisal(tenant)
    _score_all(tenant, review, guards + cleaners, [60, 80, 70, 90, 50])
    report = appraisal_report(actor=Actor(tenant.user("manager")), appraisal=review)
    by_name = {r["member"].name: r for r in report["rows"]}
    assert [by_name[m.name]["position_rank"] for m in guards] == [3, 1, 2]
    assert [by_name[m.name]["position_rank"] for m in cleaners] == [1, 2]
    assert [by_name[m.name]["rank"] for m in guards + cleaners] == [4, 2, 3, 1, 5]
    assert [r["member"].name for r in report["by_team"]] == [guards[1].name, guards[2].name, guards[0].name]
    assert report["unscored"] == []


def test_page_scores_closes_and_exports_a_real_workbook(tenant, login):
    members = staff(tenant, 10)
    client = login(tenant.user("manager"))
    response = client.post(f"/ops/{tenant.community.pk}/appraisals/", {
        "name": "季度考核", "period_start": "2026-01-01", "period_end": "2026-03-31", "reward_percent": 20,
        "eliminate_percent": 10, "criteria": ""})
    review = Appraisal.objects.get(name="季度考核")
    assert response.status_code == 302 and response.url == f"/ops/appraisals/{review.pk}/"
    for i, member in enumerate(members):
        data = {"member": member.pk, "comment": "", **{f"c{c}": 10 + i for c in range(5)}}
        assert client.post(f"/ops/appraisals/{review.pk}/", data).status_code == 302
    page = client.get(f"/ops/appraisals/{review.pk}/").content.decode()
    assert "奖励 2 人、鼓励 7 人、淘汰 1 人" in page
    # An out-of-range score is shown on the form, not saved.
    bad = client.post(f"/ops/appraisals/{review.pk}/", {"member": members[0].pk, **{f"c{c}": 25 for c in range(5)}})
    assert bad.status_code == 200 and "field-error" in bad.content.decode()
    assert client.post(f"/ops/appraisals/{review.pk}/close/").status_code == 302
    export = client.get(f"/ops/appraisals/{review.pk}/export.xlsx")
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content) if export.streaming else export.content))
    assert book.sheetnames == ["总排名", "按岗位排名", "按班组排名"]
    rows = list(book["总排名"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 10
    assert rows[0][1] == members[-1].name and rows[0][-2] == "奖励"
    assert rows[-1][1] == members[0].name and rows[-1][-2] == "淘汰"
    assert [r[-2] for r in rows].count("鼓励") == 7


@pytest.mark.parametrize("role", ["finance", "guard", "gardener"])
def test_other_staff_find_no_appraisal_page(tenant, login, role):
    review = appraisal(tenant)
    client = login(tenant.user(role))
    assert client.get(f"/ops/{tenant.community.pk}/appraisals/").status_code == 403
    assert client.get(f"/ops/appraisals/{review.pk}/").status_code == 404
    assert client.get(f"/ops/appraisals/{review.pk}/export.xlsx").status_code == 404


def test_api_creates_scores_ranks_closes_and_exports(tenant, api):
    members = staff(tenant, 11)
    client = api(tenant.user("manager"))
    created = client.post("/api/v1/appraisals/", {"community": tenant.community.pk, "name": "API考核",
                                                   "period_start": "2026-01-01", "period_end": "2026-06-30"},
                          format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["encourage_percent"] == 70
    for i, member in enumerate(members):
        scored = client.post(f"/api/v1/appraisals/{pk}/score/", {"member": member.pk, "scores": [i] * 5},
                             format="json")
        assert scored.status_code == 200 and scored.json()["total"] == 5 * i
    bad = client.post(f"/api/v1/appraisals/{pk}/score/", {"member": members[0].pk, "scores": [21] * 5}, format="json")
    assert bad.status_code == 400 and "scores" in bad.json()["fields"]
    ranking = client.get(f"/api/v1/appraisals/{pk}/ranking/").json()
    assert ranking["sizes"] == {"reward": 2, "encourage": 8, "eliminate": 1}
    assert [r["band"] for r in ranking["rows"]][:3] == ["reward", "reward", "encourage"]
    assert client.post(f"/api/v1/appraisals/{pk}/close/").json()["status"] == "closed"
    export = client.get(f"/api/v1/appraisals/{pk}/export.xlsx")
    assert export.status_code == 200
    assert load_workbook(io.BytesIO(export.content))["按岗位排名"].max_row == 12


def test_api_hides_appraisals_from_other_staff_and_other_tenants(tenants, api):
    a, b = tenants
    review = appraisal(b)
    assert api(a.user("manager")).get(f"/api/v1/appraisals/{review.pk}/").status_code == 404
    assert api(b.user("guard")).get(f"/api/v1/appraisals/{review.pk}/").status_code == 404
    assert api(b.user("guard")).get("/api/v1/appraisals/").json()["results"] == []
    refused = api(a.user("manager")).post("/api/v1/appraisals/", {
        "community": b.community.pk, "name": "越权", "period_start": "2026-01-01", "period_end": "2026-01-31"},
        format="json")
    assert refused.status_code == 400
    member = staff(b, 1)[0]
    other = appraisal(a)
    cross = api(a.user("manager")).post(f"/api/v1/appraisals/{other.pk}/score/",
                                        {"member": member.pk, "scores": [1] * 5}, format="json")
    assert cross.status_code == 400 and not AppraisalScore.objects.exists()
