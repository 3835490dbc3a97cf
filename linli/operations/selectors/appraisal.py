"""Reads of staff appraisal: the manager's only ("operations.manage"); other staff of the
community, and everyone else, find no appraisal at all (404)."""

from collections import defaultdict

from django.db.models import QuerySet

from linli.core.tenancy import Actor

from ..appraisal_rules import band_sizes, bands, competition_ranks
from ..models import Appraisal, AppraisalScore, StaffMember
from .staff import operations_scoped


def appraisal_list(*, actor: Actor) -> QuerySet[Appraisal]:
    return operations_scoped(Appraisal.objects.all(), actor, "operations.manage")


def appraisal_score_list(*, actor: Actor) -> QuerySet[AppraisalScore]:
    return operations_scoped(AppraisalScore.objects.select_related("member", "position", "team", "appraisal"),
                             actor, "operations.manage")


def _ranks_within(rows: list[dict], key: str, into: str) -> None:
    groups = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    for members in groups.values():
        for row, rank in zip(members, competition_ranks([r["total"] for r in members])):
            row[into] = rank


def appraisal_report(*, actor: Actor, appraisal: Appraisal) -> dict:
    """Every score with its overall rank, its rank in its position and in its team, and its band:
    the fixed one once the appraisal is closed, else the one it would get now. Also the active
    staff not scored yet, and the band sizes."""
    scores = list(appraisal_score_list(actor=actor).filter(appraisal=appraisal).order_by("-total", "member__name"))
    closed = appraisal.status == Appraisal.Status.CLOSED
    provisional = bands([s.total for s in scores], appraisal.reward_percent, appraisal.eliminate_percent)
    rows = [{"score": s, "member": s.member, "position": s.position.name, "team": s.team.name if s.team_id else "",
             "scores": s.scores, "total": s.total, "comment": s.comment,
             "band": s.band if closed else band} for s, band in zip(scores, provisional)]
    for row, rank in zip(rows, competition_ranks([r["total"] for r in rows])):
        row["rank"] = rank
    _ranks_within(rows, "position", "position_rank")
    _ranks_within(rows, "team", "team_rank")
    scored = {s.member_id for s in scores}
    unscored = [m for m in operations_scoped(StaffMember.objects.select_related("position", "team"), actor,
                                             "operations.manage").filter(community_id=appraisal.community_id,
                                                                         active=True)
                if m.pk not in scored]
    reward, encourage, eliminate = band_sizes(len(rows), appraisal.reward_percent, appraisal.eliminate_percent)
    counts = {b: sum(1 for r in rows if r["band"] == b) for b in ("reward", "encourage", "eliminate")}
    return {"rows": rows, "unscored": unscored, "sizes": {"reward": reward, "encourage": encourage,
                                                          "eliminate": eliminate}, "counts": counts,
            "by_position": sorted(rows, key=lambda r: (r["position"], r["position_rank"])),
            "by_team": sorted((r for r in rows if r["team"]), key=lambda r: (r["team"], r["team_rank"]))}
