"""The evaluation calendar (DESIGN §6 Evaluation, 篇五): quarterly rankings for Q1–Q3 only, due by
the 10th of April, July and October; Q4 goes into the annual review. The regulator's dashboard
flags a ranking not reported by its day."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.core.errors import ValidationFailed
from linli.core.tenancy import Actor
from linli.oversight import selectors, services
from linli.oversight.models import QuarterlyRanking
from tests.oversight.world import inspect


def calendar(tenant, today, jurisdiction=None):
    rows = selectors.ranking_calendar(jurisdiction=jurisdiction or tenant.district, year=2026, today=today)
    return {(r["subdistrict"].pk, r["quarter"]): r for r in rows}


def test_the_q3_ranking_is_not_overdue_on_the_tenth_of_october(tenant):
    row = calendar(tenant, dt.date(2026, 10, 10))[(tenant.subdistrict.pk, "2026Q3")]
    assert (row["due_on"], row["overdue"]) == (dt.date(2026, 10, 10), False)


def test_the_q3_ranking_is_overdue_on_the_eleventh_of_october(tenant):
    row = calendar(tenant, dt.date(2026, 10, 11))[(tenant.subdistrict.pk, "2026Q3")]
    assert row["overdue"] and row["submitted_on"] is None


def test_no_q4_ranking_is_ever_due(tenant):
    quarters = {quarter for _subdistrict, quarter in calendar(tenant, dt.date(2027, 12, 31))}
    assert quarters == {"2026Q1", "2026Q2", "2026Q3"}


def test_a_reported_ranking_is_not_overdue_and_a_late_one_is_marked(tenant):
    inspect(tenant.community, "2026Q3", 80)
    services.quarterly_ranking_submit(actor=Actor(tenant.user("regulator")), subdistrict=tenant.subdistrict,
                                      quarter="2026Q3", today=dt.date(2026, 10, 12))
    row = calendar(tenant, dt.date(2026, 11, 1), jurisdiction=tenant.subdistrict)[(tenant.subdistrict.pk, "2026Q3")]
    assert (row["overdue"], row["late"], row["submitted_on"]) == (False, True, dt.date(2026, 10, 12))


def test_a_fourth_quarter_ranking_is_refused(tenant):
    inspect(tenant.community, "2026Q4", 80)
    with pytest.raises(ValidationFailed) as exc:
        services.quarterly_ranking_submit(actor=Actor(tenant.user("regulator")), subdistrict=tenant.subdistrict,
                                          quarter="2026Q4", today=dt.date(2027, 1, 5))
    assert exc.value.code == "no_quarterly_ranking" and "quarter" in exc.value.fields
    assert not QuarterlyRanking.objects.exists()


def test_the_regulators_dashboard_flags_an_overdue_q3_report(tenant, client):
    year = timezone.localdate().year - 1  # a past year: its Q1–Q3 rankings are all past due
    inspect(tenant.community, f"{year}Q1", 80)
    inspect(tenant.community, f"{year}Q2", 80)
    for quarter, day in (("Q1", dt.date(year, 4, 9)), ("Q2", dt.date(year, 7, 9))):
        services.quarterly_ranking_submit(actor=Actor(tenant.user("regulator")), subdistrict=tenant.subdistrict,
                                          quarter=f"{year}{quarter}", today=day)
    client.force_login(tenant.user("district_regulator"))
    page = client.get(reverse("oversight:dashboard", args=[tenant.district.pk]), {"year": year}).content.decode()
    assert f"{tenant.subdistrict.name} {year}Q3 排名应于 {year}-10-10 前报送，至今未报" in page
    assert f"{year}Q1 排名应于" not in page and f"{year}Q4" not in page
