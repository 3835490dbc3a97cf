"""Every write of the governance app (DESIGN §3): keyword-only arguments, an explicit actor, one
transaction, the audit event in it. One module per part of 篇四; the names are gathered here."""

from .assemblies import (
    assemblies_open_due,
    assembly_close,
    assembly_create,
    assembly_open,
    assembly_publish,
    motion_count,
    motion_create,
    motion_result_for,
    proxy_record,
    sign_in_record,
    vote_cast,
    voting_ended,
)
from .committees import (
    PREP_TASK_TITLES,
    committee_end,
    committee_file,
    committee_form,
    committee_officers_decide,
    committee_reminders_send,
    current_committee,
    officer_ballot_cast,
    prep_group_create,
    prep_group_dissolve,
    prep_group_member_add,
    prep_task_update,
    self_management_hire,
    self_management_start,
)
from .common import can_run, prep_group_community_ids
from .elections import (
    ballot_cast,
    candidate_nominate,
    election_count,
    election_create,
    election_open,
    election_publish,
    election_tally,
    participant_register,
    tally_response,
    tie_break_vote,
)
from .fund import (
    allocate,
    emergency_approver,
    fund_first_deposit,
    fund_interest_allocate,
    fund_objection_record,
    fund_top_up,
    fund_usage_create,
    fund_usage_decide,
    fund_usage_pay,
    negative_vote_count,
)
from .recall import recall_petition_create, recall_progress, recall_sign
