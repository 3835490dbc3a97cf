"""Committee elections: nominations, sign-in, ballots, the tally and a tie at the last seat."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.core.api import scoped
from linli.estates.selectors import community_list

from .. import selectors, services
from ..eligibility import CONDITIONS, OWNER_OF_COMMUNITY
from ..models import Ballot, Candidate, Election, Participant
from .common import GovernanceViewSet


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
