"""Assemblies and their motions: votes, sign-ins, written proxies and the minutes."""

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import FirstRendererNegotiation, scoped
from linli.core.filters import FilterSet, IdFilter
from linli.core.parsers import JSONParser
from linli.core.tenancy import actor_for
from linli.estates.selectors import community_list, unit_list

from .. import selectors, services
from ..models import Assembly, Motion, Proxy, SignIn, Vote
from ..pdf import assembly_minutes_pdf
from .common import GovernanceViewSet


class AssemblySerializer(serializers.ModelSerializer):
    community = scoped(community_list)
    prep_group = scoped(selectors.prep_group_list, allow_null=True, required=False)
    status = serializers.CharField(source="state", read_only=True,
                                   help_text="scheduled | voting | closed | published")

    class Meta:
        model = Assembly
        fields = ["id", "community", "title", "form", "opens_at", "closes_at", "place", "notice", "prep_group",
                  "status", "opened_at", "closed_at", "published_at"]
        read_only_fields = ["opened_at", "closed_at", "published_at"]


class SignInSerializer(serializers.ModelSerializer):
    owner = scoped(selectors.owner_choices)
    proxy = scoped(selectors.proxy_list, allow_null=True, required=False, default=None)

    class Meta:
        model = SignIn
        fields = ["id", "owner", "proxy", "at"]
        read_only_fields = ["at"]


class AssemblyViewSet(GovernanceViewSet):
    """Assemblies (业主大会会议). With `opens_at` empty voting opens at once, with `closes_at` empty it
    runs until closed; the roll is snapshotted when voting opens."""

    serializer_class = AssemblySerializer
    filterset_fields = ["community", "form", "prep_group"]
    selector = selectors.assembly_list
    create_service = services.assembly_create

    @extend_schema(request=None, responses=AssemblySerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        return self.respond(AssemblySerializer, services.assembly_open(actor=self.actor, assembly=self.get_object()),
                            created=False)

    @extend_schema(request=None, responses=AssemblySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self.respond(AssemblySerializer, services.assembly_close(actor=self.actor, assembly=self.get_object()),
                            created=False)

    @extend_schema(request=None, responses=AssemblySerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish every motion's result to the owners (after voting has ended)."""
        return self.respond(AssemblySerializer,
                            services.assembly_publish(actor=self.actor, assembly=self.get_object()), created=False)

    @extend_schema(request=SignInSerializer, responses={201: SignInSerializer})
    @action(detail=True, methods=["post"], url_path="sign-ins")
    def sign_ins(self, request, pk=None):
        data = self.action_input(SignInSerializer)
        return self.respond(SignInSerializer,
                            services.sign_in_record(actor=self.actor, assembly=self.get_object(), **data))


class MotionSerializer(serializers.ModelSerializer):
    assembly = scoped(selectors.assembly_list)
    scope_units = scoped(unit_list, many=True, required=False, write_only=True,
                         help_text="表决范围：为空时全体业主表决，否则只由这些房屋的业主表决。")

    class Meta:
        model = Motion
        fields = ["id", "assembly", "title", "matter", "description", "position", "scope_units"]

    def to_representation(self, motion):
        # The scope is stored as the unit ids it had when the motion was created.
        data = super().to_representation(motion)
        data["scope_units"] = motion.scope_units
        return data


class MotionFilter(FilterSet):
    community = IdFilter(field_name="assembly__community_id")

    class Meta:
        model = Motion
        fields = ["community", "assembly", "matter"]


class VoteSerializer(serializers.ModelSerializer):
    owner = scoped(selectors.owner_choices)
    choice = serializers.ChoiceField(choices=Vote.Choice.choices)
    proxy = scoped(selectors.proxy_list, allow_null=True, required=False, default=None)
    proxy_holder = serializers.CharField(source="proxy.holder_name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Vote
        fields = ["id", "motion", "owner", "choice", "channel", "proxy", "proxy_holder", "cast_at"]
        read_only_fields = ["motion", "channel", "cast_at"]


RESULT = inline_serializer("MotionResult", {
    "total_owners": serializers.IntegerField(), "total_area": serializers.DecimalField(14, 2),
    "participating_owners": serializers.IntegerField(), "participating_area": serializers.DecimalField(14, 2),
    "yes_owners": serializers.IntegerField(), "yes_area": serializers.DecimalField(14, 2),
    "quorum_met": serializers.BooleanField(), "passed": serializers.BooleanField(),
})


class MotionViewSet(GovernanceViewSet):
    """Motions, each classified by its Civil Code Art. 278 matter."""

    serializer_class = MotionSerializer
    filterset_class = MotionFilter
    selector = selectors.motion_list
    create_service = services.motion_create

    @extend_schema(methods=["post"], request=VoteSerializer, responses={201: VoteSerializer})
    @extend_schema(methods=["get"], responses=VoteSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def votes(self, request, pk=None):
        """POST: one owner's vote — by the owner, or a teller entering a paper ballot (with its
        proxy). GET: the named votes, with proxies shown (for those who run the vote; an owner
        sees their own)."""
        motion = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.vote_list(actor=self.actor).filter(motion=motion))
            return self.get_paginated_response(VoteSerializer(page, many=True).data)
        data = self.action_input(VoteSerializer)
        return self.respond(VoteSerializer, services.vote_cast(actor=self.actor, motion=motion, **data))

    @extend_schema(responses=RESULT)
    @action(detail=True, methods=["get"])
    def result(self, request, pk=None):
        """Exact counts and the rule's verdict (DESIGN §6). Owners see it once published."""
        return Response(services.motion_result_for(actor=self.actor, motion=self.get_object()))


# Proxies ----------------------------------------------------------------------------------

class ProxySerializer(serializers.ModelSerializer):
    principal = scoped(selectors.owner_choices)
    holder_owner = scoped(selectors.owner_choices, allow_null=True, required=False, default=None)
    holder_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    assembly = scoped(selectors.assembly_list, allow_null=True, required=False, default=None)
    motion = scoped(selectors.motion_list, allow_null=True, required=False, default=None)
    election = scoped(selectors.election_list, allow_null=True, required=False, default=None)
    document = serializers.FileField(write_only=True, help_text="签字的委托书：PDF、JPG 或 PNG，不超过 5 MB。")

    class Meta:
        model = Proxy
        fields = ["id", "principal", "holder_name", "holder_owner", "scope", "assembly", "motion", "election",
                  "document", "document_sha256", "created_at"]
        read_only_fields = ["document_sha256", "created_at"]


class ProxyViewSet(GovernanceViewSet):
    """Written proxies (书面委托): the signed document, the holder, and what it covers."""

    serializer_class = ProxySerializer
    filterset_fields = ["community", "principal", "assembly", "motion", "election", "scope"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    selector = selectors.proxy_list
    create_service = services.proxy_record

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def document(self, request, pk=None):
        proxy = self.get_object()
        return FileResponse(proxy.document.open("rb"), as_attachment=True,
                            filename=proxy.document.name.rsplit("/", 1)[-1])


class MinutesView(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(operation_id="assemblies_minutes", responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        """The minutes (会议记录) as a PDF: notice, attendance, each motion with its exact result.
        Owners may have them once the results are published."""
        actor = actor_for(request.user)
        assembly = get_object_or_404(selectors.assembly_list(actor=actor), pk=pk)
        response = HttpResponse(assembly_minutes_pdf(actor=actor, assembly=assembly), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, f"{assembly.title}-会议记录.pdf")
        return response
