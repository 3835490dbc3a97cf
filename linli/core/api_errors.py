"""Turns every error into the one API shape {"detail", "code", "fields"} (DESIGN §3)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Conflict, LinliError, NotFound
from .middleware import database_unavailable_response, database_unreachable
from .services import validation_failed_from


def _flatten(detail):
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def _first_message(fields) -> str | None:
    if isinstance(fields, dict):
        for value in fields.values():
            found = _first_message(value)
            if found:
                return found
    elif isinstance(fields, list):
        for value in fields:
            found = _first_message(value)
            if found:
                return found
    elif fields:
        return str(fields)
    return None


def exception_handler(exc, context):
    """Every error leaves the API as {"detail", "code", "fields"} (DESIGN §3)."""
    if database_unreachable(exc):
        return database_unavailable_response(context["request"], exc)
    if isinstance(exc, DjangoValidationError):
        exc = validation_failed_from(exc)
    elif isinstance(exc, (Http404, exceptions.NotFound)):
        exc = NotFound()
    elif isinstance(exc, ProtectedError):
        exc = Conflict(_("该记录仍被其他数据引用，不能删除。"), code="protected")
    elif isinstance(exc, IntegrityError):
        exc = Conflict(code="integrity")

    if isinstance(exc, LinliError):
        body = {"detail": str(exc.message), "code": exc.code, "fields": _flatten(exc.fields)}
        return Response(body, status=exc.status)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail})
        detail = _first_message(fields) or _("输入有误，请检查后重试。")
        response.data = {"detail": detail, "code": "invalid", "fields": fields}
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {
            "detail": str(getattr(exc, "detail", exc)),
            "code": codes if isinstance(codes, str) else "error",
            "fields": {},
        }
    return response
