import logging
import sys
from urllib.parse import parse_qsl, unquote_to_bytes

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from .api import bad_request
from .errors import DatabaseUnavailable, NulInQuery


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are in Chinese unless the user picked another language with the switch (a cookie):
    a government PC's browser may well be set to English. API clients get what their
    Accept-Language asks for (DESIGN §5)."""

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        translation.activate(chosen if chosen in supported else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


# A database that cannot be reached answers 503 with Retry-After, in the API's error shape or as a
# small page, instead of a 500 with a stack trace: nothing the client did is wrong, and the same
# request will work once the database is back. Only unavailability is meant; a failing query
# (a missing table, say) stays a 500, so that it is noticed and fixed.
RETRY_AFTER_SECONDS = 30
# SQLite: the file cannot be opened, read or written, or stayed locked past the busy timeout.
SQLITE_UNAVAILABLE = ("SQLITE_CANTOPEN", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR", "SQLITE_READONLY",
                      "SQLITE_FULL")
# PostgreSQL (SQLSTATE classes): connection exception, insufficient resources (too many
# connections), operator intervention (the server shutting down), system error.
POSTGRES_UNAVAILABLE = ("08", "53", "57", "58")
API_PREFIXES = ("/api/", "/open311/")
database_log = logging.getLogger("linli.database")


def database_unreachable(exc: BaseException) -> bool:
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    driver_error = exc.__cause__
    sqlite_name = getattr(driver_error, "sqlite_errorname", None)
    if sqlite_name is not None:
        return sqlite_name.startswith(SQLITE_UNAVAILABLE)
    # A connection that failed before the server said anything carries no SQLSTATE.
    sqlstate = getattr(driver_error, "sqlstate", None)
    return sqlstate is None or sqlstate[:2] in POSTGRES_UNAVAILABLE


def database_unavailable_response(request, exc: BaseException) -> HttpResponse:
    database_log.error("database unavailable during %s %s: %s", request.method, request.path, exc)
    language = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        if request.path.startswith(API_PREFIXES):
            error = DatabaseUnavailable()
            response = JsonResponse({"detail": str(error.message), "code": error.code, "fields": {}},
                                    status=error.status, json_dumps_params={"ensure_ascii": False})
        else:
            # Stands alone: the shared layout reads the database (navigation, the current user).
            response = HttpResponse(render_to_string("503.html"), status=DatabaseUnavailable.status)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _remember_database_failure(sender, request=None, **kwargs) -> None:
    """Django turns an exception raised outside a view (in a middleware) into a 500 before an
    outer middleware sees it, and says so with this signal while the exception is current."""
    exc = sys.exc_info()[1]
    if request is not None and exc is not None and database_unreachable(exc):
        request.linli_database_error = exc


got_request_exception.connect(_remember_database_failure, dispatch_uid="linli.core.database_unavailable")


class DatabaseUnavailableMiddleware:
    """Placed near the top, so that a failure anywhere below it — a view, a template, another
    middleware loading the session — becomes the 503 answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        failure = getattr(request, "linli_database_error", None)
        if failure is not None and response.status_code >= 500:
            return database_unavailable_response(request, failure)
        return response

    def process_exception(self, request, exception):
        if database_unreachable(exception):
            return database_unavailable_response(request, exception)
        return None


class NulInQueryMiddleware:
    """A NUL character in the query string is a 400 before any view reads it: no parameter needs
    one, and PostgreSQL refuses it inside any text, so every search box answered `?q=%00` with a 500.
    The raw query string is checked, so request.GET is left for the views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if b"\0" in unquote_to_bytes(query):
            names = sorted({key for key, value in parse_qsl(query, keep_blank_values=True) if "\0" in key + value})
            return bad_request(request, NulInQuery(names))
        return self.get_response(request)
