"""Writes of staff appraisal (篇一 5.6): the manager opens an appraisal for a period with its
criteria and band shares, scores each active staff member, and closes it, which fixes each
scored member's band (the rules in `linli.operations.appraisal_rules`). Manager only
("operations.manage"), audited in the same transaction."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import ValidationFailed
from linli.core.services import record_create
from linli.core.tenancy import Actor

from ..appraisal_rules import bands
from ..models import DEFAULT_CRITERIA, Appraisal, AppraisalScore, StaffMember
from .staff import require


def _check_criteria(criteria) -> list[dict]:
    checked = []
    for item in criteria or []:
        name = str(item.get("name", "")).strip()
        try:
            top = int(item.get("max", 0))
        except (TypeError, ValueError):
            top = 0
        if not name or len(name) > 60 or not 1 <= top <= 100:
            raise ValidationFailed(fields={"criteria": [_("每个考核项目须有名称（不超过 60 字）和 1–100 的满分。")]})
        checked.append({"name": name, "max": top})
    if not checked:
        raise ValidationFailed(fields={"criteria": [_("至少需要一个考核项目。")]})
    if len({c["name"] for c in checked}) != len(checked):
        raise ValidationFailed(fields={"criteria": [_("考核项目不能重名。")]})
    return checked


def appraisal_create(*, actor: Actor, community, name: str, period_start: dt.date, period_end: dt.date,
                     criteria=None, reward_percent: int = 20, eliminate_percent: int = 10) -> Appraisal:
    """The seed's 20 % / 70 % / 10 % unless the manager sets other shares."""
    require(actor, "operations.manage", community.pk)
    if period_end < period_start:
        raise ValidationFailed(fields={"period_end": [_("考核期结束不能早于开始。")]})
    if reward_percent + eliminate_percent > 100:
        raise ValidationFailed(fields={"eliminate_percent": [_("奖励与淘汰比例之和不能超过 100%。")]})
    appraisal = Appraisal(community=community, name=name.strip(), period_start=period_start, period_end=period_end,
                          criteria=_check_criteria(criteria if criteria else DEFAULT_CRITERIA),
                          reward_percent=reward_percent, eliminate_percent=eliminate_percent)
    return record_create(actor=actor, instance=appraisal, action="operations.appraisal.create")


def _open(appraisal: Appraisal) -> Appraisal:
    locked = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    if locked.status != Appraisal.Status.OPEN:
        raise ValidationFailed(_("该考核已结束，不能再修改。"), code="closed")
    return locked


def appraisal_score(*, actor: Actor, appraisal: Appraisal, member: StaffMember, scores: list,
                    comment: str = "") -> AppraisalScore:
    """Score (or re-score) one active staff member of the appraisal's community: one whole
    number per criterion, from 0 to its maximum."""
    require(actor, "operations.manage", appraisal.community_id)
    if member.community_id != appraisal.community_id or not member.active:
        raise ValidationFailed(fields={"member": [_("只能为本小区在职员工评分。")]})
    criteria = appraisal.criteria
    try:
        points = [int(s) for s in scores]
    except (TypeError, ValueError):
        points = []
    if len(points) != len(criteria) or any(not 0 <= p <= int(c["max"]) for p, c in zip(points, criteria)):
        raise ValidationFailed(fields={"scores": [_("每项得分须为 0 到该项满分之间的整数。")]})
    with transaction.atomic():
        _open(appraisal)
        row, created = AppraisalScore.objects.select_for_update().get_or_create(
            appraisal=appraisal, member=member,
            defaults={"community_id": appraisal.community_id, "position_id": member.position_id,
                      "team_id": member.team_id, "scores": points, "total": sum(points), "scored_by": actor.user,
                      "comment": comment.strip()[:200]})
        if not created:
            row.scores, row.total, row.comment, row.scored_by = points, sum(points), comment.strip()[:200], actor.user
            row.position_id, row.team_id = member.position_id, member.team_id
            row.save()
        audit_record(actor=actor, action="operations.appraisal.score", target=row,
                     community_id=appraisal.community_id,
                     data={"appraisal": appraisal.pk, "member": member.pk, "scores": points, "total": sum(points)})
    return row


def appraisal_close(*, actor: Actor, appraisal: Appraisal) -> Appraisal:
    """Fix every scored member's band; the appraisal then takes no more scores."""
    require(actor, "operations.manage", appraisal.community_id)
    with transaction.atomic():
        locked = _open(appraisal)
        rows = list(AppraisalScore.objects.select_for_update().filter(appraisal=locked).order_by("id"))
        if not rows:
            raise ValidationFailed(_("还没有任何评分，不能结束考核。"), code="no_scores")
        for row, band in zip(rows, bands([r.total for r in rows], locked.reward_percent, locked.eliminate_percent)):
            row.band = band
        AppraisalScore.objects.bulk_update(rows, ["band"])
        locked.status, locked.closed_at = Appraisal.Status.CLOSED, timezone.now()
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        audit_record(actor=actor, action="operations.appraisal.close", target=locked,
                     community_id=locked.community_id, data={"bands": {r.member_id: r.band for r in rows}})
    return locked
