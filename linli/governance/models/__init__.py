"""Owners' self-government (篇四; DESIGN §5 Governance, §6 Owners' votes): the voting roll,
assemblies and their motions, committee elections, the committee, recall, and the maintenance
fund (专项维修资金). One module per part; every model is gathered here, so Django finds them all.

What decides a vote — ballots, proxies, sign-ins, objections, petition signatures, ledger
entries and roll snapshots — is append-only, like the audit log: a row is written once and
never changed or deleted through the ORM, and each one is also in the audit chain, so that
`governance_verify` can show any row altered behind the application's back."""

from .assemblies import Assembly, Motion, PrepGroup, PrepGroupMember, PrepTask, Proxy, SignIn, Vote
from .committees import (
    Committee,
    CommitteeFiling,
    CommitteeMember,
    OfficerBallot,
    RecallPetition,
    RecallSignature,
    SelfManagement,
)
from .common import SPECIAL_MATTERS, Matter, Roll, RollEntry
from .duties import CountOfficer, OwnerConcern, ServiceBudget, ServiceBudgetLine
from .elections import Ballot, Candidate, Election, Participant, TieBreakVote
from .fund import FundAccount, FundEntry, FundInterest, FundObjection, FundUsage, TopUpNotice

__all__ = [
    "SPECIAL_MATTERS", "Assembly", "Ballot", "Candidate", "Committee", "CommitteeFiling",
    "CommitteeMember", "CountOfficer", "Election", "FundAccount", "FundEntry", "FundInterest", "FundObjection",
    "FundUsage", "Matter", "Motion", "OfficerBallot", "OwnerConcern", "Participant", "PrepGroup", "PrepGroupMember",
    "PrepTask", "Proxy", "RecallPetition", "RecallSignature", "Roll", "RollEntry", "SelfManagement",
    "ServiceBudget", "ServiceBudgetLine", "SignIn", "TieBreakVote", "TopUpNotice", "Vote",
]
