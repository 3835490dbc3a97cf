"""The arithmetic of the evaluation (DESIGN §6, 篇五), free of the database so that it can be
checked by hand: quarter scores, year totals, shared ranks and the three outcomes."""

import datetime as dt
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from linli.core.errors import ValidationFailed
from linli.core.money import money

QUARTERLY_WEIGHT = Decimal("0.6")
ANNUAL_WEIGHT = Decimal("0.4")
RECOMMENDED_TOP = 10
FAILED_BOTTOM = 3
PASS_MARK = Decimal("60")
RANKING_DUE_DAY = 10
# 篇五: rankings go in "4月初7月初10月初" — after Q1, Q2 and Q3. The fourth quarter has no ranking
# of its own: it is part of the year's review (年终考核), whose results are published instead.
RANKED_QUARTERS = (1, 2, 3)

RECOMMENDED, NORMAL, FAILED = "recommended", "normal", "failed"


def parse_quarter(label: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})Q([1-4])", label or "")
    if not match:
        raise ValidationFailed(_("季度格式为 YYYYQn，例如 2026Q1。"), fields={"quarter": [_("格式不正确。")]})
    return int(match[1]), int(match[2])


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def ranking_due(label: str) -> dt.date | None:
    """The day a quarter's ranking is due: the 10th of April, July or October for Q1–Q3; None for
    Q4, which has no ranking (it goes into the annual review)."""
    year, quarter = parse_quarter(label)
    if quarter not in RANKED_QUARTERS:
        return None
    return dt.date(year, quarter * 3 + 1, RANKING_DUE_DAY)


def last_ranked_quarter(today: dt.date) -> str:
    """The latest ended quarter that has a ranking: the last one, or Q3 while Q4 (unranked) is the last."""
    year, previous = today.year, (today.month - 1) // 3
    return f"{year - 1}Q3" if previous == 0 else f"{year}Q{min(previous, 3)}"


def ranking_overdue(label: str, today: dt.date) -> bool:
    """Overdue from the day after the due date: on 10 October Q3's ranking is still on time."""
    due = ranking_due(label)
    return due is not None and today > due


def mean(values) -> Decimal | None:
    """Exact mean (Decimal division carries 28 digits); rounding happens once, at the total."""
    values = list(values)
    return sum(values, Decimal(0)) / len(values) if values else None


def shared_ranks(values: list[Decimal]) -> list[int]:
    """Competition ranks, highest first: 90, 80, 80, 70 → 1, 2, 2, 4 (returned in input order)."""
    return [1 + sum(1 for other in values if other > value) for value in values]


def year_results(rows: list[dict]) -> list[dict]:
    """`rows`: {"company", "quarter_scores": [Decimal per quarter], "annual": Decimal | None}.

    Returns, per company, `quarterly_avg` (mean of its quarter scores), `annual`, `total`
    (0.6 × quarterly_avg + 0.4 × annual, to 0.01 half-up), `rank` (ties share a rank) and
    `status`: the top 10 are recommended; a company among the bottom 3 whose total is below 60
    fails. A company lacking either part is listed with no total, rank or status."""
    out = []
    for row in rows:
        quarterly = mean(row["quarter_scores"])
        annual = row["annual"]
        total = None
        if quarterly is not None and annual is not None:
            total = money(QUARTERLY_WEIGHT * quarterly + ANNUAL_WEIGHT * annual)
        out.append({"company": row["company"], "quarterly_avg": money(quarterly) if quarterly is not None else None,
                    "annual": money(annual) if annual is not None else None, "total": total, "rank": None,
                    "status": None})
    ranked = [r for r in out if r["total"] is not None]
    totals = [r["total"] for r in ranked]
    for row, rank in zip(ranked, shared_ranks(totals)):
        row["rank"] = rank
        # From the bottom, ties shared the same way: a company is among the bottom 3 when fewer
        # than 3 companies scored lower than it.
        from_bottom = 1 + sum(1 for other in totals if other < row["total"])
        if from_bottom <= FAILED_BOTTOM and row["total"] < PASS_MARK:
            row["status"] = FAILED
        elif rank <= RECOMMENDED_TOP:
            row["status"] = RECOMMENDED
        else:
            row["status"] = NORMAL
    out.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, str(r["company"])))
    return out


def quarter_scores(inspections) -> dict:
    """(company, quarter) → mean score of that company's inspections in that quarter."""
    grouped: dict = {}
    for company, quarter, score in inspections:
        grouped.setdefault((company, quarter), []).append(score)
    return {key: mean(scores) for key, scores in grouped.items()}
