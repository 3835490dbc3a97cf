"""The owners' committee after its election: members and their logins, the chair and two vice
chairs chosen by the members, the three-year term and its re-election reminder, the filing (备案)
with the sub-district, and self-management (篇四 §三). Also the preparation group (筹备组) that
prepares the first assembly (篇四 §一.4–5)."""

import datetime as dt
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.audit import audit_record
from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.notify import notify_users
from linli.core.services import record_create, record_update
from linli.core.tenancy import Actor, SystemActor
from linli.estates.models import Community, Owner
from linli.orgs.models import STAFF_ROLES, Membership, Organization, Role, User

from ..models import (
    Committee,
    CommitteeMember,
    Election,
    OfficerBallot,
    PrepGroup,
    PrepGroupMember,
    PrepTask,
    SelfManagement,
)
from .common import acting_channel, append_audited, require_run

TERM_YEARS = 3
REMINDER_DAYS = 90
VICE_CHAIRS = 2

# 篇四 §一.5 lists the group's tasks, but the seed's text keeps only items 1) and 3) (the meeting;
# how candidates are put forward). The others come from the Ministry's 业主大会和业主委员会指导规则
# (art. 14), which that list follows: the draft compact and rules, the owners and their voting
# weights, and the election procedure.
PREP_TASKS = [
    ("meeting", gettext_lazy("确定首次业主大会会议召开的时间、地点、形式和内容")),
    ("rules", gettext_lazy("拟定管理规约草案和业主大会议事规则草案")),
    ("candidates", gettext_lazy("确定业主委员会委员候选人产生办法及名单")),
    ("roll", gettext_lazy("确认业主身份，确定各业主的投票权数（专有部分面积）")),
    ("election_method", gettext_lazy("制定业主委员会选举办法")),
]
PREP_TASK_TITLES = dict(PREP_TASKS)


def current_committee(community_id: int) -> Committee | None:
    return Committee.objects.filter(community_id=community_id, ended_on__isnull=True).first()


def has_committee(community_id: int) -> bool:
    """A committee in office: a current term on record, or members holding the committee role
    (a committee formed before the platform knew its election)."""
    return current_committee(community_id) is not None or Membership.objects.filter(
        community_id=community_id, role=Role.COMMITTEE_MEMBER, active=True).exists()


def term_end(start: dt.date) -> dt.date:
    try:
        end = start.replace(year=start.year + TERM_YEARS)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + TERM_YEARS, day=28)
    return end - dt.timedelta(days=1)


# Forming the committee --------------------------------------------------------------------

def _seat(committee: Committee, owner: Owner) -> CommitteeMember:
    """A member, with a committee-member login role when the owner has a login."""
    membership = None
    rc_id = committee.community.residents_committee_id
    if owner.user_id and rc_id:
        membership, created = Membership.objects.get_or_create(
            user_id=owner.user_id, organization_id=rc_id, role=Role.COMMITTEE_MEMBER,
            defaults={"community_id": committee.community_id, "position": _("业主委员会委员")},
        )
        if not created:
            membership.active, membership.community_id = True, committee.community_id
            membership.save(update_fields=["active", "community", "updated_at"])
    return CommitteeMember.objects.create(committee=committee, owner=owner, membership=membership)


def _elected_owners(election: Election) -> list[Owner]:
    return list(Owner.objects.filter(pk__in=election.candidates.filter(pk__in=election.result["elected"])
                                     .values("owner_id")))


def _committee_of_earlier_round(election: Election) -> Committee | None:
    """The committee formed by an earlier round of this election, which a further round completes."""
    earlier = election.round_of
    while earlier is not None:
        committee = Committee.objects.select_for_update().filter(election=earlier).first()
        if committee is not None:
            return committee
        earlier = earlier.round_of
    return None


def committee_form(*, actor: Actor, election: Election, term_start: dt.date | None = None) -> Committee:
    """Seat the elected. A first round forms a new committee (ending the previous term); a further
    round adds its winners to the committee an earlier round formed."""
    require_run(actor, election.community_id)
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        result = election.result or {}
        if election.status != Election.Status.TALLIED or result.get("round_void") or not result.get("elected"):
            raise ValidationFailed(_("该选举没有产生当选委员。"), code="nobody_elected")
        if result.get("tied"):
            raise ValidationFailed(_("票数相等的候选人须先由当选委员投票决定。"), code="tie_pending")
        committee = _committee_of_earlier_round(election)
        if committee is not None:
            if committee.members.filter(owner__in=_elected_owners(election)).exists():
                raise ValidationFailed(_("已按该选举增补委员。"), code="duplicate")
        else:
            if Committee.objects.filter(election=election).exists():
                raise ValidationFailed(_("已按该选举组成业主委员会。"), code="duplicate")
            start = term_start or timezone.localdate()
            previous = current_committee(election.community_id)
            if previous is not None:
                committee_end(actor=actor, committee=previous, on=start)
            committee = Committee.objects.create(community_id=election.community_id, election=election,
                                                 term_start=start, term_end=term_end(start))
        owners = _elected_owners(election)
        members = [_seat(committee, owner) for owner in owners]
        audit_record(actor=actor, action="committee.form", target=committee, community_id=committee.community_id,
                     data={"election": election.pk, "members": [m.owner_id for m in members],
                           "term": [str(committee.term_start), str(committee.term_end)]})
    return committee


def committee_end(*, actor, committee: Committee, on: dt.date) -> None:
    """End a term: its members lose the committee role (unless they sit on the new committee)."""
    committee.ended_on = on
    committee.save(update_fields=["ended_on", "updated_at"])
    Membership.objects.filter(pk__in=committee.members.values("membership_id")).update(active=False)
    audit_record(actor=actor, action="committee.end", target=committee, community_id=committee.community_id,
                 data={"ended_on": str(on)})


# Chair and vice chairs --------------------------------------------------------------------

def officer_ballot_cast(*, actor: Actor, committee: Committee, voter: CommitteeMember, chair: CommitteeMember,
                        vice_chairs) -> OfficerBallot:
    """A member's choice of the chair and two vice chairs, among the members."""
    acting_channel(actor, voter.owner, committee.community_id)
    vice_chairs = list(vice_chairs)
    members = set(committee.members.filter(left_on__isnull=True).values_list("id", flat=True))
    chosen = [chair.pk, *[v.pk for v in vice_chairs]]
    if voter.pk not in members or not set(chosen) <= members:
        raise ValidationFailed(_("只能由本届委员在委员中推选。"), code="not_member")
    if len(vice_chairs) != VICE_CHAIRS or len(set(chosen)) != len(chosen):
        raise ValidationFailed(fields={"vice_chairs": [_("请选择两位不同的副主任，且不与主任重复。")]})
    with transaction.atomic():
        committee = Committee.objects.select_for_update().get(pk=committee.pk)
        if OfficerBallot.objects.filter(committee=committee, round=committee.officer_round, voter=voter).exists():
            raise ValidationFailed(_("该委员已投票。"), code="already_voted")
        ballot = OfficerBallot(committee=committee, round=committee.officer_round, voter=voter, chair=chair,
                               vice_chairs=sorted(v.pk for v in vice_chairs), cast_at=timezone.now())
        append_audited(actor=actor, instances=[ballot], action="committee.officer_ballot",
                       community_id=committee.community_id)
    return ballot


def committee_officers_decide(*, actor: Actor, committee: Committee) -> dict:
    """篇四 §一.6(6): the chair is the member with the most votes, which must come from more than
    half of the members; the two vice chairs are the next two by their own votes, likewise each
    with more than half. A tie or a shortfall decides nothing: the members vote again, in a new
    round of ballots."""
    require_run(actor, committee.community_id)
    with transaction.atomic():
        committee = Committee.objects.select_for_update().get(pk=committee.pk)
        members = list(committee.members.filter(left_on__isnull=True))
        ballots = list(committee.officer_ballots.filter(round=committee.officer_round))
        if 2 * len(ballots) <= len(members):
            raise ValidationFailed(_("过半数委员投票后才能确定主任、副主任。"), code="too_few_ballots")
        chair_votes = Counter(b.chair_id for b in ballots)
        vice_votes = Counter(v for b in ballots for v in b.vice_chairs)
        decided = {"round": committee.officer_round, "chair_votes": dict(chair_votes), "vice_votes": dict(vice_votes)}
        chair_id, vice_ids = _officers_from(chair_votes, vice_votes, len(members))
        if chair_id is None:
            committee.officer_round += 1
            committee.save(update_fields=["officer_round", "updated_at"])
            audit_record(actor=actor, action="committee.officers_undecided", target=committee,
                         community_id=committee.community_id, data=decided)
            return {**decided, "decided": False}
        for member in members:
            office = (CommitteeMember.Office.CHAIR if member.pk == chair_id else
                      CommitteeMember.Office.VICE_CHAIR if member.pk in vice_ids else CommitteeMember.Office.MEMBER)
            if member.office != office:
                member.office = office
                member.save(update_fields=["office", "updated_at"])
                if member.membership_id:
                    Membership.objects.filter(pk=member.membership_id).update(
                        position=str(CommitteeMember.Office(office).label))
        decided.update(decided=True, chair=chair_id, vice_chairs=vice_ids)
        audit_record(actor=actor, action="committee.officers", target=committee, community_id=committee.community_id,
                     data=decided)
    return decided


def _officers_from(chair_votes: Counter, vice_votes: Counter, members: int) -> tuple[int | None, list[int]]:
    """(chair, vice chairs), or (None, []) when the votes decide nothing."""
    def majority(n: int) -> bool:
        return 2 * n > members

    ranked = chair_votes.most_common()
    if not majority(ranked[0][1]) or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None, []
    chair_id = ranked[0][0]
    vices = [(m, n) for m, n in vice_votes.most_common() if m != chair_id]
    if (len(vices) < VICE_CHAIRS or not all(majority(n) for _m, n in vices[:VICE_CHAIRS])
            or (len(vices) > VICE_CHAIRS and vices[VICE_CHAIRS - 1][1] == vices[VICE_CHAIRS][1])):
        return None, []
    return chair_id, [m for m, _n in vices[:VICE_CHAIRS]]


# Filing and term --------------------------------------------------------------------------

def committee_file(*, actor: Actor, committee: Committee, reference: str, filed_on: dt.date | None = None) -> Committee:
    """Record the filing (备案) of the committee with the sub-district office."""
    if not actor.can("governance.run", committee.community_id):
        raise PermissionDenied()
    rc = committee.community.residents_committee
    subdistrict = rc.parent if rc is not None and rc.parent and rc.parent.kind == Organization.Kind.SUBDISTRICT else None
    if not reference.strip():
        raise ValidationFailed(fields={"reference": [_("请填写备案编号。")]})
    return record_update(actor=actor, instance=committee, action="committee.file",
                         changes={"filed_on": filed_on or timezone.localdate(), "filing_reference": reference.strip(),
                                  "filed_with": subdistrict})


def committee_reminders_send(*, today: dt.date | None = None) -> list[Committee]:
    """The re-election reminder, once, 90 days before a term ends: to the members and to the
    regulators of the sub-district, who oversee committee formation (篇三 §三(二))."""
    today = today or timezone.localdate()
    due = Committee.objects.filter(ended_on__isnull=True, reminder_sent_on__isnull=True,
                                   term_end__lte=today + dt.timedelta(days=REMINDER_DAYS)).select_related("community")
    sent = []
    for committee in due:
        with transaction.atomic():
            committee = Committee.objects.select_for_update().get(pk=committee.pk)
            if committee.reminder_sent_on is not None:
                continue
            committee.reminder_sent_on = today
            committee.save(update_fields=["reminder_sent_on", "updated_at"])
            audit_record(actor=SystemActor(), action="committee.reminder", target=committee,
                         community_id=committee.community_id, data={"term_end": str(committee.term_end)})
            users = User.objects.filter(
                pk__in=committee.members.filter(owner__user__isnull=False).values("owner__user_id")
            ) | User.objects.filter(memberships__role=Role.REGULATOR, memberships__active=True,
                                    memberships__organization_id=committee.community.residents_committee_id)
            title = _("业主委员会换届提醒")
            body = _("%(community)s业主委员会任期将于 %(end)s 届满，请筹备换届选举。") % {
                "community": committee.community.name, "end": committee.term_end}
            transaction.on_commit(lambda users=users, body=body: notify_users(users.distinct(), title=title, body=body))
        sent.append(committee)
    return sent


# Self-management (篇四 §三) ---------------------------------------------------------------

def self_management_start(*, actor: Actor, community: Community) -> SelfManagement:
    """The committee takes over management: an organization of kind company for the committee
    becomes the community's company, so that the manager it hires has a company's tools, scoped
    to this community alone."""
    actor.require("governance.self_manage", community)
    if current_committee(community.pk) is None:
        raise ValidationFailed(_("须先成立业主委员会。"), code="no_committee")
    if SelfManagement.objects.filter(community=community).exists():
        raise ValidationFailed(_("该小区已实行自主管理。"), code="duplicate")
    with transaction.atomic():
        organization = record_create(
            actor=actor, action="organization.create", community_id=community.pk,
            instance=Organization(name=_("%(community)s业主委员会（自管）") % {"community": community.name},
                                  kind=Organization.Kind.COMPANY, address=community.address),
        )
        arrangement = record_create(
            actor=actor, action="self_management.start", community_id=community.pk,
            instance=SelfManagement(community=community, organization=organization,
                                    previous_company_id=community.company_id, started_on=timezone.localdate()),
        )
        # Only the company changes: the rest of the community's row is the registry's business.
        community.company = organization
        community.save(update_fields=["company", "updated_at"])
        audit_record(actor=actor, action="community.update", target=community, community_id=community.pk,
                     data={"before": {"company": arrangement.previous_company_id}, "after": {"company": organization.pk}})
    return arrangement


def self_management_hire(*, actor: Actor, community: Community, user: User, role: str = Role.MANAGER,
                         position: str = "") -> Membership:
    """The committee hires its manager (聘任专人, 篇四 §二.2) — or other staff — into its organization."""
    actor.require("governance.self_manage", community)
    arrangement = SelfManagement.objects.filter(community=community).first()
    if arrangement is None:
        raise ValidationFailed(_("该小区未实行自主管理。"), code="not_self_managed")
    if role not in STAFF_ROLES:
        raise ValidationFailed(fields={"role": [_("只能聘任物业服务岗位。")]})
    if Membership.objects.filter(user=user, organization=arrangement.organization, role=role).exists():
        raise ValidationFailed(_("该用户已在此岗位。"), code="duplicate")
    return record_create(
        actor=actor, action="membership.create", community_id=community.pk,
        instance=Membership(user=user, organization=arrangement.organization, role=role,
                            position=position or str(Role(role).label)),
    )


# Preparation group ------------------------------------------------------------------------

def prep_group_create(*, actor: Actor, community: Community, formed_on: dt.date | None = None,
                      led_by: Organization | None = None) -> PrepGroup:
    """The sub-district / residents' committee forms the group that prepares the first assembly."""
    actor.require("governance.supervise", community)
    if PrepGroup.objects.filter(community=community, dissolved_on__isnull=True).exists():
        raise ValidationFailed(_("该小区已有工作中的筹备组。"), code="duplicate")
    with transaction.atomic():
        group = record_create(actor=actor, action="prep_group.create",
                              instance=PrepGroup(community=community, formed_on=formed_on or timezone.localdate(),
                                                 led_by=led_by or community.residents_committee))
        PrepTask.objects.bulk_create([PrepTask(group=group, key=key, position=i)
                                      for i, (key, _title) in enumerate(PREP_TASKS, start=1)])
    return group


def prep_group_member_add(*, actor: Actor, group: PrepGroup, name: str = "", role: str = PrepGroupMember.Role.MEMBER,
                          affiliation: str = "", owner: Owner | None = None, user: User | None = None) -> PrepGroupMember:
    """A member of the group. An owner member's login lets them act as a teller of the first
    assembly; others (the sub-district's delegate) already hold a regulator's login, or none."""
    actor.require("governance.supervise", group.community_id)
    if owner is not None and owner.community_id != group.community_id:
        raise ValidationFailed(fields={"owner": [_("必须属于同一个小区。")]})
    if user is None and owner is not None:
        user = owner.user
    if not (name.strip() or owner):
        raise ValidationFailed(fields={"name": [_("请填写姓名。")]})
    return record_create(actor=actor, action="prep_group.member_add", community_id=group.community_id,
                         instance=PrepGroupMember(group=group, name=name.strip() or getattr(owner, "name", ""),
                                                  role=role, affiliation=affiliation, owner=owner, user=user))


def prep_task_update(*, actor: Actor, group: PrepGroup, key: str, done: bool, note: str = "") -> PrepTask:
    require_run(actor, group.community_id)
    task = group.tasks.filter(key=key).first()
    if task is None:
        raise ValidationFailed(fields={"key": [_("没有这项筹备工作。")]})
    return record_update(actor=actor, instance=task, action="prep_group.task", community_id=group.community_id,
                         changes={"done_on": timezone.localdate() if done else None, "note": note})


def prep_group_dissolve(*, actor: Actor, group: PrepGroup) -> PrepGroup:
    """The group's work ends when the first committee is formed."""
    actor.require("governance.supervise", group.community_id)
    return record_update(actor=actor, instance=group, action="prep_group.dissolve", community_id=group.community_id,
                         changes={"dissolved_on": timezone.localdate()})
