"""The API of patrols: routes, checkpoints, plans, rounds and check-ins."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.core.api import ServiceViewSet, scoped
from linli.estates import selectors as estates

from ..models import Checkpoint, PatrolCheckIn, PatrolPlan, PatrolRound, PatrolRoute
from ..selectors import patrols as patrol_selectors
from ..selectors import staff as staff_selectors
from ..services import patrols as patrol_services
from .common import EmptySerializer, community_or_404


class PatrolRouteSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    zone = scoped(estates.zone_list, allow_null=True, required=False)

    class Meta:
        model = PatrolRoute
        fields = ["id", "community", "zone", "name", "description", "active"]


class PatrolRouteViewSet(ServiceViewSet):
    """Patrol routes through the areas not under closed management."""

    serializer_class = PatrolRouteSerializer
    selector = patrol_selectors.patrol_route_list
    create_service = patrol_services.patrol_route_create
    update_service = patrol_services.patrol_route_update
    service_object_name = "patrol_route"
    filterset_fields = ["community", "zone", "active"]


class CheckpointSerializer(serializers.ModelSerializer):
    route = scoped(patrol_selectors.patrol_route_list)
    scan_url = serializers.SerializerMethodField()

    class Meta:
        model = Checkpoint
        fields = ["id", "community", "route", "name", "location", "order", "code", "active", "scan_url"]
        read_only_fields = ["community", "code"]

    def get_scan_url(self, point) -> str:
        return self.context["request"].build_absolute_uri(reverse("operations:patrol_scan", args=[point.code]))


class CheckpointViewSet(ServiceViewSet):
    """Checkpoints of a route. `code` is generated, printed as a QR code of `scan_url`, and typed
    when scanning fails."""

    serializer_class = CheckpointSerializer
    selector = patrol_selectors.checkpoint_list
    create_service = patrol_services.checkpoint_create
    update_service = patrol_services.checkpoint_update
    filterset_fields = ["community", "route", "active"]


class PatrolPlanSerializer(serializers.ModelSerializer):
    route = scoped(patrol_selectors.patrol_route_list)
    team = scoped(staff_selectors.staff_team_list, allow_null=True, required=False)
    weekdays = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=7), required=False,
                                     help_text="1=周一 … 7=周日；留空为每天")

    class Meta:
        model = PatrolPlan
        fields = ["id", "community", "route", "team", "name", "weekdays", "window_start", "window_end", "active"]
        read_only_fields = ["community"]


class PatrolPlanViewSet(ServiceViewSet):
    """When a route is walked: weekdays and a time window; an end not after the start is next day (22:00–02:00)."""

    serializer_class = PatrolPlanSerializer
    selector = patrol_selectors.patrol_plan_list
    create_service = patrol_services.patrol_plan_create
    update_service = patrol_services.patrol_plan_update
    service_object_name = "patrol_plan"
    filterset_fields = ["community", "route", "active"]


class PatrolCheckInSerializer(serializers.ModelSerializer):
    checkpoint_name = serializers.CharField(source="checkpoint.name", read_only=True)

    class Meta:
        model = PatrolCheckIn
        fields = ["id", "community", "patrol_round", "checkpoint", "checkpoint_name", "at", "by", "method", "note"]
        read_only_fields = fields


class PatrolRoundSerializer(serializers.ModelSerializer):
    route = scoped(patrol_selectors.patrol_route_list)
    checkins = PatrolCheckInSerializer(many=True, read_only=True)

    class Meta:
        model = PatrolRound
        fields = ["id", "community", "route", "plan", "date", "window_start", "window_end", "guard", "status",
                  "started_at", "finished_at", "checkins"]
        read_only_fields = ["community", "plan", "date", "guard", "status", "started_at", "finished_at"]


class RoundCodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=16, help_text="巡更点的点位码（二维码内容或手工输入）")
    method = serializers.ChoiceField(choices=PatrolCheckIn.Method.choices, default=PatrolCheckIn.Method.TYPED)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class GenerateRoundsSerializer(serializers.Serializer):
    community = serializers.IntegerField()
    date = serializers.DateField()


class PatrolRoundViewSet(ServiceViewSet):
    """Rounds generated from plans (or unplanned, by a manager). A guard checks in at each
    checkpoint inside the window and finishes; the rest is closed when the window ends."""

    serializer_class = PatrolRoundSerializer
    selector = patrol_selectors.patrol_round_list
    create_service = patrol_services.patrol_round_create
    filterset_fields = {"community": ["exact"], "route": ["exact"], "status": ["exact"], "guard": ["exact"],
                        "date": ["exact", "gte", "lte"]}

    def get_queryset(self):
        return super().get_queryset().prefetch_related("checkins__checkpoint")

    @extend_schema(request=RoundCodeSerializer, responses={201: PatrolCheckInSerializer})
    @action(detail=True, methods=["post"])
    def checkin(self, request, pk=None):
        """Check in at a checkpoint of this round by its code; refused outside the window or off the route."""
        patrol_round = self.get_object()
        parsed = RoundCodeSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        checkin = patrol_services.patrol_checkin(actor=self.actor, patrol_round=patrol_round, **parsed.validated_data)
        return Response(PatrolCheckInSerializer(checkin).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EmptySerializer, responses=PatrolRoundSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        """Completed when every checkpoint was checked in, otherwise incomplete (有漏巡)."""
        result = patrol_services.patrol_round_finish(actor=self.actor, patrol_round=self.get_object())
        return Response(self.get_serializer(result).data)

    @extend_schema(request=GenerateRoundsSerializer,
                   responses=inline_serializer("RoundsGenerated", {"added": serializers.IntegerField()}))
    @action(detail=False, methods=["post"])
    def generate(self, request):
        """Generate the day's rounds from the active plans (idempotent)."""
        parsed = GenerateRoundsSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        community = community_or_404(self.actor, parsed.validated_data["community"])
        added = patrol_services.patrol_rounds_generate(actor=self.actor, community=community,
                                                       date=parsed.validated_data["date"])
        return Response({"added": added})


class CheckInCreateSerializer(PatrolCheckInSerializer):
    code = serializers.CharField(max_length=16, write_only=True, help_text="巡更点的点位码")
    patrol_round = scoped(patrol_selectors.patrol_round_list, required=False, allow_null=True,
                          help_text="留空时为该点位所在路线当前时间窗口内的巡逻")
    method = serializers.ChoiceField(choices=PatrolCheckIn.Method.choices, default=PatrolCheckIn.Method.SCAN)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    class Meta(PatrolCheckInSerializer.Meta):
        fields = [*PatrolCheckInSerializer.Meta.fields, "code"]
        read_only_fields = ["id", "community", "checkpoint", "checkpoint_name", "at", "by"]


class PatrolCheckInViewSet(ServiceViewSet):
    """Check-ins. POST with a scanned code checks in on the route's current round."""

    serializer_class = CheckInCreateSerializer
    selector = patrol_selectors.patrol_checkin_list
    create_service = patrol_services.patrol_checkin
    filterset_fields = ["community", "patrol_round", "checkpoint", "by"]


routes = [
    ("patrol-routes", PatrolRouteViewSet, "patrol-route"),
    ("checkpoints", CheckpointViewSet, "checkpoint"),
    ("patrol-plans", PatrolPlanViewSet, "patrol-plan"),
    ("patrol-rounds", PatrolRoundViewSet, "patrol-round"),
    ("patrol-checkins", PatrolCheckInViewSet, "patrol-checkin"),
]
