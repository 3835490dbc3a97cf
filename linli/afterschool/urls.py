from django.urls import path

from . import views
from .views import duties

app_name = "afterschool"

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.portal, name="portal"),
    path("me/students/<int:student_id>/programs/<int:program_id>/apply/", views.apply, name="apply"),
    path("me/applications/<int:application_id>/sign/", views.sign, name="sign"),
    path("me/applications/<int:application_id>/withdraw/", views.withdraw, name="withdraw"),
    path("students/<int:student_id>/leave/", views.leave_new, name="leave_new"),
    path("agreements/<int:agreement_id>.pdf", views.agreement_download, name="agreement_pdf"),
    path("s/<int:school_id>/", views.overview, name="school_overview"),
    path("s/<int:school_id>/applications/", views.application_list, name="applications"),
    path("applications/<int:application_id>/review/", views.application_review, name="application_review"),
    path("s/<int:school_id>/programs/", views.program_list, name="programs"),
    path("programs/<int:program_id>/generate/", views.program_generate, name="program_generate"),
    path("s/<int:school_id>/students/", views.student_list, name="students"),
    path("s/<int:school_id>/today/", views.today, name="today"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path("sessions/<int:session_id>/dismiss/", views.dismiss, name="dismiss"),
    path("sessions/<int:session_id>/dismiss/undo/", views.dismiss_undo, name="dismiss_undo"),
    path("s/<int:school_id>/handover/", views.handover, name="handover"),
    path("s/<int:school_id>/leave/", views.leave_list, name="leave_list"),
    path("leave/<int:leave_id>/review/", views.leave_review, name="leave_review"),
    path("s/<int:school_id>/duty/", views.duty, name="duty"),
    path("s/<int:school_id>/gate/", views.gate, name="gate"),
    path("gate/<int:visit_id>/leave/", views.gate_leave, name="gate_leave"),
    path("s/<int:school_id>/incidents/", views.incident_list, name="incidents"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("s/<int:school_id>/reports/", views.reports, name="reports"),
    path("s/<int:school_id>/reports/participation.xlsx", views.participation_export, name="participation_xlsx"),
    path("s/<int:school_id>/reports/attendance.xlsx", views.attendance_export, name="attendance_xlsx"),
    # The school's duties (篇二): parent consultations, safety education, staff meetings
    path("s/<int:school_id>/consultations/", duties.consultations, name="consultations"),
    path("consultations/<int:consultation_id>/", duties.consultation_detail, name="consultation"),
    path("consultations/<int:consultation_id>/send/", duties.consultation_send, name="consultation_send"),
    path("me/consultations/", duties.my_consultations, name="my_consultations"),
    path("me/consultations/<int:consultation_id>/", duties.consultation_answer, name="consultation_answer"),
    path("s/<int:school_id>/safety-education/", duties.safety_education, name="safety_education"),
    path("s/<int:school_id>/meetings/", duties.meetings, name="meetings"),
]
