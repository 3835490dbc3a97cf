"""The committee: its officers and filing, the preparation group before it, and recall."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.core.api import scoped
from linli.estates.selectors import community_list
from linli.orgs.selectors import organization_list

from .. import selectors, services
from ..models import Committee, CommitteeFiling, CommitteeMember, PrepGroup, PrepGroupMember, PrepTask, RecallPetition
from .common import GovernanceViewSet, NoteInput, OwnerInput


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
