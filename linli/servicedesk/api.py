"""The service desk API (DESIGN §5): requests and their actions, SLA policies, categories,
calendars, teams, the daily review, company statistics and the in-app inbox."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import FirstRendererNegotiation, ServiceViewSet, scoped
from linli.core.errors import ValidationFailed
from linli.core.filters import FilterSet
from linli.core.masking import mask_phone
from linli.core.models import InboxMessage
from linli.core.params import IdSerializerField
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates
from linli.orgs.models import User
from linli.orgs.selectors import organization_list

from . import review, selectors, services
from .models import (
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    BusinessCalendar,
    Category,
    Channel,
    Kind,
    Priority,
    RequestEvent,
    RequestPhoto,
    ServiceRequest,
    SlaPolicy,
    Team,
)

# Requests ----------------------------------------------------------------------------------

class RequestPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = RequestPhoto
        fields = ["id", "url", "stage", "content_type", "size"]

    def get_url(self, photo) -> str:
        return reverse("service-photo", args=[photo.pk])


class ServiceRequestSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    unit = scoped(estates.unit_list, allow_null=True, required=False)
    zone = scoped(estates.zone_list, allow_null=True, required=False)
    category = serializers.CharField(required=False, allow_blank=True, default="", max_length=30,
                                     help_text="分类名称（如“水电”）；留空表示未分类。")
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH, required=False, allow_blank=True, default="",
                                  help_text="留空时取描述的前 30 个字。")
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_null=True, default=None,
                                      help_text="业主自己报事为 owner，监管部门转办为 hotline；员工登记默认 phone。")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, default=Priority.NORMAL)
    assignee_name = serializers.StringRelatedField(source="assignee", read_only=True, allow_null=True)
    photos = RequestPhotoSerializer(many=True, read_only=True)
    # Declared because a read-only model field loses `blank`: "" until the return visit.
    satisfaction = serializers.ChoiceField(choices=ServiceRequest.Satisfaction.choices, allow_blank=True,
                                           read_only=True)

    class Meta:
        model = ServiceRequest
        fields = ["id", "community", "kind", "category", "title", "description", "unit", "zone", "location",
                  "channel", "priority", "status", "respond_by", "resolve_by", "repeat_of", "requester_name",
                  "requester_phone", "assignee", "assignee_name", "team", "company", "accepted_at", "resolved_at",
                  "closed_at", "rating", "rating_comment", "escalated", "reopen_count", "urge_count",
                  "satisfaction", "visited_at", "created_at", "updated_at", "photos"]
        read_only_fields = ["status", "respond_by", "resolve_by", "repeat_of", "assignee", "team", "company",
                            "accepted_at", "resolved_at", "closed_at", "rating", "rating_comment", "escalated",
                            "reopen_count", "urge_count", "satisfaction", "visited_at", "created_at", "updated_at"]
        validators = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["category"] = instance.category.name if instance.category_id else ""
        if not selectors.shows_requester_phone(actor_for(self.context["request"].user), instance):
            data["requester_phone"] = mask_phone(data["requester_phone"])
        return data


class ServiceRequestFilter(FilterSet):
    created_after = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    category = filters.CharFilter(field_name="category__name")
    open = filters.BooleanFilter(field_name="resolved_at", lookup_expr="isnull", label="未办结")

    class Meta:
        model = ServiceRequest
        fields = ["community", "kind", "status", "priority", "channel", "unit", "zone", "assignee", "team",
                  "company", "repeat_of", "category"]


class RequestEmptySerializer(serializers.Serializer):
    pass


class RequestAssignSerializer(serializers.Serializer):
    assignee = IdSerializerField(help_text="本小区物业企业在职员工的用户 id")


class RequestTeamChoiceSerializer(serializers.Serializer):
    team = IdSerializerField()


class RequestNoteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    public = serializers.BooleanField(default=True, help_text="业主可见；业主的留言总是可见。")


class RequestTextSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)


class RequestResolveSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class RequestReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class RequestTransferSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    assignee = IdSerializerField(required=False, allow_null=True, default=None)
    team = IdSerializerField(required=False, allow_null=True, default=None)


class RequestConfirmSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class RequestVisitSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=ServiceRequest.Satisfaction.choices)
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)


class RequestPhotoUploadSerializer(serializers.Serializer):
    # An upload under another name left `image` empty and answered 200 having done nothing.
    image = serializers.ListField(child=serializers.FileField(), allow_empty=False,
                                  error_messages={"empty": _("请在 image 字段中上传照片（可多张）。")},
                                  help_text="JPEG、PNG 或 WebP，每张不超过 5 MB。")
    stage = serializers.ChoiceField(choices=RequestPhoto.Stage.choices, default=RequestPhoto.Stage.REPORT)


class RequestEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestEvent
        fields = ["id", "kind", "text", "public", "actor_name", "at"]


class ServiceRequestViewSet(ServiceViewSet):
    """Repair, complaint and help requests (报修/投诉/求助, also inquiries, suggestions and praise).
    Deadlines come from the community's SLA policy for the kind and priority."""

    serializer_class = ServiceRequestSerializer
    filterset_class = ServiceRequestFilter
    selector = selectors.service_request_list
    create_service = services.request_create
    update_service = services.request_update
    service_object_name = "service_request"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("photos")

    def _act(self, service, input_serializer=None, **extra):
        request_obj = self.get_object()
        data = {}
        if input_serializer is not None:
            parsed = input_serializer(data=self.request.data)
            parsed.is_valid(raise_exception=True)
            data = dict(parsed.validated_data)
        result = service(actor=self.actor, service_request=request_obj, **data, **extra)
        return Response(self.get_serializer(result).data)

    def _worker(self, request_obj, user_id, field="assignee"):
        if user_id is None:
            return None
        worker = selectors.worker_choices(actor=self.actor, community=request_obj.community).filter(pk=user_id).first()
        if worker is None:
            raise ValidationFailed(fields={field: ["处理人必须是本小区物业企业的在职员工。"]})
        return worker

    def _team(self, request_obj, team_id):
        if team_id is None:
            return None
        team = selectors.team_list(actor=self.actor).filter(pk=team_id, community=request_obj.community).first()
        if team is None:
            raise ValidationFailed(fields={"team": ["没有这个班组。"]})
        return team

    @extend_schema(request=RequestEmptySerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._act(services.request_accept)

    @extend_schema(request=RequestAssignSerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        obj = self.get_object()
        parsed = RequestAssignSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        result = services.request_assign(actor=self.actor, service_request=obj,
                                         assignee=self._worker(obj, parsed.validated_data["assignee"]))
        return Response(self.get_serializer(result).data)

    @extend_schema(request=RequestEmptySerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def grab(self, request, pk=None):
        """抢单: take an unassigned request from your team's pool; 409 when someone was faster."""
        return self._act(services.request_grab)

    @extend_schema(request=RequestTeamChoiceSerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"], url_path="round-robin")
    def round_robin(self, request, pk=None):
        """Assign to the member of the team who has waited longest since their last job."""
        obj = self.get_object()
        parsed = RequestTeamChoiceSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        result = services.request_round_robin(actor=self.actor, service_request=obj,
                                              team=self._team(obj, parsed.validated_data["team"]))
        return Response(self.get_serializer(result).data)

    @extend_schema(request=RequestEmptySerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._act(services.request_start)

    @extend_schema(request=RequestReasonSerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        """Waiting for parts or the owner: the SLA clock pauses until `resume`."""
        return self._act(services.request_hold, RequestReasonSerializer)

    @extend_schema(request=RequestTextSerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._act(services.request_resume, RequestTextSerializer)

    @extend_schema(request=RequestTransferSerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        obj = self.get_object()
        parsed = RequestTransferSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = parsed.validated_data
        result = services.request_transfer(actor=self.actor, service_request=obj, reason=data["reason"],
                                           assignee=self._worker(obj, data["assignee"]),
                                           team=self._team(obj, data["team"]))
        return Response(self.get_serializer(result).data)

    @extend_schema(request=RequestReasonSerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_dispatch(self, request, pk=None):
        """退单: the assignee hands the request back to dispatch, with a reason."""
        return self._act(services.request_return, RequestReasonSerializer)

    @extend_schema(methods=["GET"], responses=RequestEventSerializer(many=True))
    @extend_schema(methods=["POST"], request=RequestNoteSerializer, responses={201: RequestEventSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def notes(self, request, pk=None):
        """The request's history; POST adds a progress note (staff) or a message (requester)."""
        obj = self.get_object()
        if request.method == "GET":
            events = selectors.request_events(actor=self.actor, request=obj)
            return Response(RequestEventSerializer(events, many=True).data)
        parsed = RequestNoteSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        event = services.request_note(actor=self.actor, service_request=obj, **parsed.validated_data)
        return Response(RequestEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RequestResolveSerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._act(services.request_resolve, RequestResolveSerializer)

    @extend_schema(request=RequestConfirmSerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The requester confirms and rates 1–5; the request closes."""
        return self._act(services.request_confirm, RequestConfirmSerializer)

    @extend_schema(request=RequestReasonSerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._act(services.request_reopen, RequestReasonSerializer)

    @extend_schema(request=RequestTextSerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def urge(self, request, pk=None):
        """督办 by a regulator; counted in `urge_count`."""
        return self._act(services.request_urge, RequestTextSerializer)

    @extend_schema(request=RequestVisitSerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def visit(self, request, pk=None):
        """回访: the requester's satisfaction after the work."""
        return self._act(services.request_visit, RequestVisitSerializer)

    @extend_schema(request={"multipart/form-data": RequestPhotoUploadSerializer}, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        obj = self.get_object()
        parsed = RequestPhotoUploadSerializer(data={"image": request.FILES.getlist("image"),
                                             "stage": request.data.get("stage", RequestPhoto.Stage.REPORT)})
        parsed.is_valid(raise_exception=True)
        result = services.request_photo_add(actor=self.actor, service_request=obj, photos=parsed.validated_data["image"],
                                            stage=parsed.validated_data["stage"])
        return Response(self.get_serializer(result).data)


class PhotoView(APIView):
    """A request's photo, for whoever may read the request (never public media)."""

    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(operation_id="service_photos_retrieve", responses={(200, "image/*"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        photo = selectors.request_photo_get(actor=actor_for(request.user), photo_id=pk)
        return FileResponse(photo.image.open("rb"), content_type=photo.content_type)


# Configuration ------------------------------------------------------------------------------

class CategorySerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=Kind.choices), required=False, default=list)

    class Meta:
        model = Category
        fields = ["id", "community", "name", "kinds", "active", "position"]
        validators = []


class CategoryViewSet(ServiceViewSet):
    """Categories of a community's requests; every community starts with the default ten."""

    serializer_class = CategorySerializer
    filterset_fields = ["community", "active"]
    selector = selectors.category_list
    create_service = services.category_create
    update_service = services.category_update


class BusinessCalendarSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    holidays = serializers.ListField(child=serializers.DateField(), required=False, default=list)
    workdays = serializers.ListField(child=serializers.DateField(), required=False, default=list)

    class Meta:
        model = BusinessCalendar
        fields = ["id", "community", "name", "weekdays", "opens_at", "closes_at", "holidays", "workdays"]


class BusinessCalendarViewSet(ServiceViewSet):
    """Working hours for SLA clocks; a policy without a calendar counts around the clock."""

    serializer_class = BusinessCalendarSerializer
    filterset_fields = ["community"]
    selector = selectors.calendar_list
    create_service = services.calendar_create
    update_service = services.calendar_update
    service_object_name = "business_calendar"


class SlaPolicySerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    calendar = scoped(selectors.calendar_list, allow_null=True, required=False)

    class Meta:
        model = SlaPolicy
        fields = ["id", "community", "kind", "priority", "accept_minutes", "resolve_hours", "calendar"]
        validators = []


class SlaPolicyViewSet(ServiceViewSet):
    """Time to accept and to resolve, per community × kind × priority. Without a policy the
    defaults apply: urgent 15 min / 4 h, high 30 min / 12 h, normal 60 min / 24 h, low 120 min / 72 h."""

    serializer_class = SlaPolicySerializer
    filterset_fields = ["community", "kind", "priority"]
    selector = selectors.sla_policy_list
    create_service = services.sla_policy_create
    update_service = services.sla_policy_update
    service_object_name = "sla_policy"


class TeamSerializer(serializers.ModelSerializer):
    community = scoped(estates.community_list)
    members = serializers.PrimaryKeyRelatedField(many=True, required=False, default=list,
                                                 queryset=User.objects.filter(is_active=True))
    categories = scoped(selectors.category_list, many=True, required=False, default=list)

    class Meta:
        model = Team
        fields = ["id", "community", "name", "members", "categories"]
        validators = []


class TeamViewSet(ServiceViewSet):
    """Crews whose members grab the team's requests or take them in turn."""

    serializer_class = TeamSerializer
    filterset_fields = ["community"]
    selector = selectors.team_list
    create_service = services.team_create
    update_service = services.team_update


class InboxSerializer(serializers.ModelSerializer):
    # In the reader's language (Accept-Language) when the message was stored as a key.
    title = serializers.CharField(source="shown_title", read_only=True)
    body = serializers.CharField(source="shown_body", read_only=True)

    class Meta:
        model = InboxMessage
        fields = ["id", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class InboxFilter(FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="未读")

    class Meta:
        model = InboxMessage
        fields = ["unread"]


class InboxViewSet(ServiceViewSet):
    """The signed-in user's in-app messages (站内消息)."""

    serializer_class = InboxSerializer
    filterset_class = InboxFilter
    selector = selectors.inbox_list
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=RequestEmptySerializer, responses=InboxSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        message = self.get_object()
        services.inbox_mark_read(actor=self.actor, message=message)
        return Response(self.get_serializer(message).data)


# The daily review and statistics ---------------------------------------------------------------

class DailyReviewSerializer(serializers.Serializer):
    date = serializers.DateField()
    community = serializers.IntegerField()
    new = serializers.IntegerField(help_text="当日新增")
    resolved = serializers.IntegerField(help_text="当日办结")
    open = serializers.IntegerField(help_text="日终未办结")
    overdue = serializers.ListField(child=serializers.IntegerField(), help_text="日终未办结且办结时限早于日终")
    late_accept = serializers.ListField(child=serializers.IntegerField(), help_text="未按时受理")
    no_note_today = serializers.ListField(child=serializers.IntegerField(), help_text="超过一天未办结且当日无公开进展")
    reopened = serializers.ListField(child=serializers.IntegerField(), help_text="当日重新打开")
    repeats = serializers.ListField(child=serializers.IntegerField(), help_text="当日的重复投诉")
    sections = serializers.DictField(
        child=serializers.ListField(child=serializers.DictField()),
        help_text="其他模块登记的日审栏目（如漏巡点位 patrol_missed、逾期保洁绿化任务 env_overdue），"
                  "每行为 {\"cells\": [文本…], \"url\": 链接}", required=False)


class DailyReviewQuery(serializers.Serializer):
    community = IdSerializerField()
    date = serializers.DateField(required=False)
    live = serializers.BooleanField(required=False, default=False)


class DailyReviewView(APIView):
    @extend_schema(
        operation_id="daily_review_retrieve",
        parameters=[OpenApiParameter("community", int, required=True), OpenApiParameter("date", OpenApiTypes.DATE),
                    OpenApiParameter("live", bool, description="忽略当日已留存的日审，按现状重新计算")],
        responses=DailyReviewSerializer,
    )
    def get(self, request):
        """The daily review (日清日审) of a community-day: the one kept at the configured hour if
        that day has one, otherwise computed now. A day after today shows what it will be if
        nothing changes. Lists are request ids."""
        query = DailyReviewQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        actor = actor_for(request.user)
        community = get_object_or_404(estates.community_list(actor=actor), pk=query.validated_data["community"])
        date = query.validated_data.get("date") or timezone.localdate()
        return Response(review.daily_review(actor=actor, community=community, date=date,
                                            live=query.validated_data["live"]))


class StatsQuery(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    company = IdSerializerField(required=False)

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": "结束日期不能早于开始日期。"})
        return attrs


class CompanyStatsSerializer(serializers.Serializer):
    company_id = serializers.IntegerField()
    company__name = serializers.CharField()
    total = serializers.IntegerField()
    resolved = serializers.IntegerField()
    on_time = serializers.IntegerField()
    on_time_rate = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    overdue_open = serializers.IntegerField()
    rated = serializers.IntegerField()
    rating_avg = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    visited = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    satisfaction_rate = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    complaints = serializers.IntegerField()
    repeats = serializers.IntegerField()
    repeat_rate = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    urges = serializers.IntegerField()
    hotline = serializers.IntegerField()


class CompanyStatsView(APIView):
    @extend_schema(
        operation_id="service_stats_list",
        parameters=[OpenApiParameter("start", OpenApiTypes.DATE, required=True),
                    OpenApiParameter("end", OpenApiTypes.DATE, required=True), OpenApiParameter("company", int)],
        responses=CompanyStatsSerializer(many=True),
    )
    def get(self, request):
        """Per company, for requests filed in [start, end] within your scope: on-time rate,
        average rating, return-visit satisfaction, repeat-complaint rate and urges (督办)."""
        query = StatsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        actor = actor_for(request.user)
        company_ids = None
        if "company" in data:
            company = get_object_or_404(organization_list(actor=actor), pk=data["company"])
            company_ids = [company.pk]
        rows = selectors.company_service_stats(actor=actor, start=data["start"], end=data["end"],
                                               company_ids=company_ids)
        return Response(CompanyStatsSerializer(rows, many=True).data)


# Collected by linli/api_urls.py.
routes = [
    ("service-requests", ServiceRequestViewSet, "service-request"),
    ("service-categories", CategoryViewSet, "service-category"),
    ("business-calendars", BusinessCalendarViewSet, "business-calendar"),
    ("sla-policies", SlaPolicyViewSet, "sla-policy"),
    ("service-teams", TeamViewSet, "service-team"),
    ("inbox", InboxViewSet, "inbox"),
]
paths = [
    path("daily-review/", DailyReviewView.as_view(), name="daily-review"),
    path("service-stats/", CompanyStatsView.as_view(), name="service-stats"),
    path("service-photos/<int:pk>/", PhotoView.as_view(), name="service-photo"),
]
