"""Ballots are kept unchangeable and provably so (DESIGN §8): every record is in the audit chain;
a stored ballot altered behind the application's back is found, and the published result is
still reproduced from the audited ballots."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from linli.core.audit import audit_verify_chain
from linli.core.models import AppendOnlyError, AuditEvent
from linli.governance import integrity, services
from linli.governance.models import Ballot, Vote


@pytest.fixture
def published(town):
    """An assembly with one motion, 3 yes and 1 no of 4 owners, closed and published."""
    owners = town.owners("100", "100", "100", "100")
    assembly = services.assembly_create(actor=town.committee, community=town.community, title="年度会议")
    motion = services.motion_create(actor=town.committee, assembly=assembly, title="续聘物业", matter="hire_company")
    for owner, choice in zip(owners, ["yes", "yes", "yes", "no"]):
        services.vote_cast(actor=town.committee, motion=motion, owner=owner, choice=choice)
    services.assembly_close(actor=town.committee, assembly=assembly)
    services.assembly_publish(actor=town.committee, assembly=assembly)
    motion.refresh_from_db()
    return motion


def contract_view(result):
    return {k: result[k] for k in ("participating_owners", "yes_owners", "yes_area", "quorum_met", "passed")}


def test_votes_cannot_be_changed_or_deleted_through_the_model(published):
    vote = published.votes.first()
    vote.choice = "no"
    with pytest.raises(AppendOnlyError):
        vote.save()
    with pytest.raises(AppendOnlyError):
        vote.delete()


def test_a_recount_from_the_stored_votes_reproduces_the_published_result(published):
    assert integrity.records_verify() == []
    recount = integrity.motion_recount(published)
    assert recount == {key: published.result[key] for key in recount}


def test_a_vote_altered_in_the_table_is_found_and_the_audited_recount_still_matches(published):
    vote = published.votes.get(choice="no")
    Vote.objects.filter(pk=vote.pk).update(choice="yes")  # behind the application's back
    assert integrity.records_verify() == [integrity.Mismatch("governance.vote", vote.pk, "altered")]
    with pytest.raises(CommandError, match=rf"governance.vote#{vote.pk}: altered"):
        call_command("governance_verify")
    with pytest.raises(CommandError, match=rf"governance.vote#{vote.pk}: altered"):
        call_command("audit_verify")
    # Counted from the altered table the motion would now be unanimous; the audited ballots
    # still give the result that was published.
    assert integrity.motion_recount(published, source="table")["yes_owners"] == 4
    assert contract_view(integrity.motion_recount(published, source="audit")) == contract_view(published.result)
    assert audit_verify_chain().ok  # the chain itself was not touched


def test_a_ballots_audited_copy_altered_breaks_the_chain_and_the_stored_votes_still_recount(published):
    vote = published.votes.get(choice="no")
    event = AuditEvent.objects.get(action="vote.cast", target_id=str(vote.pk))
    forged = dict(event.data, records=[dict(event.data["records"][0], choice="yes")])
    AuditEvent.objects.filter(pk=event.pk).update(data=forged)
    with pytest.raises(CommandError, match=rf"#{event.pk}\b"):
        call_command("audit_verify")
    assert contract_view(integrity.motion_recount(published)) == contract_view(published.result)


def test_a_vote_inserted_or_deleted_behind_the_applications_back_is_found(town, published):
    vote = published.votes.first()
    with transaction.atomic():
        Vote.objects.filter(pk=vote.pk).delete()
    assert integrity.records_verify() == [integrity.Mismatch("governance.vote", vote.pk, "deleted")]


def test_an_election_recount_from_the_audited_ballots_matches_the_published_tally(town):
    owners = town.owners(*["100"] * 6)
    election = services.election_create(actor=town.committee, community=town.community, seats=5)
    candidates = [services.candidate_nominate(actor=town.committee, election=election, owner=o,
                                              nominated_by="prep_group") for o in owners]
    for owner in owners:
        services.participant_register(actor=town.committee, election=election, owner=owner)
        services.ballot_cast(actor=town.committee, election=election, voter=owner,
                             selections=[c.pk for c in candidates[:5]])
    published = services.election_tally(actor=town.committee, election=election)
    election.refresh_from_db()
    ballot = Ballot.objects.filter(election=election).first()
    Ballot.objects.filter(pk=ballot.pk).update(selections=[c.pk for c in candidates])  # over-marked: void
    assert integrity.records_verify() == [integrity.Mismatch("governance.ballot", ballot.pk, "altered")]
    assert integrity.election_recount(election)["void"] == 1
    recount = integrity.election_recount(election, source="audit")
    assert services.tally_response(recount) == services.tally_response(published)
