"""Sections other apps add to the daily review (日清日审): patrols with missed checkpoints,
overdue cleaning tasks … An app registers a section from its AppConfig.ready():

    register_review_section("patrol_missed", _("漏巡点位"), [_("巡逻"), _("路线"), …], compute)

`compute(community_id, date)` returns the section's rows, each {"cells": [str, …]} with an
optional "url"; it runs inside `daily_review_compute`, so it must be a couple of indexed
queries. Rows are kept as text in the review's snapshot: a kept review shows what was
missing that day even after the rows behind it change."""

import datetime as dt
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class ReviewSection:
    key: str
    title: str
    columns: tuple
    compute: Callable[[int, dt.date], list[dict]]


REVIEW_SECTIONS: dict[str, ReviewSection] = {}


def register_review_section(key: str, title, columns, compute: Callable[[int, dt.date], list[dict]]) -> None:
    if key in REVIEW_SECTIONS:
        raise ValueError(f"review section registered twice: {key}")
    REVIEW_SECTIONS[key] = ReviewSection(key, title, tuple(columns), compute)


def sections_compute(community_id: int, date: dt.date) -> dict[str, list[dict]]:
    return {key: section.compute(community_id, date) for key, section in REVIEW_SECTIONS.items()}


def review_sections(review: dict) -> list[tuple[str, str, tuple, list[dict]]]:
    """(key, title, columns, rows) of each section in a review; a kept review from before a
    section existed simply has none of it."""
    kept = review.get("sections") or {}
    result = []
    for key, rows in kept.items():
        section = REVIEW_SECTIONS.get(key)
        width = len(rows[0]["cells"]) if rows else 0
        title, columns = (section.title, section.columns) if section else (key, ("",) * width)
        result.append((key, str(title), tuple(str(c) for c in columns), rows))
    return result
