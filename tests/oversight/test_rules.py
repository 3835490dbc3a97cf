"""The year results against hand-computed cases (DESIGN §6, 篇五)."""

import datetime as dt
from decimal import Decimal

import pytest

from linli.oversight import evaluation, selectors
from linli.oversight.evaluation import year_results
from tests.oversight.world import add_company, assess, inspect


def results_by_name(tenant, year=2026):
    return {row["company"].name: row for row in selectors.evaluation_compute(jurisdiction=tenant.district, year=year)}


def test_quarter_score_is_the_mean_of_the_companys_communities_that_quarter(tenant):
    company, second = add_company(tenant, "双盘物业")
    first = second.__class__.objects.create(name="双盘二区", code="c-double-2", company=company,
                                            residents_committee=tenant.residents_committee)
    inspect(first, "2026Q1", 80)
    inspect(second, "2026Q1", 90)
    inspect(first, "2026Q2", 70)
    assess(company, tenant.district, 2026, 90)
    row = results_by_name(tenant)["双盘物业"]
    # Q1 = (80 + 90) / 2 = 85; Q2 = 70; quarterly mean 77.5; 0.6 × 77.5 + 0.4 × 90 = 46.5 + 36 = 82.50.
    # (Averaging the three inspections instead would give 80 and a total of 84.00.)
    assert row["quarterly_avg"] == Decimal("77.50")
    assert row["total"] == Decimal("82.50")


def test_total_is_rounded_half_up_at_the_fen(tenant):
    inspect(tenant.community, "2026Q1", "70.00")
    inspect(tenant.community, "2026Q2", "70.15")
    assess(tenant.company, tenant.district, 2026, 80)
    row = results_by_name(tenant)[tenant.company.name]
    # 0.6 × 70.075 + 0.4 × 80 = 42.045 + 32 = 74.045 → 74.05 half-up (half-even would give 74.04).
    assert row["total"] == Decimal("74.05")
    assert row["quarterly_avg"] == Decimal("70.08")


def rows(*totals):
    """One company per total, its quarter score and annual assessment both equal to the total."""
    return [{"company": f"企业{i:02d}", "quarter_scores": [Decimal(t)], "annual": Decimal(t)}
            for i, t in enumerate(totals, start=1)]


def test_a_tie_shares_a_rank_and_the_next_rank_is_skipped():
    out = year_results(rows("90", "80", "80", "70"))
    assert [(r["company"], r["rank"]) for r in out] == [("企业01", 1), ("企业02", 2), ("企业03", 2), ("企业04", 4)]


def test_top_ten_recommended_bottom_three_below_sixty_failed_above_sixty_not():
    totals = ["95", "94", "93", "92", "91", "90", "89", "88", "87", "86", "80", "61", "59"]
    status = {r["total"]: r["status"] for r in year_results(rows(*totals))}
    assert [status[Decimal(t).quantize(Decimal("0.01"))] for t in totals[:10]] == ["recommended"] * 10
    assert status[Decimal("80.00")] == "normal"
    assert status[Decimal("61.00")] == "normal"  # bottom three, but not below 60
    assert status[Decimal("59.00")] == "failed"


def test_a_low_total_outside_the_bottom_three_is_not_failed():
    totals = [str(90 - i) for i in range(10)] + ["55", "54", "53", "52"]
    status = {r["company"]: r["status"] for r in year_results(rows(*totals))}
    assert status["企业11"] == "normal"  # 55 is below 60 but three companies scored lower
    assert [status[f"企业{i}"] for i in (12, 13, 14)] == ["failed"] * 3


def test_a_company_without_an_annual_assessment_is_listed_but_not_ranked(tenant):
    inspect(tenant.community, "2026Q1", 88)
    row = results_by_name(tenant)[tenant.company.name]
    assert row["quarterly_avg"] == Decimal("88.00")
    assert (row["total"], row["rank"], row["status"]) == (None, None, None)


@pytest.mark.parametrize("quarter, due", [("2026Q1", dt.date(2026, 4, 10)), ("2026Q2", dt.date(2026, 7, 10)),
                                          ("2026Q3", dt.date(2026, 10, 10))])
def test_quarterly_ranking_is_due_by_the_tenth_of_the_next_month(quarter, due):
    assert evaluation.ranking_due(quarter) == due


def test_the_fourth_quarter_has_no_ranking_due():
    # 篇五: rankings go in by early April, July and October; Q4 is part of the annual review.
    assert evaluation.ranking_due("2026Q4") is None
    assert not evaluation.ranking_overdue("2026Q4", dt.date(2027, 12, 31))


@pytest.mark.parametrize("today, overdue", [(dt.date(2026, 10, 10), False), (dt.date(2026, 10, 11), True)])
def test_the_q3_ranking_is_overdue_from_the_eleventh_of_october(today, overdue):
    assert evaluation.ranking_overdue("2026Q3", today) is overdue


@pytest.mark.parametrize("today, quarter", [(dt.date(2026, 4, 1), "2026Q1"), (dt.date(2026, 10, 10), "2026Q3"),
                                            (dt.date(2026, 12, 31), "2026Q3"), (dt.date(2027, 1, 5), "2026Q3")])
def test_the_ranking_form_offers_the_latest_ranked_quarter(today, quarter):
    assert evaluation.last_ranked_quarter(today) == quarter
