"""Tenants stay apart on every URL: every role of tenant A — company staff, regulators of the
sub-district, the district and the residents' committee, a committee member, an owner, a school's
admin, teacher and guardian — and an anonymous visitor, against tenant B's objects.

The routes come from the URL conf itself (tests/role_matrix.py walks `get_resolver()`): router
viewsets and their actions, the API's other paths, and the web pages. For a route with an object
in its path, every method it serves is sent at tenant B's object and must answer 404 (405 for a
method the route does not serve; 401 or a redirect to the login for the anonymous visitor), and
no answer may carry tenant B's data. Routes without an object are read by every role and must
not show tenant B's data either. A route whose parameters cannot be aimed at tenant B fails
`test_every_route_can_be_aimed_at_another_tenant` by name: map it in tests/role_matrix.py and
give tenant B an object in tests/<app>/isolation.py (`other_tenant_objects(b) -> {model: object}`)."""

import pkgutil
from importlib import import_module

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings

import tests
from tests import factories as f
from tests.afterschool.world import build_school
from tests.conftest import api_client_for, build_tenant
from tests.role_matrix import PUBLIC_ROUTES, RECIPIENT_ONLY, Unmapped, build_url, model_of, url_routes

# Tenant B's objects of the models served by estates and orgs; the other apps bring theirs in
# tests/<app>/isolation.py.
OTHER_TENANT_OBJECT = {
    "organization": lambda t: t.company,
    "company": lambda t: t.company,
    "district": lambda t: t.district,
    "user": lambda t: t.user("manager"),
    "membership": lambda t: t.user("manager").memberships.get(),
    "community": lambda t: t.community,
    "zone": lambda t: t.zone,
    "building": lambda t: t.building,
    "unit": lambda t: t.units[0],
    "owner": lambda t: t.owners[0],
    "ownership": lambda t: t.units[0].ownerships.get(),
    "resident": lambda t: t.extra["resident"],
    "parkingspace": lambda t: t.extra["parking_space"],
    "premises": lambda t: t.extra["premises"],
}
# Tenant A's logins: tests/conftest.py's build_tenant plus a residents' committee officer and a school.
ROLES_OF_A = ["manager", "finance", "cashier", "dispatcher", "technician", "guard", "cleaner", "gardener",
              "regulator", "district_regulator", "rc_regulator", "committee_member", "owner",
              "school_admin", "teacher", "guardian", "anonymous"]
TAG_A, TAG_B = "壬", "癸"  # rare characters: tenant B's names carry TAG_B, so a page that shows one leaks
PHONE_B = "13987650000"  # the phone number of tenant B's service request, nobody else's
FOUND = {404}
NOT_SERVED = {405}


def app_isolation_modules():
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                yield import_module(f"tests.{info.name}.isolation")
            except ModuleNotFoundError as exc:
                if exc.name != f"tests.{info.name}.isolation":
                    raise


def _tenant_b_objects(b) -> dict:
    from linli.estates.models import BindingRequest, ImportJob
    from linli.oversight.models import EvaluationResult, InspectionPhoto, Rectification
    from linli.servicedesk.models import RequestPhoto

    b.extra["bindingrequest"] = BindingRequest.objects.create(
        user=b.user("owner"), unit=b.units[2], name=f"{TAG_B}申请人",
        proof=SimpleUploadedFile("proof.pdf", b"%PDF-1.4 proof", content_type="application/pdf"),
    )
    b.extra["importjob"] = ImportJob.objects.create(community=b.community, original_name="b.xlsx")
    for module in app_isolation_modules():
        b.extra.update(module.other_tenant_objects(b))
    objects = {model: get(b) for model, get in OTHER_TENANT_OBJECT.items()}
    objects.update(b.extra)
    objects["school"] = objects["term"].school
    objects["servicerequest"].requester_phone = PHONE_B
    objects["servicerequest"].save(update_fields=["requester_phone"])
    objects["requestphoto"] = RequestPhoto.objects.create(
        request=objects["servicerequest"], image=SimpleUploadedFile("b.jpg", b"\xff\xd8\xff"),
        content_type="image/jpeg", size=3)
    objects["inspectionphoto"] = InspectionPhoto.objects.create(
        inspection=objects["inspection"], image=SimpleUploadedFile("b.jpg", b"\xff\xd8\xff"), content_type="image/jpeg")
    result = EvaluationResult.objects.filter(jurisdiction=b.district).first()
    objects["evaluationresult"] = result
    objects["rectification"] = Rectification.objects.create(
        result=result, company=result.company, jurisdiction=b.district, issued_on=result.published_at.date(),
        deadline=result.published_at.date())
    return objects


def _tenant_a_users(a) -> dict:
    users = dict(a.users)
    users["rc_regulator"] = f.UserFactory(username=f"{TAG_A}-rc")
    f.MembershipFactory(user=users["rc_regulator"], organization=a.residents_committee, role="regulator")
    school = build_school(TAG_A)
    users.update(school_admin=school.users["admin"], teacher=school.users["teacher1"],
                 guardian=school.users["guardian1"])
    users["platform_admin"] = f.UserFactory(username=f"{TAG_A}-platform", is_superuser=True, is_staff=True)
    return users


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One pair of tenants for the whole module, in a transaction rolled back at its end: each
    test's own transaction nests inside it."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            a, b = build_tenant(TAG_A), build_tenant(TAG_B)
            yield _tenant_a_users(a), _tenant_b_objects(b)
            transaction.set_rollback(True)


def clients_for(user):
    """(API client with the user's token, browser client signed in as the user)."""
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if user is not None:
        page.force_login(user)
    return api_client_for(user), page


def api_methods(route) -> list[str]:
    if route.viewset is not None:
        methods = set(route.callback.actions) - {"put"}  # PATCH covers the update
    else:
        methods = {m for m in ("get", "post", "patch", "delete") if hasattr(route.callback.view_class, m)}
    return sorted(methods, key=lambda m: m == "delete")  # a leaking DELETE last: it would remove the object


def send(client, method: str, url: str, route):
    if route.is_api and method != "get":
        return getattr(client, method)(url, {}, format="json")
    return getattr(client, method)(url)


def refused(role: str, route, response, twin) -> bool:
    """404 (405: a method the route does not serve), or for the anonymous visitor 401 or the
    login; or an answer that does not depend on the object, the same as for an object that does
    not exist (`twin()`): a 400 for input checked before the object is looked up, a 403 for a
    role that may not use the route at all. A 403 for this object alone would confirm it exists."""
    status = response.status_code
    if status in FOUND or status in NOT_SERVED:
        return True
    if role == "anonymous" and (status in (401, 403) if route.is_api else
                                status == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))):
        return True
    if status in (400, 403, 302):
        other = twin()
        # A page carries a fresh CSRF token each time: its status says it all; the API's body must match too.
        return other.status_code == status and (not route.is_api or other.content == response.content)
    return False


def leaks(body: bytes, objects: dict, route) -> bool:
    """Tenant B's data in an answer: any of its names (they carry TAG_B); on a public route, its
    people's names and phone numbers."""
    text = body.decode("utf-8", errors="ignore")
    personal = [PHONE_B, f"{TAG_B}业主", f"{TAG_B}家属"]
    if route.name in PUBLIC_ROUTES:
        return any(marker in text for marker in personal)
    return TAG_B in text or any(marker in text for marker in personal)


def test_every_route_can_be_aimed_at_another_tenant(world, db):
    users, objects = world
    unmapped = []
    for route in url_routes():
        if route.kwargs:
            try:
                build_url(route, objects)
            except Unmapped as exc:
                unmapped.append(str(exc))
    assert not unmapped, "\n".join(unmapped)


def test_the_matrix_aims_at_real_objects(world, db):
    """The platform admin sees every tenant: tenant B's objects, as the matrix aims at them, are
    there to be read, so the 404s below are about scope, not about wrong URLs."""
    users, objects = world
    api = clients_for(users["platform_admin"])[0]
    missed = []
    for route in url_routes():
        if route.viewset is not None and route.callback.actions.get("get") == "retrieve" \
                and model_of(route, "pk") not in RECIPIENT_ONLY:
            response = api.get(build_url(route, objects))
            if response.status_code != 200:
                missed.append(f"{route.label} -> {response.status_code}")
    assert not missed, "\n".join(missed)


@pytest.mark.parametrize("role", ROLES_OF_A)
def test_another_tenants_objects_are_not_found_on_any_route(world, db, role):
    users, objects = world
    user = users.get(role)
    api, page = clients_for(user)
    found = []
    for route in url_routes():
        if not route.kwargs:
            continue
        try:
            url = build_url(route, objects)
        except Unmapped:
            continue  # named by test_every_route_can_be_aimed_at_another_tenant
        client, missing = (api if route.is_api else page), build_url(route, objects, missing=True)
        for method in api_methods(route) if route.is_api else ["get", "post"]:
            response = send(client, method, url, route)
            if leaks(response.content, objects, route):
                found.append(f"{method.upper()} {url} shows tenant B's data ({response.status_code})")
            elif route.name not in PUBLIC_ROUTES and not refused(
                    role, route, response, lambda: send(client, method, missing, route)):  # noqa: B023 (called at once)
                found.append(f"{method.upper()} {url} -> {response.status_code}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("role", ROLES_OF_A)
def test_routes_without_an_object_never_show_another_tenants_data(world, db, role):
    users, objects = world
    api, page = clients_for(users.get(role))
    found = []
    for route in url_routes():
        if route.kwargs or route.text.endswith(("schema/", "docs/")):
            continue
        url = build_url(route, objects)
        response = api.get(url, {"page_size": 500}) if route.is_api else page.get(url)
        if leaks(response.content, objects, route):
            found.append(f"GET {url} shows tenant B's data ({response.status_code})")
        elif route.viewset is not None and response.status_code == 200 and "results" in response.json():
            model = route.viewset.serializer_class.Meta.model._meta.model_name
            if model in objects and objects[model].pk in {row.get("id") for row in response.json()["results"]}:
                found.append(f"GET {url} lists tenant B's {model} {objects[model].pk}")
    assert not found, "\n".join(found)


def test_the_admin_site_is_for_platform_staff_only(world, db):
    users, objects = world
    for role in ROLES_OF_A[:-1]:
        response = clients_for(users[role])[1].get(f"/admin/estates/community/{objects['community'].pk}/change/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"], role


def test_owner_gets_404_for_a_neighbours_unit(tenant, api):
    neighbour_unit = tenant.units[1]
    response = api(tenant.user("owner")).get(f"/api/v1/units/{neighbour_unit.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_owner_lists_only_their_own_unit(tenant, api):
    response = api(tenant.user("owner")).get("/api/v1/units/")
    assert [row["id"] for row in response.json()["results"]] == [tenant.units[0].pk]


def test_another_companys_staff_get_404_for_a_unit(tenants, api):
    a, b = tenants
    assert api(b.user("manager")).get(f"/api/v1/units/{a.units[0].pk}/").status_code == 404
    assert api(a.user("manager")).get(f"/api/v1/units/{a.units[0].pk}/").status_code == 200


def test_regulator_sees_communities_in_their_jurisdiction_only(tenants, api):
    a, b = tenants
    ids = {row["id"] for row in api(a.user("district_regulator")).get("/api/v1/communities/").json()["results"]}
    assert ids == {a.community.pk}


def test_anonymous_requests_are_refused(tenant, api):
    response = api(None).get("/api/v1/units/")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code", "fields"}


def test_staff_cannot_create_in_another_tenants_community(tenants, api):
    a, b = tenants
    response = api(a.user("manager")).post(
        "/api/v1/buildings/", {"community": b.community.pk, "name": "9号楼"}, format="json"
    )
    assert response.status_code == 400
    assert "community" in response.json()["fields"]
    assert not b.community.buildings.filter(name="9号楼").exists()
