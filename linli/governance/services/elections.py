"""Elections of the owners' committee (篇四 §一.6–7; DESIGN §6).

Nominations through the four channels, each candidate checked for eligibility; the candidate
list is published until `publicity_ends` (empty: no publicity period); the election opens — the
roll is snapshotted — only with more candidates than seats (差额); owners sign in and each casts
one named ballot; the tally voids over-marked ballots, voids the round when the box holds more
ballots than there are participants, and elects by the majority rule; a tie across the last seat
goes to the elected members."""

import hashlib
import json
from collections import Counter

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.services import record_create
from linli.core.tenancy import Actor
from linli.estates.models import Community, Owner

from .. import eligibility, tally
from ..models import Assembly, Ballot, Candidate, Committee, Election, Participant, Proxy, TieBreakVote, Vote
from ..roll import roll_entry_for, roll_snapshot
from .assemblies import notify_owners, proxy_check, roll_record
from .committees import vacancies
from .common import acting_channel, append_audited, require_run, window_check

SEATS_MIN, SEATS_MAX = 5, 11
TALLY_KEYS = ("participants", "valid", "void", "round_void", "quorum_met", "elected", "tied", "unfilled")


def election_create(*, actor: Actor, community: Community, seats: int = 9, publicity_ends=None, title: str = "",
                    conditions=None, assembly: Assembly | None = None, round_of: Election | None = None,
                    by_election_for: Committee | None = None) -> Election:
    """A new election: of a whole committee (seats odd, 5–11), a further round for the seats a
    tallied round left unfilled (`round_of`), or a by-election for the sitting committee's vacancies
    (`by_election_for`). One election at a time per community. `conditions` are the candidates'
    qualifications beyond being an owner (篇四 §一.1); left out, the seed's own apply."""
    require_run(actor, community.pk)
    conditions = list(dict.fromkeys(eligibility.DEFAULT_CONDITIONS if conditions is None else conditions))
    offered = {c.name for c in eligibility.available_conditions()}
    unknown = [c for c in conditions if c not in offered]
    if unknown:
        raise ValidationFailed(fields={"conditions": [_("未知的资格条件：%(names)s") % {"names": "、".join(unknown)}]})
    if round_of is not None:
        round_of = Election.objects.get(pk=round_of.pk)
        if round_of.community_id != community.pk or round_of.status != Election.Status.TALLIED:
            raise ValidationFailed(fields={"round_of": [_("补选须针对本小区已计票的选举。")]})
        unfilled = round_of.result["unfilled"]
        if not 1 <= seats <= unfilled:
            raise ValidationFailed(fields={"seats": [_("补选人数须在 1 至 %(n)s 之间。") % {"n": unfilled}]})
        by_election_for = round_of.by_election_for
    elif by_election_for is not None:
        open_seats = vacancies(by_election_for) if by_election_for.ended_on is None else 0
        if by_election_for.community_id != community.pk or not open_seats:
            raise ValidationFailed(fields={"by_election_for": [_("补选须针对本小区在任且有空缺的业主委员会。")]})
        if not 1 <= seats <= open_seats:
            raise ValidationFailed(fields={"seats": [_("补选人数须在 1 至 %(n)s 之间。") % {"n": open_seats}]})
    elif not (SEATS_MIN <= seats <= SEATS_MAX and seats % 2 == 1):
        raise ValidationFailed(fields={"seats": [_("业主委员会委员人数须为 5 至 11 人的单数。")]})
    if publicity_ends is not None and publicity_ends <= timezone.now():
        raise ValidationFailed(fields={"publicity_ends": [_("公示截止时间必须晚于现在。")]})
    if assembly is not None and assembly.community_id != community.pk:
        raise ValidationFailed(fields={"assembly": [_("必须属于同一个小区。")]})
    if Election.objects.filter(community=community, status__in=Election.RUNNING).exists():
        raise Conflict(_("本小区已有进行中的选举，须待其计票或取消后再发起。"), code="election_running")
    return record_create(
        actor=actor, action="election.create",
        instance=Election(community=community, seats=seats, publicity_ends=publicity_ends, conditions=conditions,
                          title=title or _("%(year)s年业主委员会选举") % {"year": timezone.localdate().year},
                          assembly=assembly, round_of=round_of, by_election_for=by_election_for),
    )


def election_cancel(*, actor: Actor, election: Election, reason: str) -> Election:
    """Call off an election before anyone has signed in (a wrong set-up, candidates withdrawn), so
    that another can be held: one election at a time."""
    require_run(actor, election.community_id)
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("请写明取消的理由。")]})
    with transaction.atomic():
        election = _lock(election)
        if election.status not in (Election.Status.NOMINATING, Election.Status.PUBLICITY):
            raise ValidationFailed(_("投票开始后不能取消选举。"), code="not_cancellable")
        published = election.published_at is not None
        election.status = Election.Status.CANCELLED
        election.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="election.cancel", target=election, community_id=election.community_id,
                     data={"reason": reason.strip()})
    if published:
        notify_owners(election.community_id, title=_("选举已取消：%(title)s") % {"title": election.title},
                      body=reason.strip(), url=f"/governance/elections/{election.pk}/")
    return election


def _lock(election: Election) -> Election:
    return Election.objects.select_for_update().get(pk=election.pk)


# Nominations ------------------------------------------------------------------------------

def candidate_nominate(*, actor: Actor, election: Election, owner: Owner, nominated_by: str, nominators=(),
                       statement: str = "") -> Candidate:
    """A nomination through one of the four channels of 篇四 §一.6: the preparation group, owners'
    representatives, owners jointly, or the owner themself. The preparation group or the committee
    enters nominations; an owner may put themself forward."""
    if nominated_by == Candidate.Channel.SELF:
        # 自荐 is the owner's own act (篇四 §一.6(4)): neither the committee nor the company nor a
        # regulator puts an owner forward "by themself". The platform admin alone may record an
        # owner's signed self-nomination form, as outside clients of the public contract do (DESIGN §5);
        # the audit event names who entered it.
        if owner.pk not in actor.owner_ids and not actor.is_admin:
            raise PermissionDenied(_("自荐须由业主本人提出。"), code="not_self")
    else:
        require_run(actor, election.community_id)
    nominators = list(nominators)
    if nominated_by == Candidate.Channel.JOINT and len(nominators) < 2:
        raise ValidationFailed(fields={"nominators": [_("联合提名须至少有两位提名业主。")]})
    if nominated_by == Candidate.Channel.OWNER_REPS and not nominators:
        raise ValidationFailed(fields={"nominators": [_("请填写提名的业主代表。")]})
    if any(n.community_id != election.community_id for n in nominators):
        raise ValidationFailed(fields={"nominators": [_("必须属于同一个小区。")]})
    checks = eligibility.evaluate(election.community, owner, election.conditions)
    failed = [c for c in checks if not c["ok"]]
    if failed:
        reasons = "；".join(f"{c['label']}：{c['reason']}" for c in failed)
        raise ValidationFailed(_("不符合候选人资格：%(reasons)s") % {"reasons": reasons}, code="ineligible",
                               fields={"owner": [c["reason"] for c in failed]})
    with transaction.atomic():
        election = _lock(election)
        if election.status != Election.Status.NOMINATING:
            raise ValidationFailed(_("候选人名单已公布，提名已截止。"), code="nominations_closed")
        if Candidate.objects.filter(election=election, owner=owner).exists():
            raise Conflict(_("该业主已是候选人。"), code="duplicate")
        candidate = record_create(
            actor=actor, action="candidate.nominate", community_id=election.community_id,
            instance=Candidate(election=election, owner=owner, nominated_by=nominated_by, statement=statement,
                               eligibility=checks),
            data={"election": election.pk, "owner": owner.pk, "nominated_by": nominated_by,
                  "nominators": [n.pk for n in nominators], "eligibility": checks},
        )
        candidate.nominators.set(nominators)
    return candidate


def _require_competitive(election: Election) -> None:
    count = election.candidates.count()
    if count <= election.seats:
        raise ValidationFailed(_("差额选举：候选人须多于应选的 %(seats)s 人，现有 %(count)s 人。")
                               % {"seats": election.seats, "count": count}, code="not_competitive")


def election_publish(*, actor: Actor, election: Election) -> Election:
    """Publish the candidate list; the publicity period runs until `publicity_ends`."""
    require_run(actor, election.community_id)
    with transaction.atomic():
        election = _lock(election)
        if election.status != Election.Status.NOMINATING:
            raise ValidationFailed(_("候选人名单已公布。"), code="already_published")
        _require_competitive(election)
        window_check(ends=election.publicity_ends)
        election.status = Election.Status.PUBLICITY
        election.published_at = timezone.now()
        election.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(actor=actor, action="election.publish", target=election, community_id=election.community_id,
                     data={"candidates": list(election.candidates.values_list("owner_id", flat=True))})
    notify_owners(election.community_id, title=_("业主委员会委员候选人公示"),
                  body=_("%(title)s的候选人名单已公布，请登录查看。") % {"title": election.title},
                  url=f"/governance/elections/{election.pk}/")
    return election


def _open_now(actor, election: Election) -> None:
    """Open the election (caller holds the lock): the competitive rule, the publicity, the roll."""
    _require_competitive(election)
    if election.publicity_ends is not None:
        if election.published_at is None:
            raise ValidationFailed(_("候选人名单须先公示。"), code="not_published")
        window_check(starts=election.publicity_ends)
    election.roll = roll_snapshot(community_id=election.community_id)
    election.status = Election.Status.OPEN
    election.opened_at = timezone.now()
    election.save(update_fields=["roll", "status", "opened_at", "updated_at"])
    audit_record(actor=actor, action="election.open", target=election, community_id=election.community_id,
                 data={"roll": roll_record(election.roll)})


def election_open(*, actor: Actor, election: Election) -> Election:
    require_run(actor, election.community_id)
    with transaction.atomic():
        election = _lock(election)
        if election.status in {Election.Status.NOMINATING, Election.Status.PUBLICITY}:
            _open_now(actor, election)
    return election


# Sign-in and ballots ----------------------------------------------------------------------

def participant_register(*, actor: Actor, election: Election, owner: Owner, proxy: Proxy | None = None) -> Participant:
    """Sign an owner in and issue their ballot; the first sign-in opens the election."""
    channel = acting_channel(actor, owner, election.community_id)
    if proxy is not None and channel != Vote.Channel.PAPER:
        raise ValidationFailed(fields={"proxy": [_("委托投票由计票人员录入。")]})
    proxy_check(proxy, owner, election=election)
    try:
        with transaction.atomic():
            election = _lock(election)
            if election.status in {Election.Status.NOMINATING, Election.Status.PUBLICITY}:
                _open_now(actor, election)
            elif election.status == Election.Status.TALLIED:
                raise ValidationFailed(_("选举已计票。"), code="closed")
            elif election.status == Election.Status.CANCELLED:
                raise ValidationFailed(_("选举已取消。"), code="closed")
            entry = roll_entry_for(election.roll, owner)
            if entry is None:
                raise ValidationFailed(_("该业主不在表决名册中（共有房屋由指定的表决代表投票）。"), code="not_on_roll",
                                       fields={"owner": [_("不在表决名册中。")]})
            if Participant.objects.filter(election=election, entry=entry).exists():
                raise Conflict(_("该业主已签到领票。"), code="already_signed_in")
            participant = Participant(election=election, entry=entry, owner=owner, proxy=proxy,
                                      signed_in_at=timezone.now(), entered_by=actor.user)
            append_audited(actor=actor, instances=[participant], action="election.sign_in",
                           community_id=election.community_id)
    except IntegrityError as exc:
        raise Conflict(_("该业主已签到领票。"), code="already_signed_in") from exc
    return participant


def ballot_cast(*, actor: Actor, election: Election, voter: Owner, selections) -> Ballot:
    """A participant's one named ballot. Marking more candidates than seats is allowed — such a
    ballot is counted as void, as a paper one would be — but naming someone who is not a
    candidate, or one candidate twice, is an input error."""
    channel = acting_channel(actor, voter, election.community_id)
    selections = list(selections)
    ids = [getattr(s, "pk", s) for s in selections]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(fields={"selections": [_("同一候选人只能选一次。")]})
    try:
        with transaction.atomic():
            election = _lock(election)
            if election.status != Election.Status.OPEN:
                raise ValidationFailed(_("选举不在投票阶段。"), code="not_open")
            candidates = set(election.candidates.values_list("id", flat=True))
            if not set(ids) <= candidates:
                raise ValidationFailed(fields={"selections": [_("只能选择本次选举的候选人。")]})
            entry = roll_entry_for(election.roll, voter)
            participant = Participant.objects.filter(election=election, entry=entry).first() if entry else None
            if participant is None:
                raise ValidationFailed(_("请先签到领取选票。"), code="not_signed_in", fields={"voter": [_("未签到。")]})
            if Ballot.objects.filter(participant=participant).exists():
                raise Conflict(_("该业主已投票，选票不能更改。"), code="already_voted")
            ballot = Ballot(election=election, participant=participant, selections=sorted(ids), channel=channel,
                            entered_by=actor.user, cast_at=timezone.now())
            append_audited(actor=actor, instances=[ballot], action="ballot.cast", community_id=election.community_id)
    except IntegrityError as exc:
        raise Conflict(_("该业主已投票，选票不能更改。"), code="already_voted") from exc
    return ballot


# The tally --------------------------------------------------------------------------------

def ballots_digest(rows) -> str:
    """A digest of the ballots counted: (id, participant, selections) in id order."""
    return hashlib.sha256(json.dumps([[i, p, sel] for i, p, _entry, sel in rows]).encode()).hexdigest()


def _ballot_rows(election: Election) -> list[tuple]:
    return list(election.ballots.order_by("id").values_list("id", "participant_id", "participant__entry_id",
                                                           "selections"))


def election_count(election: Election, *, ballots=None, ballots_collected: int | None = None) -> dict:
    """The tally from the stored participants and ballots (or the given ballots, for a recount)."""
    participants = dict(election.participants.values_list("entry_id", "entry__area"))
    if ballots is None:
        ballots = list(election.ballots.values_list("participant__entry_id", "selections"))
    roll = election.roll
    return tally.seats_tally(
        seats=election.seats, total_owners=roll.total_owners, total_area=roll.total_area,
        participants=participants, ballots=ballots,
        candidates=list(election.candidates.order_by("id").values_list("id", flat=True)),
        ballots_collected=ballots_collected,
    )


def election_tally(*, actor: Actor, election: Election, ballots_collected: int | None = None) -> dict:
    """Count the round and publish the result. Counting again returns the published result."""
    require_run(actor, election.community_id)
    with transaction.atomic():
        election = _lock(election)
        if election.status == Election.Status.TALLIED:
            if ballots_collected is not None and ballots_collected != election.ballots_collected:
                raise Conflict(_("本轮已按 %(n)s 张选票计票。") % {"n": election.ballots_collected}, code="already_tallied")
            return election.result
        if election.status != Election.Status.OPEN:
            raise ValidationFailed(_("选举尚未开始投票。"), code="not_open")
        rows = _ballot_rows(election)
        result = election_count(election, ballots=[(entry, sel) for _i, _p, entry, sel in rows],
                                ballots_collected=ballots_collected)
        result["ballots_digest"] = ballots_digest(rows)
        election.result = result
        election.ballots_collected = ballots_collected if ballots_collected is not None else len(rows)
        election.status = Election.Status.TALLIED
        election.tallied_at = timezone.now()
        election.save(update_fields=["result", "ballots_collected", "status", "tallied_at", "updated_at"])
        audit_record(actor=actor, action="election.tally", target=election, community_id=election.community_id,
                     data={"ballots_collected": election.ballots_collected, "result": result})
    notify_owners(election.community_id, title=_("业主委员会选举结果公布"),
                  body=_("%(title)s已计票，结果已公布。") % {"title": election.title},
                  url=f"/governance/elections/{election.pk}/")
    return result


def tie_break_vote(*, actor: Actor, election: Election, member: Candidate, choices) -> TieBreakVote:
    """An elected member's vote among the tied candidates, for the seats the tie leaves open.
    When every elected member has voted the tie is settled: the most votes win; if the tie
    persists, those seats are left unfilled for a further round."""
    channel = acting_channel(actor, member.owner, election.community_id)
    ids = [getattr(c, "pk", c) for c in choices]
    with transaction.atomic():
        election = _lock(election)
        result = election.result or {}
        tied, elected = result.get("tied") or [], result.get("elected") or []
        if election.status != Election.Status.TALLIED or not tied:
            raise ValidationFailed(_("本次选举没有需要当选委员投票决定的票数相等情形。"), code="no_tie")
        if member.election_id != election.pk or member.pk not in elected:
            raise PermissionDenied(_("只有已当选的委员参加投票。"))
        open_seats = election.seats - len(elected)
        if len(set(ids)) != len(ids) or not set(ids) <= set(tied) or len(ids) > open_seats:
            raise ValidationFailed(fields={"choices": [
                _("请在票数相等的候选人中选择，至多 %(n)s 人。") % {"n": open_seats}]})
        if TieBreakVote.objects.filter(election=election, member=member).exists():
            raise Conflict(_("该委员已投票。"), code="already_voted")
        vote = TieBreakVote(election=election, member=member, choices=sorted(ids), cast_at=timezone.now(),
                            entered_by=actor.user)
        append_audited(actor=actor, instances=[vote], action="election.tie_break_vote",
                       community_id=election.community_id, data={"channel": channel})
        votes = list(election.tie_break_votes.values_list("choices", flat=True))
        if len(votes) == len(elected):
            _settle_tie(actor, election, votes, tied, open_seats)
    return vote


def _settle_tie(actor, election: Election, votes: list[list[int]], tied: list[int], open_seats: int) -> None:
    counts = Counter(c for choice in votes for c in choice)
    ranked = sorted(tied, key=lambda c: (-counts[c], c))
    winners = ranked[:open_seats]
    settled = len(ranked) == open_seats or counts[ranked[open_seats - 1]] > counts[ranked[open_seats]]
    result = dict(election.result)
    result["tie_break"] = {"votes": {str(c): counts[c] for c in tied}, "settled": settled}
    result["tied"] = []
    if settled:
        result["elected"] = result["elected"] + winners
    else:
        result["unfilled"] = open_seats
    election.result = result
    election.save(update_fields=["result", "updated_at"])
    audit_record(actor=actor, action="election.tie_break", target=election, community_id=election.community_id,
                 data={"tie_break": result["tie_break"], "elected": result["elected"], "unfilled": result["unfilled"]})


def tally_response(result: dict) -> dict:
    """The contract's keys of a tally (DESIGN §5)."""
    return {key: result[key] for key in TALLY_KEYS}
