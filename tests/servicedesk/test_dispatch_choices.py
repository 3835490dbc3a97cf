"""The dispatcher's assignee list (issue 17): grouped by service team and trade, the team that
handles the request's category first, each person with their open load and whether the duty
roster has them on shift today; and the service teams page that sets the teams up."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linli.core.models import AuditEvent
from linli.core.tenancy import Actor
from linli.operations.models import Position, RosterEntry, Shift, StaffMember, StaffTeam
from linli.servicedesk import services
from linli.servicedesk.dispatch import dispatch_groups
from linli.servicedesk.models import Team
from tests import factories as f

from .helpers import actor, file


def add_worker(tenant, username, role="technician"):
    user = f.UserFactory(username=username, display_name=username)
    f.MembershipFactory(user=user, organization=tenant.company, role=role)
    return user


def roster(tenant, user, day):
    c = tenant.community
    position, _ = Position.objects.get_or_create(community=c, name="维修工", defaults={"kind": "maintenance"})
    team, _ = StaffTeam.objects.get_or_create(community=c, name="工程班", defaults={"kind": "maintenance"})
    shift, _ = Shift.objects.get_or_create(community=c, name="白班",
                                           defaults={"start": dt.time(8), "end": dt.time(17)})
    member, _ = StaffMember.objects.get_or_create(community=c, user=user,
                                                  defaults={"name": str(user), "position": position, "team": team})
    RosterEntry.objects.create(community=c, team=team, member=member, date=day, shift=shift)


@pytest.fixture
def world(tenant):
    """A plumbing team of two (the tenant's technician and 水电乙) handling 水电, a cleaning team,
    and a technician in no team; 水电乙 on today's roster, the technician only yesterday's."""
    c = tenant.community
    plumber = add_worker(tenant, "水电乙")
    loner = add_worker(tenant, "散工丙")
    dispatcher = actor(tenant, "dispatcher")
    water = c.service_categories.get(name="水电")
    services.team_create(actor=dispatcher, community=c, name="水电班", members=[tenant.user("technician"), plumber],
                         categories=[water])
    services.team_create(actor=dispatcher, community=c, name="保洁班", members=[tenant.user("cleaner")],
                         categories=[c.service_categories.get(name="环境卫生")])
    today = timezone.localdate()
    roster(tenant, plumber, today)
    roster(tenant, tenant.user("technician"), today - dt.timedelta(days=1))
    return {"plumber": plumber, "loner": loner, "water": water}


def people(groups):
    return {str(c.user): (g.label, c) for g in groups for c in g.people}


def test_the_fitting_team_comes_first_with_load_and_shift(tenant, world):
    request = file(tenant, category="水电")
    # Two open jobs for the technician; one already done does not count.
    for _ in range(2):
        services.request_assign(actor=actor(tenant, "dispatcher"), service_request=file(tenant),
                                assignee=tenant.user("technician"))
    done = file(tenant)
    services.request_assign(actor=actor(tenant, "dispatcher"), service_request=done, assignee=world["plumber"])
    services.request_resolve(actor=Actor(world["plumber"]), service_request=done, text="已修好", photos=[])

    groups = dispatch_groups(actor=actor(tenant, "dispatcher"), service_request=request)
    assert groups[0].label == "水电班 · 水电" and groups[0].fits
    # Then the technicians in no team (a repair is their trade); the other teams do not fit.
    assert (groups[1].label, groups[1].fits) == ("维修工", True)
    assert not any(g.fits for g in groups[2:])
    found = people(groups)
    technician = found[str(tenant.user("technician"))][1]
    plumber = found["水电乙"][1]
    assert (technician.load, technician.on_shift) == (2, False)
    assert (plumber.load, plumber.on_shift) == (0, True)
    assert plumber.shift == "白班 08:00–17:00"
    # On shift and least loaded first within the team.
    assert [str(c.user) for c in groups[0].people] == ["水电乙", str(tenant.user("technician"))]
    # Each person once: the cleaner under their team, the technician in no team under the trade.
    assert found[str(tenant.user("cleaner"))][0] == "保洁班 · 环境卫生"
    assert found["散工丙"][0] == "维修工"
    assert sum(len(g.people) for g in groups) == len(found)


def test_another_category_puts_its_own_team_first(tenant, world):
    request = file(tenant, kind="complaint", category="环境卫生", title="楼道垃圾没人清")
    groups = dispatch_groups(actor=actor(tenant, "dispatcher"), service_request=request)
    assert groups[0].label == "保洁班 · 环境卫生" and groups[0].fits
    # Not a repair: technicians outside a team do not fit it either.
    assert not next(g for g in groups if g.label == "维修工").fits


def test_the_queries_do_not_grow_with_the_staff(tenant, world):
    request = file(tenant, category="水电")
    with CaptureQueriesContext(connection) as few:
        dispatch_groups(actor=actor(tenant, "dispatcher"), service_request=request)
    for i in range(6):
        user = add_worker(tenant, f"新人{i}")
        roster(tenant, user, timezone.localdate())
    with CaptureQueriesContext(connection) as many:
        dispatch_groups(actor=actor(tenant, "dispatcher"), service_request=request)
    assert len(many) == len(few)


def test_the_request_page_offers_the_grouped_list(login, tenant, world):
    request = file(tenant, category="水电")
    page = login(tenant.user("dispatcher")).get(reverse("servicedesk:request_detail", args=[request.pk]))
    html = page.content.decode()
    assert '<optgroup label="水电班 · 水电（对口）">' in html
    assert "水电乙（在班 白班 08:00–17:00 · 在办 0 单）" in html
    assert f"{tenant.user('technician')}（今日不在班 · 在办 0 单）" in html
    assert html.index("水电班 · 水电（对口）") < html.index('<optgroup label="保洁班')
    # A technician sees no dispatch list.
    page = login(tenant.user("technician")).get(reverse("servicedesk:request_detail", args=[request.pk]))
    assert "<optgroup" not in page.content.decode()


# The service teams page -----------------------------------------------------------------------

def teams_url(tenant, *args, name="teams"):
    return reverse(f"servicedesk:{name}", args=[tenant.community.pk, *args])


@pytest.mark.parametrize("role", ["manager", "dispatcher"])
def test_a_team_is_created_and_edited_on_the_page(login, tenant, role):
    client = login(tenant.user(role))
    water = tenant.community.service_categories.get(name="水电")
    response = client.post(teams_url(tenant, name="team_new"), {
        "name": "维修一班", "members": [tenant.user("technician").pk], "categories": [water.pk]})
    assert response.status_code == 302
    team = Team.objects.get(community=tenant.community, name="维修一班")
    assert [m.user_id for m in team.memberships.all()] == [tenant.user("technician").pk]
    assert AuditEvent.objects.filter(action="team.create", target_id=str(team.pk)).exists()

    response = client.post(teams_url(tenant, team.pk, name="team_edit"), {
        "name": "维修一班", "members": [tenant.user("technician").pk, tenant.user("guard").pk], "categories": []})
    assert response.status_code == 302
    assert {m.user_id for m in team.memberships.all()} == {tenant.user("technician").pk, tenant.user("guard").pk}
    assert not team.categories.exists()
    listing = client.get(teams_url(tenant)).content.decode()
    assert "维修一班" in listing and str(tenant.user("guard")) in listing
    settings_page = client.get(reverse("servicedesk:sla_settings", args=[tenant.community.pk]))
    assert "/api/v1/" not in settings_page.content.decode()


def test_a_duplicate_name_is_refused_on_the_form(login, tenant):
    client = login(tenant.user("manager"))
    client.post(teams_url(tenant, name="team_new"), {"name": "维修一班"})
    response = client.post(teams_url(tenant, name="team_new"), {"name": "维修一班"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Team.objects.filter(community=tenant.community, name="维修一班").count() == 1


def test_a_stranger_cannot_be_made_a_member(login, tenants):
    a, b = tenants
    response = login(a.user("manager")).post(teams_url(a, name="team_new"), {
        "name": "外援", "members": [b.user("technician").pk]})
    assert response.status_code == 200  # not one of the choices: the form says so
    assert "members" in response.context["form"].errors
    assert not Team.objects.filter(name="外援").exists()


@pytest.mark.parametrize("role", ["technician", "finance", "owner", "regulator"])
def test_other_roles_are_refused(login, tenant, role):
    client = login(tenant.user(role))
    for url in (teams_url(tenant), teams_url(tenant, name="team_new")):
        assert client.get(url).status_code in (403, 404), (role, url)
    assert client.post(teams_url(tenant, name="team_new"), {"name": "越权"}).status_code in (403, 404)
    assert not Team.objects.filter(name="越权").exists()


def test_another_communitys_teams_are_not_found(login, tenants):
    a, b = tenants
    team = services.team_create(actor=actor(b, "manager"), community=b.community, name="乙维修班")
    client = login(a.user("manager"))
    assert client.get(teams_url(b)).status_code == 404
    assert client.get(reverse("servicedesk:team_edit", args=[a.community.pk, team.pk])).status_code == 404
    assert client.post(reverse("servicedesk:team_edit", args=[a.community.pk, team.pk]),
                       {"name": "改名"}).status_code == 404
    team.refresh_from_db()
    assert team.name == "乙维修班"
