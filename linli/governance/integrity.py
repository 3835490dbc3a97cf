"""Proof that the stored governance records are the ones the application wrote.

Every append-only record (ballots, votes, sign-ins, proxies, objections, petition signatures,
ledger entries) was copied into the hash-chained audit log when it was written. `records_verify`
compares each stored row with its audited copy: a row altered or inserted behind the
application's back, or deleted, shows up by model and id. The chain itself is proven by
`audit_verify`; together they show that what is counted is what was cast.

A recount counts a motion or an election again, either from the stored rows or from the audited
copies, and compares it with the published result."""

from dataclasses import dataclass

from linli.core.models import AuditEvent

from .models import (
    Ballot,
    Election,
    FundEntry,
    FundObjection,
    Motion,
    OfficerBallot,
    Participant,
    Proxy,
    RecallSignature,
    SignIn,
    TieBreakVote,
    Vote,
)
from .services.assemblies import motion_count, motion_roll
from .services.common import canonical_record
from .services.elections import election_count

AUDITED = {
    Vote: "vote.cast",
    Ballot: "ballot.cast",
    Participant: "election.sign_in",
    SignIn: "assembly.sign_in",
    Proxy: "proxy.record",
    FundObjection: "fund_usage.object",
    FundEntry: "fund.entry",
    RecallSignature: "recall.sign",
    TieBreakVote: "election.tie_break_vote",
    OfficerBallot: "committee.officer_ballot",
}


@dataclass(frozen=True)
class Mismatch:
    model: str
    pk: int
    problem: str  # "altered", "not_audited" or "deleted"

    def __str__(self):
        return f"{self.model}#{self.pk}: {self.problem}"


def audited_records(model) -> dict[int, dict]:
    """id → the copy of each row of `model` in the audit log."""
    label = model._meta.label_lower
    copies = {}
    events = AuditEvent.objects.filter(action=AUDITED[model], target_type=label).order_by("id")
    for data in events.values_list("data", flat=True).iterator(chunk_size=2000):
        for record in data.get("records", []):
            copies[record["id"]] = record
    return copies


def records_verify() -> list[Mismatch]:
    """Every stored record against its audited copy, in model and id order."""
    found = []
    for model in AUDITED:
        label = model._meta.label_lower
        copies = audited_records(model)
        seen = set()
        for row in model.objects.order_by("id").iterator(chunk_size=2000):
            seen.add(row.pk)
            copy = copies.get(row.pk)
            if copy is None:
                found.append(Mismatch(label, row.pk, "not_audited"))
            elif copy != canonical_record(row):
                found.append(Mismatch(label, row.pk, "altered"))
        found += [Mismatch(label, pk, "deleted") for pk in sorted(set(copies) - seen)]
    return found


def motion_recount(motion: Motion, *, source: str = "table") -> dict:
    """Count a motion again from its stored votes ("table") or from their audited copies ("audit")."""
    if source == "table":
        return motion_count(motion)
    copies = audited_records(Vote)
    areas = dict(motion_roll(motion).entries.values_list("id", "area"))
    votes = [(c["choice"], areas[c["entry_id"]]) for c in copies.values() if c["motion_id"] == motion.pk]
    return motion_count(motion, votes=votes)


def election_recount(election: Election, *, source: str = "table") -> dict:
    """Tally an election again from its stored ballots or from their audited copies."""
    if source == "table":
        ballots = None
    else:
        entries = dict(election.participants.values_list("id", "entry_id"))
        ballots = [(entries[c["participant_id"]], c["selections"]) for c in audited_records(Ballot).values()
                   if c["election_id"] == election.pk]
    return election_count(election, ballots=ballots, ballots_collected=election.ballots_collected)
