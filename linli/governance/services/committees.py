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
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.notify import notify_users
from linli.core.services import record_create, record_update
from linli.core.tenancy import Actor, SystemActor
from linli.estates.models import Community, Owner
from linli.orgs.models import STAFF_ROLES, Membership, Organization, Role, User
from linli.orgs.selectors import organization_ancestor_ids

from .. import eligibility
from ..models import (
    Committee,
    CommitteeFiling,
    CommitteeMember,
    Election,
    OfficerBallot,
    PrepGroup,
    PrepGroupMember,
    PrepTask,
    RecallPetition,
    SelfManagement,
)
from .common import acting_channel, append_audited, notify_committee, notify_office, require_run

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
    member, created = CommitteeMember.objects.get_or_create(committee=committee, owner=owner,
                                                            defaults={"membership": membership})
    if not created:  # a member who left (recalled) and is elected again in a by-election
        member.left_on, member.membership, member.office = None, membership, CommitteeMember.Office.MEMBER
        member.save(update_fields=["left_on", "membership", "office", "updated_at"])
    return member


def _elected_owners(election: Election) -> list[Owner]:
    return list(Owner.objects.filter(pk__in=election.candidates.filter(pk__in=election.result["elected"])
                                     .values("owner_id")))


def _committee_to_complete(election: Election) -> Committee | None:
    """The sitting committee a by-election fills, or the committee formed by an earlier round of
    this election, which a further round completes."""
    if election.by_election_for_id:
        return Committee.objects.select_for_update().get(pk=election.by_election_for_id)
    earlier = election.round_of
    while earlier is not None:
        committee = Committee.objects.select_for_update().filter(election=earlier).first()
        if committee is not None:
            return committee
        earlier = earlier.round_of
    return None


def sitting(committee: Committee):
    return committee.members.filter(left_on__isnull=True)


def vacancies(committee: Committee) -> int:
    """Seats of the committee no sitting member holds: what a by-election may fill, and no more."""
    return max(committee.seats - sitting(committee).count(), 0)


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
        committee = _committee_to_complete(election)
        owners = _elected_owners(election)
        if committee is not None:
            if committee.ended_on is not None:
                raise ValidationFailed(_("该届业主委员会已终止，不能再增补委员。"), code="committee_ended")
            if sitting(committee).filter(owner__in=owners).exists():
                raise ValidationFailed(_("已按该选举增补委员。"), code="duplicate")
            # A by-election or a further round fills the seats left, never more (篇四 §一.2: 9 members).
            if len(owners) > vacancies(committee):
                raise ValidationFailed(_("当选人数超过业主委员会的空缺名额（%(n)s 名）。") % {"n": vacancies(committee)},
                                       code="no_vacancy")
        else:
            if Committee.objects.filter(election=election).exists():
                raise ValidationFailed(_("已按该选举组成业主委员会。"), code="duplicate")
            start = term_start or timezone.localdate()
            previous = current_committee(election.community_id)
            if previous is not None:
                committee_end(actor=actor, committee=previous, on=start)
            committee = Committee.objects.create(community_id=election.community_id, election=election,
                                                 term_start=start, term_end=term_end(start), seats=election.seats)
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

def _subdistrict(committee: Committee) -> Organization | None:
    rc = committee.community.residents_committee
    return rc.parent if rc is not None and rc.parent and rc.parent.kind == Organization.Kind.SUBDISTRICT else None


def _member_list(committee: Committee) -> list[dict]:
    return [{"owner": m.owner_id, "name": m.owner.name, "office": m.office}
            for m in sitting(committee).select_related("owner").order_by("id")]


def filing_current(committee: Committee) -> CommitteeFiling | None:
    """The filing that stands for the committee as it sits now: the latest one not returned, if
    it lists the sitting members; None when a (new) filing is due."""
    filing = committee.filings.exclude(status=CommitteeFiling.Status.RETURNED).order_by("-id").first()
    if filing is None or sorted(m["owner"] for m in filing.members) != sorted(
            sitting(committee).values_list("owner_id", flat=True)):
        return None
    return filing


def committee_file(*, actor: Actor, committee: Committee, reference: str, filed_on: dt.date | None = None) -> Committee:
    """File the committee with the sub-district office (备案, 篇四 §一.6(6)): its members as they
    sit. The first filing is the formation's; after a recall or a by-election, a change filing.
    The sub-district then confirms it, or returns it, on its side (committee_filing_answer)."""
    if not actor.can("governance.run", committee.community_id):
        raise PermissionDenied()
    if not reference.strip():
        raise ValidationFailed(fields={"reference": [_("请填写备案编号。")]})
    with transaction.atomic():
        committee = Committee.objects.select_for_update(of=("self",)) \
            .select_related("community__residents_committee__parent").get(pk=committee.pk)
        if committee.filings.filter(status=CommitteeFiling.Status.SUBMITTED).exists():
            raise Conflict(_("上一次备案尚待街道办事处确认。"), code="filing_pending")
        subdistrict = _subdistrict(committee)
        reason = (CommitteeFiling.Reason.CHANGE if committee.filings.filter(status=CommitteeFiling.Status.CONFIRMED)
                  .exists() else CommitteeFiling.Reason.FORMATION)
        filing = record_create(
            actor=actor, action="committee.file", community_id=committee.community_id,
            instance=CommitteeFiling(committee=committee, reason=reason, reference=reference.strip(),
                                     filed_on=filed_on or timezone.localdate(), filed_with=subdistrict,
                                     members=_member_list(committee), submitted_by=actor.user))
        committee.filed_on, committee.filing_reference, committee.filed_with = (
            filing.filed_on, filing.reference, subdistrict)
        committee.save(update_fields=["filed_on", "filing_reference", "filed_with", "updated_at"])
        notify_office(getattr(subdistrict, "pk", None), title=_("业主委员会备案待确认"),
                      body=_("%(community)s业主委员会报送%(reason)s（%(reference)s），请核对后确认。") % {
                          "community": committee.community.name, "reason": filing.get_reason_display(),
                          "reference": filing.reference},
                      url=f"/governance/committees/{committee.pk}/")
    return committee


def committee_filing_answer(*, actor: Actor, filing: CommitteeFiling, confirm: bool, note: str = "") -> CommitteeFiling:
    """The sub-district office receives a filing on its side: confirms it, or returns it with the
    reason. Only the office it was filed with answers (or the platform)."""
    offices = {m.organization_id for m in actor.memberships if m.role == Role.REGULATOR}
    if not (actor.is_admin or (filing.filed_with_id is not None and filing.filed_with_id in offices)):
        raise PermissionDenied(_("备案由报送的街道办事处确认。"))
    note = note.strip()
    if not confirm and not note:
        raise ValidationFailed(fields={"note": [_("退回须写明理由。")]})
    with transaction.atomic():
        filing = CommitteeFiling.objects.select_for_update(of=("self",)).select_related("committee__community") \
            .get(pk=filing.pk)
        if filing.status != CommitteeFiling.Status.SUBMITTED:
            raise ValidationFailed(_("该备案已处理。"), code="already_answered")
        filing = record_update(
            actor=actor, instance=filing, action="committee.filing_confirm" if confirm else "committee.filing_return",
            community_id=filing.committee.community_id,
            changes={"status": CommitteeFiling.Status.CONFIRMED if confirm else CommitteeFiling.Status.RETURNED,
                     "answered_by": actor.user, "answered_at": timezone.now(), "note": note})
        notify_committee(filing.committee.community_id,
                         title=_("备案已确认") if confirm else _("备案被退回"),
                         body=_("%(reference)s：%(status)s。%(note)s") % {
                             "reference": filing.reference, "status": filing.get_status_display(), "note": note},
                         url=f"/governance/committees/{filing.committee_id}/")
    return filing


# Recall (篇四 §一.7(7)) -------------------------------------------------------------------

def recall_carry_out(*, actor, petition: RecallPetition, passed: bool, on: dt.date) -> None:
    """What the published result of a recall motion does (caller holds the assembly). Passed: the
    recalled members leave on the day of publication and lose the committee's role; their seats —
    the committee's size stays what was elected — go to a by-election, opened at once unless another
    election is running (one at a time); and the committee's filing is out of date until a change
    filing is made. Not passed: the petition is closed."""
    petition = RecallPetition.objects.select_for_update().get(pk=petition.pk)
    if petition.decided_on is not None:
        return
    petition.decided_on = on
    petition.status = RecallPetition.Status.RECALLED if passed else RecallPetition.Status.NOT_RECALLED
    recalled = []
    if passed:
        committee = Committee.objects.select_for_update(of=("self",)).select_related("community").get(pk=petition.committee_id)
        members = list(petition.members.filter(left_on__isnull=True))
        recalled = [m.owner_id for m in members]
        for member in members:
            member.left_on = on
            member.save(update_fields=["left_on", "updated_at"])
        Membership.objects.filter(pk__in=[m.membership_id for m in members if m.membership_id]).update(active=False)
        seats = min(len(members), vacancies(committee))
        if seats and committee.ended_on is None and not Election.objects.filter(
                community_id=committee.community_id, status__in=Election.RUNNING).exists():
            petition.by_election = record_create(
                actor=actor, action="election.create", community_id=committee.community_id,
                instance=Election(community_id=committee.community_id, seats=seats,
                                  by_election_for=committee, conditions=list(eligibility.DEFAULT_CONDITIONS),
                                  title=_("%(year)s年业主委员会委员补选") % {"year": on.year}))
        notify_committee(committee.community_id, title=_("罢免生效，请办理变更备案"),
                         body=_("被罢免的委员已于 %(on)s 离任，业主委员会须向街道办事处办理变更备案并补选委员。") % {"on": on},
                         url=f"/governance/committees/{committee.pk}/")
        notify_office(getattr(_subdistrict(committee), "pk", None), title=_("业主委员会委员被罢免"),
                      body=_("%(community)s业主大会罢免了 %(n)s 名业主委员会委员，待其办理变更备案。") % {
                          "community": committee.community.name, "n": len(members)},
                      url=f"/governance/committees/{committee.pk}/")
    petition.save(update_fields=["decided_on", "status", "by_election", "updated_at"])
    audit_record(actor=actor, action="recall.carry_out", target=petition, community_id=petition.community_id,
                 data={"passed": passed, "on": str(on), "recalled": recalled,
                       "by_election": petition.by_election_id})


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
    """The sub-district / residents' committee forms the group that prepares the first assembly
    (篇三 §三(二)), and the group is recorded under the office that formed it: the acting
    regulator's own office in the community's chain (the sub-district when a sub-district's
    officer forms it), unless another office of that chain is named."""
    actor.require("governance.supervise", community)
    chain = organization_ancestor_ids({community.residents_committee_id} - {None})
    if led_by is not None and led_by.pk not in chain:
        raise ValidationFailed(fields={"led_by": [_("须为本小区所属的街道办事处或社区居委会等监管部门。")]})
    if led_by is None:
        # The nearest of the actor's offices to the community: the chain climbs from the residents' committee.
        own = [m.organization for m in actor.memberships if m.role == Role.REGULATOR and m.organization_id in chain]
        led_by = min(own, key=lambda org: _depth_above(org, community), default=community.residents_committee)
    if PrepGroup.objects.filter(community=community, dissolved_on__isnull=True).exists():
        raise ValidationFailed(_("该小区已有工作中的筹备组。"), code="duplicate")
    with transaction.atomic():
        group = record_create(actor=actor, action="prep_group.create",
                              instance=PrepGroup(community=community, formed_on=formed_on or timezone.localdate(),
                                                 led_by=led_by))
        PrepTask.objects.bulk_create([PrepTask(group=group, key=key, position=i)
                                      for i, (key, _title) in enumerate(PREP_TASKS, start=1)])
    return group


def _depth_above(organization: Organization, community: Community) -> int:
    """How many steps up from the community's residents' committee the organization is."""
    depth, current = 0, community.residents_committee
    while current is not None and current.pk != organization.pk:
        depth, current = depth + 1, current.parent
    return depth


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
