"""Turns every error into the one API shape {"detail", "code", "fields"} (DESIGN §3)."""

from traceback import walk_tb

from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Conflict, LinliError, NotFound, refused_request
from .middleware import database_unavailable_response, database_unreachable
from .parsers import too_deep
from .services import validation_failed_from


def flat_fields(detail, prefix: str = "") -> dict[str, list[str]]:
    """Errors as one flat mapping of field → messages: a nested serializer's or a list's errors
    are named by their path ("selections.0", "lines.2.amount"), so a client reads every field alike."""
    if isinstance(detail, dict):
        fields = {}
        for key, value in detail.items():
            fields.update(flat_fields(value, f"{prefix}.{key}" if prefix else str(key)))
        return fields
    name = prefix or "non_field_errors"
    if isinstance(detail, (list, tuple)):
        if all(not isinstance(item, (dict, list, tuple)) for item in detail):
            return {name: [str(item) for item in detail]} if detail else {}
        fields = {}
        for index, item in enumerate(detail):
            fields.update(flat_fields(item, f"{name}.{index}"))
        return fields
    return {name: [str(detail)]}


def _raised_while_parsing(exc: BaseException) -> bool:
    """Whether an exception came out of a parser reading the body: a view that keeps a parser list
    of its own (DRF's ObtainAuthToken does) decodes JSON without linli.core.parsers' depth limit."""
    return any(isinstance(frame.f_locals.get("self"), BaseParser) for frame, _line in walk_tb(exc.__traceback__))


def exception_handler(exc, context):
    """Every error leaves the API as {"detail", "code", "fields"} (DESIGN §3). What is left
    unhandled here is a server error: Django logs it and handler500 answers in the same shape."""
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
    elif isinstance(exc, SuspiciousOperation):
        exc = refused_request(exc)
    elif isinstance(exc, RecursionError) and _raised_while_parsing(exc):
        exc = too_deep()

    if isinstance(exc, LinliError):
        body = {"detail": str(exc.message), "code": exc.code, "fields": flat_fields(exc.fields)}
        return Response(body, status=exc.status)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = flat_fields(exc.detail)
        detail = next((messages[0] for messages in fields.values() if messages), _("输入有误，请检查后重试。"))
        response.data = {"detail": detail, "code": "invalid", "fields": fields}
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {
            "detail": str(getattr(exc, "detail", exc)),
            "code": codes if isinstance(codes, str) else "error",
            "fields": {},
        }
    return response
