"""Recall (篇四 §一.7(7)) and self-managed communities (篇四 §三)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.tenancy import Actor
from linli.governance import services
from linli.estates.models import Owner
from linli.governance.models import Committee, CommitteeMember, RecallPetition
from tests import factories as f


@pytest.fixture
def committee(town):
    members = town.owners("100", "100", "100", "100", "100")
    committee = Committee.objects.create(community=town.community, term_start=dt.date(2026, 1, 1),
                                         term_end=dt.date(2028, 12, 31), seats=5)
    for owner in members:
        CommitteeMember.objects.create(committee=committee, owner=owner)
    return committee


def test_a_petition_of_exactly_a_fifth_of_the_area_goes_on_the_next_assembly(town, committee):
    # The committee's five members hold 500 m²; 20 more owners of 25 m² make 1000 m² in all.
    signers = town.owners(*["25"] * 20)
    member = committee.members.first()
    me = signers[0]
    me.user = f.UserFactory(username="petitioner")
    me.save()
    petition = services.recall_petition_create(actor=Actor(me.user), community=town.community, members=[member],
                                               reason="长期不履行职责")
    upcoming = services.assembly_create(actor=town.committee, community=town.community, title="临时会议",
                                        opens_at=dt.datetime(2099, 1, 1, tzinfo=dt.timezone.utc))
    for signer in signers[:7]:  # 7 × 25 = 175 m²: 17.5%
        services.recall_sign(actor=town.regulator, petition=petition, owner=signer)
    petition.refresh_from_db()
    assert petition.status == RecallPetition.Status.COLLECTING and petition.motion is None
    services.recall_sign(actor=town.regulator, petition=petition, owner=signers[7])  # 200 m²: exactly 20%
    petition.refresh_from_db()
    assert petition.status == RecallPetition.Status.PLACED
    assert petition.motion.assembly == upcoming and petition.motion.matter == "election"
    assert member.owner.name in petition.motion.title


def test_a_petition_of_19_99_percent_does_not_qualify(town, committee):
    # 500 m² of the committee and 9,500 m² of others: 10,000 m² in all. 1,999 m² is 19.99%.
    big = town.owner("1999")
    town.owners(*["500"] * 15)
    petition = services.recall_petition_create(actor=town.regulator, community=town.community,
                                               members=[committee.members.first()], reason="理由")
    services.recall_sign(actor=town.regulator, petition=petition, owner=big)
    petition.refresh_from_db()
    assert petition.status == RecallPetition.Status.COLLECTING
    assert services.recall_progress(petition)["percent"] == Decimal("19.99")


def recall_voted(town, committee, members, choice="yes"):
    """A recall of `members` placed on an assembly, every owner voting `choice`, voting closed."""
    petition = services.recall_petition_create(actor=town.regulator, community=town.community, members=members,
                                               reason="不履行职责")
    signer = Owner.objects.filter(community=town.community).order_by("id").first()  # 100 of 500 m²: a fifth
    services.recall_sign(actor=town.regulator, petition=petition, owner=signer)
    # The qualified petition goes on the next assembly, whose voting opens at once.
    assembly = services.assembly_create(actor=town.committee, community=town.community, title="临时会议")
    petition.refresh_from_db()
    motion = petition.motion
    for owner in Owner.objects.filter(community=town.community):
        services.vote_cast(actor=town.committee, motion=motion, owner=owner, choice=choice)
    services.assembly_close(actor=town.committee, assembly=assembly)
    return petition, assembly


def test_a_passed_recall_removes_the_recalled_and_seats_nobody_extra(town, committee, tenant):
    recalled = list(committee.members.order_by("id")[:2])
    keep = list(committee.members.order_by("id")[2:])
    recalled[0].owner.user = f.UserFactory(username="recalled-member")
    recalled[0].owner.save()
    recalled[0].membership = f.MembershipFactory(user=recalled[0].owner.user, organization=tenant.residents_committee,
                                                 role="committee_member", community=town.community)
    recalled[0].save()
    petition, assembly = recall_voted(town, committee, recalled)
    before = committee.members.count()
    # Nothing happens while the result is unpublished: the members leave on the day it is published.
    assert committee.members.filter(left_on__isnull=True).count() == 5
    services.assembly_publish(actor=town.committee, assembly=assembly)
    petition.refresh_from_db()
    today = timezone.localdate()
    assert petition.status == RecallPetition.Status.RECALLED and petition.decided_on == today
    assert [m.left_on for m in committee.members.filter(pk__in=[m.pk for m in recalled])] == [today, today]
    assert set(committee.members.filter(left_on__isnull=True)) == set(keep)
    assert committee.members.count() == before  # nobody seated in their place
    assert not Actor(recalled[0].owner.user).committee_community_ids
    # The two seats go to a by-election, and the filing is due again.
    by_election = petition.by_election
    assert (by_election.seats, by_election.by_election_for, by_election.status) == (2, committee, "nominating")
    assert services.vacancies(committee) == 2
    assert services.filing_current(committee) is None


def test_a_by_election_fills_the_recalled_seats_and_no_more(town, committee):
    recalled = list(committee.members.order_by("id")[:2])
    petition, assembly = recall_voted(town, committee, recalled)
    services.assembly_publish(actor=town.committee, assembly=assembly)
    petition.refresh_from_db()
    by_election = petition.by_election
    assert by_election.seats == 2
    others = town.owners("100", "100", "100")
    candidates = [services.candidate_nominate(actor=town.committee, election=by_election, owner=o,
                                              nominated_by="prep_group") for o in others[:3]]
    voters = list(Owner.objects.filter(community=town.community))
    for owner in voters:
        services.participant_register(actor=town.committee, election=by_election, owner=owner)
        services.ballot_cast(actor=town.committee, election=by_election, voter=owner,
                             selections=[c.pk for c in candidates[:2]])
    services.election_tally(actor=town.committee, election=by_election)
    completed = services.committee_form(actor=town.committee, election=by_election)
    assert completed == committee
    assert committee.members.filter(left_on__isnull=True).count() == 5 == committee.seats
    with pytest.raises(ValidationFailed):
        services.election_create(actor=town.committee, community=town.community, seats=1, by_election_for=committee)


def test_a_recall_that_fails_leaves_the_committee_as_it_was(town, committee):
    members = list(committee.members.order_by("id")[:1])
    petition, assembly = recall_voted(town, committee, members, choice="no")
    services.assembly_publish(actor=town.committee, assembly=assembly)
    petition.refresh_from_db()
    assert petition.status == RecallPetition.Status.NOT_RECALLED and petition.by_election is None
    assert committee.members.filter(left_on__isnull=True).count() == 5


def test_a_qualified_petition_waits_for_the_next_assembly(town, committee):
    signers = town.owners("300")
    petition = services.recall_petition_create(actor=town.regulator, community=town.community,
                                               members=[committee.members.first()], reason="理由")
    services.recall_sign(actor=town.regulator, petition=petition, owner=signers[0])
    petition.refresh_from_db()
    assert petition.status == RecallPetition.Status.QUALIFIED
    assembly = services.assembly_create(actor=town.committee, community=town.community, title="年度会议")
    petition.refresh_from_db()
    assert petition.status == RecallPetition.Status.PLACED and petition.motion.assembly == assembly


def test_the_committee_does_not_collect_signatures_against_itself(town, committee):
    owner = town.owner("100")
    petition = services.recall_petition_create(actor=town.regulator, community=town.community,
                                               members=[committee.members.first()], reason="理由")
    with pytest.raises(PermissionDenied):
        services.recall_sign(actor=town.committee, petition=petition, owner=owner)


def test_a_self_managed_communitys_manager_works_in_that_community_only(town, committee, tenants):
    services.self_management_start(actor=town.committee, community=town.community)
    town.community.refresh_from_db()
    organization = town.community.company
    assert organization.kind == "company" and "业主委员会（自管）" in organization.name
    manager = f.UserFactory(username="hired-manager")
    membership = services.self_management_hire(actor=town.committee, community=town.community, user=manager)
    assert (membership.role, membership.organization) == ("manager", organization)
    actor = Actor(manager)
    assert actor.community_ids() == {town.community.pk}
    assert actor.can("estates.manage", town.community.pk)
    assert not actor.can("estates.manage", tenants[0].community.pk)


def test_only_the_committee_turns_to_self_management(town, committee, tenant):
    with pytest.raises(PermissionDenied):
        services.self_management_start(actor=Actor(tenant.user("manager")), community=town.community)


def test_self_management_needs_a_committee_in_office(town):
    with pytest.raises(ValidationFailed):
        services.self_management_start(actor=town.committee, community=town.community)
