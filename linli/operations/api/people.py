"""The API of staff and organisation, patrols and cleaning/greening (issue 7 parts 1, 2, 4):
thin viewsets over the services and the scoped selectors."""

from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import ServiceViewSet, scoped
from linli.core.masking import mask_phone
from linli.core.params import parse_id
from linli.core.parsers import JSONParser
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates
from linli.core.errors import NotFound
from linli.orgs.selectors import user_list

from ..models import (
    Checkpoint,
    EnvInspection,
    EnvTask,
    PatrolCheckIn,
    PatrolPlan,
    PatrolRound,
    PatrolRoute,
    Position,
    RosterEntry,
    Shift,
    StaffMember,
    StaffTeam,
    TaskTemplate,
)
from ..selectors import environment as env_selectors
from ..selectors import patrols as patrol_selectors
from ..selectors import staff as staff_selectors
from ..services import environment as env_services
from ..services import patrols as patrol_services
from ..services import staff as staff_services

def _community(actor, community_id):
    return get_object_or_404(estates.community_list(actor=actor), pk=community_id)


# Staff and organisation ------------------------------------------------------------------------

class PositionSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)

    class Meta:
        model = Position
        fields = ["id", "community", "name", "kind", "planned_headcount", "order"]


class PositionViewSet(ServiceViewSet):
    """Posts of a community's establishment (篇一 §四) with their planned headcount."""

    serializer_class = PositionSerializer
    selector = staff_selectors.position_list
    create_service = staff_services.position_create
    update_service = staff_services.position_update
    filterset_fields = ["community", "kind"]


class StaffTeamSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    zone = scoped(estates.zone_list, allow_null=True, required=False)
    leader = scoped(staff_selectors.staff_member_list, allow_null=True, required=False)

    class Meta:
        model = StaffTeam
        fields = ["id", "community", "zone", "name", "kind", "planned_headcount", "leader"]


class StaffTeamViewSet(ServiceViewSet):
    """Teams by line of work and zone: 金苗园保安队, 北区保洁一组 …"""

    serializer_class = StaffTeamSerializer
    selector = staff_selectors.staff_team_list
    create_service = staff_services.staff_team_create
    update_service = staff_services.staff_team_update
    service_object_name = "staff_team"
    filterset_fields = ["community", "kind", "zone"]


class StaffMemberSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    position = scoped(staff_selectors.position_list)
    team = scoped(staff_selectors.staff_team_list, allow_null=True, required=False)
    user = scoped(user_list, allow_null=True, required=False, help_text="本小区物业企业在职员工的用户 id")

    class Meta:
        model = StaffMember
        fields = ["id", "community", "name", "phone", "position", "team", "user", "hired_on", "left_on", "active"]
        read_only_fields = ["active"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not actor_for(self.context["request"].user).can("personal.phone", instance.community_id):
            data["phone"] = mask_phone(data["phone"])
        return data


class StaffMemberViewSet(ServiceViewSet):
    """Staff records. Phones are masked for roles without access to personal data."""

    serializer_class = StaffMemberSerializer
    selector = staff_selectors.staff_member_list
    create_service = staff_services.staff_member_create
    update_service = staff_services.staff_member_update
    service_object_name = "staff_member"
    filterset_fields = ["community", "position", "team", "active"]


class ShiftSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)

    class Meta:
        model = Shift
        fields = ["id", "community", "name", "start", "end", "overnight"]
        read_only_fields = ["overnight"]


class ShiftViewSet(ServiceViewSet):
    """Shift patterns (早班, 中班, 夜班); a shift whose end is not after its start ends next day."""

    serializer_class = ShiftSerializer
    selector = staff_selectors.shift_list
    create_service = staff_services.shift_create
    update_service = staff_services.shift_update
    filterset_fields = ["community"]


class RosterEntrySerializer(serializers.ModelSerializer):
    team = scoped(staff_selectors.staff_team_list)
    member = scoped(staff_selectors.staff_member_list)
    shift = scoped(staff_selectors.shift_list)
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = RosterEntry
        fields = ["id", "community", "team", "member", "member_name", "date", "shift", "note"]
        read_only_fields = ["community"]


class RosterCopySerializer(serializers.Serializer):
    community = serializers.IntegerField()
    week = serializers.DateField(help_text="复制到的那一周的周一；复制其前一周的排班")


class RosterEntryViewSet(ServiceViewSet):
    """The duty roster: one person on one shift on one day, in a team."""

    serializer_class = RosterEntrySerializer
    selector = staff_selectors.roster_entry_list
    create_service = staff_services.roster_entry_create
    update_service = staff_services.roster_entry_update
    service_object_name = "roster_entry"
    filterset_fields = {"community": ["exact"], "team": ["exact"], "member": ["exact"], "shift": ["exact"],
                        "date": ["exact", "gte", "lte"]}

    def destroy(self, request, *args, **kwargs):
        staff_services.roster_entry_delete(actor=self.actor, roster_entry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=RosterCopySerializer,
                   responses=inline_serializer("RosterCopyResult", {"added": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="copy-week")
    def copy_week(self, request):
        """Copy last week's roster into the week starting on `week` (a Monday); nothing planned is overwritten."""
        parsed = RosterCopySerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        community = _community(self.actor, parsed.validated_data["community"])
        added = staff_services.roster_copy_week(actor=self.actor, community=community,
                                                week_start=parsed.validated_data["week"])
        return Response({"added": added})


class HeadcountRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    zone = serializers.CharField(required=False)
    planned = serializers.IntegerField()
    actual = serializers.IntegerField()
    gap = serializers.IntegerField(help_text="实有减编制；负数为缺编")


class HeadcountSerializer(serializers.Serializer):
    positions = HeadcountRowSerializer(many=True)
    teams = HeadcountRowSerializer(many=True)
    planned = serializers.IntegerField()
    actual = serializers.IntegerField()


class HeadcountView(APIView):
    @extend_schema(operation_id="staff_headcount_retrieve",
                   parameters=[OpenApiParameter("community", int, required=True)], responses=HeadcountSerializer)
    def get(self, request):
        """Planned headcount (编制) against actual (active staff records), per position and per team."""
        actor = actor_for(request.user)
        community = _community(actor, parse_id(request.query_params.get("community")) or 0)
        if not (actor.is_admin or community.pk in staff_selectors.community_ids(actor)):
            raise NotFound()
        return Response(HeadcountSerializer(staff_selectors.headcount(actor=actor, community=community)).data)


# Patrols ---------------------------------------------------------------------------------------

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


class EmptySerializer(serializers.Serializer):
    pass


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
        community = _community(self.actor, parsed.validated_data["community"])
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


# Cleaning and greening -------------------------------------------------------------------------

class TaskTemplateSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    team = scoped(staff_selectors.staff_team_list, allow_null=True, required=False)
    zones = scoped(estates.zone_list, many=True, required=False)
    weekdays = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=7), required=False,
                                     help_text="每周任务：1=周一 … 7=周日")
    checklist = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    times = serializers.IntegerField(min_value=1, max_value=31, required=False, default=1,
                                     help_text="每周期次数。每月 n 次：把当月平均分成 n 段，取每段第一天"
                                               "（每月二次即 1 日和 16 日，二月为 1 日和 15 日）")

    class Meta:
        model = TaskTemplate
        fields = ["id", "community", "kind", "name", "frequency", "times", "weekdays", "due_time", "zones", "team",
                  "checklist", "photo_required", "active"]


class GenerateTasksSerializer(serializers.Serializer):
    community = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()


class TaskTemplateViewSet(ServiceViewSet):
    """Recurring cleaning and greening jobs with the seed's frequencies (roads daily, stairs twice a month …)."""

    serializer_class = TaskTemplateSerializer
    selector = env_selectors.task_template_list
    create_service = env_services.task_template_create
    update_service = env_services.task_template_update
    service_object_name = "task_template"
    filterset_fields = ["community", "kind", "frequency", "active"]

    @extend_schema(request=GenerateTasksSerializer,
                   responses=inline_serializer("TasksGenerated", {"added": serializers.IntegerField()}))
    @action(detail=False, methods=["post"])
    def generate(self, request):
        """Generate the tasks of every active template per zone and team from `start` to `end` (idempotent)."""
        parsed = GenerateTasksSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = parsed.validated_data
        community = _community(self.actor, data["community"])
        added = env_services.env_tasks_generate(actor=self.actor, community=community, start=data["start"],
                                                end=data["end"])
        return Response({"added": added})


class EnvTaskSerializer(serializers.ModelSerializer):
    template_name = serializers.CharField(source="template.name", read_only=True)
    photo_url = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = EnvTask
        fields = ["id", "community", "template", "template_name", "zone", "team", "due_date", "due_by", "status",
                  "overdue", "done_at", "done_by", "photo_url", "note"]
        read_only_fields = fields

    def get_photo_url(self, task) -> str | None:
        return reverse("operations:env_task_photo", args=[task.pk]) if task.photo else None

    def get_overdue(self, task) -> bool:
        return task.status == EnvTask.Status.PENDING and task.due_by < timezone.now()


class TaskCompleteSerializer(serializers.Serializer):
    photo = serializers.FileField(required=False, help_text="JPEG、PNG 或 WebP，不超过 5 MB；模板要求拍照时必填")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EnvTaskViewSet(ServiceViewSet):
    """Generated cleaning and greening tasks; complete one with a photo and a note."""

    serializer_class = EnvTaskSerializer
    selector = env_selectors.env_task_list
    filterset_fields = {"community": ["exact"], "zone": ["exact"], "team": ["exact"], "status": ["exact"],
                        "template": ["exact"], "due_date": ["exact", "gte", "lte"]}

    @extend_schema(request={"multipart/form-data": TaskCompleteSerializer}, responses=EnvTaskSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def complete(self, request, pk=None):
        task = self.get_object()
        parsed = TaskCompleteSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        result = env_services.env_task_complete(actor=self.actor, env_task=task,
                                                photo=parsed.validated_data.get("photo"),
                                                note=parsed.validated_data["note"])
        return Response(self.get_serializer(result).data)


class InspectionItemSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    passed = serializers.BooleanField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EnvInspectionSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    zone = scoped(estates.zone_list, allow_null=True, required=False)
    task = scoped(env_selectors.env_task_list, allow_null=True, required=False)
    items = InspectionItemSerializer(many=True, required=False,
                                     help_text="留空且指定任务时取任务模板的检查项（均记为合格）")

    class Meta:
        model = EnvInspection
        fields = ["id", "community", "zone", "task", "kind", "inspector", "at", "passed", "note", "items"]
        read_only_fields = ["inspector", "at", "passed"]


class EnvInspectionViewSet(ServiceViewSet):
    """Inspections of cleaning and greening, item by item; passed when every item passes."""

    serializer_class = EnvInspectionSerializer
    selector = env_selectors.env_inspection_list
    create_service = env_services.env_inspection_create
    filterset_fields = ["community", "zone", "task", "kind", "passed"]


# Collected by linli/api_urls.py through linli/operations/api/__init__.py.
routes = [
    ("positions", PositionViewSet, "position"),
    ("staff-teams", StaffTeamViewSet, "staff-team"),
    ("staff-members", StaffMemberViewSet, "staff-member"),
    ("shifts", ShiftViewSet, "shift"),
    ("roster-entries", RosterEntryViewSet, "roster-entry"),
    ("patrol-routes", PatrolRouteViewSet, "patrol-route"),
    ("checkpoints", CheckpointViewSet, "checkpoint"),
    ("patrol-plans", PatrolPlanViewSet, "patrol-plan"),
    ("patrol-rounds", PatrolRoundViewSet, "patrol-round"),
    ("patrol-checkins", PatrolCheckInViewSet, "patrol-checkin"),
    ("task-templates", TaskTemplateViewSet, "task-template"),
    ("env-tasks", EnvTaskViewSet, "env-task"),
    ("env-inspections", EnvInspectionViewSet, "env-inspection"),
]
paths = [
    path("staff-headcount/", HeadcountView.as_view(), name="staff-headcount"),
]
