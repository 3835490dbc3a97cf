"""Billing runs, bills (with their lines and late fees) and the collection report."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import ServiceViewSet, scoped
from linli.core.errors import NotFound
from linli.core.filters import FilterSet, IdFilter
from linli.core.params import IdSerializerField
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates

from .. import reports, selectors, services
from ..allocation import accrued_late_fee
from ..formats import format_rate
from ..models import Bill, BillingRun
from . import list_cache
from .fields import PeriodSerializerField, RateField, ReasonSerializer, money_field


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
    create_service = services.bill_run_create
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

    def perform_authentication(self, request):
        # A token's user and an owner's scope in one query (list_cache.authenticate_owner).
        self.owner_scope = list_cache.authenticate_owner(request) if self.action == "list" else None
        super().perform_authentication(request)

    def list(self, request, *args, **kwargs):
        # An owner's list comes from a cache keyed on everything it depends on, the heads of the
        # audit chains of the owner's communities among them (list_cache: never stale).
        key = list_cache.list_key(request, self.actor, self.owner_scope)
        if key is not None:
            response = list_cache.cached(key)
            if response is not None:
                return response
        response = super().list(request, *args, **kwargs)
        if key is not None:
            list_cache.store_after_render(key, response)
        return response

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
