"""The committee's duties (篇四 §二): the property service's budget, owners' concerns, and the
scrutineers and tellers who sign a count."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from linli.core.api import scoped
from linli.estates.selectors import community_list, unit_list

from .. import selectors, services
from ..models import CountOfficer, OwnerConcern, ServiceBudget, ServiceBudgetLine
from .common import GovernanceViewSet, NoteInput, money_field


class BudgetLineSerializer(serializers.ModelSerializer):
    amount = money_field(min_value=Decimal("0.00"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    class Meta:
        model = ServiceBudgetLine
        fields = ["item", "amount", "note"]


class ServiceBudgetSerializer(serializers.ModelSerializer):
    community = scoped(community_list)
    lines = BudgetLineSerializer(many=True)
    total = money_field(read_only=True)
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")

    class Meta:
        model = ServiceBudget
        fields = ["id", "community", "year", "kind", "title", "note", "lines", "total", "status", "review_note",
                  "approved_at", "disclosed_at"]
        read_only_fields = ["status", "review_note", "approved_at", "disclosed_at"]


class BudgetRevision(serializers.Serializer):
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    lines = BudgetLineSerializer(many=True)


class ServiceBudgetViewSet(GovernanceViewSet):
    """The annual property-service budget and final accounts (`kind` budget | final, 篇四 §二.4):
    drafted and submitted by the company, approved (or returned) by the committee, then disclosed
    to the owners, who see them from then on."""

    serializer_class = ServiceBudgetSerializer
    filterset_fields = ["community", "year", "kind", "status"]
    selector = selectors.service_budget_list
    create_service = services.service_budget_create

    def _done(self, budget):
        budget.refresh_from_db()
        return self.respond(ServiceBudgetSerializer, budget, created=False)

    @extend_schema(request=BudgetRevision, responses=ServiceBudgetSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """The company reworks a draft or a returned one (its lines are replaced)."""
        return self._done(services.service_budget_revise(actor=self.actor, budget=self.get_object(),
                                                         **self.action_input(BudgetRevision)))

    @extend_schema(request=None, responses=ServiceBudgetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._done(services.service_budget_submit(actor=self.actor, budget=self.get_object()))

    @extend_schema(request=NoteInput, responses=ServiceBudgetSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._done(services.service_budget_review(actor=self.actor, budget=self.get_object(), approve=True,
                                                         **self.action_input(NoteInput)))

    @extend_schema(request=NoteInput, responses=ServiceBudgetSerializer, operation_id="service_budgets_return")
    @action(detail=True, methods=["post"], url_path="return")
    def return_budget(self, request, pk=None):
        """The committee returns it to the company, with its opinion (`note`)."""
        return self._done(services.service_budget_review(actor=self.actor, budget=self.get_object(), approve=False,
                                                         **self.action_input(NoteInput)))

    @extend_schema(request=None, responses=ServiceBudgetSerializer)
    @action(detail=True, methods=["post"])
    def disclose(self, request, pk=None):
        """Disclose an approved budget or final accounts to every owner of the community."""
        return self._done(services.service_budget_disclose(actor=self.actor, budget=self.get_object()))


class OwnerConcernSerializer(serializers.ModelSerializer):
    owner = scoped(selectors.owner_choices)
    unit = scoped(unit_list, allow_null=True, required=False, default=None)
    text = serializers.CharField(max_length=1500)

    class Meta:
        model = OwnerConcern
        fields = ["id", "community", "owner", "unit", "subject", "text", "status", "answer", "answered_at",
                  "service_request"]
        read_only_fields = ["community", "status", "answer", "answered_at", "service_request"]


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=2000)


class HandOffInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in services.HAND_OFF_KINDS], default="complaint")
    answer = serializers.CharField(max_length=services.HAND_OFF_OPINION_MAX, required=False, allow_blank=True,
                                   default="")


class OwnerConcernViewSet(GovernanceViewSet):
    """Owners' concerns raised with the committee first (篇四 §二): the owner raises one in their
    own name; the committee answers it, or hands it to the company as a service request."""

    serializer_class = OwnerConcernSerializer
    filterset_fields = ["community", "status", "owner"]
    selector = selectors.owner_concern_list
    create_service = services.owner_concern_raise

    @extend_schema(request=AnswerInput, responses=OwnerConcernSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        concern = services.owner_concern_answer(actor=self.actor, concern=self.get_object(),
                                                **self.action_input(AnswerInput))
        return self.respond(OwnerConcernSerializer, concern, created=False)

    @extend_schema(request=HandOffInput, responses=OwnerConcernSerializer)
    @action(detail=True, methods=["post"], url_path="hand-off")
    def hand_off(self, request, pk=None):
        """Hand the concern to the company as the owner's service request (`kind`: repair | complaint | help)."""
        concern = services.owner_concern_hand_off(actor=self.actor, concern=self.get_object(),
                                                  **self.action_input(HandOffInput))
        return self.respond(OwnerConcernSerializer, concern, created=False)


class CountOfficerSerializer(serializers.ModelSerializer):
    election = scoped(selectors.election_list, allow_null=True, required=False, default=None)
    assembly = scoped(selectors.assembly_list, allow_null=True, required=False, default=None)
    owner = scoped(selectors.owner_choices, allow_null=True, required=False, default=None)
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")

    class Meta:
        model = CountOfficer
        fields = ["id", "election", "assembly", "role", "name", "owner", "signed_at", "signed_digest"]
        read_only_fields = ["signed_at", "signed_digest"]


class CountOfficerViewSet(GovernanceViewSet):
    """Scrutineers and tellers (`role`: scrutineer | teller) of an election or an assembly
    (篇四 §一.7(2)); after the count each signs it (`sign`), binding the digest of its ballots."""

    serializer_class = CountOfficerSerializer
    filterset_fields = ["election", "assembly", "role"]
    selector = selectors.count_officer_list
    create_service = services.count_officer_add

    @extend_schema(request=None, responses=CountOfficerSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        officer = services.count_sign(actor=self.actor, officer=self.get_object())
        return self.respond(CountOfficerSerializer, officer, created=False)
