"""The oversight API (DESIGN §5): inspections, annual assessments, the year's evaluation results,
and read access to rubrics and credit records. Thin: parse, call a service or selector, render."""

from decimal import Decimal

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.views import APIView

from linli.core.api import ServiceViewSet, scoped
from linli.core.pagination import Pagination
from linli.core.params import IdSerializerField, IntegerSerializerField
from linli.core.tenancy import actor_for

from . import duty_api, regulator_api, selectors, services, training_api
from .models import QUARTER_PATTERN, AnnualAssessment, CreditRecord, Inspection, Rubric

SCORE = dict(max_digits=5, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("100"))


class RubricSerializer(serializers.ModelSerializer):
    categories = serializers.SerializerMethodField()

    class Meta:
        model = Rubric
        fields = ["id", "jurisdiction", "name", "version", "active", "categories"]

    def get_categories(self, rubric) -> list:
        return [{"number": c.number, "name": c.name, "responsible_units": c.responsible_units,
                 "items": [{"id": i.pk, "number": i.number, "text": i.text, "max_points": str(i.max_points)}
                           for i in c.items.all()]} for c in rubric.categories.all()]


class RubricViewSet(ServiceViewSet):
    serializer_class = RubricSerializer
    selector = selectors.rubric_list
    filterset_fields = ["jurisdiction", "active"]


class ItemScoreSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    points = serializers.DecimalField(**SCORE)


class InspectionSerializer(serializers.ModelSerializer):
    company = scoped(selectors.company_list)
    community = scoped(selectors.inspectable_community_list)
    quarter = serializers.RegexField(QUARTER_PATTERN)
    score = serializers.DecimalField(required=False, allow_null=True, **SCORE)
    rubric = scoped(selectors.rubric_list, required=False, allow_null=True)
    items = ItemScoreSerializer(many=True, required=False, write_only=True)
    item_scores = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = ["id", "company", "community", "quarter", "year", "kind", "score", "rubric", "items", "item_scores",
                  "inspected_on", "inspector", "notes"]
        read_only_fields = ["year", "kind", "inspector"]
        extra_kwargs = {"inspected_on": {"required": False}}

    def get_item_scores(self, inspection) -> list:
        return [{"item": s.item_id, "points": str(s.points)} for s in inspection.item_scores.all()]


class InspectionViewSet(ServiceViewSet):
    serializer_class = InspectionSerializer
    selector = selectors.inspection_list
    filterset_fields = ["company", "community", "quarter", "year", "kind"]
    create_service = services.inspection_create


class AnnualAssessmentSerializer(serializers.ModelSerializer):
    company = scoped(selectors.company_list)
    district = scoped(selectors.jurisdiction_list, required=False)
    score = serializers.DecimalField(**SCORE)

    class Meta:
        model = AnnualAssessment
        fields = ["id", "company", "year", "score", "district", "assessed_on", "notes"]
        extra_kwargs = {"assessed_on": {"required": False}}
        validators = []


class AnnualAssessmentViewSet(ServiceViewSet):
    serializer_class = AnnualAssessmentSerializer
    selector = selectors.annual_assessment_list
    filterset_fields = ["company", "year", "district"]
    create_service = services.annual_assessment_create


class CreditRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditRecord
        fields = ["id", "company", "jurisdiction", "kind", "title", "detail", "occurred_on", "public"]


class CreditRecordViewSet(ServiceViewSet):
    serializer_class = CreditRecordSerializer
    selector = selectors.credit_record_list
    filterset_fields = ["company", "jurisdiction", "kind"]


class ResultQuerySerializer(serializers.Serializer):
    year = IntegerSerializerField(min_value=2000, max_value=2100)
    jurisdiction = IdSerializerField(required=False)


RESULT_ROW = inline_serializer("EvaluationResultRow", many=True, fields={
    "company": serializers.IntegerField(), "company_name": serializers.CharField(),
    "quarterly_avg": serializers.CharField(allow_null=True), "annual": serializers.CharField(allow_null=True),
    "total": serializers.CharField(allow_null=True), "rank": serializers.IntegerField(allow_null=True),
    "status": serializers.ChoiceField(["recommended", "normal", "failed"], allow_null=True),
    "published": serializers.BooleanField(),
})


def result_row(row: dict, published: bool) -> dict:
    def text(value):
        return None if value is None else str(value)

    return {"company": row["company"].pk, "company_name": row["company"].name,
            "quarterly_avg": text(row["quarterly_avg"]), "annual": text(row["annual"]), "total": text(row["total"]),
            "rank": row["rank"], "status": row["status"], "published": published}


class EvaluationResultsView(APIView):
    """The year's results of the companies of a jurisdiction (DESIGN §6). A regulator reads the live
    results of its jurisdiction; a company reads only its own row. `total`, `rank` and `status` stay
    null until a company has both its quarterly inspections and its annual assessment."""

    pagination_class = Pagination

    @extend_schema(parameters=[OpenApiParameter("year", int, required=True),
                               OpenApiParameter("jurisdiction", int, description="jurisdiction organization id")],
                   responses=RESULT_ROW)
    def get(self, request):
        query = ResultQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        actor = actor_for(request.user)
        _jurisdiction, published, rows = selectors.evaluation_results(
            actor=actor, year=query.validated_data["year"], jurisdiction_id=query.validated_data.get("jurisdiction"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset([result_row(r, published) for r in rows], request, view=self)
        return paginator.get_paginated_response(page)


routes = [
    ("rubrics", RubricViewSet, "rubric"),
    ("inspections", InspectionViewSet, "inspection"),
    ("annual-assessments", AnnualAssessmentViewSet, "annual-assessment"),
    ("credit-records", CreditRecordViewSet, "credit-record"),
    *duty_api.routes,
    *regulator_api.routes,
    *training_api.routes,
]
paths = [path("evaluation-results/", EvaluationResultsView.as_view(), name="evaluation-results"), *duty_api.paths,
         *training_api.paths]
