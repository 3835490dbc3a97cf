"""Fee standards, the late-fee rule and meter readings."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from linli.core.api import ServiceViewSet, scoped
from linli.estates import selectors as estates
from linli.estates.models import Community

from .. import imports, selectors, services
from ..models import FeeRule, LateFeePolicy, MeterReading
from .fields import PeriodSerializerField, RateField, money_field


class FeeRuleSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    zone = scoped(estates.zone_list, allow_null=True, required=False)
    rate = RateField()
    low_income_rate = RateField(allow_null=True, required=False)
    annual_rate = money_field(allow_null=True, required=False, min_value=Decimal("0"), max_value=Decimal("100000"))
    effective_from = PeriodSerializerField(allow_null=True, required=False)
    effective_to = PeriodSerializerField(allow_null=True, required=False)

    class Meta:
        model = FeeRule
        fields = ["id", "community", "name", "kind", "zone", "rate", "low_income_rate", "annual_rate",
                  "effective_from", "effective_to"]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["community"].read_only = True
        return fields


class FeeRuleViewSet(ServiceViewSet):
    """Fee standards (收费标准). A rule on a zone covers its sub-zones; for a unit the deepest
    zone's rule of a kind wins. A new price is a new rule with a later `effective_from`."""

    serializer_class = FeeRuleSerializer
    filterset_fields = ["community", "zone", "kind"]
    selector = selectors.fee_rule_list
    create_service = services.fee_rule_create
    update_service = services.fee_rule_update
    service_object_name = "fee_rule"


class LateFeePolicySerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    daily_rate = serializers.DecimalField(max_digits=8, decimal_places=6, min_value=Decimal("0"),
                                          max_value=Decimal("0.01"), help_text="如 0.000500（日万分之五）")

    class Meta:
        model = LateFeePolicy
        fields = ["id", "community", "daily_rate", "grace_days", "enabled", "contract_clause"]
        extra_kwargs = {"contract_clause": {"help_text": "物业服务合同中约定违约金的条款（必填）。"}}
        validators = []


class LateFeePolicyViewSet(ServiceViewSet):
    """The late-fee rule (违约金) of a community: one per community; POST sets it. Only where the
    service contract provides a late fee (Civil Code Art. 944): `contract_clause` cites it, and a
    community has no rule until one is set."""

    serializer_class = LateFeePolicySerializer
    filterset_fields = ["community"]
    selector = selectors.late_fee_policy_list
    create_service = services.late_fee_policy_set
    update_service = services.late_fee_policy_update
    service_object_name = "late_fee_policy"


class MeterReadingSerializer(serializers.ModelSerializer):
    unit = scoped(estates.unit_list)
    period = PeriodSerializerField()
    reading = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"))

    class Meta:
        model = MeterReading
        fields = ["id", "community", "unit", "period", "reading"]
        read_only_fields = ["community"]
        validators = []


class MeterReadingImportSerializer(serializers.Serializer):
    community = scoped(estates.community_list, queryset=Community.objects.all())
    period = PeriodSerializerField()
    file = serializers.FileField(help_text="抄表文件（.xlsx），列：楼栋、房号、本次读数。")


class MeterReadingViewSet(ServiceViewSet):
    serializer_class = MeterReadingSerializer
    filterset_fields = ["community", "unit", "period"]
    selector = selectors.meter_reading_list
    create_service = services.meter_reading_record
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request={"multipart/form-data": MeterReadingImportSerializer},
                   responses=inline_serializer("MeterReadingImportResult", {"readings": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_file(self, request):
        """Readings of one period from .xlsx; any bad row rejects the file (`fields.rows` lists them)."""
        serializer = MeterReadingImportSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        count = imports.meter_reading_import(actor=self.actor, **serializer.validated_data)
        return Response({"readings": count}, status=status.HTTP_201_CREATED)
