"""Writes of the after-school service. Each checks who may do it in that school, keeps every
reference inside the school, and audits itself in the same transaction; messages to guardians
leave only after the commit. One module per part of the service; the names are gathered here."""

from .daily import (
    DISMISSAL_UNDO,
    attendance_take,
    dismissal_check_out,
    dismissal_preview,
    dismissal_undo,
    dismissal_window,
    leave_request_create,
    leave_request_review,
)
from .enrolment import (
    agreement_sign,
    agreement_text_publish,
    application_review,
    application_submit,
    application_withdraw,
    signed_content,
)
from .programs import program_create, program_terms, program_update, session_cancel, session_generate
from .safety import gate_visit_leave, gate_visit_record, incident_check, incident_close, incident_report
from .staffing import (
    duty_assignment_create,
    duty_assignment_update,
    working_group_member_create,
    working_group_member_update,
)
from .structure import (
    grade_create,
    grade_update,
    guardian_create,
    guardian_update,
    school_class_create,
    school_class_update,
    student_create,
    student_update,
    term_create,
    term_update,
)

__all__ = [
    "agreement_sign", "agreement_text_publish", "application_review", "application_submit", "application_withdraw",
    "attendance_take", "DISMISSAL_UNDO", "dismissal_check_out", "dismissal_preview", "dismissal_undo",
    "dismissal_window", "duty_assignment_create", "duty_assignment_update",
    "gate_visit_leave", "gate_visit_record", "grade_create", "grade_update", "guardian_create", "guardian_update",
    "incident_check", "incident_close", "incident_report", "leave_request_create", "leave_request_review",
    "program_create", "program_terms", "program_update", "school_class_create", "school_class_update",
    "session_cancel", "session_generate", "signed_content", "student_create", "student_update", "term_create",
    "term_update", "working_group_member_create", "working_group_member_update",
]
