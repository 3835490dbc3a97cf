"""The maintenance fund: its uses, the units' ledgers and the interest."""

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.core.api import scoped
from linli.core.filters import FilterSet
from linli.estates.selectors import community_list, unit_list

from .. import selectors, services
from ..models import FundEntry, FundInterest, FundObjection, FundUsage
from .common import GovernanceViewSet, OwnerInput, money_field


class FundUsageSerializer(serializers.ModelSerializer):
    community = scoped(community_list)
    units = scoped(unit_list, many=True)
    amount = money_field(min_value=Decimal("0.01"))
    assembly = scoped(selectors.assembly_list, allow_null=True, required=False, write_only=True, default=None)
    objections = serializers.SerializerMethodField()

    class Meta:
        model = FundUsage
        fields = ["id", "community", "title", "description", "amount", "contractor", "units", "mode", "category",
                  "publicity_ends", "assembly", "motion", "status", "objections", "decision", "decided_at",
                  "approved_by", "published_at", "paid_at"]
        read_only_fields = ["motion", "status", "decision", "decided_at", "approved_by", "published_at", "paid_at"]

    def get_objections(self, usage) -> int:
        return usage.objections.count()


class PublishInput(serializers.Serializer):
    publicity_ends = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                               help_text="否定表决的公示截止：不早于发布后 7 日（留空沿用草稿的）。")
    assembly = scoped(selectors.assembly_list, allow_null=True, required=False, default=None,
                      help_text="业主大会表决：列入哪一次业主大会（留空为下一次）。")


class PayInput(serializers.Serializer):
    amount = money_field(required=False, allow_null=True, default=None)


DECISION = inline_serializer("FundUsageDecision", {
    "approved": serializers.BooleanField(), "scope_owners": serializers.IntegerField(),
    "scope_area": serializers.DecimalField(14, 2), "objecting_owners": serializers.IntegerField(),
    "objecting_area": serializers.DecimalField(14, 2),
})


class FundObjectionSerializer(serializers.ModelSerializer):
    owner = scoped(selectors.owner_choices)

    class Meta:
        model = FundObjection
        fields = ["id", "usage", "owner", "at"]
        read_only_fields = ["usage", "at"]


class FundUsageViewSet(GovernanceViewSet):
    """Uses of the maintenance fund: `mode` assembly | negative_vote | emergency. The company's
    manager drafts (`draft`); the committee — the residents' committee where there is none —
    publishes, which starts the publicity or the vote."""

    serializer_class = FundUsageSerializer
    filterset_fields = ["community", "mode", "status"]
    selector = selectors.fund_usage_list
    create_service = services.fund_usage_create

    @extend_schema(request=PublishInput, responses=FundUsageSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft: a negative vote's publicity (at least 7 days) or the assembly's motion."""
        usage = services.fund_usage_publish(actor=self.actor, usage=self.get_object(),
                                            **self.action_input(PublishInput))
        return self.respond(FundUsageSerializer, usage, created=False)

    @extend_schema(request=OwnerInput, responses={201: FundObjectionSerializer})
    @action(detail=True, methods=["post"])
    def objections(self, request, pk=None):
        """An objection by an owner of the scope, during the publicity (negative_vote)."""
        objection = services.fund_objection_record(actor=self.actor, usage=self.get_object(),
                                                   **self.action_input(OwnerInput))
        return self.respond(FundObjectionSerializer, objection)

    @extend_schema(request=None, responses=DECISION)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return Response(services.fund_usage_decide(actor=self.actor, usage=self.get_object()))

    @extend_schema(request=PayInput, responses=FundUsageSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        """Pay an approved use from the scope's ledgers, shared by built area to the fen."""
        usage = self.get_object()
        services.fund_usage_pay(actor=self.actor, usage=usage, **self.action_input(PayInput))
        usage.refresh_from_db()
        return self.respond(FundUsageSerializer, usage, created=False)


class FundEntrySerializer(serializers.ModelSerializer):
    unit = scoped(unit_list)
    # Every kind is read back (interest and withdrawals are posted by the fund's own services); only two are entered.
    kind = serializers.ChoiceField(choices=FundEntry.Kind.choices,
                                   help_text="录入：first_deposit（按 rate × 建筑面积）或 top_up（amount）。")
    amount = money_field(required=False)
    balance = money_field(read_only=True)
    rate = serializers.DecimalField(max_digits=10, decimal_places=2, write_only=True, required=False,
                                    help_text="首期交存标准（元/m²）")

    class Meta:
        model = FundEntry
        fields = ["id", "unit", "kind", "amount", "rate", "balance", "usage", "memo", "at"]
        read_only_fields = ["usage", "at"]

    def validate_kind(self, kind):
        if kind not in (FundEntry.Kind.FIRST_DEPOSIT, FundEntry.Kind.TOP_UP):
            raise serializers.ValidationError(_("只能录入首期交存（first_deposit）或续筹（top_up）。"))
        return kind


class FundEntryFilter(FilterSet):
    class Meta:
        model = FundEntry
        fields = ["community", "unit", "kind", "usage"]


class FundLedgerViewSet(GovernanceViewSet):
    """The maintenance fund's ledger, a line per entry: `?unit=` gives one unit's ledger."""

    serializer_class = FundEntrySerializer
    filterset_class = FundEntryFilter
    selector = selectors.fund_entry_list

    def create(self, request, *args, **kwargs):
        """Record a first deposit (`rate` 元/m² × built area) or a top-up (`amount`) for a unit."""
        data = self.action_input(FundEntrySerializer)
        unit = data["unit"]
        if data["kind"] == FundEntry.Kind.FIRST_DEPOSIT:
            if "rate" not in data:
                raise serializers.ValidationError({"rate": [_("请填写首期交存标准。")]})
            entry = services.fund_first_deposit(actor=self.actor, community=unit.community, units=[unit],
                                                rate=data["rate"], memo=data.get("memo", ""))[0]
        else:
            if "amount" not in data:
                raise serializers.ValidationError({"amount": [_("请填写金额。")]})
            entry = services.fund_top_up(actor=self.actor, unit=unit, amount=data["amount"],
                                         memo=data.get("memo", ""))
        return self.respond(FundEntrySerializer, entry)


class FundInterestSerializer(serializers.ModelSerializer):
    community = scoped(community_list)
    amount = money_field(min_value=Decimal("0.01"))
    memo = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")

    class Meta:
        model = FundInterest
        fields = ["id", "community", "amount", "memo", "status", "proposed_by", "confirmed_by", "posted_at"]
        read_only_fields = ["status", "proposed_by", "confirmed_by", "posted_at"]


class FundInterestViewSet(GovernanceViewSet):
    """Interest credited to a community's fund, shared pro rata to the balances (exact to the fen).
    Posted at once by the company's finance staff; a committee member's entry is `pending` until
    a second member confirms it."""

    serializer_class = FundInterestSerializer
    filterset_fields = ["community", "status"]
    selector = selectors.fund_interest_list
    create_service = services.fund_interest_record

    @extend_schema(request=None, responses=FundInterestSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """A second committee member confirms the entry; the interest reaches the ledgers."""
        interest = services.fund_interest_confirm(actor=self.actor, interest=self.get_object())
        return self.respond(FundInterestSerializer, interest, created=False)
