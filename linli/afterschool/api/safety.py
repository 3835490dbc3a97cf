"""The working group, the duty roster, the gate book and incidents over the API."""


from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.core.api import ServiceViewSet, scoped
from linli.core.masking import mask_id_number
from linli.core.tenancy import actor_for

from .. import selectors, services
from ..models import DutyAssignment, GateVisit, Incident, WorkingGroupMember


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
