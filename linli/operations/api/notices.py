"""The API of notices: draft, publish, withdraw, mark read, and who of the audience has read one."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.core.api import ServiceViewSet, scoped
from linli.estates import selectors as estates

from ..models import Notice
from ..selectors import notices as notice_selectors
from ..services import notices as notice_services
from .common import EmptySerializer


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
    ("notices", NoticeViewSet, "notice"),
]
