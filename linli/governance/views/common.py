"""What several governance pages share: the actor's own owner, the units named on paper, a
motion's result as the pages show it, and the scrutineers and tellers of a count."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.core.errors import ValidationFailed
from linli.estates.models import Building, Owner, Unit

from .. import forms, services
from ..models import CommitteeMember, CountOfficer, Motion, Vote
from ..pdf import result_rows, rule_text
from ..roll import roll_compute

PAGE_SIZE = 50


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def my_owner(actor, community_id) -> Owner | None:
    return Owner.objects.filter(pk__in=actor.owner_ids, community_id=community_id).first()


def by_office(members) -> list:
    """The chair, the vice chairs, then the members, each in the order they were seated."""
    rank = {office: i for i, office in enumerate(CommitteeMember.Office.values)}
    return sorted(members, key=lambda m: (rank[m.office], m.pk))


def buildings_of(community_id):
    return Building.objects.filter(community_id=community_id).order_by("name")


def unit_owner(community_id: int, data: dict) -> Owner:
    """The owner who votes for the unit named on a paper ballot, proxy or petition."""
    unit = Unit.objects.filter(community_id=community_id, building_id=data["building"],
                               number=data["number"].strip()).first()
    if unit is None:
        raise ValidationFailed(_("未找到该房屋，请核对楼栋和房号。"), fields={"number": [_("未找到该房屋。")]})
    voters = roll_compute(community_id=community_id, unit_ids=[unit.pk])
    if not voters:
        raise ValidationFailed(_("该房屋没有登记业主。"), fields={"number": [_("没有登记业主。")]})
    return Owner.objects.get(pk=voters[0].owner_id)


def result_view(result: dict | None, matter: str, *, final: bool = True) -> dict | None:
    """A motion's result as the pages show it: the exact counts, the rule, and the chart's data.
    A running count (`final` false) says what the votes so far would decide."""
    if result is None:
        return None
    # Areas go to the chart as decimal strings: it only draws them.
    chart = [{"name": str(label), "value": result[f"{key}_area"]} for key, label in Vote.Choice.choices]
    return {**result, "rows": result_rows(result), "rule": rule_text(matter), "chart": chart, "final": final}


def motion_result(actor, motion: Motion) -> dict | None:
    """The published result, or for those who run the vote the running count; else nothing."""
    if motion.result is not None:
        return result_view(motion.result, motion.matter)
    if services.can_run(actor, motion.assembly.community_id) and motion.assembly.opened_at:
        return result_view(services.motion_count(motion, detailed=True), motion.matter,
                           final=services.voting_ended(motion.assembly))
    return None


def officers_context(actor, officers, *, counted: bool) -> dict:
    """The scrutineers and tellers of a vote for its page, each marked when the actor may sign for them."""
    officers = list(officers)
    for officer in officers:
        officer.can_sign = counted and officer.signed_at is None and (
            officer.owner_id in actor.owner_ids or services.can_run(actor, _vote_community(officer)))
    return {"officers": officers, "officer_form": forms.CountOfficerForm(), "counted": counted}


def _vote_community(officer: CountOfficer) -> int:
    return (officer.election or officer.assembly).community_id
