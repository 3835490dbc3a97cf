"""The API of staff appraisal (篇一 5.6), the manager's only: appraisals with their criteria and
band shares, scores per staff member, closing (which fixes the bands), the rankings and the .xlsx."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.core.api import ServiceViewSet, scoped
from linli.core.tenancy import actor_for
from linli.estates.api import XlsxDownloadView, xlsx_response
from linli.estates.registry.columns import XLSX_CONTENT_TYPE

from ..appraisal_export import appraisal_filename, appraisal_xlsx
from ..models import Appraisal
from ..selectors import appraisal as appraisal_selectors
from ..selectors import staff as staff_selectors
from ..services import appraisal as appraisal_services
from .common import READ_POST, EmptySerializer


class CriterionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    max = serializers.IntegerField(min_value=1, max_value=100)


class AppraisalSerializer(serializers.ModelSerializer):
    community = scoped(staff_selectors.operations_community_list)
    criteria = CriterionSerializer(many=True, required=False,
                                   help_text="留空即用默认的五项（敬业修德、高效创优、诚信进取、服务态度、团队协作与学习），每项 20 分")
    reward_percent = serializers.IntegerField(min_value=0, max_value=100, default=20)
    eliminate_percent = serializers.IntegerField(min_value=0, max_value=100, default=10)
    encourage_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Appraisal
        fields = ["id", "community", "name", "period_start", "period_end", "criteria", "reward_percent",
                  "encourage_percent", "eliminate_percent", "status", "closed_at"]
        read_only_fields = ["status", "closed_at"]


class ScoreSerializer(serializers.Serializer):
    member = scoped(staff_selectors.staff_member_list)
    scores = serializers.ListField(child=serializers.IntegerField(), help_text="按考核项目顺序，每项的得分")
    comment = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RankRowSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    position = serializers.CharField()
    team = serializers.CharField()
    scores = serializers.ListField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    rank = serializers.IntegerField()
    position_rank = serializers.IntegerField()
    team_rank = serializers.IntegerField(allow_null=True)
    band = serializers.ChoiceField(choices=["reward", "encourage", "eliminate"])


class AppraisalViewSet(ServiceViewSet):
    """Periodic staff appraisals: 20 % rewarded, 70 % encouraged, 10 % eliminated by default;
    each band's size is rounded down and ties at a boundary are encouraged."""

    serializer_class = AppraisalSerializer
    selector = appraisal_selectors.appraisal_list
    create_service = appraisal_services.appraisal_create
    filterset_fields = ["community", "status"]
    http_method_names = READ_POST

    @extend_schema(request=ScoreSerializer, responses=inline_serializer("AppraisalScored", {
        "member": serializers.IntegerField(), "scores": serializers.ListField(child=serializers.IntegerField()),
        "total": serializers.IntegerField()}))
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        """Score (or re-score) one active staff member while the appraisal is open."""
        appraisal = self.get_object()
        parsed = ScoreSerializer(data=request.data, context={"request": request})
        parsed.is_valid(raise_exception=True)
        row = appraisal_services.appraisal_score(actor=self.actor, appraisal=appraisal, **parsed.validated_data)
        return Response({"member": row.member_id, "scores": row.scores, "total": row.total})

    @extend_schema(request=EmptySerializer, responses=AppraisalSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the appraisal: each scored member's band is fixed."""
        result = appraisal_services.appraisal_close(actor=self.actor, appraisal=self.get_object())
        return Response(self.get_serializer(result).data)

    @extend_schema(responses=inline_serializer("AppraisalReport", {
        "rows": RankRowSerializer(many=True), "unscored": serializers.ListField(child=serializers.IntegerField()),
        "sizes": serializers.DictField(child=serializers.IntegerField())}))
    @action(detail=True, methods=["get"])
    def ranking(self, request, pk=None):
        """The ranking overall, per position and per team, with each member's band (provisional while open)."""
        report = appraisal_selectors.appraisal_report(actor=self.actor, appraisal=self.get_object())
        return Response({
            "rows": [{"member": r["member"].pk, "name": r["member"].name, "position": r["position"],
                      "team": r["team"], "scores": r["scores"], "total": r["total"], "rank": r["rank"],
                      "position_rank": r["position_rank"], "team_rank": r["team_rank"] if r["team"] else None,
                      "band": r["band"]} for r in report["rows"]],
            "unscored": [m.pk for m in report["unscored"]], "sizes": report["sizes"]})


class AppraisalExportView(XlsxDownloadView):
    @extend_schema(operation_id="appraisals_export", responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        """The appraisal as .xlsx: overall ranking, per position and per team."""
        actor = actor_for(request.user)
        appraisal = get_object_or_404(appraisal_selectors.appraisal_list(actor=actor), pk=pk)
        report = appraisal_selectors.appraisal_report(actor=actor, appraisal=appraisal)
        return xlsx_response(appraisal_xlsx(appraisal=appraisal, report=report), appraisal_filename(appraisal))


routes = [("appraisals", AppraisalViewSet, "appraisal")]
paths = [path("appraisals/<int:pk>/export.xlsx", AppraisalExportView.as_view(), name="appraisal-export")]
