from django.urls import path
from django_filters import rest_framework as filters
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from linli.core.api import ScopedPrimaryKeyRelatedField, ServiceViewSet

from . import selectors, services
from .models import Membership, Organization, User


class OrganizationSerializer(serializers.ModelSerializer):
    parent = ScopedPrimaryKeyRelatedField(selector=selectors.organization_list, allow_null=True, required=False)

    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "parent", "credit_code", "legal_representative", "address", "phone"]


class OrganizationFilter(filters.FilterSet):
    class Meta:
        model = Organization
        fields = ["kind", "parent"]


class OrganizationViewSet(ServiceViewSet):
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    selector = selectors.organization_list
    create_service = services.organization_create
    update_service = services.organization_update


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    class Meta:
        model = User
        fields = ["id", "username", "password", "display_name", "phone", "email", "is_active"]
        read_only_fields = ["is_active"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["password"].required = False
        return fields


class UserViewSet(ServiceViewSet):
    serializer_class = UserSerializer
    filterset_fields = ["username"]
    selector = selectors.user_list
    create_service = services.user_create
    update_service = services.user_update


class MembershipSerializer(serializers.ModelSerializer):
    user = ScopedPrimaryKeyRelatedField(selector=selectors.user_list)
    organization = ScopedPrimaryKeyRelatedField(selector=selectors.organization_list)

    class Meta:
        model = Membership
        fields = ["id", "user", "organization", "role", "community", "position", "active"]
        # The unique (user, organization, role) check belongs to the service, which answers 409.
        validators = []

    def get_fields(self):
        from linli.estates.selectors import community_list

        fields = super().get_fields()
        fields["community"] = ScopedPrimaryKeyRelatedField(
            selector=community_list, allow_null=True, required=False
        )
        if self.instance is not None:
            for name in ("user", "organization", "role", "community"):
                fields[name].read_only = True
        return fields


class MembershipFilter(filters.FilterSet):
    class Meta:
        model = Membership
        fields = ["user", "organization", "role", "community", "active"]


class MembershipViewSet(ServiceViewSet):
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    selector = selectors.membership_list
    create_service = services.membership_create
    update_service = services.membership_update


class TokenView(ObtainAuthToken):
    """POST {"username", "password"} → {"token"}. Throttled against password guessing."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"


# Collected by linli/api_urls.py.
routes = [
    ("organizations", OrganizationViewSet, "organization"),
    ("users", UserViewSet, "user"),
    ("memberships", MembershipViewSet, "membership"),
]
paths = [path("auth/token/", TokenView.as_view(), name="api-token")]
