"""The after-school API (issue 8): structure, programs, applications, agreements, sessions,
attendance, leave, duty and dismissal. Thin: parse, call a service or selector, render."""

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import FirstRendererNegotiation, ServiceViewSet, scoped
from linli.core.errors import NotFound
from linli.core.masking import mask_id_number, mask_phone
from linli.core.params import parse_id
from linli.core.tenancy import actor_for

from . import selectors, services
from .models import (
    Agreement,
    AgreementText,
    Application,
    Attendance,
    Dismissal,
    DutyAssignment,
    GateVisit,
    Grade,
    Guardian,
    Incident,
    LeaveRequest,
    Program,
    SchoolClass,
    Session,
    Student,
    Term,
    WorkingGroupMember,
)
from .pdf import agreement_pdf


class ReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


# Structure ------------------------------------------------------------------------------------

class TermSerializer(serializers.ModelSerializer):
    school = scoped(selectors.school_list)

    class Meta:
        model = Term
        fields = ["id", "school", "name", "start_date", "end_date"]
        validators = []


class TermViewSet(ServiceViewSet):
    serializer_class = TermSerializer
    filterset_fields = ["school"]
    selector = selectors.term_list
    create_service = services.term_create
    update_service = services.term_update


class GradeSerializer(serializers.ModelSerializer):
    school = scoped(selectors.school_list)

    class Meta:
        model = Grade
        fields = ["id", "school", "name", "order"]
        validators = []


class GradeViewSet(ServiceViewSet):
    serializer_class = GradeSerializer
    filterset_fields = ["school"]
    selector = selectors.grade_list
    create_service = services.grade_create
    update_service = services.grade_update


class SchoolClassSerializer(serializers.ModelSerializer):
    grade = scoped(selectors.grade_list)
    head_teacher = scoped(selectors.staff_user_list, allow_null=True, required=False)

    class Meta:
        model = SchoolClass
        fields = ["id", "school", "grade", "name", "head_teacher"]
        read_only_fields = ["school"]
        validators = []


class SchoolClassViewSet(ServiceViewSet):
    serializer_class = SchoolClassSerializer
    filterset_fields = ["school", "grade", "head_teacher"]
    selector = selectors.school_class_list
    create_service = services.school_class_create
    update_service = services.school_class_update
    service_object_name = "school_class"


class GuardianSerializer(serializers.ModelSerializer):
    """Phones are shown in full only to those who must call the guardian (see selectors)."""

    school = scoped(selectors.school_list)
    user = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Guardian
        fields = ["id", "school", "name", "relation", "phone", "address", "user"]
        validators = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not selectors.may_see_guardian_phone(actor_for(self.context["request"].user), instance):
            data["phone"] = mask_phone(data["phone"])
            data["address"] = ""
        return data


class GuardianViewSet(ServiceViewSet):
    serializer_class = GuardianSerializer
    filterset_fields = ["school", "students"]
    selector = selectors.guardian_list
    create_service = services.guardian_create
    update_service = services.guardian_update


class StudentSerializer(serializers.ModelSerializer):
    school_class = scoped(selectors.school_class_list)
    guardians = scoped(selectors.guardian_list, many=True, required=False)
    grade = serializers.IntegerField(source="school_class.grade_id", read_only=True)

    class Meta:
        model = Student
        fields = ["id", "school", "school_class", "grade", "name", "student_no", "boarder", "guardians"]
        read_only_fields = ["school"]
        validators = []


class StudentViewSet(ServiceViewSet):
    serializer_class = StudentSerializer
    filterset_fields = ["school", "school_class", "school_class__grade", "boarder"]
    selector = selectors.student_list
    create_service = services.student_create
    update_service = services.student_update

    def get_queryset(self):
        return super().get_queryset().prefetch_related("guardians")


# Programs and sessions ----------------------------------------------------------------------

class ProgramSerializer(serializers.ModelSerializer):
    term = scoped(selectors.term_list)
    grade = scoped(selectors.grade_list)
    content = serializers.ListField(child=serializers.CharField(max_length=60), required=False,
                                    help_text="服务内容条目，例如 [\"辅导作业\", \"补缺\", \"提优\"]")
    weekdays_label = serializers.CharField(read_only=True)

    class Meta:
        model = Program
        fields = ["id", "school", "term", "grade", "name", "kind", "weekdays", "weekdays_label", "start_time",
                  "end_time", "boarder_end_time", "content", "method"]
        read_only_fields = ["school"]
        validators = []


class GenerateResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()


class ProgramViewSet(ServiceViewSet):
    serializer_class = ProgramSerializer
    filterset_fields = ["school", "term", "grade", "kind"]
    selector = selectors.program_list
    create_service = services.program_create
    update_service = services.program_update

    @extend_schema(request=None, responses={201: GenerateResultSerializer})
    @action(detail=True, methods=["post"], url_path="generate-sessions")
    def generate_sessions(self, request, pk=None):
        """Make the program's sessions for every matching day of its term (idempotent)."""
        created = services.session_generate(actor=self.actor, program=self.get_object())
        return Response({"created": created}, status=status.HTTP_201_CREATED)


class AttendanceSerializer(serializers.ModelSerializer):
    session = scoped(selectors.session_list)
    student = scoped(selectors.student_list)

    class Meta:
        model = Attendance
        fields = ["id", "session", "student", "status", "note", "marked_by", "marked_at", "alerted_at"]
        read_only_fields = ["marked_by", "marked_at", "alerted_at"]
        validators = []


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "school", "program", "date", "start_time", "end_time", "boarder_end_time", "status", "note"]
        read_only_fields = fields


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class SessionViewSet(ServiceViewSet):
    """Sessions are made from the programs' schedules (`programs/{id}/generate-sessions/`)."""

    serializer_class = SessionSerializer
    filterset_fields = ["school", "program", "date", "status"]
    selector = selectors.session_list

    @extend_schema(request=CancelSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.session_cancel(actor=self.actor, session=self.get_object(), **serializer.validated_data)
        return Response(self.get_serializer(session).data)


# Applications and agreements ----------------------------------------------------------------

class ApplicationSerializer(serializers.ModelSerializer):
    student = scoped(selectors.student_list)
    program = scoped(selectors.program_list)
    consent = serializers.BooleanField(write_only=True, help_text="家长已阅读服务时间、内容和方式并自愿申请：必须为 true")

    class Meta:
        model = Application
        fields = ["id", "school", "student", "program", "guardian", "status", "statement", "consent", "consented_at",
                  "terms", "class_reviewer", "class_reviewed_at", "class_note", "school_reviewer",
                  "school_reviewed_at", "school_note", "enrolled_at", "created_at"]
        read_only_fields = ["school", "guardian", "status", "consented_at", "terms", "class_reviewer",
                            "class_reviewed_at", "class_note", "school_reviewer", "school_reviewed_at", "school_note",
                            "enrolled_at", "created_at"]
        extra_kwargs = {"statement": {"required": False}}
        validators = []


class ApplicationViewSet(ServiceViewSet):
    """A guardian applies (`consent` must be true); the class teacher reviews and the school
    approves through `review`; the guardian may `withdraw`."""

    serializer_class = ApplicationSerializer
    filterset_fields = ["school", "student", "program", "status"]
    selector = selectors.application_list
    create_service = services.application_submit
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=ReviewSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.application_review(actor=self.actor, application=self.get_object(),
                                                   **serializer.validated_data)
        return Response(self.get_serializer(application).data)

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application = services.application_withdraw(actor=self.actor, application=self.get_object())
        return Response(self.get_serializer(application).data)


class AgreementTextSerializer(serializers.ModelSerializer):
    school = scoped(selectors.school_list)

    class Meta:
        model = AgreementText
        fields = ["id", "school", "kind", "version", "title", "body", "created_at"]
        read_only_fields = ["version", "created_at"]


class AgreementTextViewSet(ServiceViewSet):
    """Versioned texts: POST publishes the next version of a kind; versions are never edited."""

    serializer_class = AgreementTextSerializer
    filterset_fields = ["school", "kind", "version"]
    selector = selectors.agreement_text_list
    create_service = services.agreement_text_publish
    http_method_names = ["get", "post", "head", "options"]


class AgreementSerializer(serializers.ModelSerializer):
    application = scoped(selectors.application_list)
    text = scoped(selectors.agreement_text_list, help_text="签署的文本版本：须为该类文本的最新版本")
    consent = serializers.BooleanField(write_only=True, help_text="已阅读全文并同意：必须为 true")

    class Meta:
        model = Agreement
        fields = ["id", "school", "application", "text", "signer", "signer_name", "consent", "signed_at", "digest"]
        read_only_fields = ["school", "signer", "signed_at", "digest"]
        validators = []


class AgreementViewSet(ServiceViewSet):
    """POST e-signs a text (the current version of its kind) for an approved application;
    GET …/pdf/ is the signed document."""

    serializer_class = AgreementSerializer
    filterset_fields = ["school", "application", "kind"]
    selector = selectors.agreement_list
    create_service = services.agreement_sign
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer],
            content_negotiation_class=FirstRendererNegotiation)
    def pdf(self, request, pk=None):
        agreement = self.get_object()
        response = HttpResponse(agreement_pdf(agreement), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="agreement-{agreement.pk}.pdf"'
        return response


# Daily running ------------------------------------------------------------------------------

class AttendanceViewSet(ServiceViewSet):
    """POST marks one student of a session (again: it replaces the mark)."""

    serializer_class = AttendanceSerializer
    filterset_fields = ["session", "student", "status", "session__date"]
    selector = selectors.attendance_list
    http_method_names = ["get", "post", "head", "options"]

    @staticmethod
    def create_service(*, actor, session, student, status, note=""):
        (record,) = services.attendance_take(actor=actor, session=session, marks={student: status},
                                             notes={student: note})
        return record


class LeaveRequestSerializer(serializers.ModelSerializer):
    student = scoped(selectors.student_list)

    class Meta:
        model = LeaveRequest
        fields = ["id", "school", "student", "start_date", "end_date", "reason", "status", "requested_by",
                  "reviewed_by", "reviewed_at", "review_note", "created_at"]
        read_only_fields = ["school", "status", "requested_by", "reviewed_by", "reviewed_at", "review_note",
                            "created_at"]


class LeaveRequestViewSet(ServiceViewSet):
    serializer_class = LeaveRequestSerializer
    filterset_fields = ["school", "student", "status"]
    selector = selectors.leave_request_list
    create_service = services.leave_request_create
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=ReviewSerializer, responses=LeaveRequestSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        leave = services.leave_request_review(actor=self.actor, leave_request=self.get_object(),
                                              **serializer.validated_data)
        return Response(self.get_serializer(leave).data)


class WorkingGroupMemberSerializer(serializers.ModelSerializer):
    school = scoped(selectors.staff_school_list)
    user = scoped(selectors.staff_user_list)

    class Meta:
        model = WorkingGroupMember
        fields = ["id", "school", "user", "position", "duties"]
        validators = []


class WorkingGroupMemberViewSet(ServiceViewSet):
    serializer_class = WorkingGroupMemberSerializer
    filterset_fields = ["school", "position"]
    selector = selectors.working_group_member_list
    create_service = services.working_group_member_create
    update_service = services.working_group_member_update
    service_object_name = "working_group_member"


class DutyAssignmentSerializer(serializers.ModelSerializer):
    school = scoped(selectors.staff_school_list)
    user = scoped(selectors.staff_user_list)

    class Meta:
        model = DutyAssignment
        fields = ["id", "school", "date", "user", "kind", "note"]
        validators = []


class DutyAssignmentViewSet(ServiceViewSet):
    serializer_class = DutyAssignmentSerializer
    filterset_fields = ["school", "date", "user", "kind"]
    selector = selectors.duty_assignment_list
    create_service = services.duty_assignment_create
    update_service = services.duty_assignment_update
    service_object_name = "duty_assignment"


class DismissalSerializer(serializers.ModelSerializer):
    session = scoped(selectors.session_list)
    school_class = scoped(selectors.school_class_list)

    class Meta:
        model = Dismissal
        fields = ["id", "school", "session", "school_class", "group", "dismissed_at", "dismissed_by", "headcount",
                  "note"]
        read_only_fields = ["school", "dismissed_at", "dismissed_by", "headcount"]
        validators = []


class DismissalViewSet(ServiceViewSet):
    """POST checks a class out of a session (集体放学) once its roll is complete."""

    serializer_class = DismissalSerializer
    filterset_fields = ["school", "session", "school_class"]
    selector = selectors.dismissal_list
    create_service = services.dismissal_check_out
    http_method_names = ["get", "post", "head", "options"]


class GateVisitSerializer(serializers.ModelSerializer):
    school = scoped(selectors.staff_school_list)

    class Meta:
        model = GateVisit
        fields = ["id", "school", "visitor_name", "phone", "id_number", "purpose", "host", "arrived_at", "left_at",
                  "recorded_by"]
        read_only_fields = ["arrived_at", "left_at", "recorded_by"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not selectors.is_school_admin(actor_for(self.context["request"].user), instance.school_id):
            data["id_number"] = mask_id_number(data["id_number"])
        return data


class GateVisitViewSet(ServiceViewSet):
    """门卫登记: POST on arrival, `leave` when the visitor goes."""

    serializer_class = GateVisitSerializer
    filterset_fields = ["school"]
    selector = selectors.gate_visit_list
    create_service = services.gate_visit_record
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=None, responses=GateVisitSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        visit = services.gate_visit_leave(actor=self.actor, gate_visit=self.get_object())
        return Response(self.get_serializer(visit).data)


class IncidentSerializer(serializers.ModelSerializer):
    school = scoped(selectors.staff_school_list)
    session = scoped(selectors.session_list, allow_null=True, required=False)
    students = scoped(selectors.student_list, many=True, required=False)

    class Meta:
        model = Incident
        fields = ["id", "school", "session", "kind", "occurred_at", "location", "description", "students",
                  "reported_by", "checklist", "status", "closed_at", "summary"]
        read_only_fields = ["reported_by", "checklist", "status", "closed_at", "summary"]
        extra_kwargs = {"occurred_at": {"required": False}}


class CheckSerializer(serializers.Serializer):
    step = serializers.CharField(max_length=20)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class CloseSerializer(serializers.Serializer):
    summary = serializers.CharField()


class IncidentViewSet(ServiceViewSet):
    """Incidents and the emergency-plan checklist: `check` ticks a step, `close` ends the case."""

    serializer_class = IncidentSerializer
    filterset_fields = ["school", "kind", "status"]
    selector = selectors.incident_list
    create_service = services.incident_report
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=CheckSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        serializer = CheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = services.incident_check(actor=self.actor, incident=self.get_object(), **serializer.validated_data)
        return Response(self.get_serializer(incident).data)

    @extend_schema(request=CloseSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = services.incident_close(actor=self.actor, incident=self.get_object(), **serializer.validated_data)
        return Response(self.get_serializer(incident).data)


# The handover list ----------------------------------------------------------------------------

class HandoverGuardianSerializer(serializers.Serializer):
    name = serializers.CharField()
    relation = serializers.CharField()
    phone = serializers.CharField()


class HandoverRowSerializer(serializers.Serializer):
    student = serializers.IntegerField(source="student.pk")
    name = serializers.CharField(source="student.name")
    school_class = serializers.CharField()
    boarder = serializers.BooleanField()
    ends = serializers.TimeField(allow_null=True)
    on_leave = serializers.BooleanField()
    address = serializers.CharField()
    guardians = HandoverGuardianSerializer(many=True)


class HandoverView(APIView):
    @extend_schema(
        operation_id="handover_list",
        parameters=[OpenApiParameter("school", int, required=True),
                    OpenApiParameter("date", OpenApiTypes.DATE, description="默认今天")],
        responses=HandoverRowSerializer(many=True),
    )
    def get(self, request):
        """The day's handover list (交接名单): student, address, guardians' phones. Only the day's
        duty staff and the school's admins see it whole; a class teacher sees their own class."""
        actor = actor_for(request.user)
        try:
            date = dt.date.fromisoformat(request.query_params["date"]) if request.query_params.get("date") \
                else timezone.localdate()
        except ValueError as exc:
            raise NotFound() from exc
        school = get_object_or_404(selectors.staff_school_list(actor=actor),
                                   pk=parse_id(request.query_params.get("school")))
        rows = selectors.handover_rows(actor=actor, school_id=school.pk, date=date)
        if rows is None:
            raise NotFound()
        return Response(HandoverRowSerializer(rows, many=True).data)


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
]
paths = [path("handover/", HandoverView.as_view(), name="afterschool-handover")]
