"""The API of cleaning and greening: task templates, generated tasks and inspections."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from linli.core.api import ServiceViewSet, scoped
from linli.core.parsers import JSONParser
from linli.estates import selectors as estates

from ..models import EnvInspection, EnvTask, TaskTemplate
from ..selectors import environment as env_selectors
from ..selectors import staff as staff_selectors
from ..services import environment as env_services
from .common import community_or_404


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
        community = community_or_404(self.actor, data["community"])
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


routes = [
    ("task-templates", TaskTemplateViewSet, "task-template"),
    ("env-tasks", EnvTaskViewSet, "env-task"),
    ("env-inspections", EnvInspectionViewSet, "env-inspection"),
]
