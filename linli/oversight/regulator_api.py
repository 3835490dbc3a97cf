"""The regulators' create endpoints of issue 19 item 3, collected by oversight/api.py: what only
the demo created before — renovation targets and projects, honours and their reviews (篇三 三、(三)
二, 三、(五)), qualification applications (三、(三) 一) — and the contract register (三、(二)).
Thin: each POST calls the same service as the page."""

from decimal import Decimal

from rest_framework import serializers

from linli.core.api import ServiceViewSet, scoped
from linli.orgs.models import Organization

from . import regulator_selectors, selectors, services
from .models import (
    Honour,
    HonourReview,
    RenovationProject,
    RenovationTarget,
    ServiceContract,
)

SCORE = dict(max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100))


class RenovationTargetSerializer(serializers.ModelSerializer):
    district = scoped(regulator_selectors.district_list)
    year = serializers.IntegerField(min_value=2000, max_value=2100)

    class Meta:
        model = RenovationTarget
        fields = ["id", "district", "year", "target"]
        validators = []


class RenovationTargetViewSet(ServiceViewSet):
    """A district's yearly target of old communities renovated; POST sets (or replaces) it."""

    serializer_class = RenovationTargetSerializer
    selector = regulator_selectors.renovation_target_list
    filterset_fields = ["district", "year"]
    create_service = services.renovation_target_set


class RenovationProjectSerializer(serializers.ModelSerializer):
    district = scoped(regulator_selectors.district_list)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    community = scoped(regulator_selectors.regulated_community_list, required=False, allow_null=True)
    company = scoped(selectors.company_list, required=False, allow_null=True)

    class Meta:
        model = RenovationProject
        fields = ["id", "district", "year", "name", "scope", "community", "company", "progress", "completed_on"]
        read_only_fields = ["progress", "completed_on"]


class RenovationProjectViewSet(ServiceViewSet):
    serializer_class = RenovationProjectSerializer
    selector = regulator_selectors.renovation_project_list
    filterset_fields = ["district", "year"]
    create_service = services.renovation_project_create


class HonourSerializer(serializers.ModelSerializer):
    community = scoped(regulator_selectors.regulated_community_list)
    year = serializers.IntegerField(min_value=1949, max_value=2100)

    class Meta:
        model = Honour
        fields = ["id", "community", "company", "level", "year", "title", "status", "revoked_on"]
        read_only_fields = ["company", "status", "revoked_on"]


class HonourViewSet(ServiceViewSet):
    serializer_class = HonourSerializer
    selector = selectors.honour_list
    filterset_fields = ["community", "level", "year", "status"]
    create_service = services.honour_create


class HonourReviewSerializer(serializers.ModelSerializer):
    honour = scoped(selectors.honour_list)
    score = serializers.DecimalField(**SCORE)
    status = serializers.CharField(source="honour.status", read_only=True)

    class Meta:
        model = HonourReview
        fields = ["id", "honour", "reviewed_on", "score", "passed", "notes", "status"]
        extra_kwargs = {"reviewed_on": {"required": False}}


class HonourReviewViewSet(ServiceViewSet):
    """A review of an excellent project: failing twice revokes the honour (篇三 三、(三) 二)."""

    serializer_class = HonourReviewSerializer
    selector = regulator_selectors.honour_review_list
    filterset_fields = ["honour", "passed"]
    create_service = services.honour_review


class ServiceContractSerializer(serializers.ModelSerializer):
    community = scoped(regulator_selectors.regulated_community_list)
    company = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.filter(
        kind=Organization.Kind.COMPANY))

    class Meta:
        model = ServiceContract
        fields = ["id", "community", "company", "phase", "signed_on", "start", "end", "committee", "notes"]
        read_only_fields = ["committee"]


class ServiceContractViewSet(ServiceViewSet):
    """The contract register of the committees page (篇三 三、(二))."""

    serializer_class = ServiceContractSerializer
    selector = regulator_selectors.service_contract_list
    filterset_fields = ["community", "company", "phase"]
    create_service = services.service_contract_record


routes = [
    ("renovation-targets", RenovationTargetViewSet, "renovation-target"),
    ("renovation-projects", RenovationProjectViewSet, "renovation-project"),
    ("honours", HonourViewSet, "honour"),
    ("honour-reviews", HonourReviewViewSet, "honour-review"),
    ("service-contracts", ServiceContractViewSet, "service-contract"),
]
