"""Self-management (篇四 §三) by API, beside the committee page's buttons (issue 19 item 3): the
committee takes the community over, then hires its manager by username. Same services as the page."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from linli.core.api import scoped
from linli.core.errors import ValidationFailed
from linli.core.tenancy import Actor
from linli.orgs.models import STAFF_ROLES, Membership, Role

from .. import selectors, services
from ..models import SelfManagement
from .common import GovernanceViewSet


def self_management_list(*, actor: Actor) -> QuerySet[SelfManagement]:
    """The arrangements of the communities whose governance the actor reads."""
    qs = SelfManagement.objects.select_related("organization")
    return qs if actor.is_admin else qs.filter(community_id__in=selectors.community_ids(actor))


class SelfManagementSerializer(serializers.ModelSerializer):
    community = scoped(selectors.governance_community_list)

    class Meta:
        model = SelfManagement
        fields = ["id", "community", "organization", "previous_company", "started_on"]
        read_only_fields = ["organization", "previous_company", "started_on"]


class HireInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(sorted(STAFF_ROLES), default=Role.MANAGER)
    position = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class HiredSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "user", "organization", "role", "position"]


class SelfManagementViewSet(GovernanceViewSet):
    """POST `{"community"}` starts self-management; `hire` takes on the manager (or other staff)."""

    serializer_class = SelfManagementSerializer
    filterset_fields = ["community"]
    selector = self_management_list
    create_service = services.self_management_start

    @extend_schema(request=HireInput, responses={201: HiredSerializer})
    @action(detail=True, methods=["post"])
    def hire(self, request, pk=None):
        arrangement = self.get_object()
        data = self.action_input(HireInput)
        user = get_user_model().objects.filter(username=data["username"].strip()).first()
        if user is None:
            raise ValidationFailed(fields={"username": [_("没有这个用户名。")]})
        membership = services.self_management_hire(actor=self.actor, community=arrangement.community, user=user,
                                                   role=data["role"], position=data["position"])
        return self.respond(HiredSerializer, membership)
