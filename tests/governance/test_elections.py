"""Committee elections through the services (篇四 §一.6–7; DESIGN §6)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.models import AuditEvent
from linli.core.tenancy import Actor
from linli.governance import eligibility, services
from linli.governance.models import Candidate, CommitteeMember, Election
from tests import factories as f


def election(town, seats=5, **kwargs):
    return services.election_create(actor=town.committee, community=town.community, seats=seats, **kwargs)


def nominate(town, e, owners, channel="prep_group"):
    return [services.candidate_nominate(actor=town.committee, election=e, owner=o, nominated_by=channel)
            for o in owners]


def sign_in_all(town, e, owners):
    for owner in owners:
        services.participant_register(actor=town.committee, election=e, owner=owner)


def ballot(town, e, voter, candidates):
    return services.ballot_cast(actor=town.committee, election=e, voter=voter, selections=[c.pk for c in candidates])


@pytest.fixture
def nine(town):
    """Nine owners of 100 m² each, six of them candidates for five seats."""
    owners = town.owners(*["100"] * 9)
    e = election(town)
    return e, owners, nominate(town, e, owners[:6])


def test_seats_are_odd_from_five_to_eleven(town):
    for seats in (4, 6, 13):
        with pytest.raises(ValidationFailed):
            election(town, seats=seats)
    eleven = election(town, seats=11)
    assert eleven.seats == 11
    services.election_cancel(actor=town.committee, election=eleven, reason="人数有误")
    assert services.election_create(actor=town.committee, community=town.community).seats == 9


def test_one_election_at_a_time_in_a_community(town):
    first = election(town)
    with pytest.raises(Conflict) as refused:
        election(town)
    assert refused.value.code == "election_running"
    services.election_cancel(actor=town.committee, election=first, reason="候选人不足")
    assert election(town).status == "nominating"


def test_an_election_is_not_cancelled_once_voting_has_opened(town, nine):
    e, owners, candidates = nine
    services.election_open(actor=town.committee, election=e)
    with pytest.raises(ValidationFailed) as refused:
        services.election_cancel(actor=town.committee, election=e, reason="x")
    assert refused.value.code == "not_cancellable"


def test_the_database_holds_one_running_election_per_community(town):
    election(town)
    with pytest.raises(IntegrityError), transaction.atomic():
        Election.objects.create(community=town.community, seats=5)


def test_an_election_cannot_open_without_more_candidates_than_seats(town):
    owners = town.owners(*["100"] * 6)
    e = election(town)
    nominate(town, e, owners[:5])
    with pytest.raises(ValidationFailed) as refused:
        services.participant_register(actor=town.committee, election=e, owner=owners[5])
    assert refused.value.code == "not_competitive"
    nominate(town, e, owners[5:])
    assert services.participant_register(actor=town.committee, election=e, owner=owners[5])


def test_a_set_publicity_period_must_pass_before_sign_in(town):
    owners = town.owners(*["100"] * 6)
    e = election(town, publicity_ends=timezone.now() + dt.timedelta(days=7))
    nominate(town, e, owners)
    with pytest.raises(ValidationFailed) as refused:
        services.election_open(actor=town.committee, election=e)
    assert refused.value.code == "not_published"
    services.election_publish(actor=town.committee, election=e)
    with pytest.raises(ValidationFailed):
        nominate(town, e, town.owners("100"))
    with pytest.raises(ValidationFailed) as refused:
        services.election_open(actor=town.committee, election=e)
    assert refused.value.code == "not_open"


def test_eligibility_requires_an_owner_of_the_community(town, tenants):
    a, b = tenants
    e = election(town)
    with pytest.raises(ValidationFailed) as refused:
        services.candidate_nominate(actor=town.committee, election=e, owner=b.owners[0], nominated_by="prep_group")
    assert refused.value.code == "ineligible"


def test_a_co_owner_is_qualified_as_an_owner(town):
    co_owner, voter = town.co_owners("100", voter=1)
    e = election(town)
    candidate = nominate(town, e, [co_owner])[0]
    assert [c["condition"] for c in candidate.eligibility] == ["owner_of_community", "full_civil_capacity"]
    assert all(c["ok"] for c in candidate.eligibility)


def test_full_civil_capacity_is_checked_at_nomination_by_default(town):
    minor, unknown, firm = town.owners("100", "100", "100")
    minor.id_number = "110105201012310019"  # born 31 December 2010
    unknown.id_number = ""
    firm.kind = "company"
    for owner in (minor, unknown, firm):
        owner.save()
    e = election(town)
    assert e.conditions == ["full_civil_capacity"]
    for owner, reason in ((minor, "未满十八周岁"), (firm, "产权人代表")):
        with pytest.raises(ValidationFailed) as refused:
            nominate(town, e, [owner])
        assert refused.value.code == "ineligible" and reason in refused.value.fields["owner"][0]
    assert eligibility.full_civil_capacity(town.community, unknown) == (
        True, "未登记有效的居民身份证号码，民事行为能力未核实。")
    assert nominate(town, e, [unknown])


def test_eighteen_years_old_on_the_day_has_full_capacity_and_the_day_before_not(town):
    owner = town.owner("100")
    owner.id_number = "110105200803150010"  # born 15 March 2008
    assert eligibility.full_civil_capacity(town.community, owner, today=dt.date(2026, 3, 15)) == (True, "")
    assert not eligibility.full_civil_capacity(town.community, owner, today=dt.date(2026, 3, 14))[0]


def test_an_election_may_leave_full_capacity_out_of_its_conditions(town):
    owner = town.owner("100")
    owner.id_number = ""
    owner.save()
    e = election(town, conditions=[])
    assert [c["condition"] for c in nominate(town, e, [owner])[0].eligibility] == ["owner_of_community"]


def test_a_registered_extra_condition_applies_when_the_election_names_it(town):
    owners = town.owners("100", "100")
    def odd_id(community, owner):
        return (True, "") if owner.pk % 2 else (False, "不符")

    eligibility.register_condition("test_odd_id", "测试条件", odd_id)
    try:
        e = election(town, conditions=["test_odd_id"])
        odd, even = sorted(owners, key=lambda o: o.pk % 2 == 0)
        assert nominate(town, e, [odd])[0].eligibility[-1] == {
            "condition": "test_odd_id", "label": "测试条件", "ok": True, "reason": ""}
        with pytest.raises(ValidationFailed):
            nominate(town, e, [even])
    finally:
        del eligibility.CONDITIONS["test_odd_id"]
    with pytest.raises(ValidationFailed):
        election(town, conditions=["no_such_condition"])


def test_an_owner_may_nominate_themself_only(town):
    me, other = town.owner("100", login=True), town.owner("100")
    e = election(town)
    mine = services.candidate_nominate(actor=Actor(me.user), election=e, owner=me, nominated_by="self")
    assert mine.nominated_by == Candidate.Channel.SELF
    with pytest.raises(PermissionDenied):
        services.candidate_nominate(actor=Actor(me.user), election=e, owner=other, nominated_by="self")


def test_the_committee_cannot_enter_a_self_nomination_for_someone_else(town):
    other = town.owner("100")
    e = election(town)
    with pytest.raises(PermissionDenied) as refused:
        services.candidate_nominate(actor=town.committee, election=e, owner=other, nominated_by="self")
    assert refused.value.code == "not_self"
    assert not e.candidates.exists()


def test_the_platform_admin_records_an_owners_signed_self_nomination(town, admin_user):
    other = town.owner("100")
    e = election(town)
    entered = services.candidate_nominate(actor=Actor(admin_user), election=e, owner=other, nominated_by="self")
    assert entered.nominated_by == Candidate.Channel.SELF
    event = AuditEvent.objects.filter(target_type__endswith="candidate", target_id=str(entered.pk)).latest("id")
    assert event.actor_id == admin_user.pk


def test_a_joint_nomination_needs_two_owners(town):
    owners = town.owners("100", "100", "100")
    e = election(town)
    with pytest.raises(ValidationFailed):
        services.candidate_nominate(actor=town.committee, election=e, owner=owners[0], nominated_by="joint",
                                    nominators=owners[1:2])
    assert services.candidate_nominate(actor=town.committee, election=e, owner=owners[0], nominated_by="joint",
                                       nominators=owners[1:]).nominators.count() == 2


def test_blank_ballots_are_valid_and_over_marked_ones_void(town, nine):
    e, owners, candidates = nine
    sign_in_all(town, e, owners)
    ballot(town, e, owners[0], [])
    ballot(town, e, owners[1], candidates)  # six marks for five seats
    for voter in owners[2:]:
        ballot(town, e, voter, candidates[:5])
    r = services.election_tally(actor=town.committee, election=e)
    assert (r["participants"], r["valid"], r["void"]) == (9, 8, 1)
    # Each of the first five has 7 votes of 9 participants: all elected.
    assert r["elected"] == [c.pk for c in candidates[:5]] and r["unfilled"] == 0 and r["quorum_met"]


def test_a_ballot_is_once_per_participant_and_unchangeable(town, nine):
    e, owners, candidates = nine
    with pytest.raises(ValidationFailed) as refused:
        ballot(town, e, owners[0], candidates[:1])
    assert refused.value.code in {"not_open", "not_signed_in"}
    sign_in_all(town, e, owners[:1])
    ballot(town, e, owners[0], candidates[:1])
    with pytest.raises(Conflict):
        ballot(town, e, owners[0], candidates[1:2])


def test_more_ballots_collected_than_participants_voids_the_round(town, nine):
    e, owners, candidates = nine
    sign_in_all(town, e, owners)
    for voter in owners:
        ballot(town, e, voter, candidates[:5])
    r = services.election_tally(actor=town.committee, election=e, ballots_collected=10)
    assert r["round_void"] and r["elected"] == [] and r["unfilled"] == 5


def test_the_round_needs_two_thirds_of_the_owners(town, nine):
    e, owners, candidates = nine
    sign_in_all(town, e, owners[:5])  # 5 of 9 < 2/3
    for voter in owners[:5]:
        ballot(town, e, voter, candidates[:5])
    r = services.election_tally(actor=town.committee, election=e)
    assert not r["quorum_met"] and r["elected"] == []


def test_a_candidate_needs_a_majority_of_the_participants_and_seats_left_are_unfilled(town, nine):
    e, owners, candidates = nine
    sign_in_all(town, e, owners)
    for voter in owners[:5]:  # 5 of 9 participants: more than half
        ballot(town, e, voter, candidates[:3])
    for voter in owners[5:]:
        ballot(town, e, voter, candidates[3:5])
    r = services.election_tally(actor=town.committee, election=e)
    assert r["elected"] == [c.pk for c in candidates[:3]] and r["unfilled"] == 2
    with pytest.raises(ValidationFailed):
        services.election_create(actor=town.committee, community=town.community, seats=3, round_of=e)
    further = services.election_create(actor=town.committee, community=town.community, seats=2, round_of=e)
    assert further.seats == 2


def test_a_tie_at_the_last_seat_is_decided_by_the_elected_members(town, nine):
    e, owners, candidates = nine
    sign_in_all(town, e, owners)
    c1, c2, c3, c4, fifth, sixth = candidates
    first_four = [c1, c2, c3, c4]
    marks = [first_four + [fifth]] * 3 + [first_four + [sixth]] * 3 + [[c1, c2, c3, fifth, sixth]] * 2 + [
        [c4, fifth, sixth]]
    for voter, marked in zip(owners, marks):
        ballot(town, e, voter, marked)
    r = services.election_tally(actor=town.committee, election=e)
    assert r["elected"] == [c.pk for c in first_four] and r["tied"] == [fifth.pk, sixth.pk] and r["unfilled"] == 0
    with pytest.raises(ValidationFailed):
        services.committee_form(actor=town.committee, election=e)
    for member, choice in zip(first_four, [sixth, sixth, sixth, fifth]):
        services.tie_break_vote(actor=town.committee, election=e, member=member, choices=[choice])
    e.refresh_from_db()
    assert e.result["elected"] == [c.pk for c in first_four] + [sixth.pk] and e.result["tied"] == []
    committee = services.committee_form(actor=town.committee, election=e)
    assert committee.members.count() == 5


def test_a_tally_is_published_once(town, nine):
    e, owners, candidates = nine
    sign_in_all(town, e, owners)
    for voter in owners:
        ballot(town, e, voter, candidates[:5])
    first = services.election_tally(actor=town.committee, election=e)
    assert services.election_tally(actor=town.committee, election=e) == first
    with pytest.raises(Conflict):
        services.election_tally(actor=town.committee, election=e, ballots_collected=3)
    with pytest.raises(ValidationFailed):
        ballot(town, e, owners[0], [])


def elected_committee(town, nine, logins=False):
    e, owners, candidates = nine
    sign_in_all(town, e, owners)
    for voter in owners:
        ballot(town, e, voter, candidates[:5])
    services.election_tally(actor=town.committee, election=e)
    return services.committee_form(actor=town.committee, election=e, term_start=dt.date(2026, 3, 1))


def test_the_committee_serves_three_years_and_members_with_logins_get_the_role(town, nine):
    e, owners, candidates = nine
    owners[0].user = f.UserFactory(username="member-login")
    owners[0].save()
    committee = elected_committee(town, nine)
    assert (committee.term_start, committee.term_end) == (dt.date(2026, 3, 1), dt.date(2029, 2, 28))
    member = committee.members.get(owner=owners[0])
    assert member.membership.role == "committee_member" and member.membership.community_id == town.community.pk
    assert town.community.pk in Actor(owners[0].user).committee_community_ids


def test_chair_and_vice_chairs_are_chosen_by_the_members(town, nine):
    committee = elected_committee(town, nine)
    m = list(committee.members.order_by("id"))
    for voter in m[:3]:
        services.officer_ballot_cast(actor=town.committee, committee=committee, voter=voter, chair=m[0],
                                     vice_chairs=[m[1], m[2]])
    decided = services.committee_officers_decide(actor=town.committee, committee=committee)
    assert decided["decided"] and decided["chair"] == m[0].pk and sorted(decided["vice_chairs"]) == [m[1].pk, m[2].pk]
    assert committee.members.get(pk=m[0].pk).office == CommitteeMember.Office.CHAIR


def test_officers_without_a_majority_go_to_another_round(town, nine):
    committee = elected_committee(town, nine)
    m = list(committee.members.order_by("id"))
    for voter, chair in zip(m[:4], [m[0], m[0], m[1], m[1]]):
        services.officer_ballot_cast(actor=town.committee, committee=committee, voter=voter, chair=chair,
                                     vice_chairs=[m[3], m[4]])
    assert not services.committee_officers_decide(actor=town.committee, committee=committee)["decided"]
    committee.refresh_from_db()
    assert committee.officer_round == 2
    services.officer_ballot_cast(actor=town.committee, committee=committee, voter=m[0], chair=m[0],
                                 vice_chairs=[m[3], m[4]])


def test_the_re_election_reminder_goes_once_ninety_days_before_the_end(town, nine):
    committee = elected_committee(town, nine)
    before = committee.term_end - dt.timedelta(days=91)
    assert services.committee_reminders_send(today=before) == []
    assert services.committee_reminders_send(today=before + dt.timedelta(days=1)) == [committee]
    assert services.committee_reminders_send(today=before + dt.timedelta(days=2)) == []
    committee.refresh_from_db()
    assert committee.reminder_sent_on == before + dt.timedelta(days=1)


def test_the_filing_is_recorded_with_the_sub_district(town, nine, tenant):
    committee = elected_committee(town, nine)
    services.committee_file(actor=town.regulator, committee=committee, reference="兰山备字〔2026〕12号")
    committee.refresh_from_db()
    assert committee.filed_with == tenant.subdistrict and committee.filing_reference.endswith("12号")
    filing = committee.filings.get()
    assert (filing.reason, filing.status, len(filing.members)) == ("formation", "submitted", 5)
    assert services.filing_current(committee) == filing


def test_a_new_committee_ends_the_previous_term_and_its_roles(town, nine):
    e, owners, candidates = nine
    owners[0].user = f.UserFactory(username="member-login")
    owners[0].save()
    first = elected_committee(town, nine)
    membership = first.members.get(owner=owners[0]).membership
    assert membership.active
    again = election(town)
    new_candidates = nominate(town, again, owners[3:])
    sign_in_all(town, again, owners)
    for voter in owners:
        ballot(town, again, voter, new_candidates[:5])
    services.election_tally(actor=town.committee, election=again)
    second = services.committee_form(actor=town.committee, election=again, term_start=dt.date(2029, 3, 1))
    first.refresh_from_db()
    membership.refresh_from_db()
    assert first.ended_on == dt.date(2029, 3, 1) and not membership.active
    assert services.current_committee(town.community.pk) == second
