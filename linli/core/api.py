"""API plumbing shared by every app: actor-scoped reference fields and the thin viewset
that hands writes to services."""

from django.http import JsonResponse
from django.urls import path
from django.views import defaults
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .errors import LinliError, NotFound, PermissionDenied, ServerError, refused_request
from .tenancy import actor_for


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def error_response(error: LinliError) -> JsonResponse:
    """The API's error shape outside DRF: for what Django answers itself under /api/."""
    fields = {name: [str(message) for message in messages] for name, messages in error.fields.items()}
    return JsonResponse({"detail": str(error.message), "code": error.code, "fields": fields}, status=error.status,
                        json_dumps_params={"ensure_ascii": False})


# Django's handlers: under /api/ every answer of 400 or more is in the API's error shape (DESIGN §5
# v1.1), also when Django answers before any API view runs; pages keep the HTML meant for people.

def page_not_found(request, exception):
    """handler404: a URL under /api/ that matches no endpoint (an id that is not a number, say)."""
    return error_response(NotFound()) if _is_api(request) else defaults.page_not_found(request, exception)


def bad_request(request, exception):
    """handler400: Django's refusals of a request (SuspiciousOperation), above all a body beyond
    DATA_UPLOAD_MAX_MEMORY_SIZE, which is a 413."""
    if _is_api(request):
        return error_response(refused_request(exception))
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    return error_response(PermissionDenied()) if _is_api(request) else defaults.permission_denied(request, exception)


def server_error(request):
    """handler500: the failure is logged by Django; the client learns only that it happened."""
    return error_response(ServerError()) if _is_api(request) else defaults.server_error(request)


class FirstRendererNegotiation(BaseContentNegotiation):
    """For endpoints with one output (a docs page, a file download): that output whatever the
    Accept header says, since API clients send `Accept: application/json` everywhere."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference field whose choices are what the requesting actor may see, so that naming
    another tenant's object is indistinguishable from naming one that does not exist."""

    def __init__(self, selector=None, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.queryset.none() if self.queryset is not None else None
        return self.selector(actor=actor_for(request.user))


def scoped(selector, **kwargs) -> ScopedPrimaryKeyRelatedField:
    """A reference field limited to what `selector(actor=…)` returns for the requesting actor."""
    return ScopedPrimaryKeyRelatedField(selector=selector, **kwargs)


class ServiceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Reads through `selector(actor=…)`; writes through `create_service` / `update_service`.
    The serializer only parses and renders."""

    selector = None
    create_service = None
    update_service = None
    service_object_name = None

    @property
    def actor(self):
        return actor_for(self.request.user)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no actor
            return self.get_serializer_class().Meta.model.objects.none()
        return type(self).selector(actor=self.actor)

    def create(self, request, *args, **kwargs):
        if self.create_service is None:
            raise exceptions.MethodNotAllowed(request.method)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = type(self).create_service(actor=self.actor, **serializer.validated_data)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        if self.update_service is None:
            raise exceptions.MethodNotAllowed(request.method)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        name = self.service_object_name or instance._meta.model_name
        instance = type(self).update_service(actor=self.actor, **{name: instance}, changes=serializer.validated_data)
        return Response(self.get_serializer(instance).data)


class PingView(APIView):
    """Liveness of the web tier without touching the database: for the proxy's health check and
    as the constant baseline of bench/api_load.py (the same stack, no query)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(operation_id="ping", responses=inline_serializer("Ping", {"ok": serializers.BooleanField()}))
    def get(self, request):
        """Always {"ok": true}: the application server answers."""
        return Response({"ok": True})


# Collected by linli/api_urls.py.
paths = [path("ping/", PingView.as_view(), name="api-ping")]
