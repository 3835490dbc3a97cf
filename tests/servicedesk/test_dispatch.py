"""Dispatch: by assignment, by grab (抢单, first come first served under concurrency) and in turn
within a team; the technician's queue."""

import threading

import pytest
from django.db import close_old_connections, connection

from linli.core.errors import Conflict, PermissionDenied
from linli.core.tenancy import Actor
from linli.servicedesk import selectors, services
from linli.servicedesk.models import ServiceRequest, Team, TeamMember
from tests import factories as f

from .helpers import actor, file


def crew(tenant, size=2):
    team = Team.objects.create(community=tenant.community, name="维修班")
    users = [tenant.user("technician")] + [f.UserFactory(username=f"tech{i}") for i in range(size - 1)]
    for user in users[1:]:
        f.MembershipFactory(user=user, organization=tenant.company, role="technician")
    for user in users:
        TeamMember.objects.create(team=team, user=user)
    return team, users


def test_round_robin_gives_the_job_to_whoever_waited_longest(tenant):
    team, users = crew(tenant, 3)
    given = [services.request_round_robin(actor=actor(tenant, "dispatcher"), service_request=file(tenant),
                                          team=team).assignee for _ in range(4)]
    assert given == [users[0], users[1], users[2], users[0]]


def test_only_team_members_grab_from_the_pool(tenant):
    team, users = crew(tenant)
    request = file(tenant)
    ServiceRequest.objects.filter(pk=request.pk).update(team=team)
    with pytest.raises(PermissionDenied):
        services.request_grab(actor=actor(tenant, "cleaner"), service_request=request)
    taken = services.request_grab(actor=Actor(users[1]), service_request=request)
    assert taken.assignee == users[1] and taken.status == "assigned"
    assert selectors.work_queue(actor=Actor(users[1]))["mine"] == [taken]


def _grab_in_parallel(request, users):
    """Every user grabs at the same moment; returns who got it and how many were refused."""
    barrier = threading.Barrier(len(users))
    won, refused = [], []

    def grab(user):
        try:
            barrier.wait()
            services.request_grab(actor=Actor(user), service_request=request)
            won.append(user)
        except Conflict:
            refused.append(user)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=grab, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return won, refused


@pytest.mark.django_db(transaction=True)
def test_two_technicians_grabbing_one_job_never_both_get_it(tenant):
    team, users = crew(tenant, 4)
    request = file(tenant)
    ServiceRequest.objects.filter(pk=request.pk).update(team=team)
    if connection.vendor == "postgresql":
        won, refused = _grab_in_parallel(request, users)
    else:
        # SQLite takes one writer at a time (BEGIN IMMEDIATE): the grabs queue one after another.
        won, refused = [], []
        for user in users:
            try:
                services.request_grab(actor=Actor(user), service_request=request)
                won.append(user)
            except Conflict:
                refused.append(user)
    request.refresh_from_db()
    assert len(won) == 1 and len(refused) == len(users) - 1
    assert request.assignee == won[0]
    assert request.events.filter(kind="grab").count() == 1


def test_the_queue_flags_jobs_that_need_todays_note(tenant):
    from .helpers import backdate

    old = backdate(file(tenant), days=2)
    services.request_assign(actor=actor(tenant, "dispatcher"), service_request=old, assignee=tenant.user("technician"))
    fresh = file(tenant)
    services.request_assign(actor=actor(tenant, "dispatcher"), service_request=fresh,
                            assignee=tenant.user("technician"))
    mine = {r.pk: r.needs_note for r in selectors.work_queue(actor=actor(tenant, "technician"))["mine"]}
    assert mine == {old.pk: True, fresh.pk: False}
    services.request_note(actor=actor(tenant, "technician"), service_request=old, text="明天换管")
    mine = {r.pk: r.needs_note for r in selectors.work_queue(actor=actor(tenant, "technician"))["mine"]}
    assert mine[old.pk] is False


def test_a_manager_sets_up_a_team_of_the_companys_staff(tenants, api):
    a, b = tenants
    client = api(a.user("manager"))
    body = {"community": a.community.pk, "name": "维修班", "members": [a.user("technician").pk],
            "categories": [a.community.service_categories.get(name="水电").pk]}
    created = client.post("/api/v1/service-teams/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["members"] == [a.user("technician").pk]
    stranger = client.post("/api/v1/service-teams/", {**body, "name": "外援", "members": [b.user("technician").pk]},
                           format="json")
    assert stranger.status_code == 400
    # The dispatcher sets up teams too (issue 17); a technician may not.
    assert api(a.user("technician")).post("/api/v1/service-teams/", {**body, "name": "二班"},
                                          format="json").status_code == 403
    assert api(a.user("dispatcher")).post("/api/v1/service-teams/", {**body, "name": "二班"},
                                          format="json").status_code == 201
    request = file(a, category="水电")
    assert request.team_id == created.json()["id"]


def test_a_business_calendar_is_checked(tenant, api):
    client = api(tenant.user("manager"))
    base = {"community": tenant.community.pk, "name": "客服", "opens_at": "08:00", "closes_at": "17:30"}
    good = client.post("/api/v1/business-calendars/", {**base, "weekdays": "123456", "holidays": ["2026-10-01"]},
                       format="json")
    assert good.status_code == 201 and good.json()["holidays"] == ["2026-10-01"]
    assert client.post("/api/v1/business-calendars/", {**base, "weekdays": "89"}, format="json").status_code == 400
    late = client.patch(f"/api/v1/business-calendars/{good.json()['id']}/", {"closes_at": "07:00"}, format="json")
    assert late.status_code == 400
