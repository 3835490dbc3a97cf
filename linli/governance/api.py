"""The governance API (DESIGN §5 Governance). Thin: parse, call a service or selector, render."""

from decimal import Decimal

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import FirstRendererNegotiation, ServiceViewSet, scoped
from linli.core.filters import FilterSet, IdFilter
from linli.core.parsers import JSONParser
from linli.core.tenancy import actor_for
from linli.estates.selectors import community_list, unit_list
from linli.orgs.selectors import organization_list

from . import selectors, services
from .eligibility import CONDITIONS, OWNER_OF_COMMUNITY
from .models import (
    Assembly,
    Ballot,
    Candidate,
    Committee,
    CommitteeFiling,
    CommitteeMember,
    CountOfficer,
    Election,
    FundEntry,
    FundInterest,
    FundObjection,
    FundUsage,
    Motion,
    OwnerConcern,
    Participant,
    PrepGroup,
    PrepGroupMember,
    PrepTask,
    Proxy,
    RecallPetition,
    ServiceBudget,
    ServiceBudgetLine,
    SignIn,
    Vote,
)
from .pdf import assembly_minutes_pdf


READ_AND_CREATE = ["get", "post", "head", "options"]


def money_field(**kwargs):
    """An amount in yuan as a string ("22.34"); the models keep it in fen (DESIGN §3)."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class GovernanceViewSet(ServiceViewSet):
    http_method_names = READ_AND_CREATE

    def action_input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def respond(self, serializer_class, instance, created=True):
        data = serializer_class(instance, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# Assemblies and motions ---------------------------------------------------------------------

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


# Elections --------------------------------------------------------------------------------

class ElectionSerializer(serializers.ModelSerializer):
    community = scoped(community_list)
    assembly = scoped(selectors.assembly_list, allow_null=True, required=False)
    round_of = scoped(selectors.election_list, allow_null=True, required=False)
    by_election_for = scoped(selectors.committee_list, allow_null=True, required=False,
                             help_text="补选：在任业主委员会的 id（人数为其空缺名额以内）。")
    conditions = serializers.ListField(child=serializers.CharField(), required=False,
                                       help_text="附加资格条件的名称（本小区产权人或产权共有人始终适用）；"
                                                 "不填时为 full_civil_capacity（具有完全民事行为能力）。")
    qualifications = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()

    class Meta:
        model = Election
        fields = ["id", "community", "title", "seats", "publicity_ends", "conditions", "qualifications", "assembly",
                  "round_of", "by_election_for", "status", "published_at", "opened_at", "ballots_collected",
                  "tallied_at", "result"]
        read_only_fields = ["status", "published_at", "opened_at", "ballots_collected", "tallied_at"]

    def get_qualifications(self, election) -> list[dict]:
        """Every qualification a candidate must meet, as shown on the ballot."""
        return [{"condition": name, "label": str(CONDITIONS[name].label)}
                for name in [OWNER_OF_COMMUNITY, *election.conditions]]

    def get_result(self, election) -> dict | None:
        return services.tally_response(election.result) if election.result else None


class CandidateSerializer(serializers.ModelSerializer):
    election = scoped(selectors.election_list)
    owner = scoped(selectors.owner_choices)
    nominators = scoped(selectors.owner_choices, many=True, required=False)
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    votes = serializers.SerializerMethodField()

    class Meta:
        model = Candidate
        fields = ["id", "election", "owner", "owner_name", "nominated_by", "nominators", "statement", "eligibility",
                  "votes"]
        read_only_fields = ["eligibility"]

    def get_votes(self, candidate) -> int | None:
        result = candidate.election.result
        return result["votes"].get(str(candidate.pk)) if result else None


class ParticipantSerializer(serializers.ModelSerializer):
    owner = scoped(selectors.owner_choices)
    proxy = scoped(selectors.proxy_list, allow_null=True, required=False, default=None)

    class Meta:
        model = Participant
        fields = ["id", "owner", "proxy", "signed_in_at"]
        read_only_fields = ["signed_in_at"]


class BallotSerializer(serializers.ModelSerializer):
    voter = scoped(selectors.owner_choices, write_only=True)
    selections = serializers.ListField(child=serializers.IntegerField(), allow_empty=True,
                                       help_text="所选候选人的 id；空表示空白票（有效）；多于应选人数为废票。")
    owner = serializers.IntegerField(source="participant.owner_id", read_only=True)

    class Meta:
        model = Ballot
        fields = ["id", "voter", "owner", "selections", "channel", "cast_at"]
        read_only_fields = ["channel", "cast_at"]


class TallyInput(serializers.Serializer):
    ballots_collected = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None,
                                                 help_text="票箱清点出的纸质选票数（可选）。")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class TieBreakInput(serializers.Serializer):
    member = scoped(selectors.candidate_list, help_text="已当选委员（候选人 id）")
    choices = serializers.ListField(child=serializers.IntegerField())


TALLY = inline_serializer("ElectionTally", {
    "participants": serializers.IntegerField(), "valid": serializers.IntegerField(),
    "void": serializers.IntegerField(), "round_void": serializers.BooleanField(),
    "quorum_met": serializers.BooleanField(), "elected": serializers.ListField(child=serializers.IntegerField()),
    "tied": serializers.ListField(child=serializers.IntegerField()), "unfilled": serializers.IntegerField(),
})


class ElectionViewSet(GovernanceViewSet):
    """Committee elections: `seats` odd 5–11 (default 9), more candidates than seats (差额)."""

    serializer_class = ElectionSerializer
    filterset_fields = ["community", "status", "assembly"]
    selector = selectors.election_list
    create_service = services.election_create

    @extend_schema(request=None, responses=ElectionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the candidate list; its publicity runs until `publicity_ends`."""
        return self.respond(ElectionSerializer,
                            services.election_publish(actor=self.actor, election=self.get_object()), created=False)

    @extend_schema(request=None, responses=ElectionSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        return self.respond(ElectionSerializer,
                            services.election_open(actor=self.actor, election=self.get_object()), created=False)

    @extend_schema(request=ReasonInput, responses=ElectionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Call the election off before voting opens, so that another can be held (one at a time)."""
        election = services.election_cancel(actor=self.actor, election=self.get_object(),
                                            **self.action_input(ReasonInput))
        return self.respond(ElectionSerializer, election, created=False)

    @extend_schema(methods=["post"], request=ParticipantSerializer, responses={201: ParticipantSerializer})
    @extend_schema(methods=["get"], responses=ParticipantSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def participants(self, request, pk=None):
        """POST: sign an owner in and issue their ballot (the first sign-in opens the election)."""
        election = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.participant_list(actor=self.actor).filter(election=election))
            return self.get_paginated_response(ParticipantSerializer(page, many=True).data)
        data = self.action_input(ParticipantSerializer)
        return self.respond(ParticipantSerializer,
                            services.participant_register(actor=self.actor, election=election, **data))

    @extend_schema(request=BallotSerializer, responses={201: BallotSerializer})
    @action(detail=True, methods=["post"])
    def ballots(self, request, pk=None):
        """One named ballot per participant; it cannot be changed."""
        data = self.action_input(BallotSerializer)
        return self.respond(BallotSerializer,
                            services.ballot_cast(actor=self.actor, election=self.get_object(), **data))

    @extend_schema(request=TallyInput, responses=TALLY)
    @action(detail=True, methods=["post"])
    def tally(self, request, pk=None):
        """Count the round and publish the result; counting again returns the published result."""
        data = self.action_input(TallyInput)
        result = services.election_tally(actor=self.actor, election=self.get_object(), **data)
        return Response(services.tally_response(result))

    @extend_schema(request=TieBreakInput, responses=ElectionSerializer)
    @action(detail=True, methods=["post"], url_path="tie-break")
    def tie_break(self, request, pk=None):
        """An elected member's vote among candidates tied at the last seat(s) (篇四 §一.7(5))."""
        election = self.get_object()
        data = self.action_input(TieBreakInput)
        services.tie_break_vote(actor=self.actor, election=election, **data)
        election.refresh_from_db()
        return self.respond(ElectionSerializer, election)


class CandidateViewSet(GovernanceViewSet):
    """Nominations (`nominated_by`: prep_group | owner_reps | joint | self), checked for eligibility."""

    serializer_class = CandidateSerializer
    filterset_fields = ["election", "owner", "nominated_by"]
    selector = selectors.candidate_list
    create_service = services.candidate_nominate


# The committee ----------------------------------------------------------------------------

class CommitteeMemberSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = CommitteeMember
        fields = ["id", "owner", "owner_name", "office", "left_on"]


class CommitteeSerializer(serializers.ModelSerializer):
    election = scoped(selectors.election_list, write_only=True)
    members = CommitteeMemberSerializer(many=True, read_only=True)
    filing = serializers.SerializerMethodField(help_text="现行有效的备案（列明在任委员）；为空表示须办理（变更）备案。")

    class Meta:
        model = Committee
        fields = ["id", "community", "election", "seats", "term_start", "term_end", "ended_on", "members", "filed_on",
                  "filed_with", "filing_reference", "filing", "reminder_sent_on"]
        read_only_fields = ["community", "seats", "term_end", "ended_on", "filed_on", "filed_with", "filing_reference",
                            "reminder_sent_on"]
        extra_kwargs = {"term_start": {"required": False}}

    def get_filing(self, committee) -> int | None:
        filing = services.filing_current(committee)
        return filing.pk if filing else None


class OfficerBallotInput(serializers.Serializer):
    voter = serializers.IntegerField(help_text="投票委员的 id")
    chair = serializers.IntegerField()
    vice_chairs = serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2)


class FilingInput(serializers.Serializer):
    reference = serializers.CharField(max_length=60)
    filed_on = serializers.DateField(required=False, allow_null=True, default=None)


class CommitteeViewSet(GovernanceViewSet):
    """Owners' committees: formed from a tallied election (POST `{"election"}`), three-year terms."""

    serializer_class = CommitteeSerializer
    filterset_fields = ["community"]
    selector = selectors.committee_list
    create_service = services.committee_form

    def get_queryset(self):
        return super().get_queryset().prefetch_related("members__owner")

    def _member(self, committee, pk):
        member = committee.members.filter(pk=pk).first()
        if member is None:
            raise serializers.ValidationError({"member": ["不是本届委员。"]})
        return member

    @extend_schema(request=OfficerBallotInput, responses={201: dict})
    @action(detail=True, methods=["post"], url_path="officer-ballots")
    def officer_ballots(self, request, pk=None):
        """A member's choice of the chair and two vice chairs."""
        committee = self.get_object()
        data = self.action_input(OfficerBallotInput)
        ballot = services.officer_ballot_cast(
            actor=self.actor, committee=committee, voter=self._member(committee, data["voter"]),
            chair=self._member(committee, data["chair"]),
            vice_chairs=[self._member(committee, v) for v in data["vice_chairs"]])
        return Response({"id": ballot.pk, "round": ballot.round}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=dict)
    @action(detail=True, methods=["post"])
    def officers(self, request, pk=None):
        """Decide the chair and vice chairs from the members' ballots."""
        return Response(services.committee_officers_decide(actor=self.actor, committee=self.get_object()))

    @extend_schema(request=FilingInput, responses=CommitteeSerializer)
    @action(detail=True, methods=["post"])
    def filing(self, request, pk=None):
        """File the committee (备案) with the sub-district office, with its sitting members; the
        sub-district confirms it at /committee-filings/{id}/confirm/."""
        data = self.action_input(FilingInput)
        committee = services.committee_file(actor=self.actor, committee=self.get_object(), **data)
        return self.respond(CommitteeSerializer, committee, created=False)


class CommitteeFilingSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteeFiling
        fields = ["id", "committee", "reason", "reference", "filed_on", "filed_with", "members", "status",
                  "answered_at", "note"]
        read_only_fields = fields


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CommitteeFilingViewSet(GovernanceViewSet):
    """Filings of committees with their sub-district office, received and answered on its side."""

    serializer_class = CommitteeFilingSerializer
    filterset_fields = ["committee", "status"]
    selector = selectors.committee_filing_list

    def _answer(self, confirm: bool):
        filing = services.committee_filing_answer(actor=self.actor, filing=self.get_object(), confirm=confirm,
                                                  **self.action_input(NoteInput))
        return self.respond(CommitteeFilingSerializer, filing, created=False)

    @extend_schema(request=NoteInput, responses=CommitteeFilingSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The sub-district office confirms the filing it received."""
        return self._answer(True)

    @extend_schema(request=NoteInput, responses=CommitteeFilingSerializer, operation_id="committee_filings_return")
    @action(detail=True, methods=["post"], url_path="return")
    def return_filing(self, request, pk=None):
        """The sub-district office returns the filing, with the reason (`note`)."""
        return self._answer(False)


# Recall -----------------------------------------------------------------------------------

class RecallPetitionSerializer(serializers.ModelSerializer):
    community = scoped(community_list)
    members = scoped(selectors.committee_member_list, many=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = RecallPetition
        fields = ["id", "community", "committee", "members", "reason", "status", "qualified_at", "motion",
                  "decided_on", "by_election", "progress"]
        read_only_fields = ["committee", "status", "qualified_at", "motion", "decided_on", "by_election"]

    def get_progress(self, petition) -> dict:
        progress = services.recall_progress(petition)
        return {key: str(value) if key.endswith(("area", "percent")) else value for key, value in progress.items()}


class OwnerInput(serializers.Serializer):
    owner = scoped(selectors.owner_choices)


class RecallPetitionViewSet(GovernanceViewSet):
    """Recall petitions: 20% or more of the exclusive area puts a recall motion on the next assembly;
    a passed recall takes effect when the assembly's result is published."""

    serializer_class = RecallPetitionSerializer
    filterset_fields = ["community", "status"]
    selector = selectors.recall_petition_list
    create_service = services.recall_petition_create

    @extend_schema(request=OwnerInput, responses=RecallPetitionSerializer)
    @action(detail=True, methods=["post"])
    def signatures(self, request, pk=None):
        petition = self.get_object()
        services.recall_sign(actor=self.actor, petition=petition, **self.action_input(OwnerInput))
        petition.refresh_from_db()
        return self.respond(RecallPetitionSerializer, petition)


# The maintenance fund ---------------------------------------------------------------------

class FundUsageSerializer(serializers.ModelSerializer):
    community = scoped(community_list)
    units = scoped(unit_list, many=True)
    amount = money_field(min_value=Decimal("0.01"))
    assembly = scoped(selectors.assembly_list, allow_null=True, required=False, write_only=True, default=None)
    objections = serializers.SerializerMethodField()

    class Meta:
        model = FundUsage
        fields = ["id", "community", "title", "description", "amount", "contractor", "units", "mode", "category",
                  "publicity_ends", "assembly", "motion", "status", "objections", "decision", "decided_at",
                  "approved_by", "published_at", "paid_at"]
        read_only_fields = ["motion", "status", "decision", "decided_at", "approved_by", "published_at", "paid_at"]

    def get_objections(self, usage) -> int:
        return usage.objections.count()


class PublishInput(serializers.Serializer):
    publicity_ends = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                               help_text="否定表决的公示截止：不早于发布后 7 日（留空沿用草稿的）。")
    assembly = scoped(selectors.assembly_list, allow_null=True, required=False, default=None,
                      help_text="业主大会表决：列入哪一次业主大会（留空为下一次）。")


class PayInput(serializers.Serializer):
    amount = money_field(required=False, allow_null=True, default=None)


DECISION = inline_serializer("FundUsageDecision", {
    "approved": serializers.BooleanField(), "scope_owners": serializers.IntegerField(),
    "scope_area": serializers.DecimalField(14, 2), "objecting_owners": serializers.IntegerField(),
    "objecting_area": serializers.DecimalField(14, 2),
})


class FundObjectionSerializer(serializers.ModelSerializer):
    owner = scoped(selectors.owner_choices)

    class Meta:
        model = FundObjection
        fields = ["id", "usage", "owner", "at"]
        read_only_fields = ["usage", "at"]


class FundUsageViewSet(GovernanceViewSet):
    """Uses of the maintenance fund: `mode` assembly | negative_vote | emergency. The company's
    manager drafts (`draft`); the committee — the residents' committee where there is none —
    publishes, which starts the publicity or the vote."""

    serializer_class = FundUsageSerializer
    filterset_fields = ["community", "mode", "status"]
    selector = selectors.fund_usage_list
    create_service = services.fund_usage_create

    @extend_schema(request=PublishInput, responses=FundUsageSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft: a negative vote's publicity (at least 7 days) or the assembly's motion."""
        usage = services.fund_usage_publish(actor=self.actor, usage=self.get_object(),
                                            **self.action_input(PublishInput))
        return self.respond(FundUsageSerializer, usage, created=False)

    @extend_schema(request=OwnerInput, responses={201: FundObjectionSerializer})
    @action(detail=True, methods=["post"])
    def objections(self, request, pk=None):
        """An objection by an owner of the scope, during the publicity (negative_vote)."""
        objection = services.fund_objection_record(actor=self.actor, usage=self.get_object(),
                                                   **self.action_input(OwnerInput))
        return self.respond(FundObjectionSerializer, objection)

    @extend_schema(request=None, responses=DECISION)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return Response(services.fund_usage_decide(actor=self.actor, usage=self.get_object()))

    @extend_schema(request=PayInput, responses=FundUsageSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        """Pay an approved use from the scope's ledgers, shared by built area to the fen."""
        usage = self.get_object()
        services.fund_usage_pay(actor=self.actor, usage=usage, **self.action_input(PayInput))
        usage.refresh_from_db()
        return self.respond(FundUsageSerializer, usage, created=False)


class FundEntrySerializer(serializers.ModelSerializer):
    unit = scoped(unit_list)
    # Every kind is read back (interest and withdrawals are posted by the fund's own services); only two are entered.
    kind = serializers.ChoiceField(choices=FundEntry.Kind.choices,
                                   help_text="录入：first_deposit（按 rate × 建筑面积）或 top_up（amount）。")
    amount = money_field(required=False)
    balance = money_field(read_only=True)
    rate = serializers.DecimalField(max_digits=10, decimal_places=2, write_only=True, required=False,
                                    help_text="首期交存标准（元/m²）")

    class Meta:
        model = FundEntry
        fields = ["id", "unit", "kind", "amount", "rate", "balance", "usage", "memo", "at"]
        read_only_fields = ["usage", "at"]

    def validate_kind(self, kind):
        if kind not in (FundEntry.Kind.FIRST_DEPOSIT, FundEntry.Kind.TOP_UP):
            raise serializers.ValidationError(_("只能录入首期交存（first_deposit）或续筹（top_up）。"))
        return kind


class FundEntryFilter(FilterSet):
    class Meta:
        model = FundEntry
        fields = ["community", "unit", "kind", "usage"]


class FundLedgerViewSet(GovernanceViewSet):
    """The maintenance fund's ledger, a line per entry: `?unit=` gives one unit's ledger."""

    serializer_class = FundEntrySerializer
    filterset_class = FundEntryFilter
    selector = selectors.fund_entry_list

    def create(self, request, *args, **kwargs):
        """Record a first deposit (`rate` 元/m² × built area) or a top-up (`amount`) for a unit."""
        data = self.action_input(FundEntrySerializer)
        unit = data["unit"]
        if data["kind"] == FundEntry.Kind.FIRST_DEPOSIT:
            if "rate" not in data:
                raise serializers.ValidationError({"rate": [_("请填写首期交存标准。")]})
            entry = services.fund_first_deposit(actor=self.actor, community=unit.community, units=[unit],
                                                rate=data["rate"], memo=data.get("memo", ""))[0]
        else:
            if "amount" not in data:
                raise serializers.ValidationError({"amount": [_("请填写金额。")]})
            entry = services.fund_top_up(actor=self.actor, unit=unit, amount=data["amount"],
                                         memo=data.get("memo", ""))
        return self.respond(FundEntrySerializer, entry)


class FundInterestSerializer(serializers.ModelSerializer):
    community = scoped(community_list)
    amount = money_field(min_value=Decimal("0.01"))
    memo = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")

    class Meta:
        model = FundInterest
        fields = ["id", "community", "amount", "memo", "status", "proposed_by", "confirmed_by", "posted_at"]
        read_only_fields = ["status", "proposed_by", "confirmed_by", "posted_at"]


class FundInterestViewSet(GovernanceViewSet):
    """Interest credited to a community's fund, shared pro rata to the balances (exact to the fen).
    Posted at once by the company's finance staff; a committee member's entry is `pending` until
    a second member confirms it."""

    serializer_class = FundInterestSerializer
    filterset_fields = ["community", "status"]
    selector = selectors.fund_interest_list
    create_service = services.fund_interest_record

    @extend_schema(request=None, responses=FundInterestSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """A second committee member confirms the entry; the interest reaches the ledgers."""
        interest = services.fund_interest_confirm(actor=self.actor, interest=self.get_object())
        return self.respond(FundInterestSerializer, interest, created=False)


# Committee duties (篇四 §二) ---------------------------------------------------------------

class BudgetLineSerializer(serializers.ModelSerializer):
    amount = money_field(min_value=Decimal("0.00"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    class Meta:
        model = ServiceBudgetLine
        fields = ["item", "amount", "note"]


class ServiceBudgetSerializer(serializers.ModelSerializer):
    community = scoped(community_list)
    lines = BudgetLineSerializer(many=True)
    total = money_field(read_only=True)
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")

    class Meta:
        model = ServiceBudget
        fields = ["id", "community", "year", "kind", "title", "note", "lines", "total", "status", "review_note",
                  "approved_at", "disclosed_at"]
        read_only_fields = ["status", "review_note", "approved_at", "disclosed_at"]


class BudgetRevision(serializers.Serializer):
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    lines = BudgetLineSerializer(many=True)


class ServiceBudgetViewSet(GovernanceViewSet):
    """The annual property-service budget and final accounts (`kind` budget | final, 篇四 §二.4):
    drafted and submitted by the company, approved (or returned) by the committee, then disclosed
    to the owners, who see them from then on."""

    serializer_class = ServiceBudgetSerializer
    filterset_fields = ["community", "year", "kind", "status"]
    selector = selectors.service_budget_list
    create_service = services.service_budget_create

    def _done(self, budget):
        budget.refresh_from_db()
        return self.respond(ServiceBudgetSerializer, budget, created=False)

    @extend_schema(request=BudgetRevision, responses=ServiceBudgetSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """The company reworks a draft or a returned one (its lines are replaced)."""
        return self._done(services.service_budget_revise(actor=self.actor, budget=self.get_object(),
                                                         **self.action_input(BudgetRevision)))

    @extend_schema(request=None, responses=ServiceBudgetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._done(services.service_budget_submit(actor=self.actor, budget=self.get_object()))

    @extend_schema(request=NoteInput, responses=ServiceBudgetSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._done(services.service_budget_review(actor=self.actor, budget=self.get_object(), approve=True,
                                                         **self.action_input(NoteInput)))

    @extend_schema(request=NoteInput, responses=ServiceBudgetSerializer, operation_id="service_budgets_return")
    @action(detail=True, methods=["post"], url_path="return")
    def return_budget(self, request, pk=None):
        """The committee returns it to the company, with its opinion (`note`)."""
        return self._done(services.service_budget_review(actor=self.actor, budget=self.get_object(), approve=False,
                                                         **self.action_input(NoteInput)))

    @extend_schema(request=None, responses=ServiceBudgetSerializer)
    @action(detail=True, methods=["post"])
    def disclose(self, request, pk=None):
        """Disclose an approved budget or final accounts to every owner of the community."""
        return self._done(services.service_budget_disclose(actor=self.actor, budget=self.get_object()))


class OwnerConcernSerializer(serializers.ModelSerializer):
    owner = scoped(selectors.owner_choices)
    unit = scoped(unit_list, allow_null=True, required=False, default=None)
    text = serializers.CharField(max_length=1500)

    class Meta:
        model = OwnerConcern
        fields = ["id", "community", "owner", "unit", "subject", "text", "status", "answer", "answered_at",
                  "service_request"]
        read_only_fields = ["community", "status", "answer", "answered_at", "service_request"]


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=2000)


class HandOffInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in services.HAND_OFF_KINDS], default="complaint")
    answer = serializers.CharField(max_length=services.HAND_OFF_OPINION_MAX, required=False, allow_blank=True,
                                   default="")


class OwnerConcernViewSet(GovernanceViewSet):
    """Owners' concerns raised with the committee first (篇四 §二): the owner raises one in their
    own name; the committee answers it, or hands it to the company as a service request."""

    serializer_class = OwnerConcernSerializer
    filterset_fields = ["community", "status", "owner"]
    selector = selectors.owner_concern_list
    create_service = services.owner_concern_raise

    @extend_schema(request=AnswerInput, responses=OwnerConcernSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        concern = services.owner_concern_answer(actor=self.actor, concern=self.get_object(),
                                                **self.action_input(AnswerInput))
        return self.respond(OwnerConcernSerializer, concern, created=False)

    @extend_schema(request=HandOffInput, responses=OwnerConcernSerializer)
    @action(detail=True, methods=["post"], url_path="hand-off")
    def hand_off(self, request, pk=None):
        """Hand the concern to the company as the owner's service request (`kind`: repair | complaint | help)."""
        concern = services.owner_concern_hand_off(actor=self.actor, concern=self.get_object(),
                                                  **self.action_input(HandOffInput))
        return self.respond(OwnerConcernSerializer, concern, created=False)


class CountOfficerSerializer(serializers.ModelSerializer):
    election = scoped(selectors.election_list, allow_null=True, required=False, default=None)
    assembly = scoped(selectors.assembly_list, allow_null=True, required=False, default=None)
    owner = scoped(selectors.owner_choices, allow_null=True, required=False, default=None)
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")

    class Meta:
        model = CountOfficer
        fields = ["id", "election", "assembly", "role", "name", "owner", "signed_at", "signed_digest"]
        read_only_fields = ["signed_at", "signed_digest"]


class CountOfficerViewSet(GovernanceViewSet):
    """Scrutineers and tellers (`role`: scrutineer | teller) of an election or an assembly
    (篇四 §一.7(2)); after the count each signs it (`sign`), binding the digest of its ballots."""

    serializer_class = CountOfficerSerializer
    filterset_fields = ["election", "assembly", "role"]
    selector = selectors.count_officer_list
    create_service = services.count_officer_add

    @extend_schema(request=None, responses=CountOfficerSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        officer = services.count_sign(actor=self.actor, officer=self.get_object())
        return self.respond(CountOfficerSerializer, officer, created=False)


# Preparation group ------------------------------------------------------------------------

class PrepTaskSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()

    class Meta:
        model = PrepTask
        fields = ["key", "title", "done_on", "note"]

    def get_title(self, task) -> str:
        return str(services.PREP_TASK_TITLES[task.key])


class PrepGroupMemberSerializer(serializers.ModelSerializer):
    owner = scoped(selectors.owner_choices, allow_null=True, required=False, default=None)

    class Meta:
        model = PrepGroupMember
        fields = ["id", "name", "role", "affiliation", "owner", "user"]
        read_only_fields = ["user"]


class PrepGroupSerializer(serializers.ModelSerializer):
    community = scoped(community_list)
    led_by = scoped(organization_list, allow_null=True, required=False, default=None)
    members = PrepGroupMemberSerializer(many=True, read_only=True)
    tasks = PrepTaskSerializer(many=True, read_only=True)

    class Meta:
        model = PrepGroup
        fields = ["id", "community", "formed_on", "led_by", "dissolved_on", "members", "tasks"]
        read_only_fields = ["dissolved_on"]
        extra_kwargs = {"formed_on": {"required": False}}


class TaskInput(serializers.Serializer):
    key = serializers.ChoiceField(choices=list(services.PREP_TASK_TITLES))
    done = serializers.BooleanField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PrepGroupViewSet(GovernanceViewSet):
    """The preparation group (筹备组) of a first assembly, its members and its tasks (篇四 §一.5)."""

    serializer_class = PrepGroupSerializer
    filterset_fields = ["community"]
    selector = selectors.prep_group_list
    create_service = services.prep_group_create

    def get_queryset(self):
        return super().get_queryset().prefetch_related("members", "tasks")

    @extend_schema(request=PrepGroupMemberSerializer, responses={201: PrepGroupMemberSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        member = services.prep_group_member_add(actor=self.actor, group=self.get_object(),
                                                **self.action_input(PrepGroupMemberSerializer))
        return self.respond(PrepGroupMemberSerializer, member)

    @extend_schema(request=TaskInput, responses=PrepTaskSerializer)
    @action(detail=True, methods=["post"])
    def tasks(self, request, pk=None):
        task = services.prep_task_update(actor=self.actor, group=self.get_object(), **self.action_input(TaskInput))
        return self.respond(PrepTaskSerializer, task, created=False)


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


# Collected by linli/api_urls.py; the paths come before the router, whose format-suffix routes
# would read "minutes.pdf" as a format.
routes = [
    ("prep-groups", PrepGroupViewSet, "prep-group"),
    ("assemblies", AssemblyViewSet, "assembly"),
    ("motions", MotionViewSet, "motion"),
    ("proxies", ProxyViewSet, "proxy"),
    ("elections", ElectionViewSet, "election"),
    ("candidates", CandidateViewSet, "candidate"),
    ("committees", CommitteeViewSet, "committee"),
    ("recall-petitions", RecallPetitionViewSet, "recall-petition"),
    ("committee-filings", CommitteeFilingViewSet, "committee-filing"),
    ("fund-usages", FundUsageViewSet, "fund-usage"),
    ("fund-ledger", FundLedgerViewSet, "fund-entry"),
    ("fund-interest", FundInterestViewSet, "fund-interest"),
    ("service-budgets", ServiceBudgetViewSet, "service-budget"),
    ("owner-concerns", OwnerConcernViewSet, "owner-concern"),
    ("count-officers", CountOfficerViewSet, "count-officer"),
]
paths = [path("assemblies/<int:pk>/minutes.pdf", MinutesView.as_view(), name="assembly-minutes")]
