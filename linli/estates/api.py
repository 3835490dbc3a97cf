from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import FirstRendererNegotiation, ServiceViewSet, scoped
from linli.core.filters import FilterSet, IdFilter
from linli.core.masking import mask_id_number, mask_phone
from linli.core.params import query_id
from linli.core.parsers import JSONParser
from linli.core.tenancy import actor_for
from linli.orgs.selectors import organization_list, user_list

from . import registry, selectors, services
from .models import (
    BindingRequest,
    Building,
    Community,
    ImportJob,
    Owner,
    Ownership,
    ParkingSpace,
    Premises,
    Resident,
    Unit,
    Zone,
)


class CommunitySerializer(serializers.ModelSerializer):
    company = scoped(organization_list, allow_null=True, required=False)
    residents_committee = scoped(organization_list, allow_null=True, required=False)

    class Meta:
        model = Community
        fields = ["id", "name", "code", "company", "residents_committee", "address", "latitude", "longitude",
                  "land_area", "built_area", "year_built", "contract_start", "contract_end"]

    def validate(self, attrs):
        for field, kind in (("company", "company"), ("residents_committee", "residents_committee")):
            org = attrs.get(field)
            if org is not None and org.kind != kind:
                raise serializers.ValidationError({field: "机构类型不符。"})
        return attrs


class CommunityViewSet(ServiceViewSet):
    serializer_class = CommunitySerializer
    filterset_fields = ["company", "residents_committee", "code"]
    selector = selectors.community_list
    create_service = services.community_create
    update_service = services.community_update


class ZoneSerializer(serializers.ModelSerializer):
    community = scoped(selectors.community_list)
    parent = scoped(selectors.zone_list, allow_null=True, required=False)

    class Meta:
        model = Zone
        fields = ["id", "community", "name", "parent", "kind", "closed_management"]
        validators = []


class ZoneViewSet(ServiceViewSet):
    serializer_class = ZoneSerializer
    filterset_fields = ["community", "parent", "kind"]
    selector = selectors.zone_list
    create_service = services.zone_create
    update_service = services.zone_update


class BuildingSerializer(serializers.ModelSerializer):
    community = scoped(selectors.community_list)
    zone = scoped(selectors.zone_list, allow_null=True, required=False)

    class Meta:
        model = Building
        fields = ["id", "community", "zone", "name", "floors", "year_built"]
        validators = []


class BuildingViewSet(ServiceViewSet):
    serializer_class = BuildingSerializer
    filterset_fields = ["community", "zone"]
    selector = selectors.building_list
    create_service = services.building_create
    update_service = services.building_update


class UnitSerializer(serializers.ModelSerializer):
    building = scoped(selectors.building_list)
    exclusive_area = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True,
                                              min_value=0)
    zone = serializers.IntegerField(source="building.zone_id", read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = ["id", "community", "building", "zone", "number", "floor", "area", "exclusive_area", "usage",
                  "occupants", "low_income", "billing_start", "status"]
        read_only_fields = ["community"]
        validators = []


class UnitFilter(FilterSet):
    zone = IdFilter(field_name="building__zone_id")
    number = filters.CharFilter(field_name="number")
    q = filters.CharFilter(method="search", label="房号或楼栋")

    class Meta:
        model = Unit
        fields = ["community", "building", "zone", "number", "usage", "status", "low_income"]

    def search(self, queryset, name, value):
        return queryset.filter(number__icontains=value) | queryset.filter(building__name__icontains=value)


class UnitViewSet(ServiceViewSet):
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    selector = selectors.unit_list
    create_service = services.unit_create
    update_service = services.unit_update


class PersonalDataMixin:
    """Phones and ID numbers shown in full only to roles that need them, and to the person."""

    personal_fields = ("phone", "id_number")

    def _may_see(self, instance, capability):
        from linli.core.tenancy import actor_for

        request = self.context.get("request")
        actor = actor_for(request.user)
        if actor.is_admin or getattr(instance, "user_id", None) == request.user.pk:
            return True
        community_id = getattr(instance, "community_id", None) or instance.unit.community_id
        return actor.can(capability, community_id)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if "phone" in data and not self._may_see(instance, "personal.phone"):
            data["phone"] = mask_phone(data["phone"])
        if "id_number" in data and not self._may_see(instance, "personal.id_number"):
            data["id_number"] = mask_id_number(data["id_number"])
        return data


class OwnerSerializer(PersonalDataMixin, serializers.ModelSerializer):
    community = scoped(selectors.community_list)
    user = scoped(user_list, required=False, allow_null=True,
                  help_text="The owner's login (links an existing login; platform admin or the community's manager).")
    units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Owner
        fields = ["id", "community", "name", "kind", "phone", "id_number", "is_developer", "user", "units"]
        validators = []


class OwnerFilter(FilterSet):
    name = filters.CharFilter(field_name="name", lookup_expr="icontains")
    unit = IdFilter(field_name="ownerships__unit")

    class Meta:
        model = Owner
        fields = ["community", "kind", "name", "unit", "user", "is_developer"]


class OwnerViewSet(ServiceViewSet):
    serializer_class = OwnerSerializer
    filterset_class = OwnerFilter
    selector = selectors.owner_list
    create_service = services.owner_create
    update_service = services.owner_update

    def get_queryset(self):
        return super().get_queryset().prefetch_related("units")

    @extend_schema(request=None, responses={201: dict})
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        """Issue a one-time account code: returned once, and sent by SMS when `sms` is true."""
        owner = self.get_object()
        invitation, code = services.owner_invite(actor=self.actor, owner=owner,
                                                 send_sms=str(request.data.get("sms", "")).lower() in {"1", "true"})
        return Response({"code": code, "expires_at": invitation.expires_at, "sent_to": invitation.sent_to},
                        status=status.HTTP_201_CREATED)


class OwnershipSerializer(serializers.ModelSerializer):
    owner = scoped(selectors.owner_list)
    unit = scoped(selectors.unit_list)
    is_voter = serializers.BooleanField(required=False, allow_null=True, default=None)

    class Meta:
        model = Ownership
        fields = ["id", "owner", "unit", "is_voter", "since"]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["owner"].read_only = fields["unit"].read_only = True
        return fields


class OwnershipViewSet(mixins.DestroyModelMixin, ServiceViewSet):
    serializer_class = OwnershipSerializer
    filterset_fields = ["owner", "unit", "is_voter"]
    selector = selectors.ownership_list
    create_service = services.ownership_create
    update_service = services.ownership_update

    def get_queryset(self):
        qs = super().get_queryset()
        community = query_id(self.request.query_params, "community")
        return qs.filter(unit__community_id=community) if community else qs

    def perform_destroy(self, instance):
        services.ownership_end(actor=self.actor, ownership=instance)


class ResidentSerializer(PersonalDataMixin, serializers.ModelSerializer):
    unit = scoped(selectors.unit_list)

    class Meta:
        model = Resident
        fields = ["id", "unit", "name", "relation", "phone", "id_number", "user", "move_in", "move_out"]
        read_only_fields = ["user"]


class ResidentFilter(FilterSet):
    community = IdFilter(field_name="unit__community_id")

    class Meta:
        model = Resident
        fields = ["community", "unit", "relation"]


class ResidentViewSet(ServiceViewSet):
    serializer_class = ResidentSerializer
    filterset_class = ResidentFilter
    selector = selectors.resident_list
    create_service = services.resident_create
    update_service = services.resident_update


class ParkingSpaceSerializer(serializers.ModelSerializer):
    community = scoped(selectors.community_list)
    unit = scoped(selectors.unit_list, allow_null=True, required=False)
    zone = scoped(selectors.zone_list, allow_null=True, required=False)

    class Meta:
        model = ParkingSpace
        fields = ["id", "community", "code", "zone", "location", "underground", "unit", "plan", "plan_start"]
        validators = []


class ParkingSpaceViewSet(ServiceViewSet):
    serializer_class = ParkingSpaceSerializer
    filterset_fields = ["community", "unit", "zone", "plan"]
    selector = selectors.parking_space_list
    create_service = services.parking_space_create
    update_service = services.parking_space_update
    service_object_name = "parking_space"


class PremisesSerializer(serializers.ModelSerializer):
    community = scoped(selectors.community_list)
    zone = scoped(selectors.zone_list, allow_null=True, required=False)

    class Meta:
        model = Premises
        fields = ["id", "community", "zone", "code", "name", "area", "status", "current_use"]
        validators = []


class PremisesViewSet(ServiceViewSet):
    serializer_class = PremisesSerializer
    filterset_fields = ["community", "zone", "status"]
    selector = selectors.premises_list
    create_service = services.premises_create
    update_service = services.premises_update


class BindingRequestSerializer(PersonalDataMixin, serializers.ModelSerializer):
    """An applicant names the unit by community, building and number: they cannot see it yet."""

    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all(), write_only=True)
    building_name = serializers.CharField(write_only=True, max_length=60)
    unit_number = serializers.CharField(write_only=True, max_length=30)

    class Meta:
        model = BindingRequest
        fields = ["id", "community", "building_name", "unit_number", "unit", "name", "phone", "id_number", "proof",
                  "status", "review_note", "created_at"]
        read_only_fields = ["unit", "status", "review_note", "created_at"]


class BindingReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    owner = scoped(selectors.owner_list, queryset=Owner.objects.all(), required=False, allow_null=True, default=None)


class BindingRequestViewSet(ServiceViewSet):
    serializer_class = BindingRequestSerializer
    filterset_fields = ["status", "unit"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    selector = selectors.binding_request_list
    create_service = services.binding_request_create

    @extend_schema(request=BindingReviewSerializer, responses=BindingRequestSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        serializer = BindingReviewSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        binding = services.binding_request_review(actor=self.actor, binding=self.get_object(),
                                                  **serializer.validated_data)
        return Response(self.get_serializer(binding).data)


class ImportJobSerializer(serializers.ModelSerializer):
    community = scoped(selectors.community_list)
    file = serializers.FileField(write_only=True, help_text="导入文件（.xlsx，不超过 20 MB），格式见导入模板。")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    errors = serializers.JSONField(read_only=True, help_text="逐行错误：[{row, column, message}]")

    class Meta:
        model = ImportJob
        fields = ["id", "community", "file", "original_name", "status", "status_display", "total_rows",
                  "processed_rows", "percent", "errors", "summary", "created_at", "updated_at"]
        read_only_fields = ["original_name", "status", "total_rows", "processed_rows", "summary", "created_at",
                            "updated_at"]


class ImportJobViewSet(ServiceViewSet):
    """Registry imports from .xlsx: upload (multipart `community`, `file`) queues a job; poll it for
    `status`, `percent` and, when it failed, the row-by-row `errors` (nothing was imported)."""

    serializer_class = ImportJobSerializer
    filterset_fields = ["community", "status"]
    parser_classes = [MultiPartParser]
    http_method_names = ["get", "post", "head", "options"]
    selector = selectors.import_job_list
    create_service = registry.import_job_create


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=registry.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class XlsxDownloadView(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRendererNegotiation


class ImportTemplateView(XlsxDownloadView):
    @extend_schema(operation_id="imports_template", responses={(200, registry.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    def get(self, request):
        """The .xlsx import template: the 房屋 sheet with example rows and a 说明 sheet."""
        return xlsx_response(registry.registry_template(), "房屋导入模板.xlsx")


class CommunityExportView(XlsxDownloadView):
    @extend_schema(operation_id="communities_export", responses={(200, registry.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        """The community's registry as .xlsx (楼栋, 房屋, 业主, 车位, 经营用房); its 房屋 sheet can be
        imported again. Phones and ID numbers are masked for roles that may not see them."""
        actor = actor_for(request.user)
        community = get_object_or_404(selectors.community_list(actor=actor), pk=pk)
        data = registry.registry_export(actor=actor, community=community)
        return xlsx_response(data, f"{community.name}-房产档案-{timezone.localdate():%Y%m%d}.xlsx")


# Collected by linli/api_urls.py. Paths come before the router, whose format-suffix routes
# would otherwise read "template.xlsx" as an object id.
routes = [
    ("communities", CommunityViewSet, "community"),
    ("zones", ZoneViewSet, "zone"),
    ("buildings", BuildingViewSet, "building"),
    ("units", UnitViewSet, "unit"),
    ("owners", OwnerViewSet, "owner"),
    ("ownerships", OwnershipViewSet, "ownership"),
    ("residents", ResidentViewSet, "resident"),
    ("parking-spaces", ParkingSpaceViewSet, "parking-space"),
    ("premises", PremisesViewSet, "premises"),
    ("binding-requests", BindingRequestViewSet, "binding-request"),
    ("imports", ImportJobViewSet, "import-job"),
]
paths = [
    path("imports/template.xlsx", ImportTemplateView.as_view(), name="import-template"),
    path("communities/<int:pk>/export.xlsx", CommunityExportView.as_view(), name="community-export"),
]
