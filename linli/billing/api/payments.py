"""Payments, reversals, receipts and online payment orders."""

from decimal import Decimal

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
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
from ..models import Payment, PaymentOrder, PaymentRefund
from ..providers import ProviderError, known_provider_names, payment_provider, provider_names
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


class PaymentRefundSerializer(serializers.ModelSerializer):
    amount = money_field(read_only=True)
    out_trade_no = serializers.CharField(source="order.out_trade_no", read_only=True)

    class Meta:
        model = PaymentRefund
        fields = ["id", "payment", "out_trade_no", "out_refund_no", "amount", "reason", "status", "failure_reason",
                  "reversal", "completed_at", "created_at"]
        read_only_fields = fields


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

    @extend_schema(request=ReasonSerializer, responses={201: PaymentSerializer, 202: PaymentRefundSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Reverse (冲销) the payment: returns the negative entry (201). A WeChat Pay or Alipay
        payment is refunded the way it came first: 202 with the refund; the negative entry follows
        when the refund succeeds (`reversal`), and a failed one leaves the payment as it was."""
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.payment_reverse(actor=self.actor, payment=self.get_object(), **serializer.validated_data)
        if isinstance(result, PaymentRefund):
            return Response(PaymentRefundSerializer(result).data, status=status.HTTP_202_ACCEPTED)
        return Response(self.get_serializer(result).data, status=status.HTTP_201_CREATED)


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

SYNC_EVERY = 10  # seconds: how often a polled pending order is asked at its gateway, at most


class PaymentOrderSerializer(serializers.ModelSerializer):
    unit = scoped(estates.unit_list)
    amount = money_field(min_value=Decimal("0.01"), max_value=Decimal("10000000"))
    provider = serializers.ChoiceField(choices=[], default="sandbox",
                                       help_text="wechatpay（微信支付）、alipay（支付宝）或 sandbox（沙箱，仅测试环境）")
    channel = serializers.ChoiceField(choices=PaymentOrder.Channel.choices, required=False,
                                      help_text="微信：native（扫码，默认）或 jsapi（微信内，需 openid）；"
                                                "支付宝：h5（手机网页，默认）或 qr（扫码）")
    openid = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=128,
                                   help_text="JSAPI 支付时付款人的 openid")
    checkout_url = serializers.SerializerMethodField()
    code_url = serializers.SerializerMethodField()
    redirect_url = serializers.SerializerMethodField()
    jsapi_params = serializers.SerializerMethodField()

    class Meta:
        model = PaymentOrder
        fields = ["id", "unit", "amount", "provider", "channel", "openid", "out_trade_no", "status", "payment",
                  "checkout_url", "code_url", "redirect_url", "jsapi_params", "expires_at", "closed_at",
                  "created_at"]
        read_only_fields = ["out_trade_no", "status", "payment", "expires_at", "closed_at", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        # Whether a provider is available here is the service's to say (400 on `provider`).
        fields["provider"].choices = known_provider_names()
        return fields

    def _payable(self, order) -> bool:
        return order.status == PaymentOrder.Status.PENDING

    def get_checkout_url(self, order) -> str:
        # An order of a provider this deployment no longer offers (a sandbox order once the
        # sandbox is off) cannot be paid any more.
        if not self._payable(order) or order.provider != "sandbox" or "sandbox" not in provider_names():
            return ""
        url = payment_provider(order.provider).checkout_url(order)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request and url.startswith("/") else url

    def get_code_url(self, order) -> str:
        """WeChat Native / Alipay QR: the content of the QR code the payer scans."""
        return order.checkout.get("code_url", "") if self._payable(order) else ""

    def get_redirect_url(self, order) -> str:
        """Alipay H5: the cashier page to send the payer's browser to."""
        return order.checkout.get("redirect_url", "") if self._payable(order) else ""

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_jsapi_params(self, order) -> dict:
        """WeChat JSAPI: what wx.requestPayment / WeixinJSBridge takes (appId, timeStamp, nonceStr,
        package, signType, paySign)."""
        return order.checkout.get("jsapi_params") or {} if self._payable(order) else {}


@extend_schema_view(retrieve=extend_schema(description="一笔在线支付订单。待支付且已创建 60 秒以上的订单，"
                                                       "读取时先向支付渠道查询（至多每 10 秒一次）：已付则入账，过期则关闭。"))
class PaymentOrderViewSet(ServiceViewSet):
    """Online payment (在线支付): create an order, then pay it with what the answer carries:
    `code_url` (a QR code: WeChat Native, Alipay QR), `redirect_url` (Alipay H5), `jsapi_params`
    (WeChat inside WeChat) or, for the sandbox, `checkout_url`. The gateway's signed notification to
    /api/v1/payment-notifications/{provider}/ records the payment; reading a pending order (the
    owner's page polls it) asks the gateway when the notification is late."""

    serializer_class = PaymentOrderSerializer
    filterset_fields = ["unit", "status"]
    selector = selectors.payment_order_list
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        notify_url = request.build_absolute_uri(reverse("payment-notification", args=[data["provider"]]))
        order = services.payment_order_create(
            actor=self.actor, unit=data["unit"], amount=data["amount"], provider=data["provider"],
            channel=data.get("channel"), openid=data.get("openid", ""), notify_url=notify_url)
        return Response(self.get_serializer(order).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, *args, **kwargs):
        order = self.get_object()
        if (order.status == PaymentOrder.Status.PENDING and timezone.now() - order.created_at >= services.SYNC_AFTER
                and cache.add(f"linli:payment-order-sync:{order.pk}", 1, SYNC_EVERY)):
            try:
                order = services.payment_order_sync(order=order)
            except ProviderError:
                pass  # the gateway cannot say now: the order is shown as it is, the job asks again
        return Response(self.get_serializer(order).data)


class PaymentNotificationView(APIView):
    """Where a provider's server reports a paid order or a finished refund. Authenticated by the
    provider's signature, not by a login; repeated notifications record one payment. Answers in the
    provider's own format (WeChat Pay: 200 / 4xx JSON; Alipay: "success" / "fail")."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(operation_id="payment_notifications_receive", request=OpenApiTypes.OBJECT,
                   responses={200: inline_serializer("PaymentNotificationResult", {
                       "code": serializers.CharField(), "out_trade_no": serializers.CharField(),
                       "status": serializers.CharField()}),
                       (200, "text/plain"): OpenApiTypes.STR})
    def post(self, request, provider: str):
        result = services.payment_notification_receive(provider=provider, body=request.body, headers=request.headers)
        answer = result.answer
        return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
