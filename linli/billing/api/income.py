"""Common income (公共收益): leases, rent bills, the ledger and spending."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.core.api import ServiceViewSet, scoped
from linli.core.masking import mask_phone
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates

from .. import selectors, services
from ..models import CommonLedgerEntry, CommonSpending, Lease, LeaseBill, Payment
from .fields import money_field


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
