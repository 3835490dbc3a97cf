"""The API of the counted training, the qualification application (篇三 §三(三)一) and the
departments' scoring (篇五). Thin: parse, call a service or selector of training.py or
department_evaluation.py, render. Collected by linli/oversight/api.py."""

from decimal import Decimal

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import ServiceViewSet, scoped
from linli.core.errors import NotFound
from linli.core.params import IdSerializerField, IntegerSerializerField
from linli.core.tenancy import actor_for
from linli.orgs.models import Organization

from . import department_evaluation, selectors, training
from .models import Certificate, Inspection, QualificationApplication, TrainingAttendance


class TrainingAttendanceSerializer(serializers.ModelSerializer):
    session = scoped(selectors.training_list)
    staff = scoped(training.staff_choices)

    class Meta:
        model = TrainingAttendance
        fields = ["id", "session", "staff", "name", "company", "attended"]
        read_only_fields = ["name", "company"]
        validators = []


class AttendanceViewSet(ServiceViewSet):
    """Attendance by staff record; rows from before staff records (name only) are listed too."""

    serializer_class = TrainingAttendanceSerializer
    selector = training.attendance_list
    filterset_fields = ["session", "staff", "company"]
    create_service = training.attendance_record


class CertificateSerializer(serializers.ModelSerializer):
    staff = scoped(training.staff_choices)

    class Meta:
        model = Certificate
        fields = ["id", "staff", "company", "holder", "kind", "number", "issued_on", "expires_on"]
        read_only_fields = ["company", "holder"]
        validators = []


class CertificateViewSet(ServiceViewSet):
    serializer_class = CertificateSerializer
    selector = selectors.certificate_list
    filterset_fields = ["company", "kind", "staff"]
    create_service = training.certificate_register


def _managed_companies(*, actor):
    return training.coverage_companies(actor=actor)


def _deciding_authorities(*, actor):
    """Any district or city may be named; the service accepts only those above the company."""
    return Organization.objects.filter(kind__in=training.DECIDING_TIERS)


class QualificationSerializer(serializers.ModelSerializer):
    company = scoped(_managed_companies)
    jurisdiction = scoped(_deciding_authorities)

    class Meta:
        model = QualificationApplication
        fields = ["id", "company", "jurisdiction", "applied_on", "staff_count", "manager_certificates", "status",
                  "decided_on", "decision_notes"]
        read_only_fields = ["applied_on", "staff_count", "manager_certificates", "status", "decided_on",
                            "decision_notes"]


class QualificationDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    notes = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class QualificationViewSet(ServiceViewSet):
    """A company manager applies (refused, with the names, until the certificates are in order);
    the receiving district or city decides."""

    serializer_class = QualificationSerializer
    selector = training.qualification_list
    filterset_fields = ["company", "jurisdiction", "status"]
    create_service = training.qualification_apply

    @extend_schema(request=QualificationDecisionSerializer, responses=QualificationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        decision = QualificationDecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        application = training.qualification_decide(actor=self.actor, application=self.get_object(),
                                                    **decision.validated_data)
        return Response(self.get_serializer(application).data)


COVERAGE_ROW = inline_serializer("TrainingCoverageRow", many=True, fields={
    "company": serializers.IntegerField(), "company_name": serializers.CharField(),
    "year": serializers.IntegerField(), "deadline": serializers.DateField(), "total": serializers.IntegerField(),
    "trained": serializers.IntegerField(), "rate": serializers.CharField(),
    "untrained": serializers.ListField(child=serializers.DictField()),
})


class CoverageQuerySerializer(serializers.Serializer):
    year = IntegerSerializerField(min_value=2000, max_value=2100, required=False)
    jurisdiction = IdSerializerField(required=False)


class TrainingCoverageView(APIView):
    """篇三's round (8月底前全部轮训一遍) per company: a regulator names its jurisdiction, a company
    manager reads its own companies."""

    @extend_schema(parameters=[OpenApiParameter("year", int), OpenApiParameter("jurisdiction", int)],
                   responses=COVERAGE_ROW)
    def get(self, request):
        query = CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        actor = actor_for(request.user)
        jurisdiction = None
        if query.validated_data.get("jurisdiction"):
            jurisdiction = selectors.jurisdiction_get(actor=actor, jurisdiction_id=query.validated_data["jurisdiction"])
        elif not training.managed_company_ids(actor):
            raise NotFound()
        year = query.validated_data.get("year") or timezone.localdate().year
        rows = training.coverage_rows(training.coverage_companies(actor=actor, jurisdiction=jurisdiction), year)
        return Response([{
            "company": r["company"].pk, "company_name": r["company"].name, "year": r["year"], "deadline": r["deadline"],
            "total": r["total"], "trained": r["trained"], "rate": str(r["rate"]),
            "untrained": [{"staff": s.pk, "name": s.name, "community": s.community.name, "position": s.position.name}
                          for s in r["untrained"]]} for r in rows])


class ItemPointsSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0"))


class CategoryScoreSerializer(serializers.Serializer):
    category = serializers.IntegerField(min_value=1, max_value=6)
    items = ItemPointsSerializer(many=True)
    notes = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DepartmentInspectionSerializer(serializers.ModelSerializer):
    score = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)
    item_scores = serializers.SerializerMethodField()
    department_scores = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = ["id", "company", "community", "quarter", "score", "rubric", "item_scores", "department_scores"]

    def get_item_scores(self, inspection) -> list:
        return [{"item": s.item_id, "points": str(s.points)} for s in inspection.item_scores.all()]

    def get_department_scores(self, inspection) -> list:
        return [{"department": s.department_id, "category": s.category, "points": str(s.points),
                 "scored_on": s.scored_on} for s in inspection.department_scores.all()]


class DepartmentInspectionViewSet(ServiceViewSet):
    """The inspections a department evaluator may score; `score` scores one of its categories."""

    serializer_class = DepartmentInspectionSerializer
    selector = department_evaluation.evaluator_inspection_list
    filterset_fields = ["quarter", "company", "community"]
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=CategoryScoreSerializer, responses=DepartmentInspectionSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        body = CategoryScoreSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        inspection = self.get_object()
        department_evaluation.department_score(actor=self.actor, inspection=inspection, **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=inspection.pk)).data)


routes = [
    ("training-attendance", AttendanceViewSet, "training-attendance"),
    ("certificates", CertificateViewSet, "certificate"),
    ("qualification-applications", QualificationViewSet, "qualification-application"),
    ("department-inspections", DepartmentInspectionViewSet, "department-inspection"),
]
paths = [path("training-coverage/", TrainingCoverageView.as_view(), name="training-coverage")]
