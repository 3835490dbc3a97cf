"""Governance pages: the committee's desk for assemblies, elections, the fund and the committee
itself, and the owners' portal (phone first) for votes, results, the ledger and objections.
Thin: parse, call a service or selector, render; a service's LinliError becomes a message
(`linli.core.pages`). One module per part of the desk; the URL conf takes the views from here."""

from .assemblies import (
    assembly_action,
    assembly_detail,
    assembly_new,
    assembly_officer_add,
    count_sign,
    minutes,
    motion_add,
    motion_detail,
    motion_vote,
    proxy_add,
    proxy_document,
    sign_in,
)
from .committees import (
    committee_action,
    committee_detail,
    filing_action,
    prep_group,
    prep_group_action,
    recall_detail,
    recall_new,
    recall_sign,
)
from .desk import home
from .duties import budget_action, budget_detail, budget_new, concern_action, concern_detail, concern_new
from .elections import election_action, election_detail, election_new
from .fund import fund, fund_action, fund_export, interest_confirm, usage_action, usage_detail, usage_new
from .owners import me, my_fund, my_fund_statement

__all__ = [
    "assembly_action", "assembly_detail", "assembly_new", "assembly_officer_add", "budget_action", "budget_detail",
    "budget_new", "committee_action", "committee_detail", "concern_action", "concern_detail", "concern_new",
    "count_sign", "election_action", "election_detail", "election_new", "filing_action", "fund", "fund_action",
    "fund_export", "home", "interest_confirm", "me", "minutes", "motion_add", "motion_detail", "motion_vote", "my_fund",
    "my_fund_statement", "prep_group", "prep_group_action", "proxy_add", "proxy_document", "recall_detail",
    "recall_new", "recall_sign", "sign_in", "usage_action", "usage_detail", "usage_new",
]
