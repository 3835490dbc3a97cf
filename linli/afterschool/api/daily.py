"""The day over the API: attendance, leave, the class check-out and the handover list."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import ServiceViewSet, scoped
from linli.core.errors import NotFound
from linli.core.params import parse_id
from linli.core.tenancy import actor_for

from .. import selectors, services
from ..models import Attendance, Dismissal, LeaveRequest
from .enrolment import ReviewSerializer


class AttendanceSerializer(serializers.ModelSerializer):
    session = scoped(selectors.session_list)
    student = scoped(selectors.student_list)

    class Meta:
        model = Attendance
        fields = ["id", "session", "student", "status", "note", "marked_by", "marked_at", "alerted_at"]
        read_only_fields = ["marked_by", "marked_at", "alerted_at"]
        validators = []


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
