"""The API of facilities and projects: assets with upkeep plans, maintenance records and repairs;
projects with per-unit progress and funding."""

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from linli.billing.api import money_field
from linli.core.api import ServiceViewSet, scoped
from linli.core.errors import ValidationFailed
from linli.estates import selectors as estates
from linli.estates.registry import ImportRejected
from linli.servicedesk.models import Priority
from linli.servicedesk.selectors import service_request_list

from ..models import Asset, MaintenancePlan, MaintenanceRecord, Project, ProjectFunding, ProjectUnit
from ..selectors import facilities as facility_selectors
from ..services import facilities as facility_services
from .common import READ_POST


class AssetSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    zone = scoped(estates.zone_list, allow_null=True, required=False)
    requests = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="关联的报修单")

    class Meta:
        model = Asset
        fields = ["id", "community", "zone", "kind", "code", "name", "location", "installed_on", "status",
                  "requests", "created_at"]
        read_only_fields = ["requests", "created_at"]
        validators = []


class AssetLinkSerializer(serializers.Serializer):
    service_request = serializers.IntegerField(help_text="本小区的报修单 id")


class AssetFaultSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)


class AssetViewSet(ServiceViewSet):
    """Facilities (护栏, 路灯, 监控探头, 健身设备, 挡车器, 垃圾投放点, 水泵, 水表) with their repair requests."""

    serializer_class = AssetSerializer
    filterset_fields = ["community", "zone", "kind", "status", "code"]
    selector = facility_selectors.asset_list
    create_service = facility_services.asset_create
    update_service = facility_services.asset_update

    def get_queryset(self):
        return super().get_queryset().prefetch_related("requests")

    @extend_schema(request=AssetLinkSerializer, responses=AssetSerializer)
    @action(detail=True, methods=["post"], url_path="link-request")
    def link_request(self, request, pk=None):
        """Link an existing repair request of the community to the asset."""
        asset = self.get_object()
        parsed = AssetLinkSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        found = service_request_list(actor=self.actor).filter(pk=parsed.validated_data["service_request"]).first()
        if found is None:
            raise ValidationFailed(fields={"service_request": [_("没有这个报修单。")]})
        asset = facility_services.asset_request_link(actor=self.actor, asset=asset, service_request=found)
        return Response(self.get_serializer(asset).data)

    @extend_schema(request=AssetFaultSerializer,
                   responses={201: inline_serializer("AssetFaultReported", {"service_request": serializers.IntegerField()})})
    @action(detail=True, methods=["post"], url_path="report-fault")
    def report_fault(self, request, pk=None):
        """Report a fault: a repair request is filed through the service desk and linked."""
        asset = self.get_object()
        parsed = AssetFaultSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        created = facility_services.asset_fault_report(actor=self.actor, asset=asset, **parsed.validated_data)
        return Response({"service_request": created.pk}, status=status.HTTP_201_CREATED)


class MaintenancePlanSerializer(serializers.ModelSerializer):
    asset = scoped(facility_selectors.asset_list)
    next_due = serializers.DateField(required=False, allow_null=True, default=None,
                                     help_text="留空为今天起一个周期后。")

    class Meta:
        model = MaintenancePlan
        fields = ["id", "community", "asset", "name", "every_days", "next_due", "active"]
        read_only_fields = ["community"]


class MaintenancePlanViewSet(ServiceViewSet):
    """Upkeep every N days; `?next_due__lte=YYYY-MM-DD` lists the plans due by then (overdue included)."""

    serializer_class = MaintenancePlanSerializer
    filterset_fields = {"community": ["exact"], "asset": ["exact"], "active": ["exact"], "next_due": ["lte", "gte"]}
    selector = facility_selectors.maintenance_plan_list
    create_service = facility_services.maintenance_plan_create
    update_service = facility_services.maintenance_plan_update
    service_object_name = "maintenance_plan"


class MaintenanceRecordSerializer(serializers.ModelSerializer):
    asset = scoped(facility_selectors.asset_list)
    plan = scoped(facility_selectors.maintenance_plan_list, allow_null=True, required=False)
    request = scoped(service_request_list, allow_null=True, required=False)
    done_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="留空为今天。")
    cost = money_field(required=False, default=Decimal("0.00"), min_value=Decimal("0"), max_value=Decimal("10000000"))

    class Meta:
        model = MaintenanceRecord
        fields = ["id", "community", "asset", "plan", "request", "done_on", "done_by", "description", "cost",
                  "created_at"]
        read_only_fields = ["community", "done_by", "created_at"]


class MaintenanceRecordViewSet(ServiceViewSet):
    """What was done to an asset: upkeep by plan (its next due date moves on) or a repair."""

    serializer_class = MaintenanceRecordSerializer
    filterset_fields = ["community", "asset", "plan", "request"]
    selector = facility_selectors.maintenance_record_list
    create_service = facility_services.maintenance_record_create
    http_method_names = READ_POST


class ProjectSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    assets = scoped(facility_selectors.asset_list, many=True, required=False)
    budget = money_field(required=False, default=Decimal("0.00"), min_value=Decimal("0"),
                         max_value=Decimal("1000000000"))
    funded = serializers.SerializerMethodField(help_text="已登记资金合计")
    progress_percent = serializers.SerializerMethodField(help_text="分户完成百分比")

    class Meta:
        model = Project
        fields = ["id", "community", "kind", "name", "description", "status", "start_date", "planned_end",
                  "finished_on", "budget", "assets", "funded", "progress_percent", "created_at"]
        read_only_fields = ["finished_on", "created_at"]

    def get_funded(self, project) -> str:
        return str(facility_selectors.project_funding_summary(project=project)["total"])

    def get_progress_percent(self, project) -> str:
        return str(facility_selectors.project_progress(project=project)["percent"])


class ProjectUnitsAddSerializer(serializers.Serializer):
    building = serializers.IntegerField(required=False, allow_null=True, default=None)
    zone = serializers.IntegerField(required=False, allow_null=True, default=None)


class ProjectImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=".xlsx：楼栋、房号、进度（未开始/施工中/已完成/业主暂缓）、完成日期、备注")


class ProgressRowSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class BuildingProgressSerializer(serializers.Serializer):
    name = serializers.CharField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=1)


class FundingRowSerializer(serializers.Serializer):
    source = serializers.CharField()
    label = serializers.CharField()
    amount = money_field()


class ProjectSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=1)
    by_status = ProgressRowSerializer(many=True)
    buildings = BuildingProgressSerializer(many=True)
    funding = FundingRowSerializer(many=True)
    funded = money_field()
    budget = money_field()
    gap = money_field(help_text="预算减已到位资金")


class ProjectViewSet(ServiceViewSet):
    """Projects: door-to-door work with per-unit progress (户表改造) and renovations of public
    facilities with their funding (政府补贴, 公共收益, 专项维修资金)."""

    serializer_class = ProjectSerializer
    filterset_fields = ["community", "kind", "status"]
    selector = facility_selectors.project_list
    create_service = facility_services.project_create
    update_service = facility_services.project_update

    @extend_schema(request=ProjectUnitsAddSerializer,
                   responses=inline_serializer("ProjectUnitsAdded", {"added": serializers.IntegerField()}))
    @action(detail=True, methods=["post"])
    def units(self, request, pk=None):
        """Add a row for every owned unit of a building, a zone, or (neither) the whole community."""
        project = self.get_object()
        parsed = ProjectUnitsAddSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        refs = {}
        for name, selector in (("building", estates.building_list), ("zone", estates.zone_list)):
            ref_id = parsed.validated_data[name]
            refs[name] = None
            if ref_id is not None:
                refs[name] = selector(actor=self.actor).filter(pk=ref_id, community_id=project.community_id).first()
                if refs[name] is None:
                    raise ValidationFailed(fields={name: [_("不属于该小区。")]})
        added = facility_services.project_units_add(actor=self.actor, project=project, **refs)
        return Response({"added": added})

    @extend_schema(request=None, responses=ProjectSummarySerializer)
    @action(detail=True, methods=["get"])
    def summary(self, request, pk=None):
        """Progress by status and by building, and the funding by source against the budget."""
        project = self.get_object()
        progress = facility_selectors.project_progress(project=project)
        funding = facility_selectors.project_funding_summary(project=project)
        return Response(ProjectSummarySerializer({
            **progress, "funding": funding["by_source"], "funded": funding["total"], "budget": funding["budget"],
            "gap": funding["gap"]}).data)

    @extend_schema(request={"multipart/form-data": ProjectImportSerializer},
                   responses=inline_serializer("ProjectProgressImported", {"updated": serializers.IntegerField()}))
    @action(detail=True, methods=["post"], url_path="import-progress", parser_classes=[MultiPartParser])
    def import_progress(self, request, pk=None):
        """Per-unit progress from .xlsx; any bad row rejects the file (`fields.rows` lists them)."""
        project = self.get_object()
        try:
            updated = facility_services.project_progress_import(actor=self.actor, project=project,
                                                                file=request.FILES.get("file"))
        except ImportRejected as exc:
            raise ValidationFailed(exc.message, code=exc.code, fields={"rows": [
                f"{e['row'] or '-'}:{e['column']}:{e['message']}" for e in exc.errors[:200]]}) from exc
        return Response({"updated": updated})


class ProjectUnitSerializer(serializers.ModelSerializer):
    unit_label = serializers.CharField(source="unit", read_only=True)
    done_on = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = ProjectUnit
        fields = ["id", "project", "unit", "unit_label", "status", "done_on", "note", "updated_at"]
        read_only_fields = ["project", "unit", "updated_at"]


class ProjectUnitViewSet(ServiceViewSet):
    """One unit's progress in a project."""

    serializer_class = ProjectUnitSerializer
    filterset_fields = ["project", "unit", "status"]
    selector = facility_selectors.project_unit_list
    update_service = facility_services.project_unit_update
    service_object_name = "project_unit"
    http_method_names = ["get", "patch", "put", "head", "options"]


class ProjectFundingSerializer(serializers.ModelSerializer):
    project = scoped(facility_selectors.project_list)
    amount = money_field(min_value=Decimal("0.01"), max_value=Decimal("1000000000"))

    class Meta:
        model = ProjectFunding
        fields = ["id", "project", "source", "amount", "reference", "received_on", "created_at"]
        read_only_fields = ["created_at"]


class ProjectFundingViewSet(ServiceViewSet):
    """Funding of a project by source: 政府补贴, 公共收益, 专项维修资金 or the company."""

    serializer_class = ProjectFundingSerializer
    filterset_fields = ["project", "source"]
    selector = facility_selectors.project_funding_list
    create_service = facility_services.project_funding_add
    update_service = facility_services.project_funding_update
    service_object_name = "project_funding"


routes = [
    ("assets", AssetViewSet, "asset"),
    ("maintenance-plans", MaintenancePlanViewSet, "maintenance-plan"),
    ("maintenance-records", MaintenanceRecordViewSet, "maintenance-record"),
    ("projects", ProjectViewSet, "project"),
    ("project-units", ProjectUnitViewSet, "project-unit"),
    ("project-fundings", ProjectFundingViewSet, "project-funding"),
]
