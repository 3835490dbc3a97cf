"""The community list at a district's scale (issue 20, DESIGN §7 `bench/regulator_list.py`): a
page of 50 rows searched by name or code, whose cost in queries does not grow with the number of
communities, and whose building and unit counts are those of each community."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("web:community_list")


def add_communities(tenant, count: int, start: int = 0) -> list:
    """`count` more communities under the tenant's residents' committee, each with buildings and units."""
    made = []
    for i in range(start, start + count):
        community = f.CommunityFactory(name=f"幸福{i:03d}苑", code=f"xf-{i:03d}", company=tenant.company,
                                       residents_committee=tenant.residents_committee)
        for b in range(1 + i % 3):
            building = f.BuildingFactory(community=community, name=f"{b + 1}号楼")
            for u in range(2):
                f.UnitFactory(building=building, number=f"{b + 1}0{u + 1}")
        made.append(community)
    return made


def rows(response) -> list:
    return list(response.context["communities"])


def test_the_list_costs_the_same_queries_for_3_and_12_communities(tenant, client):
    client.force_login(tenant.user("district_regulator"))
    add_communities(tenant, 3)
    client.get(URL)  # warm: the first request of a session may save it
    with CaptureQueriesContext(connection) as few:
        assert len(rows(client.get(URL))) == 4
    add_communities(tenant, 9, start=3)
    with CaptureQueriesContext(connection) as many:
        assert len(rows(client.get(URL))) == 13
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_each_row_counts_its_own_buildings_and_units(tenant, client):
    client.force_login(tenant.user("district_regulator"))
    add_communities(tenant, 3)
    counts = {c.name: (c.buildings_count, c.units_count) for c in rows(client.get(URL))}
    assert counts == {tenant.community.name: (1, 3), "幸福000苑": (1, 2), "幸福001苑": (2, 4), "幸福002苑": (3, 6)}


def test_the_list_pages_by_fifty(tenant, client):
    client.force_login(tenant.user("district_regulator"))
    add_communities(tenant, 60)
    first = client.get(URL)
    assert len(rows(first)) == 50 and first.context["page"].paginator.count == 61
    assert 'rel="next"' in first.content.decode() and 'name="q"' in first.content.decode()
    second = client.get(URL, {"page": 2})
    assert len(rows(second)) == 11
    assert {c.pk for c in rows(first)}.isdisjoint({c.pk for c in rows(second)})
    assert len(rows(client.get(URL, {"page": "99"}))) == 11  # past the end: the last page
    assert len(rows(client.get(URL, {"page": "x"}))) == 50


def test_the_list_searches_by_name_or_code_within_the_actors_communities(tenants, client):
    a, b = tenants
    client.force_login(a.user("district_regulator"))
    add_communities(a, 12)
    assert [c.name for c in rows(client.get(URL, {"q": "幸福01"}))] == ["幸福010苑", "幸福011苑"]
    assert [c.name for c in rows(client.get(URL, {"q": "xf-003"}))] == ["幸福003苑"]
    assert [c.name for c in rows(client.get(URL, {"q": " 幸福  苑 004 "}))] == ["幸福004苑"]  # every word
    nothing = client.get(URL, {"q": b.community.name})  # another district's community is not found
    assert rows(nothing) == [] and "没有符合条件的小区" in nothing.content.decode()
    assert len(rows(client.get(URL, {"q": "幸福"}))) == 12
    assert len(rows(client.get(URL, {"q": "幸福", "page": 2}))) == 12  # one page: the second is the last
