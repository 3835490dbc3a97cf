"""The API of the tiers' own duties (篇三 一(一), 三、(二)), collected by oversight/api.py: targets
per office (planned by the assessing tier, reported by the office, reviewed by the assessor),
staffing records with the gaps, and the late offices. Same services and selectors as the pages."""

from decimal import Decimal

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import ServiceViewSet, scoped
from linli.core.errors import NotFound, ValidationFailed
from linli.core.params import IdSerializerField, IntegerSerializerField
from linli.core.tenancy import actor_for
from linli.orgs.selectors import user_list

from . import duty_selectors, duty_services, selectors
from .duty_models import DutyItem, StaffingRecord

SCORE = dict(max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100))


class DutyItemSerializer(serializers.ModelSerializer):
    office = scoped(selectors.jurisdiction_list)
    assessor = scoped(selectors.jurisdiction_list, required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    score = serializers.DecimalField(read_only=True, **SCORE)
    late = serializers.SerializerMethodField()

    class Meta:
        model = DutyItem
        fields = ["id", "assessor", "office", "year", "kind", "topic", "title", "target_count", "deadline",
                  "done_count", "result", "completed_on", "reported_on", "score", "status", "reviewed_on", "late"]
        read_only_fields = ["done_count", "result", "completed_on", "reported_on", "score", "status", "reviewed_on"]
        extra_kwargs = {"deadline": {"required": False}}

    def get_late(self, item) -> bool:
        return item.late_on(timezone.localdate())

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["office"].read_only = fields["assessor"].read_only = fields["year"].read_only = True
        return fields


class DutyReportSerializer(serializers.Serializer):
    done_count = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    result = serializers.CharField(required=False, allow_blank=True)
    completed_on = serializers.DateField(required=False, allow_null=True)


class DutyReviewSerializer(serializers.Serializer):
    status = serializers.ChoiceField([DutyItem.Status.PASSED, DutyItem.Status.FAILED])
    score = serializers.DecimalField(required=False, allow_null=True, **SCORE)
    reviewed_on = serializers.DateField(required=False)


class DutyItemViewSet(ServiceViewSet):
    """Targets of the offices. POST creates (assessing tier); PATCH changes the target or its
    deadline (assessing tier); `report` is the office's progress; `review` the assessor's result."""

    serializer_class = DutyItemSerializer
    selector = duty_selectors.duty_item_list
    filterset_fields = ["office", "assessor", "year", "kind", "topic", "status"]
    create_service = duty_services.duty_item_create
    update_service = duty_services.duty_item_plan
    service_object_name = "duty_item"

    def _step(self, body_class, service):
        item = self.get_object()
        body = body_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return Response(self.get_serializer(service(actor=self.actor, duty_item=item, **body.validated_data)).data)

    @extend_schema(request=DutyReportSerializer, responses=DutyItemSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        return self._step(DutyReportSerializer, duty_services.duty_item_report)

    @extend_schema(request=DutyReviewSerializer, responses=DutyItemSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._step(DutyReviewSerializer, duty_services.duty_item_review)


class StaffingRecordSerializer(serializers.ModelSerializer):
    organization = scoped(selectors.jurisdiction_list)
    lead = scoped(user_list, required=False, allow_null=True)

    class Meta:
        model = StaffingRecord
        fields = ["id", "organization", "office_name", "lead", "notes"]
        validators = []


class StaffingRecordViewSet(ServiceViewSet):
    """A tier's dedicated office and named lead; POST sets them (creating or replacing the record)."""

    serializer_class = StaffingRecordSerializer
    selector = duty_selectors.staffing_record_list
    filterset_fields = ["organization"]

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = duty_services.staffing_record_set(actor=self.actor, **body.validated_data)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


class JurisdictionQuerySerializer(serializers.Serializer):
    jurisdiction = IdSerializerField()
    year = IntegerSerializerField(min_value=2000, max_value=2100, required=False)


def _jurisdiction(request):
    query = JurisdictionQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    jurisdiction = selectors.jurisdiction_list(actor=actor_for(request.user)).filter(
        pk=query.validated_data["jurisdiction"]).first()
    if jurisdiction is None:
        raise NotFound()
    return jurisdiction, query.validated_data.get("year")


STAFFING_ROW = inline_serializer("StaffingRow", many=True, fields={
    "organization": serializers.IntegerField(), "name": serializers.CharField(), "kind": serializers.CharField(),
    "office_name": serializers.CharField(), "lead": serializers.IntegerField(allow_null=True),
    "staff": serializers.ListField(child=serializers.IntegerField()),
    "gaps": serializers.ListField(child=serializers.CharField())})


class StaffingView(APIView):
    """Each tier at or below the jurisdiction against 篇三 一(一), with its gaps named."""

    @extend_schema(parameters=[OpenApiParameter("jurisdiction", int, required=True)], responses=STAFFING_ROW)
    def get(self, request):
        jurisdiction, _year = _jurisdiction(request)
        return Response([{
            "organization": r["organization"].pk, "name": r["organization"].name, "kind": r["organization"].kind,
            "office_name": r["record"].office_name if r["record"] else "",
            "lead": r["lead"].pk if r["lead"] else None, "staff": [u.pk for u in r["staff"]], "gaps": r["gaps"],
        } for r in duty_selectors.staffing_rows(jurisdiction=jurisdiction)])


LATE_ROW = inline_serializer("LateOffice", many=True, fields={
    "office": serializers.IntegerField(), "name": serializers.CharField(), "late_items": serializers.IntegerField(),
    "open": serializers.IntegerField(), "days_late": serializers.IntegerField(),
    "items": serializers.ListField(child=serializers.IntegerField())})


class LateOfficesView(APIView):
    """The offices at or below the jurisdiction with a target late in the year."""

    @extend_schema(parameters=[OpenApiParameter("jurisdiction", int, required=True),
                               OpenApiParameter("year", int, required=True)], responses=LATE_ROW)
    def get(self, request):
        jurisdiction, year = _jurisdiction(request)
        if year is None:
            raise ValidationFailed(fields={"year": [_("请填写年度。")]})
        return Response([{
            "office": r["office"].pk, "name": r["office"].name, "late_items": len(r["items"]), "open": r["open"],
            "days_late": r["days_late"], "items": [i.pk for i in r["items"]],
        } for r in duty_selectors.late_offices(jurisdiction=jurisdiction, year=year)])


routes = [
    ("duty-items", DutyItemViewSet, "duty-item"),
    ("staffing-records", StaffingRecordViewSet, "staffing-record"),
]
paths = [
    path("staffing/", StaffingView.as_view(), name="staffing"),
    path("late-offices/", LateOfficesView.as_view(), name="late-offices"),
]
