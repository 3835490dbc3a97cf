"""The API of staff and organisation: positions, teams, staff records, shifts, the duty roster
and the headcount against the establishment."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import ServiceViewSet, scoped
from linli.core.errors import NotFound
from linli.core.masking import mask_phone
from linli.core.params import parse_id
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates
from linli.orgs.selectors import user_list

from ..models import Position, RosterEntry, Shift, StaffMember, StaffTeam
from ..selectors import staff as staff_selectors
from ..services import staff as staff_services
from .common import community_or_404


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
        community = community_or_404(self.actor, parsed.validated_data["community"])
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
        community = community_or_404(actor, parse_id(request.query_params.get("community")) or 0)
        if not (actor.is_admin or community.pk in staff_selectors.community_ids(actor)):
            raise NotFound()
        return Response(HeadcountSerializer(staff_selectors.headcount(actor=actor, community=community)).data)


routes = [
    ("positions", PositionViewSet, "position"),
    ("staff-teams", StaffTeamViewSet, "staff-team"),
    ("staff-members", StaffMemberViewSet, "staff-member"),
    ("shifts", ShiftViewSet, "shift"),
    ("roster-entries", RosterEntryViewSet, "roster-entry"),
]
paths = [path("staff-headcount/", HeadcountView.as_view(), name="staff-headcount")]
