"""Payments, reversals, receipts and online payment orders."""

from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import FirstRendererNegotiation, ServiceViewSet, scoped
from linli.core.errors import ValidationFailed
from linli.core.filters import FilterSet
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates

from .. import selectors, services
from ..models import Payment, PaymentOrder
from ..providers import known_provider_names, payment_provider, provider_names
from ..receipts import receipt_pdf
from .fields import ReasonSerializer, money_field


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
