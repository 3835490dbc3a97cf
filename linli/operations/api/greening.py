"""The API of greening and facilities (篇一 五): species, planting records, vegetable plots in the
green belts (report → notice → cleared) and streetlight faults handed to the power company."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from linli.core.api import ServiceViewSet, scoped
from linli.core.parsers import JSONParser
from linli.estates import selectors as estates

from ..models import Planting, PlantSpecies, PlotClearance, StreetlightFault
from ..selectors import greening as greening_selectors
from ..selectors.staff import operations_community_list
from ..services import greening as greening_services
from .common import READ_POST, community_or_404

PARSERS = [MultiPartParser, FormParser, JSONParser]


class PlantSpeciesSerializer(serializers.ModelSerializer):
    community = scoped(operations_community_list)

    class Meta:
        model = PlantSpecies
        fields = ["id", "community", "name", "evergreen", "tall_crown", "colourful"]
        validators = []


class PlantSpeciesViewSet(ServiceViewSet):
    """Species, marked evergreen / tall-crowned / colourful for the 3.3 rule."""

    serializer_class = PlantSpeciesSerializer
    selector = greening_selectors.plant_species_list
    create_service = greening_services.plant_species_create
    update_service = greening_services.plant_species_update
    service_object_name = "plant_species"
    filterset_fields = ["community", "evergreen"]


class PlantingSerializer(serializers.ModelSerializer):
    community = scoped(operations_community_list)
    species = scoped(greening_selectors.plant_species_list)
    zone = scoped(estates.zone_list, allow_null=True, required=False)
    evergreen = serializers.BooleanField(source="species.evergreen", read_only=True)

    class Meta:
        model = Planting
        fields = ["id", "community", "zone", "area", "location", "species", "evergreen", "kind", "quantity", "date",
                  "note", "recorded_by"]
        read_only_fields = ["recorded_by"]


class PlantingViewSet(ServiceViewSet):
    """Planting and replanting (3.1); `evergreen-check` lists the prominent areas still without evergreens (3.3)."""

    serializer_class = PlantingSerializer
    selector = greening_selectors.planting_list
    create_service = greening_services.planting_create
    filterset_fields = ["community", "area", "kind", "species"]
    http_method_names = READ_POST

    @extend_schema(responses=inline_serializer("EvergreenCheck", {
        "area": serializers.CharField(), "label": serializers.CharField(),
        "evergreens": serializers.IntegerField(), "missing": serializers.BooleanField()}, many=True))
    @action(detail=False, methods=["get"], url_path=r"evergreen-check/(?P<community_id>\d+)")
    def evergreen_check(self, request, community_id=None):
        """For each prominent area of 3.3 (中心游园, 广场周围, 居民活动场所): the evergreens planted, missing when none."""
        community = community_or_404(self.actor, community_id)
        gaps = greening_selectors.evergreen_gaps(actor=self.actor, community=community)
        return Response([{**g, "label": str(g["label"])} for g in gaps])


class PlotSerializer(serializers.ModelSerializer):
    community = scoped(operations_community_list)
    zone = scoped(estates.zone_list, allow_null=True, required=False)
    photo = serializers.FileField(write_only=True, required=False, help_text="清除前照片，可选")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = PlotClearance
        fields = ["id", "community", "zone", "location", "description", "status", "reported_on", "photo",
                  "notified_on", "deadline", "cleared_on", "overdue"]
        read_only_fields = ["status", "notified_on", "deadline", "cleared_on"]
        extra_kwargs = {"reported_on": {"required": False, "help_text": "默认今天"}}

    def get_overdue(self, plot) -> bool:
        return plot.overdue_on(timezone.localdate())


class NotifySerializer(serializers.Serializer):
    notified_on = serializers.DateField(required=False)
    deadline = serializers.DateField(required=False, help_text="默认通知日期后 7 天")


class ClearSerializer(serializers.Serializer):
    cleared_on = serializers.DateField(required=False)
    photo = serializers.FileField(required=False, help_text="清除后照片，可选")


class PlotViewSet(ServiceViewSet):
    """Vegetables in the green belts (3.2): reported, notice with a deadline, cleared; overdue past the deadline."""

    serializer_class = PlotSerializer
    selector = greening_selectors.plot_list
    create_service = greening_services.plot_report
    filterset_fields = ["community", "status", "zone"]
    http_method_names = READ_POST
    parser_classes = PARSERS

    @extend_schema(request=NotifySerializer, responses=PlotSerializer)
    @action(detail=True, methods=["post"])
    def notify(self, request, pk=None):
        parsed = NotifySerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        plot = greening_services.plot_notify(actor=self.actor, plot=self.get_object(), **parsed.validated_data)
        return Response(self.get_serializer(plot).data)

    @extend_schema(request={"multipart/form-data": ClearSerializer}, responses=PlotSerializer)
    @action(detail=True, methods=["post"])
    def clear(self, request, pk=None):
        parsed = ClearSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        plot = greening_services.plot_clear(actor=self.actor, plot=self.get_object(), **parsed.validated_data)
        return Response(self.get_serializer(plot).data)


class StreetlightSerializer(serializers.ModelSerializer):
    community = scoped(operations_community_list)
    zone = scoped(estates.zone_list, allow_null=True, required=False)
    days_open = serializers.SerializerMethodField()
    due_on = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = StreetlightFault
        fields = ["id", "community", "zone", "location", "description", "status", "reported_on", "handed_over_on",
                  "power_reference", "promised_by", "fixed_on", "days_open", "due_on", "overdue"]
        read_only_fields = ["status", "handed_over_on", "power_reference", "promised_by", "fixed_on"]
        extra_kwargs = {"reported_on": {"required": False, "help_text": "默认今天"}}

    def get_days_open(self, fault) -> int:
        return fault.days_open(timezone.localdate())

    def get_due_on(self, fault) -> str:
        return fault.due_on().isoformat()

    def get_overdue(self, fault) -> bool:
        return fault.overdue_on(timezone.localdate())


class HandOverSerializer(serializers.Serializer):
    power_reference = serializers.CharField(max_length=60, help_text="供电公司受理单号")
    handed_over_on = serializers.DateField(required=False)
    promised_by = serializers.DateField(required=False, allow_null=True, help_text="供电公司承诺修复日期；未承诺时按移交后 7 天计")


class FixedSerializer(serializers.Serializer):
    fixed_on = serializers.DateField(required=False)


class StreetlightViewSet(ServiceViewSet):
    """Streetlight faults (1.6): reported, handed to the power company with its reference, fixed by it."""

    serializer_class = StreetlightSerializer
    selector = greening_selectors.streetlight_list
    create_service = greening_services.streetlight_report
    filterset_fields = ["community", "status", "zone"]
    http_method_names = READ_POST

    @extend_schema(request=HandOverSerializer, responses=StreetlightSerializer)
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, pk=None):
        parsed = HandOverSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        fault = greening_services.streetlight_hand_over(actor=self.actor, fault=self.get_object(),
                                                        **parsed.validated_data)
        return Response(self.get_serializer(fault).data)

    @extend_schema(request=FixedSerializer, responses=StreetlightSerializer)
    @action(detail=True, methods=["post"])
    def fixed(self, request, pk=None):
        parsed = FixedSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        fault = greening_services.streetlight_fixed(actor=self.actor, fault=self.get_object(), **parsed.validated_data)
        return Response(self.get_serializer(fault).data)


routes = [
    ("plant-species", PlantSpeciesViewSet, "plant-species"),
    ("plantings", PlantingViewSet, "planting"),
    ("vegetable-plots", PlotViewSet, "vegetable-plot"),
    ("streetlight-faults", StreetlightViewSet, "streetlight-fault"),
]
