from django.contrib.auth import logout, update_session_auth_hash
from django.db.models import Q
from django.urls import path
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import ScopedPrimaryKeyRelatedField, ServiceViewSet
from linli.core.errors import PermissionDenied
from linli.core.filters import FilterSet
from linli.core.masking import mask_email, mask_phone
from linli.core.tenancy import actor_for

from . import selectors, services
from .auth import LockedOut, LoginRateThrottle, lockout_message
from .models import Membership, Organization, Role, User


class OrganizationSerializer(serializers.ModelSerializer):
    parent = ScopedPrimaryKeyRelatedField(selector=selectors.organization_list, allow_null=True, required=False)

    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "parent", "credit_code", "legal_representative", "address", "phone"]


class OrganizationFilter(FilterSet):
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

    def to_representation(self, instance):
        """Phones and e-mail addresses in full for the person, the admin and whoever employs them
        (their company's manager, their school's admin); masked for everyone else who can list
        them, such as a regulator looking at the committee members of their jurisdiction."""
        data = super().to_representation(instance)
        if not self._sees_in_full(instance):
            data["phone"] = mask_phone(data["phone"])
            data["email"] = mask_email(data["email"])
        return data

    def _sees_in_full(self, user) -> bool:
        cache = self.context.setdefault("_linli_personal", {})  # shared by a list's rows: one query
        if "ids" not in cache:
            actor = actor_for(self.context["request"].user)
            cache["admin"] = actor.is_admin
            employer = {m.organization_id for m in actor.memberships if m.role in {Role.MANAGER, Role.SCHOOL_ADMIN}}
            cache["ids"] = set() if actor.is_admin else {actor.user.pk, *User.objects.filter(
                Q(memberships__organization_id__in=employer) | Q(created_by=actor.user)).values_list("pk", flat=True)}
        return cache["admin"] or user.pk in cache["ids"]


class UserViewSet(ServiceViewSet):
    """Logins. A new `password` signs the user out everywhere else: every API token of theirs is
    deleted and their other sessions end (DESIGN §5 v1.1); a user may not change their own
    `username`, and no username may be confusable with an existing one."""

    serializer_class = UserSerializer
    filterset_fields = ["username"]
    selector = selectors.user_list
    create_service = services.user_create
    update_service = services.user_update

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        if request.auth is None and request.data.get("password") and str(kwargs["pk"]) == str(request.user.pk):
            # Signed in with a session: that one stays, the others end with the old password.
            update_session_auth_hash(request, User.objects.get(pk=request.user.pk))
        return response


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


class MembershipFilter(FilterSet):
    class Meta:
        model = Membership
        fields = ["user", "organization", "role", "community", "active"]


class MembershipViewSet(ServiceViewSet):
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    selector = selectors.membership_list
    create_service = services.membership_create
    update_service = services.membership_update


class TokenRequestSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(required=False, allow_blank=True, write_only=True,
                                      help_text="动态验证码：已启用动态验证码的账号必填（6 位数字）。")


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class TokenView(ObtainAuthToken):
    """POST {"username", "password"[, "otp_token"]} → {"token"}. Rate-limited per address, and a
    username+address with too many failures is locked for a while (django-axes, 429 "locked_out").
    An account with a confirmed authenticator also needs its current code (403 "otp_required")."""

    serializer_class = TokenRequestSerializer
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=TokenRequestSerializer, responses=TokenResponseSerializer)
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                raise LockedOut(lockout_message())
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        code = serializer.validated_data.get("otp_token", "").strip()
        # An empty code is not an attempt: django-otp slows down each device after a wrong one.
        if device is not None and not (code and device.verify_token(code)):
            raise PermissionDenied(_("该账号已启用动态验证码，请在 otp_token 中提供验证器应用当前显示的 6 位数字。"),
                                   code="otp_required", fields={"otp_token": [_("动态验证码不正确或已过期。")]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class LogoutView(APIView):
    """POST deletes the caller's API token (DESIGN §5 v1.1): it no longer signs any request in.
    Signed in with a session instead, that session ends too."""

    @extend_schema(operation_id="auth_logout", request=None, responses={204: None})
    def post(self, request):
        services.token_delete(actor=actor_for(request.user), user=request.user)
        if request.auth is None:
            logout(request._request)
        return Response(status=204)


# Collected by linli/api_urls.py.
routes = [
    ("organizations", OrganizationViewSet, "organization"),
    ("users", UserViewSet, "user"),
    ("memberships", MembershipViewSet, "membership"),
]
paths = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
]
