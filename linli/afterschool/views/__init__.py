"""After-school pages: the guardian portal (phone first), the teachers' day and the school's
office. Thin: parse, call a service or a selector scoped to the actor, render; a service's
LinliError becomes a message (`linli.core.pages`). What is out of the actor's scope is a 404.
One module per part of the service; the URL conf takes the views from here."""

from .common import home
from .day import dismiss, dismiss_undo, handover, leave_list, leave_review, session_detail, today
from .office import application_list, application_review, overview, program_generate, program_list, student_list
from .portal import agreement_download, apply, leave_new, portal, sign, withdraw
from .reports import attendance_export, participation_export, reports
from .safety import duty, gate, gate_leave, incident_detail, incident_list

__all__ = [
    "agreement_download", "application_list", "application_review", "apply", "attendance_export", "dismiss",
    "dismiss_undo", "duty",
    "gate", "gate_leave", "handover", "home", "incident_detail", "incident_list", "leave_list", "leave_new",
    "leave_review", "overview", "participation_export", "portal", "program_generate", "program_list", "reports",
    "session_detail", "sign", "student_list", "today", "withdraw",
]
