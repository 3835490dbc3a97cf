"""Shared set-up of the service desk tests."""

import datetime as dt
import io

from django.utils import timezone
from PIL import Image

from linli.core.tenancy import Actor
from linli.servicedesk import services
from linli.servicedesk.models import ServiceRequest


def actor(tenant, role):
    return Actor(tenant.user(role))


def file(tenant, role="dispatcher", **fields) -> ServiceRequest:
    data = {"kind": "repair", "title": "厨房水管漏水", "unit": tenant.units[0], "channel": "phone"}
    data.update(fields)
    if role == "owner":
        data.pop("channel", None)
    return services.request_create(actor=actor(tenant, role), community=tenant.community, **data)


def backdate(request: ServiceRequest, **delta) -> ServiceRequest:
    """Move a request (and its deadlines) into the past, as if filed `delta` ago."""
    shift = dt.timedelta(**delta)
    ServiceRequest.objects.filter(pk=request.pk).update(
        created_at=request.created_at - shift, respond_by=request.respond_by - shift,
        resolve_by=request.resolve_by - shift)
    request.events.update(at=timezone.now() - shift)
    request.refresh_from_db()
    return request


def png() -> bytes:
    """A small real PNG for the photo fields."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#1d5bd8").save(buffer, "PNG")
    return buffer.getvalue()
