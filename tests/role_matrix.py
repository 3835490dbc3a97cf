"""The URL conf as a list of routes, and how to aim each one at tenant B's object.

tests/test_tenancy.py walks `django.urls.get_resolver()` itself, so every URL pattern — router
viewsets, the API's other paths, the web pages — is in the role matrix the moment it exists.
A pattern whose path parameters cannot be filled in with tenant B's objects makes the matrix
fail with its name: map the parameter here (KWARG_MODEL, PK_SEGMENT_MODEL, STRING_VALUES) and
give tenant B an object of the model in tests/<app>/isolation.py."""

import re
from dataclasses import dataclass

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from rest_framework.viewsets import ViewSetMixin

# `<name>_id` parameters whose model is not simply `name` (model names are Django's, lower case).
KWARG_MODEL = {
    "jurisdiction_id": "district",
    "company_id": "company",
    "spending_id": "commonspending",
    "rule_id": "feerule",
    "binding_id": "bindingrequest",
    "leave_id": "leaverequest",
    "visit_id": "gatevisit",
    "photo_id": "inspectionphoto",
    "result_id": "evaluationresult",
    "entry_id": "rosterentry",
    "route_id": "patrolroute",
    "plan_id": "patrolplan",
    "round_id": "patrolround",
    "template_id": "tasktemplate",
    "task_id": "envtask",
    "team_id": "staffteam",
    "member_id": "staffmember",
}
# `pk` of a path outside a router viewset: the model is named by the path segment before it.
PK_SEGMENT_MODEL = {
    "imports": "importjob",
    "requests": "servicerequest",
    "inbox": "inboxmessage",
    "recall": "recallpetition",
    "service-photos": "requestphoto",
    "cards": "accesscard",
    "passes": "temporarypass",
    "bulletin": "notice",
}
# Parameters that name tenant B's object by something other than its id.
OBJECT_VALUES = {
    "out_trade_no": lambda objects, route: objects["paymentorder"].out_trade_no,
    "token": lambda objects, route: objects["servicerequest"].token,
    "code": lambda objects, route: (objects["checkpoint"].code if route.name == "operations:patrol_scan"
                                    else f"repair-{objects['category'].pk}"),
}
# Parameters that name no object: a value that reaches the view's object lookup.
STRING_VALUES = {
    "provider": "sandbox",
    "what": "publish",
    "action": "close",
    "period": "2026-03",
    "document": "notice",
}
# Routes that serve everyone by design: there, tenant B's personal data must still not show.
PUBLIC_ROUTES = {
    "open311:discovery": "Open311 GeoReport v2 is a public interface",
    "open311:services": "Open311 GeoReport v2 is a public interface",
    "open311:service": "Open311 GeoReport v2 is a public interface",
    "open311:requests": "Open311 GeoReport v2 publishes requests, without the requester's name or phone",
    "open311:request": "Open311 GeoReport v2 publishes requests, without the requester's name or phone",
    "open311:token": "Open311 GeoReport v2: a request's token only maps to its public id",
    "credit:index": "the credit files of companies are public (信用公示)",
    "credit:company": "the credit file of a company is public (信用公示)",
    "estates:bind_request": "a new resident picks their community from all of them to ask for a binding",
    "billing:sandbox_checkout": "the sandbox payment provider's page for an order number, as the real provider's",
    "payment-notification": "the payment provider's callback, authenticated by its signature",
}
MISSING_ID = 2**31 - 1
# Models only their recipient reads, not even the platform admin.
RECIPIENT_ONLY = {"inboxmessage"}


class Unmapped(Exception):
    """A route whose path parameter has no mapping to one of tenant B's objects."""


@dataclass(frozen=True)
class Route:
    text: str  # the full pattern, prefixes included: api/v1/^units/(?P<pk>[^/.]+)/$
    name: str | None  # namespaced URL name
    callback: object
    kwargs: tuple

    @property
    def is_api(self) -> bool:
        return self.text.startswith("api/")

    @property
    def viewset(self):
        cls = getattr(self.callback, "cls", None)
        return cls if cls is not None and issubclass(cls, ViewSetMixin) else None

    @property
    def label(self) -> str:
        return f"{self.name or '-'} ({self.text})"


def _walk(patterns, prefix="", namespaces=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            spaces = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), spaces)
        elif isinstance(entry, URLPattern):
            text = prefix + str(entry.pattern)
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            kwargs = tuple(re.findall(r"\(\?P<(\w+)>", text) + re.findall(r"(?<!\?P)<(?:\w+:)?(\w+)>", text))
            yield Route(text, name, entry.callback, kwargs)


def url_routes():
    """Every route of the URL conf but the format-suffix twins of API routes (the same view) and
    the platform's admin site (staff only; tested on its own)."""
    for route in _walk(get_resolver().url_patterns):
        if route.text.startswith("admin/") or "format" in route.kwargs:
            continue
        yield route


def _singular(segment: str) -> str:
    word = segment.replace("-", "")
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


def model_of(route: Route, kwarg: str) -> str | None:
    if kwarg == "pk":
        if route.viewset is not None:
            return route.viewset.serializer_class.Meta.model._meta.model_name
        segment = re.split(r"[/^]", route.text.split(f"<int:{kwarg}>")[0].split(f"(?P<{kwarg}>")[0].rstrip("/"))[-1]
        return PK_SEGMENT_MODEL.get(segment, _singular(segment))
    if kwarg.endswith("_id"):
        return KWARG_MODEL.get(kwarg, kwarg[:-3].replace("_", ""))
    return None


def _regex_choice(text: str, kwarg: str) -> str | None:
    """The first literal alternative of a group like (?P<fmt>json|xml)."""
    match = re.search(rf"\(\?P<{kwarg}>([\w|]+)\)", text)
    return match.group(1).split("|")[0] if match else None


def build_url(route: Route, objects: dict, *, missing: bool = False) -> str:
    """The route's URL aimed at tenant B's objects, or with `missing` at objects that do not
    exist; Unmapped if a parameter has no mapping."""
    values = {}
    for kwarg in route.kwargs:
        model = model_of(route, kwarg)
        if kwarg in OBJECT_VALUES:
            values[kwarg] = "missing0" if missing else OBJECT_VALUES[kwarg](objects, route)
        elif model is not None:
            if model not in objects:
                raise Unmapped(f"{route.label}: {kwarg} -> {model}, but tenant B has no {model} "
                               f"(add it to tests/<app>/isolation.py, or map {kwarg} in tests/role_matrix.py)")
            values[kwarg] = MISSING_ID if missing else objects[model].pk
        elif kwarg in STRING_VALUES or _regex_choice(route.text, kwarg):
            values[kwarg] = STRING_VALUES.get(kwarg) or _regex_choice(route.text, kwarg)
        else:
            raise Unmapped(f"{route.label}: no mapping for the parameter {kwarg!r} (tests/role_matrix.py)")
    text = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", lambda m: str(values[m.group(1)]), route.text)
    text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), text)
    url = "/" + text.replace("^", "").replace("$", "").replace("\\.", ".")
    try:
        match = resolve(url)
    except Resolver404:
        match = None
    if match is None or match.func is not route.callback:
        raise Unmapped(f"{route.label}: {url} does not lead back to this route")
    return url
