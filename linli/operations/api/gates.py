"""The API of vehicle access (持卡出入): vehicles, cards, barrier gates and what they reported,
temporary passes and the visitor register."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.core.api import ServiceViewSet, scoped
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates

from ..models import AccessCard, Gate, GateEvent, TemporaryPass, Vehicle, Visitor
from ..selectors import gates as gate_selectors
from ..services import gates as gate_services
from .common import READ_POST, EmptySerializer


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
    selector = gate_selectors.vehicle_list
    create_service = gate_services.vehicle_create
    update_service = gate_services.vehicle_update


class AccessCardSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    vehicle = scoped(gate_selectors.vehicle_list, allow_null=True, required=False)
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
    selector = gate_selectors.access_card_list
    create_service = gate_services.card_issue
    update_service = gate_services.card_update
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
        card = gate_services.card_disable(actor=self.actor, access_card=card, **serializer.validated_data)
        return Response(self.get_serializer(card).data)

    @extend_schema(request=EmptySerializer, responses=AccessCardSerializer)
    @action(detail=True, methods=["post"], url_path="report-lost")
    def report_lost(self, request, pk=None):
        """The card was lost (挂失): it stops at once."""
        return self._act(gate_services.card_report_lost)

    @extend_schema(request=EmptySerializer, responses=AccessCardSerializer)
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        """Restart a stopped card or one reported lost."""
        return self._act(gate_services.card_enable)


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
    selector = gate_selectors.gate_list
    update_service = gate_services.gate_update

    def _with_key(self, gate, key, code=status.HTTP_200_OK):
        data = GateSerializer(gate, context=self.get_serializer_context()).data
        data["key"] = key
        return Response(data, status=code)

    @extend_schema(request=GateSerializer, responses={201: GateWithKeySerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        gate, key = gate_services.gate_create(actor=self.actor, **serializer.validated_data)
        return self._with_key(gate, key, status.HTTP_201_CREATED)

    @extend_schema(request=EmptySerializer, responses=GateWithKeySerializer)
    @action(detail=True, methods=["post"], url_path="rotate-key")
    def rotate_key(self, request, pk=None):
        """A new key for the controller; the old one stops working at once."""
        gate, key = gate_services.gate_key_rotate(actor=self.actor, gate=self.get_object())
        return self._with_key(gate, key)


class GateEventSerializer(serializers.ModelSerializer):
    message = serializers.SerializerMethodField()

    class Meta:
        model = GateEvent
        fields = ["id", "community", "gate", "event_id", "direction", "at", "card", "plate", "temporary_pass",
                  "allowed", "reason", "message"]
        read_only_fields = fields

    def get_message(self, event) -> str:
        return gate_services.reason_text(event.reason)


class GateEventViewSet(ServiceViewSet):
    """Vehicles at the gates as the controllers reported them, and what the platform answered."""

    serializer_class = GateEventSerializer
    filterset_fields = ["community", "gate", "direction", "allowed", "card", "plate"]
    selector = gate_selectors.gate_event_list
    http_method_names = ["get", "head", "options"]


class TemporaryPassSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    visitor = scoped(gate_selectors.visitor_list, allow_null=True, required=False)
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
        return gate_selectors.pass_state(temporary)


class TemporaryPassViewSet(ServiceViewSet):
    """Temporary passes for visitor vehicles (临时通行证): a plate, a window, a code to show."""

    serializer_class = TemporaryPassSerializer
    filterset_fields = ["community", "plate", "code", "visitor"]
    selector = gate_selectors.temporary_pass_list
    create_service = gate_services.temporary_pass_issue
    http_method_names = READ_POST

    @extend_schema(request=EmptySerializer, responses=TemporaryPassSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        temporary = gate_services.temporary_pass_revoke(actor=self.actor, temporary_pass=self.get_object())
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
        data["phone"] = gate_selectors.visitor_phone(actor_for(self.context["request"].user), instance)
        return data


class VisitorViewSet(ServiceViewSet):
    """The visitor register at the gates. The phone is masked for roles that do not need it."""

    serializer_class = VisitorSerializer
    filterset_fields = ["community", "unit", "plate"]
    selector = gate_selectors.visitor_list
    create_service = gate_services.visitor_register
    update_service = gate_services.visitor_update

    @extend_schema(request=EmptySerializer, responses=VisitorSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        """The visitor left; their passes end now."""
        visitor = gate_services.visitor_leave(actor=self.actor, visitor=self.get_object())
        return Response(self.get_serializer(visitor).data)


routes = [
    ("vehicles", VehicleViewSet, "vehicle"),
    ("access-cards", AccessCardViewSet, "access-card"),
    ("gates", GateViewSet, "gate"),
    ("gate-events", GateEventViewSet, "gate-event"),
    ("temporary-passes", TemporaryPassViewSet, "temporary-pass"),
    ("visitors", VisitorViewSet, "visitor"),
]
