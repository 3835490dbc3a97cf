"""The API of vehicle access, visitors, facilities, projects and notices, and the endpoint the
barrier controllers report to (authenticated by their own device key, not a user's token)."""

from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.billing.api import money_field
from linli.core.api import ServiceViewSet, scoped
from linli.core.errors import ValidationFailed
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates
from linli.estates.imports import ImportRejected
from linli.servicedesk.models import Priority
from linli.servicedesk.selectors import service_request_list

from ..models import (
    AccessCard,
    Asset,
    Gate,
    GateEvent,
    MaintenancePlan,
    MaintenanceRecord,
    Notice,
    Project,
    ProjectFunding,
    ProjectUnit,
    TemporaryPass,
    Vehicle,
    Visitor,
)
from ..selectors import access as access_selectors
from ..selectors import facilities as facility_selectors
from ..selectors import notices as notice_selectors
from ..services import access as access_services
from ..services import facilities as facility_services
from ..services import notices as notice_services

READ_POST = ["get", "post", "head", "options"]


class EmptySerializer(serializers.Serializer):
    pass


# Vehicle access --------------------------------------------------------------------------------

class VehicleSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    owner = scoped(estates.owner_list, allow_null=True, required=False)
    unit = scoped(estates.unit_list, allow_null=True, required=False)
    plate = serializers.CharField(max_length=20, help_text="车牌号，如 鲁Q12345，新能源 鲁QD12345；保存为大写无分隔符。")

    class Meta:
        model = Vehicle
        fields = ["id", "community", "plate", "owner", "unit", "description", "created_at"]
        read_only_fields = ["created_at"]
        validators = []


class VehicleViewSet(ServiceViewSet):
    """Vehicles of the owners, by plate."""

    serializer_class = VehicleSerializer
    filterset_fields = ["community", "owner", "unit", "plate"]
    selector = access_selectors.vehicle_list
    create_service = access_services.vehicle_create
    update_service = access_services.vehicle_update


class AccessCardSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    vehicle = scoped(access_selectors.vehicle_list, allow_null=True, required=False)
    parking_space = scoped(estates.parking_space_list, allow_null=True, required=False)
    zones = scoped(estates.zone_list, many=True, required=False,
                   help_text="可通行的分区；留空为本小区全部道闸。南区的卡也可通行其下各组团。")

    class Meta:
        model = AccessCard
        fields = ["id", "community", "number", "vehicle", "parking_space", "zones", "status", "disabled_reason",
                  "disabled_at", "valid_until", "created_at"]
        read_only_fields = ["status", "disabled_reason", "disabled_at", "created_at"]
        validators = []


class CardDisableSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="停用原因（必填），会通知业主。")


class AccessCardViewSet(ServiceViewSet):
    """Access cards (持卡出入), bound to a vehicle and a parking space. Unpaid fees never stop a
    card (Civil Code Art. 944): only a person does, with a reason (`disabled_reason`) that the
    card's owner is told."""

    serializer_class = AccessCardSerializer
    filterset_fields = ["community", "status", "vehicle", "parking_space", "number"]
    selector = access_selectors.access_card_list
    create_service = access_services.card_issue
    update_service = access_services.card_update
    service_object_name = "access_card"

    def _act(self, service):
        return Response(self.get_serializer(service(actor=self.actor, access_card=self.get_object())).data)

    @extend_schema(request=CardDisableSerializer, responses=AccessCardSerializer)
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        """Stop the card (人工停用) for `reason`; the card's owner is told, in the inbox or by SMS."""
        card = self.get_object()
        serializer = CardDisableSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        card = access_services.card_disable(actor=self.actor, access_card=card, **serializer.validated_data)
        return Response(self.get_serializer(card).data)

    @extend_schema(request=EmptySerializer, responses=AccessCardSerializer)
    @action(detail=True, methods=["post"], url_path="report-lost")
    def report_lost(self, request, pk=None):
        """The card was lost (挂失): it stops at once."""
        return self._act(access_services.card_report_lost)

    @extend_schema(request=EmptySerializer, responses=AccessCardSerializer)
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        """Restart a stopped card or one reported lost."""
        return self._act(access_services.card_enable)


class GateSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    zone = scoped(estates.zone_list, allow_null=True, required=False)

    class Meta:
        model = Gate
        fields = ["id", "community", "zone", "name", "key_prefix", "active", "last_seen_at", "created_at"]
        read_only_fields = ["key_prefix", "last_seen_at", "created_at"]
        validators = []


class GateWithKeySerializer(GateSerializer):
    key = serializers.CharField(read_only=True, help_text="道闸控制器的密钥，只返回这一次；平台只保存其 SHA-256。")

    class Meta(GateSerializer.Meta):
        fields = [*GateSerializer.Meta.fields, "key"]


class GateViewSet(ServiceViewSet):
    """Barrier gates (挡车器). Creating one, or rotating its key, returns the controller's key once."""

    serializer_class = GateSerializer
    filterset_fields = ["community", "zone", "active"]
    selector = access_selectors.gate_list
    update_service = access_services.gate_update

    def _with_key(self, gate, key, code=status.HTTP_200_OK):
        data = GateSerializer(gate, context=self.get_serializer_context()).data
        data["key"] = key
        return Response(data, status=code)

    @extend_schema(request=GateSerializer, responses={201: GateWithKeySerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        gate, key = access_services.gate_create(actor=self.actor, **serializer.validated_data)
        return self._with_key(gate, key, status.HTTP_201_CREATED)

    @extend_schema(request=EmptySerializer, responses=GateWithKeySerializer)
    @action(detail=True, methods=["post"], url_path="rotate-key")
    def rotate_key(self, request, pk=None):
        """A new key for the controller; the old one stops working at once."""
        gate, key = access_services.gate_key_rotate(actor=self.actor, gate=self.get_object())
        return self._with_key(gate, key)


class GateEventSerializer(serializers.ModelSerializer):
    message = serializers.SerializerMethodField()

    class Meta:
        model = GateEvent
        fields = ["id", "community", "gate", "event_id", "direction", "at", "card", "plate", "temporary_pass",
                  "allowed", "reason", "message"]
        read_only_fields = fields

    def get_message(self, event) -> str:
        return access_services.reason_text(event.reason)


class GateEventViewSet(ServiceViewSet):
    """Vehicles at the gates as the controllers reported them, and what the platform answered."""

    serializer_class = GateEventSerializer
    filterset_fields = ["community", "gate", "direction", "allowed", "card", "plate"]
    selector = access_selectors.gate_event_list
    http_method_names = ["get", "head", "options"]


class GateKeyAuthentication(BaseAuthentication):
    """A barrier controller: `Authorization: Gate <key>` or `X-Gate-Key: <key>`. The request's
    `auth` is the gate; there is no user."""

    keyword = b"gate"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        key = ""
        if parts and parts[0].lower() == self.keyword:
            if len(parts) != 2:
                raise exceptions.AuthenticationFailed(_("道闸密钥格式应为 Authorization: Gate <key>。"))
            key = parts[1].decode("latin-1")
        key = key or request.META.get("HTTP_X_GATE_KEY", "")
        if not key:
            return None
        gate = access_services.gate_for_key(key)
        if gate is None:
            raise exceptions.AuthenticationFailed(_("道闸密钥无效。"))
        if not gate.active:
            raise exceptions.PermissionDenied(_("该道闸已停用。"))
        return AnonymousUser(), gate

    def authenticate_header(self, request):
        return "Gate"


class GateKeyScheme(OpenApiAuthenticationExtension):
    target_class = GateKeyAuthentication
    name = "gateKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-Gate-Key",
                "description": "道闸控制器的设备密钥（也可用 `Authorization: Gate <key>`）。"}


class IsGate(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, Gate)


class GateReportSerializer(serializers.Serializer):
    event_id = serializers.CharField(max_length=64, help_text="控制器的事件号；同一道闸重发同一事件号只记录一次。")
    direction = serializers.ChoiceField(choices=GateEvent.Direction.choices)
    at = serializers.DateTimeField(help_text="带时区的 ISO-8601 时间。")
    card_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    plate = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not attrs["card_number"].strip() and not attrs["plate"].strip():
            raise serializers.ValidationError({"card_number": [_("请提供卡号或车牌号。")]})
        return attrs


class GateDecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    gate = serializers.IntegerField()
    event_id = serializers.CharField()
    direction = serializers.CharField()
    at = serializers.DateTimeField()
    allowed = serializers.BooleanField(help_text="true 抬杆放行，false 不放行。")
    reason = serializers.ChoiceField(choices=list(access_services.REASONS), help_text="原因代码。")
    message = serializers.CharField(help_text="给显示屏的中文说明。")
    plate = serializers.CharField()
    card = serializers.IntegerField(allow_null=True)
    temporary_pass = serializers.IntegerField(allow_null=True)
    duplicate = serializers.BooleanField(help_text="true：此事件号已记录过，返回的是首次的结果。")


class GateReportView(APIView):
    """A barrier controller reports a vehicle (in or out) by card number and/or plate and gets
    the decision: an active card valid for the gate's zone, or a valid temporary pass for the
    plate, lets it through; a stopped, lost, expired or unknown card does not."""

    authentication_classes = [GateKeyAuthentication]
    permission_classes = [IsGate]

    @extend_schema(operation_id="gate_controller_event", request=GateReportSerializer,
                   responses={201: GateDecisionSerializer, 200: GateDecisionSerializer})
    def post(self, request):
        parsed = GateReportSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        gate = request.auth
        event, created = access_services.gate_event_record(gate=gate, **parsed.validated_data)
        return Response({
            "id": event.pk, "gate": gate.pk, "event_id": event.event_id, "direction": event.direction,
            "at": serializers.DateTimeField().to_representation(event.at), "allowed": event.allowed,
            "reason": event.reason, "message": access_services.reason_text(event.reason), "plate": event.plate,
            "card": event.card_id, "temporary_pass": event.temporary_pass_id, "duplicate": not created,
        }, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class TemporaryPassSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    visitor = scoped(access_selectors.visitor_list, allow_null=True, required=False)
    plate = serializers.CharField(max_length=20)
    valid_from = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                           help_text="留空为现在。")
    valid_until = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                            help_text="留空时按 hours 计算。")
    hours = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=744,
                                     write_only=True, help_text="有效小时数，默认 4。")
    state = serializers.SerializerMethodField()

    class Meta:
        model = TemporaryPass
        fields = ["id", "community", "plate", "code", "visitor", "valid_from", "valid_until", "hours", "issued_by",
                  "revoked_at", "state", "created_at"]
        read_only_fields = ["code", "issued_by", "revoked_at", "created_at"]
        validators = []

    def get_state(self, temporary) -> str:
        return access_selectors.pass_state(temporary)


class TemporaryPassViewSet(ServiceViewSet):
    """Temporary passes for visitor vehicles (临时通行证): a plate, a window, a code to show."""

    serializer_class = TemporaryPassSerializer
    filterset_fields = ["community", "plate", "code", "visitor"]
    selector = access_selectors.temporary_pass_list
    create_service = access_services.temporary_pass_issue
    http_method_names = READ_POST

    @extend_schema(request=EmptySerializer, responses=TemporaryPassSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        temporary = access_services.temporary_pass_revoke(actor=self.actor, temporary_pass=self.get_object())
        return Response(self.get_serializer(temporary).data)


class VisitorSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    unit = scoped(estates.unit_list, allow_null=True, required=False)
    plate = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    arrived_at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="留空为现在。")
    pass_hours = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=744,
                                          write_only=True, help_text="同时为访客车辆发放临时通行证的小时数。")

    class Meta:
        model = Visitor
        fields = ["id", "community", "name", "phone", "plate", "unit", "purpose", "arrived_at", "left_at",
                  "registered_by", "pass_hours", "created_at"]
        read_only_fields = ["left_at", "registered_by", "created_at"]
        validators = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["phone"] = access_selectors.visitor_phone(actor_for(self.context["request"].user), instance)
        return data


class VisitorViewSet(ServiceViewSet):
    """The visitor register at the gates. The phone is masked for roles that do not need it."""

    serializer_class = VisitorSerializer
    filterset_fields = ["community", "unit", "plate"]
    selector = access_selectors.visitor_list
    create_service = access_services.visitor_register
    update_service = access_services.visitor_update

    @extend_schema(request=EmptySerializer, responses=VisitorSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        """The visitor left; their passes end now."""
        visitor = access_services.visitor_leave(actor=self.actor, visitor=self.get_object())
        return Response(self.get_serializer(visitor).data)


# Facilities and projects ----------------------------------------------------------------------

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


# Notices ---------------------------------------------------------------------------------------

class NoticeSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    zone = scoped(estates.zone_list, allow_null=True, required=False, help_text="范围为分区时必填")
    building = scoped(estates.building_list, allow_null=True, required=False, help_text="范围为楼栋时必填")
    state = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "community", "audience", "zone", "building", "title", "body", "pinned", "published_at",
                  "expires_at", "withdrawn_at", "state", "author", "created_at"]
        read_only_fields = ["published_at", "withdrawn_at", "author", "created_at"]
        validators = []

    def get_state(self, notice) -> str:
        return notice_selectors.notice_state(notice)


class NoticeReadsSerializer(serializers.Serializer):
    audience = serializers.IntegerField()
    read = serializers.IntegerField()
    unread_count = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=1)
    unread = inline_serializer("NoticeUnreadUser", {"id": serializers.IntegerField(), "name": serializers.CharField(),
                                                    "phone": serializers.CharField()}, many=True)


class NoticeViewSet(ServiceViewSet):
    """Notices to the owners of the community, a zone or a building: draft → publish → withdraw.
    Owners and residents see the live ones for their units."""

    serializer_class = NoticeSerializer
    filterset_fields = ["community", "audience", "zone", "building", "pinned"]
    selector = notice_selectors.notice_list
    create_service = notice_services.notice_create
    update_service = notice_services.notice_update

    def _act(self, service):
        return Response(self.get_serializer(service(actor=self.actor, notice=self.get_object())).data)

    @extend_schema(request=EmptySerializer, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft; its audience finds it in their inbox."""
        return self._act(notice_services.notice_publish)

    @extend_schema(request=EmptySerializer, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._act(notice_services.notice_withdraw)

    @extend_schema(request=EmptySerializer,
                   responses=inline_serializer("NoticeMarkedRead", {"read_at": serializers.DateTimeField(allow_null=True)}))
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark the notice read by the signed-in owner or resident (null when not in its audience)."""
        marked = notice_services.notice_mark_read(actor=self.actor, notice=self.get_object())
        return Response({"read_at": serializers.DateTimeField().to_representation(marked.read_at) if marked else None})

    @extend_schema(request=None, responses=NoticeReadsSerializer)
    @action(detail=True, methods=["get"])
    def reads(self, request, pk=None):
        """Read counts of the audience and who has not read it (staff only)."""
        notice = self.get_object()
        self.actor.require("operations.view", notice.community_id)
        return Response(NoticeReadsSerializer(notice_selectors.notice_reads(actor=self.actor, notice=notice)).data)


routes = [
    ("vehicles", VehicleViewSet, "vehicle"),
    ("access-cards", AccessCardViewSet, "access-card"),
    ("gates", GateViewSet, "gate"),
    ("gate-events", GateEventViewSet, "gate-event"),
    ("temporary-passes", TemporaryPassViewSet, "temporary-pass"),
    ("visitors", VisitorViewSet, "visitor"),
    ("assets", AssetViewSet, "asset"),
    ("maintenance-plans", MaintenancePlanViewSet, "maintenance-plan"),
    ("maintenance-records", MaintenanceRecordViewSet, "maintenance-record"),
    ("projects", ProjectViewSet, "project"),
    ("project-units", ProjectUnitViewSet, "project-unit"),
    ("project-fundings", ProjectFundingViewSet, "project-funding"),
    ("notices", NoticeViewSet, "notice"),
]
paths = [path("gate-controller/events/", GateReportView.as_view(), name="gate-controller-events")]
