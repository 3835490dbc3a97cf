"""The district dashboard at a city's scale (issue 20, DESIGN §7 `bench/regulator_list.py`): its
figures come from aggregate queries over the jurisdiction's communities, so the page costs the
same queries for 3 communities or 12, and the committee figures equal those of the per-community
rows the committees page shows (formation_rows → formation_summary)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linli.core.tenancy import Actor
from linli.oversight import selectors
from linli.oversight.models import ServiceContract
from tests import factories as f

pytestmark = pytest.mark.django_db


def add_communities(tenant, count: int, start: int = 0) -> list:
    """Communities under the tenant's residents' committee in every state the committee figures
    tell apart: no units, mostly unsold, eligible; a committee sitting, elected (tallied) or ended;
    a post-committee contract signed after the election, before it, or none; a running election."""
    from linli.governance.models import Committee, Election

    today = timezone.localdate()
    made = []
    for i in range(start, start + count):
        company = tenant.company if i % 2 else f.OrganizationFactory(name=f"规模物业{i}", kind="company")
        community = f.CommunityFactory(name=f"规模{i:03d}", code=f"scale-{i:03d}", company=company,
                                       residents_committee=tenant.residents_committee,
                                       contract_end=today + dt.timedelta(days=30 + 40 * (i % 4)))
        building = f.BuildingFactory(community=community)
        units, unsold = [(0, 0), (3, 2), (4, 1), (5, 2)][i % 4]
        for u in range(units):
            f.UnitFactory(building=building, number=f"{u + 1:03d}", status="unsold" if u < unsold else "occupied")
        elected_on = today - dt.timedelta(days=[90, 30, 61, 59, 200][i % 5])
        if i % 3 != 2:
            election = None
            if i % 3 == 1:  # tallied at 00:30 local time, the day before in UTC: the local day counts
                at = timezone.make_aware(dt.datetime.combine(elected_on, dt.time(0, 30)))
                election = Election.objects.create(community=community, status="tallied", tallied_at=at)
            Committee.objects.create(community=community, election=election, term_start=elected_on,
                                     term_end=elected_on + dt.timedelta(days=1095),
                                     ended_on=today if i % 7 == 6 else None)
        elif i % 2:
            Election.objects.create(community=community, status="open")
        if i % 4 in (1, 2):
            signed = elected_on + dt.timedelta(days=10 if i % 4 == 1 else -10)
            ServiceContract.objects.create(community=community, company=company, phase="post", signed_on=signed,
                                           start=signed)
        made.append(community)
    return made


def test_the_figures_equal_those_of_the_rows(tenant):
    add_communities(tenant, 30)
    for jurisdiction in (tenant.district, tenant.subdistrict, tenant.residents_committee):
        rows = selectors.formation_rows(actor=Actor(tenant.user("district_regulator")), jurisdiction=jurisdiction)
        expected = {**selectors.formation_summary(rows), "post": sum(1 for r in rows if r["post_contract"])}
        figures = selectors.formation_figures(communities=selectors.communities_under(jurisdiction.pk))
        assert figures == expected
        assert 0 < figures["formed"] < figures["eligible"] and figures["overdue"] and figures["post"]


def test_the_figures_hold_on_other_days(tenant):
    add_communities(tenant, 15)
    actor = Actor(tenant.user("district_regulator"))
    for days in (-400, -59, 0, 1, 30):
        today = timezone.localdate() + dt.timedelta(days=days)
        rows = selectors.formation_rows(actor=actor, jurisdiction=tenant.district, today=today)
        figures = selectors.formation_figures(communities=selectors.communities_under(tenant.district.pk),
                                              today=today)
        assert figures["overdue"] == selectors.formation_summary(rows)["overdue"], days


def test_the_dashboard_costs_the_same_queries_for_3_and_12_communities(tenant, client):
    client.force_login(tenant.user("district_regulator"))
    url = reverse("oversight:dashboard", args=[tenant.district.pk])
    add_communities(tenant, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).context["communities"] == 4
    add_communities(tenant, 9, start=3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["communities"] == 13
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_the_dashboard_shows_the_jurisdictions_figures(tenant, client):
    add_communities(tenant, 12)
    client.force_login(tenant.user("district_regulator"))
    context = client.get(reverse("oversight:dashboard", args=[tenant.district.pk])).context
    rows = selectors.formation_rows(actor=Actor(tenant.user("district_regulator")), jurisdiction=tenant.district)
    summary = selectors.formation_summary(rows)
    assert context["summary"] == summary
    assert context["contracts"]["post"] == sum(1 for r in rows if r["post_contract"])
    assert context["contracts"]["overdue"] == summary["overdue"]
    assert context["contracts"]["expiring"] == sum(
        1 for r in rows if r["community"].contract_end and r["community"].contract_end
        <= timezone.localdate() + dt.timedelta(days=90))
    assert context["companies"] == len({r["community"].company_id for r in rows})
    assert {c["name"]: c["value"] for c in context["charts"]["formation"]} == {
        "已成立": summary["formed"], "未成立": summary["eligible"] - summary["formed"]}
