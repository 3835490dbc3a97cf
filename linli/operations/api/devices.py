"""The endpoint the barrier controllers report to, authenticated by their own device key (not a
user's token): a vehicle at the gate in, the decision out."""

from django.contrib.auth.models import AnonymousUser
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Gate, GateEvent
from ..services import gates as gate_services


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
        gate = gate_services.gate_for_key(key)
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
    reason = serializers.ChoiceField(choices=list(gate_services.REASONS), help_text="原因代码。")
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
        event, created = gate_services.gate_event_record(gate=gate, **parsed.validated_data)
        return Response({
            "id": event.pk, "gate": gate.pk, "event_id": event.event_id, "direction": event.direction,
            "at": serializers.DateTimeField().to_representation(event.at), "allowed": event.allowed,
            "reason": event.reason, "message": gate_services.reason_text(event.reason), "plate": event.plate,
            "card": event.card_id, "temporary_pass": event.temporary_pass_id, "duplicate": not created,
        }, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


paths = [path("gate-controller/events/", GateReportView.as_view(), name="gate-controller-events")]
