"""Hostile query values never make a 500 (DESIGN §5 v1.1): every page and every API route of the URL
conf, read by a member of the company's staff, by an owner and anonymously, with each query
parameter the view reads set to a value that is out of range, not in ASCII digits, negative, a float
in exponent form, a NUL or SQL. An id or number that is not one in range is a 400 (or matches
nothing); text is only text; and under /api/ every refusal is in the error shape.

The routes come from `django.urls.get_resolver()` (tests/role_matrix.py), so a page or list added
tomorrow is in this test the moment it exists. Which parameters a view reads is observed, not
listed: the first request offers every name the platform uses (the API's filterset fields, the
names pages and Open311 read) and records which of them the view looked at; the other values go
to those. Under /api/ a 400 names the parameters it refused, and the same request is sent again
without them, so that a refused id does not hide a 500 from a filter that accepted its value."""

import pytest
from django.core.handlers.wsgi import WSGIRequest, get_bytes_from_wsgi
from django.db import transaction
from django.http import QueryDict
from django.test import Client, override_settings
from django.utils.functional import cached_property
from rest_framework.test import APIClient

from linli.core.params import parse_id, parse_int
from linli.estates.models import Unit
from tests.conftest import build_tenant
from tests.role_matrix import Unmapped, build_url, url_routes
from tests.test_tenancy import _tenant_b_objects as tenant_objects

HOSTILE = ["99999999999999999999999", "²", "-1", "1e9", "\x00", "' OR 1=1"]
# What pages and Open311 read, beyond the API's filterset fields (added from the URL conf below).
PAGE_NAMES = {"community", "unit", "building", "zone", "gate", "cashier", "q", "page", "page_size", "date", "year",
              "period", "status", "kind", "from", "to", "week", "team", "task", "term", "c", "group", "live",
              "denied", "hotline", "new", "school", "service_request_id", "service_code", "start_date", "end_date",
              "jurisdiction_id"}
# A parameter that must be right for the view to read the others (Open311 answers 404 for an
# unknown jurisdiction): sent right in every request, and hostile once.
CONTEXT = {"jurisdiction_id": lambda objects: objects["community"].code}
# Generating the schema takes seconds and reads no query parameter.
SKIPPED = {"api/v1/schema/", "api/v1/docs/"}
# Read on every API request (DRF's content negotiation), whatever the view: not the view's own.
FRAMEWORK_READS = {"format"}
TAG = "寅"


class Reads:
    """The query parameters the view of the current request looked at."""

    names: set = set()
    everything = False

    @classmethod
    def reset(cls):
        cls.names, cls.everything = set(), False


class RecordingQueryDict(QueryDict):
    """request.GET that tells Reads which parameters the view asked for (once it is built: filling
    a QueryDict asks it whether it holds each key)."""

    recording = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recording = True

    def _read(self, key):
        if self.recording:
            Reads.names.add(key)

    def __getitem__(self, key):
        self._read(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._read(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self._read(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self._read(key)
        return super().__contains__(key)

    def __iter__(self):
        if self.recording:
            Reads.everything = True  # items(), lists(), urlencode() …: the view may use any of them
        return super().__iter__()

    def __deepcopy__(self, memo):  # copy() without counting as reading every parameter
        result = self.__class__("", mutable=True, encoding=self.encoding)
        for key, values in dict.items(self):
            result.setlist(key, list(values))
        return result


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One tenant for the module; its staff and owner read their own community, so that the
    views get past the scope checks and read their parameters."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            tenant = build_tenant(TAG)
            objects = tenant_objects(tenant)
            users = {"staff": tenant.user("manager"), "owner": tenant.user("owner"), "anonymous": None}
            yield users, objects, media
            transaction.set_rollback(True)


@pytest.fixture
def recording(monkeypatch):
    get = cached_property(lambda request: RecordingQueryDict(get_bytes_from_wsgi(request.environ, "QUERY_STRING", ""),
                                                              encoding=request._encoding))
    get.__set_name__(WSGIRequest, "GET")
    monkeypatch.setattr(WSGIRequest, "GET", get)


def filter_names(route) -> set[str]:
    viewset = route.viewset
    if getattr(viewset, "filterset_class", None) is not None:
        return set(viewset.filterset_class.base_filters)
    return set(getattr(viewset, "filterset_fields", None) or ())


def readable_routes(objects):
    for route in url_routes():
        if route.text in SKIPPED or (route.viewset is not None and "get" not in route.callback.actions):
            continue
        try:
            yield route, build_url(route, objects)
        except Unmapped:
            continue  # named by tests/test_tenancy.py


def clients(user):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans", raise_request_exception=False)
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", raise_request_exception=False)
    if user is not None:
        api.force_authenticate(user)
        page.force_login(user)
    return api, page


def send(client, url, query):
    Reads.reset()
    response = client.get(url, query)
    return response, (None if Reads.everything else Reads.names - FRAMEWORK_READS)


def hostile_values(route, role) -> list[str]:
    """Every value for each page and view, and for each list of the API as staff, who see every
    filter at work. An object of a viewset reads the same filters as its list, and an owner's or
    an anonymous list the same as staff's, all scoped alike: the values the review found there."""
    if route.viewset is None:
        return HOSTILE
    if "list" not in route.callback.actions.values():
        return HOSTILE[:1]
    return HOSTILE if role == "staff" else HOSTILE[:2]


def hostile_requests(client, route, url, names, context, values):
    """Every request of one route: (query, response)."""
    wanted = names
    for index, value in enumerate(values):
        query = {**{name: value for name in wanted}, **context}
        response, read = send(client, url, query)
        yield query, response
        if index == 0:
            if read is not None and not read:
                return  # refused (sign-in, scope) or a view that reads no parameter
            if read is not None and read & set(context):
                all_hostile = {name: value for name in read}
                yield all_hostile, send(client, url, all_hostile)[0]
            wanted = names if read is None else read - set(context)
        while route.is_api and response.status_code == 400 and isinstance(fields := _fields(response), dict):
            refused = set(fields) & set(query) - set(context)
            if not refused or not set(query) - refused - set(context):
                break
            query = {k: v for k, v in query.items() if k not in refused}
            response = send(client, url, query)[0]
            yield query, response


def _error_shape(response) -> bool:
    try:
        return set(response.json()) == {"detail", "code", "fields"}
    except ValueError:
        return False


def _fields(response):
    try:
        return response.json().get("fields")
    except ValueError:
        return None


@pytest.mark.parametrize("role", ["staff", "owner", "anonymous"])
def test_hostile_query_values_never_make_a_server_error(world, db, settings, recording, role):
    users, objects, settings.MEDIA_ROOT = world
    api, page = clients(users[role])
    routes = list(readable_routes(objects))
    names = PAGE_NAMES.union(*(filter_names(route) for route, _url in routes))
    context = {name: get(objects) for name, get in CONTEXT.items()}
    failures = []
    for route, url in routes:
        client = api if route.is_api else page
        for query, response in hostile_requests(client, route, url, names, context, hostile_values(route, role)):
            shown = sorted(query) if len(query) <= 3 else f"{len(query)} parameters"
            if response.status_code >= 500:
                failures.append(f"GET {url} {shown} = {next(iter(query.values()))!r} -> {response.status_code}")
            elif route.text.startswith("api/") and response.status_code >= 400 and not _error_shape(response):
                failures.append(f"GET {url} {shown} = {next(iter(query.values()))!r} -> {response.status_code} "
                                f"not in the error shape: {response.content[:80]!r}")
    assert not failures, "\n".join(failures)


ID_FILTERS = [("/api/v1/bills/", "building"), ("/api/v1/bills/", "zone"), ("/api/v1/units/", "zone"),
              ("/api/v1/owners/", "unit"), ("/api/v1/residents/", "community"), ("/api/v1/motions/", "community"),
              ("/api/v1/ownerships/", "community"), ("/api/v1/service-requests/", "unit")]
NOT_IDS = ["99999999999999999999999", "²", "١", "-1", "0", "1.5", "1e9", "abc", "\x00"]


@pytest.mark.parametrize("url, name", ID_FILTERS)
def test_an_id_filter_that_is_not_an_id_is_a_400_naming_it(world, db, url, name):
    users, _objects, _media = world
    api, _page = clients(users["staff"])
    for value in NOT_IDS:
        response = api.get(url, {name: value})
        assert response.status_code == 400, (value, response.content)
        body = response.json()
        assert set(body) == {"detail", "code", "fields"} and list(body["fields"]) == [name], value


def test_an_id_filter_still_filters(world, db):
    users, objects, _media = world
    api, _page = clients(users["staff"])
    zone = objects["zone"]
    rows = api.get("/api/v1/units/", {"zone": zone.pk, "page_size": 500}).json()["results"]
    assert rows and {row["id"] for row in rows} == set(Unit.objects.filter(building__zone=zone).values_list(
        "id", flat=True))
    assert api.get("/api/v1/units/", {"zone": 2**63 - 1}).json()["results"] == []


@pytest.mark.parametrize("value, number", [
    ("1", 1), (" 42 ", 42), (str(2**63 - 1), 2**63 - 1), (str(2**63), None), ("99999999999999999999999", None),
    ("²", None), ("١٢", None), ("１２", None), ("0", None), ("-1", None), ("1.5", None), ("1e9", None), ("", None),
    (None, None), ("abc", None), ("\x00", None), ("' OR 1=1", None), (True, None), (7, 7), ("9" * 5000, None),
])
def test_an_id_is_ascii_digits_in_range(value, number):
    assert parse_id(value) == number


def test_a_number_range_is_inclusive_at_both_ends():
    assert [parse_int(v, minimum=-1, maximum=1) for v in ("-2", "-1", "1", "2")] == [None, -1, 1, None]


@pytest.mark.parametrize("url", ["/service/c/{c}/?q=²", "/billing/c/{c}/cashier/?unit=²",
                                 "/billing/c/{c}/reports/daily/?cashier=99999999999999999999999",
                                 "/ops/{c}/access/?gate=²", "/ops/{c}/assets/?zone=99999999999999999999999"])
def test_the_pages_the_review_named_answer_hostile_values(world, db, url):
    users, objects, _media = world
    _api, page = clients(users["staff"])
    assert page.get(url.format(c=objects["community"].pk)).status_code == 200


@pytest.mark.parametrize("query", [{"service_request_id": "99999999999999999999999,²,1"},
                                   {"service_code": "repair-²"}, {"service_code": "repair-99999999999999999999999"}])
def test_open311_answers_hostile_values(world, db, query):
    _users, objects, _media = world
    _api, page = clients(None)
    response = page.get("/open311/v2/requests.json", {"jurisdiction_id": objects["community"].code, **query})
    assert response.status_code in (200, 404)
    assert page.get("/open311/v2/requests/99999999999999999999999.json").status_code == 404
