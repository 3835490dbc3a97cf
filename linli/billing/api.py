"""The billing API (DESIGN §5 Billing). Thin: parse, call a service or selector, render.
Amounts travel as strings with two decimals; rates with two to four."""

from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import FirstRendererNegotiation, ServiceViewSet, scoped
from linli.core.errors import NotFound, ValidationFailed
from linli.core.filters import FilterSet, IdFilter
from linli.core.masking import mask_phone
from linli.core.params import IdSerializerField
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates
from linli.estates.models import Community

from . import imports, reports, selectors, services
from .allocation import accrued_late_fee
from .formats import format_rate
from .models import (
    Bill,
    BillingRun,
    CommonLedgerEntry,
    CommonSpending,
    FeeRule,
    LateFeePolicy,
    Lease,
    LeaseBill,
    MeterReading,
    Payment,
    PaymentOrder,
)
from linli.core.dates import parse_period
from .providers import known_provider_names, payment_provider, provider_names
from .receipts import receipt_pdf
from .runs import bill_run_create


def money_field(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class RateField(serializers.DecimalField):
    """A rate: up to four places in, at least two out ("0.40", "0.125")."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=12, decimal_places=4, min_value=Decimal("0"), max_value=Decimal("100000"),
                         **kwargs)

    def to_representation(self, value):
        return format_rate(value)


class PeriodSerializerField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "YYYY-MM")
        super().__init__(max_length=7, **kwargs)

    def to_internal_value(self, data):
        try:
            return str(parse_period(super().to_internal_value(data)))
        except ValidationFailed as exc:
            raise serializers.ValidationError(exc.fields["period"]) from None


# Fee rules and settings -------------------------------------------------------------------

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


# Billing runs and bills -------------------------------------------------------------------

class BillingRunSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    period = PeriodSerializerField()
    total = money_field(read_only=True)

    class Meta:
        model = BillingRun
        fields = ["id", "community", "period", "bills_created", "total", "lease_bills_created", "created_at",
                  "updated_at"]
        read_only_fields = ["bills_created", "lease_bills_created", "created_at", "updated_at"]
        validators = []


class BillingRunViewSet(ServiceViewSet):
    """POST bills a community for a period (set-based, atomic). Running it again for the same
    period bills only units that have no bill yet: otherwise it creates and changes nothing. The
    period is at most the month after the current one, and not before the community's first billing
    month (its units' earliest `billing_start`, when every unit has one): else 400
    `period_out_of_range`."""

    serializer_class = BillingRunSerializer
    filterset_fields = ["community", "period"]
    selector = selectors.billing_run_list
    create_service = bill_run_create
    http_method_names = ["get", "post", "head", "options"]


class BillLineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    description = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2)
    rate = RateField()
    amount = money_field()


def bill_lines(bill) -> list[dict]:
    """What BillLineSerializer(many=True) gives for the bill's lines, at a fraction of the cost:
    from the rows a list attached (selectors.bill_line_rows_attach), else from the lines."""
    rows = getattr(bill, "line_rows", None)
    if rows is None:
        rows = [(line.kind, line.description, line.quantity, line.rate, line.amount) for line in bill.lines.all()]
    return [{"kind": kind, "description": description, "quantity": f"{quantity:.2f}", "rate": format_rate(rate),
             "amount": f"{amount:.2f}"} for kind, description, quantity, rate, amount in rows]


@extend_schema_field(BillLineSerializer(many=True))
class BillLinesField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, bill):
        return bill_lines(bill)


class BillSerializer(serializers.ModelSerializer):
    amount = money_field(read_only=True)
    paid = money_field(read_only=True)
    outstanding = money_field(read_only=True)
    late_fee = serializers.SerializerMethodField(help_text="今天结清应付的违约金")
    lines = BillLinesField()
    late_fee_waived = serializers.SerializerMethodField()

    class Meta:
        model = Bill
        fields = ["id", "community", "unit", "period", "amount", "paid", "outstanding", "status", "late_fee",
                  "late_fee_waived", "late_fee_waive_reason", "lines"]
        read_only_fields = fields

    def to_representation(self, bill):
        # Written out: the generic loop over the fields costs more than the queries behind an
        # owner's bill list (bench/api_load.py). tests/scale/test_api_fast_paths.py holds it
        # equal to the generic output.
        return {"id": bill.pk, "community": bill.community_id, "unit": bill.unit_id, "period": bill.period,
                "amount": f"{bill.amount:.2f}", "paid": f"{bill.paid:.2f}", "outstanding": f"{bill.outstanding:.2f}",
                "status": bill.status, "late_fee": self.get_late_fee(bill),
                "late_fee_waived": self.get_late_fee_waived(bill),
                "late_fee_waive_reason": bill.late_fee_waive_reason, "lines": bill_lines(bill)}

    def get_late_fee(self, bill) -> str:
        policies = self.context.setdefault("late_fee_policies", {})
        if bill.community_id not in policies:
            policies[bill.community_id] = selectors.late_fee_policy_of(bill.community_id)
        if "today" not in self.context:
            self.context["today"] = timezone.localdate()
        return str(accrued_late_fee(bill, policies[bill.community_id], self.context["today"]))

    def get_late_fee_waived(self, bill) -> bool:
        return bill.late_fee_waived_at is not None


class BillFilter(FilterSet):
    zone = IdFilter(field_name="unit__building__zone_id")
    building = IdFilter(field_name="unit__building_id")

    class Meta:
        model = Bill
        fields = ["community", "unit", "period", "status", "zone", "building"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class BillViewSet(ServiceViewSet):
    """Bills (`lines` itemised). `late_fee` is what settling it today would add."""

    serializer_class = BillSerializer
    filterset_class = BillFilter
    selector = selectors.bill_list
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        # The serializer needs no unit object (the selector joins them for the pages).
        queryset = super().get_queryset().select_related(None).order_by("period", "id")
        return queryset if self.action == "list" else queryset.prefetch_related("lines")

    def paginate_queryset(self, queryset):
        # A page's lines as plain rows in one query: as model instances, prefetched, they cost a
        # third of an owner's bill list (bench/api_load.py).
        page = super().paginate_queryset(queryset)
        selectors.bill_line_rows_attach(page)
        return page

    @extend_schema(request=ReasonSerializer, responses=BillSerializer)
    @action(detail=True, methods=["post"], url_path="waive-late-fee")
    def waive_late_fee(self, request, pk=None):
        """A manager waives the bill's late fee (违约金减免), with the reason on record."""
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bill = services.bill_late_fee_waive(actor=self.actor, bill=self.get_object(), **serializer.validated_data)
        return Response(self.get_serializer(bill).data)


# Payments ---------------------------------------------------------------------------------

class AllocationSerializer(serializers.Serializer):
    bill = serializers.IntegerField(source="bill_id")
    amount = money_field()
    late_fee = money_field()


class PaymentSerializer(serializers.ModelSerializer):
    unit = scoped(estates.unit_list)
    amount = money_field(min_value=Decimal("0.01"), max_value=Decimal("10000000"))
    credit = money_field(read_only=True)
    late_fee = money_field(read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = ["id", "community", "unit", "kind", "amount", "method", "receipt_no", "allocations", "credit",
                  "late_fee", "status", "received_at", "received_by", "reverses", "reason"]
        read_only_fields = ["community", "kind", "receipt_no", "received_at", "received_by", "reverses", "reason"]

    def get_status(self, payment) -> str:
        return "void" if payment.is_void else "valid"


class PaymentFilter(FilterSet):
    date = filters.DateFilter(method="on_date", label="收款日期")

    class Meta:
        model = Payment
        fields = ["community", "unit", "method", "kind", "date"]

    def on_date(self, queryset, name, value):
        return queryset.filter(received_at__date=value)


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="客户端生成的唯一键（如 UUID）。同一个键再次提交时返回第一次的收款，不会重复记账。")


class PaymentViewSet(ServiceViewSet):
    """Payments (收款): they settle the oldest open bills first; what is left becomes credit.
    Reversal adds a negative entry and voids the receipt; nothing is deleted."""

    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    selector = selectors.payment_list
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("allocations")

    @extend_schema(parameters=[IDEMPOTENCY_KEY], responses={201: PaymentSerializer, 200: PaymentSerializer})
    def create(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            raise ValidationFailed(fields={"Idempotency-Key": ["请在请求头 Idempotency-Key 中提供唯一键。"]},
                                   code="idempotency_key_required")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        payment, created = services.payment_record(actor=self.actor, unit=data["unit"], amount=data["amount"],
                                                   method=data["method"], idempotency_key=key)
        return Response(self.get_serializer(payment).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=ReasonSerializer, responses={201: PaymentSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Reverse (冲销) the payment: returns the negative entry."""
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reversal = services.payment_reverse(actor=self.actor, payment=self.get_object(), **serializer.validated_data)
        return Response(self.get_serializer(reversal).data, status=status.HTTP_201_CREATED)


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


class ReceiptView(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(operation_id="payments_receipt", responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        """The payment's receipt (收款收据) as PDF; a reversed payment's is marked 作废."""
        payment = get_object_or_404(selectors.payment_list(actor=actor_for(request.user))
                                    .filter(kind=Payment.Kind.PAYMENT), pk=pk)
        return pdf_response(receipt_pdf(payment), f"收据-{payment.receipt_no}.pdf")


# Online payment ---------------------------------------------------------------------------

class PaymentOrderSerializer(serializers.ModelSerializer):
    unit = scoped(estates.unit_list)
    amount = money_field(min_value=Decimal("0.01"), max_value=Decimal("10000000"))
    provider = serializers.ChoiceField(choices=[], default="sandbox")
    checkout_url = serializers.SerializerMethodField()

    class Meta:
        model = PaymentOrder
        fields = ["id", "unit", "amount", "provider", "out_trade_no", "status", "payment", "checkout_url",
                  "created_at"]
        read_only_fields = ["out_trade_no", "status", "payment", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        # Whether a provider is available here is the service's to say (400 on `provider`).
        fields["provider"].choices = known_provider_names()
        return fields

    def get_checkout_url(self, order) -> str:
        # An order of a provider this deployment no longer offers (a sandbox order once the
        # sandbox is off) cannot be paid any more.
        if order.status != PaymentOrder.Status.PENDING or order.provider not in provider_names():
            return ""
        url = payment_provider(order.provider).checkout_url(order)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request and url.startswith("/") else url


class PaymentOrderViewSet(ServiceViewSet):
    """Online payment (在线支付): create an order, send the payer to `checkout_url`; the
    provider's signed notification to /api/v1/payment-notifications/{provider}/ records the payment."""

    serializer_class = PaymentOrderSerializer
    filterset_fields = ["unit", "status"]
    selector = selectors.payment_order_list
    create_service = services.payment_order_create
    http_method_names = ["get", "post", "head", "options"]


class PaymentNotificationView(APIView):
    """Where a provider's server reports a paid order. Authenticated by the provider's signature,
    not by a login; repeated notifications record one payment."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(operation_id="payment_notifications_receive", request=OpenApiTypes.OBJECT,
                   responses=inline_serializer("PaymentNotificationResult", {
                       "out_trade_no": serializers.CharField(), "status": serializers.CharField()}))
    def post(self, request, provider: str):
        order = services.payment_notification_receive(provider=provider, body=request.body, headers=request.headers)
        return Response({"out_trade_no": order.out_trade_no, "status": order.status})


# Common income ----------------------------------------------------------------------------

class LeaseSerializer(serializers.ModelSerializer):
    premises = scoped(estates.premises_list)
    monthly_rent = money_field(min_value=Decimal("0.01"), max_value=Decimal("10000000"))

    class Meta:
        model = Lease
        fields = ["id", "community", "premises", "tenant", "tenant_phone", "monthly_rent", "start", "end", "note"]
        read_only_fields = ["community"]

    def to_representation(self, lease):
        data = super().to_representation(lease)
        if not actor_for(self.context["request"].user).can("personal.phone", lease.community_id):
            data["tenant_phone"] = mask_phone(data["tenant_phone"])
        return data


class LeaseViewSet(ServiceViewSet):
    """Lease contracts of the commercial premises (经营用房). Their rent is common income."""

    serializer_class = LeaseSerializer
    filterset_fields = ["community", "premises"]
    selector = selectors.lease_list
    create_service = services.lease_create
    update_service = services.lease_update


class LeaseBillSerializer(serializers.ModelSerializer):
    amount = money_field(read_only=True)
    paid = money_field(read_only=True)
    outstanding = money_field(read_only=True)

    class Meta:
        model = LeaseBill
        fields = ["id", "community", "lease", "period", "amount", "paid", "outstanding", "status"]
        read_only_fields = fields


class LeasePaymentSerializer(serializers.Serializer):
    amount = money_field(min_value=Decimal("0.01"), max_value=Decimal("10000000"))
    method = serializers.ChoiceField(choices=Payment.Method.choices)


class CommonLedgerEntrySerializer(serializers.ModelSerializer):
    amount = money_field(read_only=True)
    # Declared because a read-only model field loses `blank`, and income other than rent has no method.
    method = serializers.ChoiceField(choices=Payment.Method.choices, allow_blank=True, read_only=True)

    class Meta:
        model = CommonLedgerEntry
        fields = ["id", "community", "kind", "amount", "date", "description", "lease_bill", "spending", "method",
                  "created_at"]
        read_only_fields = fields


class LeaseBillViewSet(ServiceViewSet):
    serializer_class = LeaseBillSerializer
    filterset_fields = ["community", "lease", "period", "status"]
    selector = selectors.lease_bill_list
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=LeasePaymentSerializer, responses={201: CommonLedgerEntrySerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        """Rent received: an entry of the common-income ledger."""
        serializer = LeasePaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.lease_bill_pay(actor=self.actor, lease_bill=self.get_object(), **serializer.validated_data)
        return Response(CommonLedgerEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CommonLedgerViewSet(ServiceViewSet):
    """The common-income ledger (公共收益台账), open to everyone in the community."""

    serializer_class = CommonLedgerEntrySerializer
    filterset_fields = ["community", "kind"]
    selector = selectors.common_ledger_list
    http_method_names = ["get", "head", "options"]


class CommonSpendingSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    amount = money_field(min_value=Decimal("0.01"), max_value=Decimal("10000000"))

    class Meta:
        model = CommonSpending
        fields = ["id", "community", "title", "description", "amount", "status", "decided_at", "decision_note",
                  "created_at"]
        read_only_fields = ["status", "decided_at", "decision_note", "created_at"]


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CommonSpendingViewSet(ServiceViewSet):
    """Spending from the common income: proposed by the company, decided by the owners' committee."""

    serializer_class = CommonSpendingSerializer
    filterset_fields = ["community", "status"]
    selector = selectors.common_spending_list
    create_service = services.common_spending_propose
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=DecisionSerializer, responses=CommonSpendingSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        spending = services.common_spending_decide(actor=self.actor, spending=self.get_object(),
                                                   **serializer.validated_data)
        return Response(self.get_serializer(spending).data)


# Reports ----------------------------------------------------------------------------------

class CollectionQuerySerializer(serializers.Serializer):
    community = IdSerializerField()
    period = PeriodSerializerField()


class CollectionReportView(APIView):
    @extend_schema(operation_id="reports_collection", parameters=[CollectionQuerySerializer],
                   responses=inline_serializer("CollectionReport", {
                       "community": serializers.IntegerField(), "period": serializers.CharField(),
                       "billed": serializers.CharField(), "collected": serializers.CharField(),
                       "rate": serializers.CharField(allow_null=True, help_text="收缴率，0–1，四位小数")}))
    def get(self, request):
        """Collection rate of a period: paid on the period's bills ÷ billed for the period."""
        query = CollectionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        actor = actor_for(request.user)
        community = selectors.supervised_community_list(actor=actor).filter(pk=query.validated_data["community"]).first()
        if community is None:
            raise NotFound()
        row = reports.collection(community=community, period=query.validated_data["period"])
        return Response({"community": community.pk, "period": query.validated_data["period"],
                         "billed": str(row.billed), "collected": str(row.collected),
                         "rate": None if row.rate is None else str(row.rate)})


# Collected by linli/api_urls.py; paths come before the router, whose format-suffix routes would
# otherwise read "receipt.pdf" as a format.
routes = [
    ("fee-rules", FeeRuleViewSet, "fee-rule"),
    ("late-fee-policies", LateFeePolicyViewSet, "late-fee-policy"),
    ("meter-readings", MeterReadingViewSet, "meter-reading"),
    ("billing-runs", BillingRunViewSet, "billing-run"),
    ("bills", BillViewSet, "bill"),
    ("payments", PaymentViewSet, "payment"),
    ("payment-orders", PaymentOrderViewSet, "payment-order"),
    ("leases", LeaseViewSet, "lease"),
    ("lease-bills", LeaseBillViewSet, "lease-bill"),
    ("common-ledger", CommonLedgerViewSet, "common-ledger-entry"),
    ("common-spendings", CommonSpendingViewSet, "common-spending"),
]
paths = [
    path("payments/<int:pk>/receipt.pdf", ReceiptView.as_view(), name="payment-receipt"),
    path("payment-notifications/<str:provider>/", PaymentNotificationView.as_view(), name="payment-notification"),
    path("reports/collection/", CollectionReportView.as_view(), name="report-collection"),
]
