"""Tenants stay apart on every endpoint: another company's staff, a regulator outside the
jurisdiction, a committee member of another community and a neighbouring owner all get 404
for an object outside their scope, and never see it in a list.

The endpoints come from the API router itself, so a new endpoint cannot escape this test.
An app whose endpoints serve new models adds `tests/<app>/isolation.py` with
`other_tenant_objects(b) -> {model_name: object of tenant B}`."""

import pkgutil
from importlib import import_module

import pytest

import tests
from linli.api_urls import router

# How to find tenant B's object of each model the API serves.
OTHER_TENANT_OBJECT = {
    "organization": lambda t: t.company,
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
    "bindingrequest": lambda t: t.extra["binding_request"],
    "importjob": lambda t: t.extra["import_job"],
}


def app_isolation_modules():
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                yield import_module(f"tests.{info.name}.isolation")
            except ModuleNotFoundError as exc:
                if exc.name != f"tests.{info.name}.isolation":
                    raise

ACTORS_OF_A = ["manager", "finance", "cashier", "dispatcher", "technician", "guard", "cleaner", "gardener",
               "regulator", "district_regulator", "committee_member", "owner"]


def endpoints():
    for prefix, viewset, basename in router.registry:
        yield prefix, viewset


@pytest.fixture
def world(tenants):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from linli.estates.models import BindingRequest, ImportJob

    a, b = tenants
    b.extra["binding_request"] = BindingRequest.objects.create(
        user=b.user("owner"), unit=b.units[2], name="乙申请人",
        proof=SimpleUploadedFile("proof.pdf", b"%PDF-1.4 proof", content_type="application/pdf"),
    )
    b.extra["import_job"] = ImportJob.objects.create(community=b.community, original_name="b.xlsx")
    for module in app_isolation_modules():
        b.extra.update(module.other_tenant_objects(b))
    return a, b


def other_tenant_object(model: str, b):
    return OTHER_TENANT_OBJECT[model](b) if model in OTHER_TENANT_OBJECT else b.extra[model]


def test_every_endpoint_has_an_isolation_case(world):
    a, b = world
    models = {viewset.serializer_class.Meta.model._meta.model_name for _, viewset in endpoints()}
    missing = {m for m in models if m not in OTHER_TENANT_OBJECT and m not in b.extra}
    assert not missing, f"add isolation cases (tests/<app>/isolation.py) for {missing}"


@pytest.mark.parametrize("role", ACTORS_OF_A)
def test_objects_of_another_tenant_are_not_found(world, api, role):
    a, b = world
    client = api(a.user(role))
    leaks = []
    for prefix, viewset in endpoints():
        model = viewset.serializer_class.Meta.model._meta.model_name
        obj = other_tenant_object(model, b)
        detail = client.get(f"/api/v1/{prefix}/{obj.pk}/")
        if detail.status_code != 404:
            leaks.append(f"GET {prefix}/{obj.pk}/ -> {detail.status_code}")
        patch = client.patch(f"/api/v1/{prefix}/{obj.pk}/", {}, format="json")
        if patch.status_code not in (404, 405):
            leaks.append(f"PATCH {prefix}/{obj.pk}/ -> {patch.status_code}")
        listing = client.get(f"/api/v1/{prefix}/", {"page_size": 500})
        if listing.status_code == 200 and obj.pk in {row["id"] for row in listing.json()["results"]}:
            leaks.append(f"GET {prefix}/ lists {obj.pk}")
    assert not leaks, leaks


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
