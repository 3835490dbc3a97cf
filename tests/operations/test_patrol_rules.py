"""Patrols: rounds from plans (also across midnight), check-in rules, finishing and closing."""

import datetime as dt
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from linli.core.tenancy import Actor
from linli.operations.models import Checkpoint, PatrolPlan, PatrolRound, PatrolRoute
from linli.operations.services import patrols as services
from tests import factories as f
from tests.operations.world_people import people_world

TZ = timezone.get_current_timezone


def at(date, hour, minute=0):
    return timezone.make_aware(dt.datetime.combine(date, dt.time(hour, minute)), TZ())


@pytest.fixture
def route(tenant):
    manager = Actor(tenant.user("manager"))
    route = services.patrol_route_create(actor=manager, community=tenant.community, name="北区夜间巡逻",
                                         zone=tenant.zone)
    for i, name in enumerate(["北门岗亭", "5号楼东侧", "9号楼车棚"], start=1):
        services.checkpoint_create(actor=manager, route=route, name=name, order=i)
    return route


def test_a_night_window_crosses_midnight_and_generation_is_idempotent(tenant, route):
    manager = Actor(tenant.user("manager"))
    services.patrol_plan_create(actor=manager, route=route, name="夜间一巡", window_start=dt.time(22),
                                window_end=dt.time(2))
    services.patrol_plan_create(actor=manager, route=route, name="周末午巡", window_start=dt.time(12),
                                window_end=dt.time(14), weekdays=[6, 7])
    friday = dt.date(2026, 4, 10)
    assert services.patrol_rounds_generate(community=tenant.community, date=friday) == 1
    assert services.patrol_rounds_generate(community=tenant.community, date=friday) == 0
    night = PatrolRound.objects.get(community=tenant.community, date=friday)
    assert (night.window_start, night.window_end) == (at(friday, 22), at(dt.date(2026, 4, 11), 2))
    assert services.patrol_rounds_generate(community=tenant.community, date=friday + dt.timedelta(days=1)) == 2


def test_plan_rules(tenant, route):
    manager = Actor(tenant.user("manager"))
    with pytest.raises(ValidationFailed):
        services.patrol_plan_create(actor=manager, route=route, name="错", window_start=dt.time(8),
                                    window_end=dt.time(8))
    with pytest.raises(ValidationFailed):
        services.patrol_plan_create(actor=manager, route=route, name="错", window_start=dt.time(8),
                                    window_end=dt.time(9), weekdays=[0, 8])
    with pytest.raises(PermissionDenied):
        services.patrol_plan_create(actor=Actor(tenant.user("guard")), route=route, name="夜巡",
                                    window_start=dt.time(22), window_end=dt.time(2))


def a_round(tenant, route, start, hours=4):
    return PatrolRound.objects.create(community=tenant.community, route=route, date=timezone.localtime(start).date(),
                                      window_start=start, window_end=start + dt.timedelta(hours=hours))


def codes(route):
    return list(route.checkpoints.order_by("order").values_list("code", flat=True))


def test_check_in_inside_the_window_starts_the_round(tenant, route):
    now = timezone.now()
    patrol_round = a_round(tenant, route, now - dt.timedelta(hours=1))
    guard = Actor(tenant.user("guard"))
    checkin = services.patrol_checkin(actor=guard, patrol_round=patrol_round, code=codes(route)[0].lower(), now=now)
    patrol_round.refresh_from_db()
    assert checkin.checkpoint.name == "北门岗亭" and checkin.by == tenant.user("guard")
    assert patrol_round.status == "in_progress" and patrol_round.guard == tenant.user("guard")
    with pytest.raises(Conflict):
        services.patrol_checkin(actor=guard, patrol_round=patrol_round, code=codes(route)[0], now=now)


def test_check_in_outside_the_window_is_refused_in_chinese(tenant, route):
    now = timezone.now()
    later = a_round(tenant, route, now + dt.timedelta(hours=2))
    with pytest.raises(ValidationFailed) as refused:
        services.patrol_checkin(actor=Actor(tenant.user("guard")), patrol_round=later, code=codes(route)[0], now=now)
    assert refused.value.code == "outside_window"
    assert "不在本次巡逻的时间窗口内" in str(refused.value.message)
    assert not later.checkins.exists()


def test_a_checkpoint_of_another_route_is_refused(tenant, route):
    now = timezone.now()
    patrol_round = a_round(tenant, route, now - dt.timedelta(hours=1))
    other = PatrolRoute.objects.create(community=tenant.community, name="中心游园巡逻")
    elsewhere = Checkpoint.objects.create(community=tenant.community, route=other, name="健身器材区")
    with pytest.raises(ValidationFailed) as refused:
        services.patrol_checkin(actor=Actor(tenant.user("guard")), patrol_round=patrol_round, code=elsewhere.code,
                                now=now)
    assert refused.value.code == "not_on_route"
    assert "不在本次巡逻的路线上" in str(refused.value.message)


def test_unknown_codes_and_other_tenants_codes_are_not_found(tenants):
    a, b = tenants
    world_b = people_world(b)
    with pytest.raises(NotFound):
        services.patrol_checkin(actor=Actor(a.user("guard")), code="ZZZZZZZZ")
    with pytest.raises(NotFound):
        services.patrol_checkin(actor=Actor(a.user("guard")), code=world_b["checkpoints"][1].code)


def test_a_cleaner_cannot_patrol_and_another_guard_cannot_take_over(tenant, route):
    now = timezone.now()
    patrol_round = a_round(tenant, route, now - dt.timedelta(hours=1))
    with pytest.raises(NotFound):
        services.patrol_checkin(actor=Actor(tenant.user("cleaner")), patrol_round=patrol_round, code=codes(route)[0])
    services.patrol_checkin(actor=Actor(tenant.user("guard")), patrol_round=patrol_round, code=codes(route)[0])
    second = f.UserFactory(username="甲-guard-2")
    f.MembershipFactory(user=second, organization=tenant.company, role="guard")
    with pytest.raises(PermissionDenied):
        services.patrol_checkin(actor=Actor(second), patrol_round=patrol_round, code=codes(route)[1])
    services.patrol_checkin(actor=Actor(tenant.user("manager")), patrol_round=patrol_round, code=codes(route)[1])


def test_a_scan_without_a_round_finds_the_routes_current_round(tenant, route):
    now = timezone.now()
    a_round(tenant, route, now - dt.timedelta(hours=6))  # ended, still open: not this one
    current = a_round(tenant, route, now - dt.timedelta(minutes=30))
    checkin = services.patrol_checkin(actor=Actor(tenant.user("guard")), code=codes(route)[2], method="scan")
    assert checkin.patrol_round == current and checkin.method == "scan"
    current.window_start = now + dt.timedelta(hours=1)
    current.window_end = now + dt.timedelta(hours=2)
    current.save()
    with pytest.raises(ValidationFailed) as refused:
        services.patrol_checkin(actor=Actor(tenant.user("guard")), code=codes(route)[1], method="scan")
    assert "现在没有进行中的巡逻" in str(refused.value.message)


def test_finishing_with_a_checkpoint_missing_is_incomplete(tenant, route):
    now = timezone.now()
    guard = Actor(tenant.user("guard"))
    patrol_round = a_round(tenant, route, now - dt.timedelta(hours=1))
    with pytest.raises(ValidationFailed):
        services.patrol_round_finish(actor=guard, patrol_round=patrol_round)
    for code in codes(route)[:2]:
        services.patrol_checkin(actor=guard, patrol_round=patrol_round, code=code)
    assert services.patrol_round_finish(actor=guard, patrol_round=patrol_round).status == "incomplete"
    with pytest.raises(ValidationFailed):
        services.patrol_checkin(actor=guard, patrol_round=patrol_round, code=codes(route)[2])
    complete = a_round(tenant, route, now - dt.timedelta(minutes=10))
    for code in codes(route):
        services.patrol_checkin(actor=guard, patrol_round=complete, code=code)
    assert services.patrol_round_finish(actor=guard, patrol_round=complete).status == "completed"


def test_the_task_closes_rounds_whose_window_ended(tenant, route):
    now = timezone.now()
    guard = Actor(tenant.user("guard"))
    walked = a_round(tenant, route, now - dt.timedelta(hours=3), hours=2)
    services.patrol_checkin(actor=guard, patrol_round=walked, code=codes(route)[0],
                            now=now - dt.timedelta(hours=2))
    nobody = a_round(tenant, route, now - dt.timedelta(hours=5), hours=2)
    running = a_round(tenant, route, now - dt.timedelta(minutes=5))
    assert services.patrol_rounds_close_due(now=now) == 2
    assert services.patrol_rounds_close_due(now=now) == 0
    statuses = dict(PatrolRound.objects.values_list("id", "status"))
    assert statuses[walked.pk] == "incomplete"
    assert statuses[nobody.pk] == "missed"
    assert statuses[running.pk] == "scheduled"


def test_the_periodic_job_generates_and_closes(tenant, route):
    from linli.operations.tasks.planning import plan_ahead

    PatrolPlan.objects.create(community=tenant.community, route=route, name="夜间一巡", window_start=dt.time(22),
                              window_end=dt.time(2))
    result = plan_ahead()
    assert result["rounds"] == 2
    assert plan_ahead()["rounds"] == 0


def test_the_qr_sheet_has_each_checkpoint_with_its_code_and_scan_url(client, tenant, route, monkeypatch):
    from linli.operations.views import exports

    encoded = []
    real_qr = exports._qr
    monkeypatch.setattr(exports, "_qr", lambda url: encoded.append(url) or real_qr(url))
    client.force_login(tenant.user("guard"))
    response = client.get(reverse("operations:route_qr_pdf", args=[route.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert encoded == [f"http://testserver/ops/patrol/scan/{code}" for code in codes(route)]
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    text = text.decode()
    assert "北门岗亭" in text and codes(route)[0] in text and "巡更点二维码" in text
