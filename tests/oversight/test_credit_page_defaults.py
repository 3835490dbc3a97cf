"""The public credit page (issue 17 item 9) opens on the latest year with something published,
results or quarterly rankings, keeps its dates on one line, and refuses a year out of range with
a message instead of a 500 (item 13)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from linli.oversight.models import CreditRecord, EvaluationResult, QuarterlyRanking


def _ranking(subdistrict, quarter, published=True):
    return QuarterlyRanking.objects.create(subdistrict=subdistrict, quarter=quarter, rows=[
        {"rank": 1, "name": "甲物业", "score": "95.0"}], due_on=dt.date(2026, 4, 10),
        submitted_on=dt.date(2026, 4, 9), published=published)


def _result(tenant, year):
    return EvaluationResult.objects.create(jurisdiction=tenant.district, year=year, company=tenant.company,
                                           quarterly_avg=90, annual=90, total=90, rank=1, status="normal",
                                           published_at=timezone.now())


def test_the_page_opens_on_the_latest_year_of_rankings_when_results_are_older(client, tenant):
    _result(tenant, 2025)
    _ranking(tenant.subdistrict, "2026Q2")
    response = client.get(reverse("credit:index"))
    assert response.context["year"] == 2026 and response.context["years"] == [2026, 2025]
    assert "2026Q2" in response.content.decode()


def test_an_unpublished_ranking_does_not_decide_the_year(client, tenant):
    _result(tenant, 2025)
    _ranking(tenant.subdistrict, "2026Q2", published=False)
    assert client.get(reverse("credit:index")).context["year"] == 2025


def test_the_latest_year_of_results_wins_over_older_rankings(client, tenant):
    _result(tenant, 2026)
    _ranking(tenant.subdistrict, "2025Q3")
    assert client.get(reverse("credit:index")).context["year"] == 2026


def test_with_nothing_published_the_page_shows_this_year(client, db):
    response = client.get(reverse("credit:index"))
    assert response.status_code == 200 and response.context["year"] == timezone.localdate().year


def test_a_year_asked_for_is_shown(client, tenant):
    _result(tenant, 2026)
    _ranking(tenant.subdistrict, "2025Q3")
    assert client.get(reverse("credit:index") + "?year=2025").context["year"] == 2025


def test_a_year_out_of_range_says_so_and_shows_the_default(client, tenant):
    _ranking(tenant.subdistrict, "2026Q2")
    for value in ("-5", "99999", "1999", "abc", str(timezone.localdate().year + 6)):
        response = client.get(reverse("credit:index") + f"?year={value}")
        assert response.status_code == 200
        assert response.context["year"] == 2026
        assert f"年度“{value}”无效" in response.content.decode()
    assert "无效" not in client.get(reverse("credit:index") + "?year=2000").content.decode()


def test_record_dates_are_kept_on_one_line(client, tenant):
    CreditRecord.objects.create(company=tenant.company, jurisdiction=tenant.district, kind="honour",
                                occurred_on=dt.date(2026, 3, 1), title="表扬", detail="", public=True)
    html = client.get(reverse("credit:index")).content.decode()
    assert '<td class="date">2026-03-01</td>' in html


def test_an_out_of_range_year_on_a_regulator_page_is_refused_not_a_500(login, tenant):
    client = login(tenant.user("district_regulator"))
    for value in ("-5", "99999", "9999"):
        response = client.get(reverse("oversight:dashboard", args=[tenant.district.pk]) + f"?year={value}")
        assert response.status_code == 200
        assert f"年度“{value}”无效" in response.content.decode()


def test_a_refused_year_publishes_nothing(login, tenant):
    client = login(tenant.user("district_regulator"))
    response = client.post(reverse("oversight:publish", args=[tenant.district.pk]), {"year": "99999"})
    assert response.status_code == 302
    assert not EvaluationResult.objects.exists()
