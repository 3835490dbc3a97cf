"""Recall (篇四 §一.7(7)) and self-managed communities (篇四 §三)."""

import datetime as dt

import pytest

from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.tenancy import Actor
from linli.governance import services
from linli.governance.models import Committee, CommitteeMember, RecallPetition
from tests import factories as f


@pytest.fixture
def committee(town):
    members = town.owners("100", "100", "100", "100", "100")
    committee = Committee.objects.create(community=town.community, term_start=dt.date(2026, 1, 1),
                                         term_end=dt.date(2028, 12, 31))
    for owner in members:
        CommitteeMember.objects.create(committee=committee, owner=owner)
    return committee


def test_a_petition_over_a_fifth_of_the_area_goes_on_the_next_assembly(town, committee):
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
    for signer in signers[:8]:  # 8 × 25 = 200 m²: exactly 20%, not more
        services.recall_sign(actor=town.regulator, petition=petition, owner=signer)
    petition.refresh_from_db()
    assert petition.status == RecallPetition.Status.COLLECTING and petition.motion is None
    services.recall_sign(actor=town.regulator, petition=petition, owner=signers[8])
    petition.refresh_from_db()
    assert petition.status == RecallPetition.Status.PLACED
    assert petition.motion.assembly == upcoming and petition.motion.matter == "election"
    assert member.owner.name in petition.motion.title


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
