"""The after-school API (issue 8): structure, programs, applications, agreements, sessions,
attendance, leave, duty and dismissal. Thin: parse, call a service or selector, render.
One module per part of the service; the routes are gathered here."""

from django.urls import path

from . import duties
from .daily import AttendanceViewSet, DismissalViewSet, HandoverView, LeaveRequestViewSet
from .enrolment import AgreementTextViewSet, AgreementViewSet, ApplicationViewSet, ProgramViewSet, SessionViewSet
from .safety import DutyAssignmentViewSet, GateVisitViewSet, IncidentViewSet, WorkingGroupMemberViewSet
from .structure import GradeViewSet, GuardianViewSet, SchoolClassViewSet, StudentViewSet, TermViewSet

# Collected by linli/api_urls.py.
routes = [
    ("school-terms", TermViewSet, "school-term"),
    ("grades", GradeViewSet, "grade"),
    ("school-classes", SchoolClassViewSet, "school-class"),
    ("guardians", GuardianViewSet, "guardian"),
    ("students", StudentViewSet, "student"),
    ("programs", ProgramViewSet, "program"),
    ("sessions", SessionViewSet, "session"),
    ("applications", ApplicationViewSet, "application"),
    ("agreement-texts", AgreementTextViewSet, "agreement-text"),
    ("agreements", AgreementViewSet, "agreement"),
    ("attendance", AttendanceViewSet, "attendance"),
    ("leave-requests", LeaveRequestViewSet, "leave-request"),
    ("working-group-members", WorkingGroupMemberViewSet, "working-group-member"),
    ("duty-assignments", DutyAssignmentViewSet, "duty-assignment"),
    ("dismissals", DismissalViewSet, "dismissal"),
    ("gate-visits", GateVisitViewSet, "gate-visit"),
    ("incidents", IncidentViewSet, "incident"),
    *duties.routes,
]
paths = [path("handover/", HandoverView.as_view(), name="afterschool-handover")]
