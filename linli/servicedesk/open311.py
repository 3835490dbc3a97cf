"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/, in JSON and XML.

A jurisdiction is a community (`jurisdiction_id` = its `code`); a service is a request kind with
a category (`service_code` "repair-12"); the agency responsible is the community's company and
`expected_datetime` is the request's SLA deadline. Reading is public, as the spec has it, so a
request's address is its building or public place, never a flat number or a person, and its free
text (description, notes, place) goes out with phone numbers, ID numbers and the names of the
community's people masked (linli.core.masking.mask_text). Posting
needs an `api_key` from `manage.py open311_key create NAME`. Errors are the spec's bodies:
403 for a bad key, 404 for an unknown id or jurisdiction, 400 for a missing parameter."""

import datetime as dt
import json
import xml.etree.ElementTree as ET

from django.http import HttpResponse
from django.urls import re_path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from linli.core.errors import LinliError
from linli.core.masking import mask_text
from linli.core.params import parse_id
from linli.core.tenancy import SystemActor
from linli.estates.models import Community
from linli.estates.selectors import personal_names

from . import services
from .models import DONE_STATUSES, Category, Channel, Kind, Open311Key, RequestEvent, ServiceRequest

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-28T00:00:00+08:00"
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
DEFAULT_DAYS = 90
MAX_RESULTS = 1000
# How each kind of response is wrapped in XML: the root element and the element of one item.
XML_LIST = {"services": ("services", "service"), "requests": ("service_requests", "request"),
            "errors": ("errors", "error")}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        self.status, self.description = status, description
        super().__init__(description)


# Rendering -----------------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml_fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _xml_fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        # A list inside an item (the formats of an endpoint, the attributes of a service) is
        # written as repeated children named by the singular of its element.
        item = element.tag[:-1] if element.tag.endswith("s") else "item"
        for child in value:
            _xml_fill(ET.SubElement(element, item), child)
    else:
        element.text = _text(value)


def render(payload, fmt: str, *, wrap: str | None = None, root: str | None = None, status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(payload, ensure_ascii=False, default=str)
    else:
        if wrap is not None:
            outer, inner = XML_LIST[wrap]
            element = ET.Element(outer)
            for item in payload:
                _xml_fill(ET.SubElement(element, inner), item)
        else:
            element = ET.Element(root)
            _xml_fill(element, payload)
        body = '<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="unicode")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render([{"code": status, "description": description}], fmt, wrap="errors", status=status)


def open311_view(view):
    """Turn Open311Error into the spec's error body in the requested format."""
    def wrapped(request, fmt, **kwargs):
        try:
            return view(request, fmt, **kwargs)
        except Open311Error as exc:
            return error(fmt, exc.status, exc.description)
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


# Lookups -------------------------------------------------------------------------------------

def _jurisdiction(params, *, required: bool = True) -> Community | None:
    code = (params.get("jurisdiction_id") or "").strip()
    if not code:
        if required:
            raise Open311Error(400, "jurisdiction_id was not provided: it is the code of a community")
        return None
    community = Community.objects.select_related("company").filter(code=code).first()
    if community is None:
        raise Open311Error(404, f"jurisdiction_id {code} not found")
    return community


def service_code(kind: str, category: Category) -> str:
    return f"{kind}-{category.pk}"


def _service(community: Community, code: str) -> tuple[str, Category]:
    kind, _, category_id = (code or "").partition("-")
    category_id, category = parse_id(category_id), None
    if kind in Kind.values and category_id is not None:
        category = Category.objects.filter(community=community, pk=category_id, active=True).first()
    if category is None or kind not in category.kind_values():
        raise Open311Error(404, f"service_code {code} not found")
    return kind, category


def _services(community: Community) -> list[dict]:
    result = []
    for category in Category.objects.filter(community=community, active=True):
        for kind in category.kind_values():
            label = Kind(kind).label
            result.append({
                "service_code": service_code(kind, category),
                "service_name": f"{label} · {category.name}",
                "description": f"{community.name}：{category.name}方面的{label}",
                "metadata": False,
                "type": "realtime",
                "keywords": f"{label},{category.name}",
                "group": str(label),
            })
    return result


def _address(request: ServiceRequest) -> str:
    return request.unit.building.name if request.unit_id else request.location


def _request(request: ServiceRequest, notes: dict[int, str], names: set[str]) -> dict:
    community = request.community
    names = names | {request.requester_name, request.requester.display_name if request.requester_id else ""}

    def public(text):
        return mask_text(text, names=names) if text else text

    return {
        "service_request_id": request.pk,
        "status": "closed" if request.status in DONE_STATUSES else "open",
        "status_notes": public(notes.get(request.pk)),
        "service_name": f"{request.get_kind_display()} · {request.category.name}" if request.category_id
        else str(request.get_kind_display()),
        "service_code": service_code(request.kind, request.category) if request.category_id else None,
        "description": public(request.description or request.title),
        "agency_responsible": request.company.name if request.company_id else None,
        "service_notice": None,
        "requested_datetime": _iso(request.created_at),
        "updated_datetime": _iso(request.updated_at),
        "expected_datetime": _iso(request.resolve_by),
        "address": public(_address(request)),
        "address_id": None,
        "zipcode": None,
        # Decimals: the JSON renderer writes them as numbers, the XML one as text.
        "lat": community.latitude,
        "long": community.longitude,
        "media_url": None,
    }


def _requests(queryset) -> list[dict]:
    rows = list(queryset.select_related("community", "category", "company", "unit__building", "requester"))
    names = personal_names(community_ids={r.community_id for r in rows})
    latest = {}
    for event in (RequestEvent.objects.filter(request__in=[r.pk for r in rows], public=True,
                                              kind__in=[RequestEvent.Kind.NOTE, RequestEvent.Kind.RESOLVE])
                  .order_by("at", "id")):
        latest[event.request_id] = event.text
    return [_request(r, latest, names[r.community_id]) for r in rows]


def _datetime(params, name) -> dt.datetime | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} is not a w3 datetime") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


# Endpoints -----------------------------------------------------------------------------------

@require_GET
@open311_view
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/")
    return render({
        "changeset": CHANGESET,
        "contact": "邻里物业服务平台",
        "key_service": "API keys are issued by the platform administrator (manage.py open311_key create NAME).",
        "endpoints": [{"specification": SPECIFICATION, "url": base, "changeset": CHANGESET, "type": "production",
                       "formats": ["text/xml", "application/json"]}],
    }, fmt, root="discovery")


@require_GET
@open311_view
def service_list(request, fmt):
    return render(_services(_jurisdiction(request.GET)), fmt, wrap="services")


@require_GET
@open311_view
def service_definition(request, fmt, code):
    community = _jurisdiction(request.GET)
    kind, category = _service(community, code)
    return render({"service_code": service_code(kind, category), "attributes": []}, fmt, root="service_definition")


def _key(params) -> Open311Key:
    key = (params.get("api_key") or "").strip()
    found = Open311Key.objects.filter(key_hash=services.open311_key_hash(key), active=True).first() if key else None
    if found is None:
        raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.")
    Open311Key.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found


def _create(request, fmt):
    params = request.POST
    key = _key(params)
    community = _jurisdiction(params)
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "service_code was not provided")
    kind, category = _service(community, code)
    lat, long = (params.get("lat") or "").strip(), (params.get("long") or "").strip()
    location = (params.get("address_string") or params.get("address_id") or "").strip()
    if not location and lat and long:
        location = f"{lat},{long}"
    if not location:
        raise Open311Error(400, "a location is required: lat and long, address_string or address_id")
    description = (params.get("description") or "").strip()
    if params.get("media_url"):
        description = f"{description}\n{params['media_url'].strip()}".strip()
    name = " ".join(p for p in (params.get("last_name", "").strip(), params.get("first_name", "").strip()) if p)
    try:
        created = services.request_create(
            actor=SystemActor(), community=community, kind=kind, category=category,
            title=description[:30] or f"{Kind(kind).label} · {category.name}", description=description,
            location=location, channel=Channel.HOTLINE, requester_name=name,
            requester_phone=(params.get("phone") or "").strip()[:20],
            audit_data={"open311_key": key.name, "device_id": params.get("device_id", "")},
        )
    except LinliError as exc:
        raise Open311Error(400, str(exc.message)) from exc
    notice = f"预计办结时间 {timezone.localtime(created.resolve_by):%Y-%m-%d %H:%M}"
    return render([{"service_request_id": created.pk, "token": created.token, "service_notice": notice,
                    "account_id": None}], fmt, wrap="requests", status=201)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def request_list(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    params = request.GET
    community = _jurisdiction(params)
    queryset = ServiceRequest.objects.filter(community=community).order_by("-created_at", "-id")
    ids = [part.strip() for part in (params.get("service_request_id") or "").split(",") if part.strip()]
    if ids:
        queryset = queryset.filter(pk__in=[pk for pk in map(parse_id, ids) if pk is not None])
    else:
        start, end = _datetime(params, "start_date"), _datetime(params, "end_date")
        if start is None and end is None:
            start = timezone.now() - dt.timedelta(days=DEFAULT_DAYS)
        if start is not None:
            queryset = queryset.filter(created_at__gte=start)
        if end is not None:
            queryset = queryset.filter(created_at__lte=end)
        codes = [c.strip() for c in (params.get("service_code") or "").split(",") if c.strip()]
        if codes:
            pairs = [_service(community, c) for c in codes]
            match = ServiceRequest.objects.none()
            for kind, category in pairs:
                match |= ServiceRequest.objects.filter(kind=kind, category=category)
            queryset = queryset.filter(pk__in=match.values("pk"))
        wanted = {s.strip() for s in (params.get("status") or "").split(",") if s.strip()}
        if wanted - {"open", "closed"}:
            raise Open311Error(400, "status is open or closed")
        if wanted == {"open"}:
            queryset = queryset.exclude(status__in=DONE_STATUSES)
        elif wanted == {"closed"}:
            queryset = queryset.filter(status__in=DONE_STATUSES)
    return render(_requests(queryset[:MAX_RESULTS]), fmt, wrap="requests")


@require_GET
@open311_view
def request_detail(request, fmt, pk):
    if parse_id(pk) is None:  # the URL's \d+ also takes other scripts' digits and any length
        raise Open311Error(404, f"service_request_id {pk} not found")
    queryset = ServiceRequest.objects.filter(pk=parse_id(pk))
    community = _jurisdiction(request.GET, required=False)
    if community is not None:
        queryset = queryset.filter(community=community)
    rows = _requests(queryset)
    if not rows:
        raise Open311Error(404, f"service_request_id {pk} not found")
    return render(rows, fmt, wrap="requests")


@require_GET
@open311_view
def token_detail(request, fmt, token):
    found = ServiceRequest.objects.filter(token=token).values_list("pk", flat=True).first()
    if found is None:
        raise Open311Error(404, f"token {token} not found")
    return render([{"service_request_id": found, "token": token}], fmt, wrap="requests")


FMT = r"\.(?P<fmt>json|xml)$"
app_name = "open311"
urlpatterns = [
    re_path(r"^discovery" + FMT, discovery, name="discovery"),
    re_path(r"^services" + FMT, service_list, name="services"),
    re_path(r"^services/(?P<code>[\w-]+)" + FMT, service_definition, name="service"),
    re_path(r"^requests" + FMT, request_list, name="requests"),
    re_path(r"^requests/(?P<pk>\d+)" + FMT, request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[\w-]+)" + FMT, token_detail, name="token"),
]
