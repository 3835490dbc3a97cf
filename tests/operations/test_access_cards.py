"""Access cards (持卡出入): plates, the gate's decision, and a card stopped only by a person, for
a reason its owner is told — never for an unpaid fee (Civil Code Art. 944), checked through
billing's real run and payment services."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from linli.billing import services as billing
from linli.billing.models import Bill, FeeRule
from linli.billing.services import bill_run_create
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.models import AuditEvent, InboxMessage, OutboxMessage
from linli.core.tenancy import Actor, SystemActor
from linli.operations.models import AccessCard, GateEvent
from linli.operations.services import gates
from tests.operations.world_access import closed_groups

@pytest.fixture
def world(tenant):
    return tenant, closed_groups(tenant)


def at(hour=9):
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(hour)))


@pytest.mark.parametrize("raw, plate", [
    ("鲁q12345", "鲁Q12345"), ("鲁Q·12345", "鲁Q12345"), (" 京A 8B9C7 ", "京A8B9C7"),
    ("鲁QD12345", "鲁QD12345"), ("粤BFA1234", "粤BFA1234"), ("鲁Q12345D", "鲁Q12345D"), ("鲁Q1234学", "鲁Q1234学"),
])
def test_plates_are_normalised(raw, plate):
    assert gates.plate_normalise(raw) == plate


@pytest.mark.parametrize("raw", ["", "12345", "鲁12345", "鲁QI2345", "鲁Q1234", "鲁Q123456", "鲁QD1234A",
                                 "XQ12345", "鲁QA12345B"])
def test_bad_plates_are_refused(raw):
    with pytest.raises(ValidationFailed) as exc:
        gates.plate_normalise(raw)
    assert "plate" in exc.value.fields


def test_same_plate_twice_is_a_conflict(world):
    t, w = world
    with pytest.raises(Conflict):
        gates.vehicle_create(actor=Actor(t.user("guard")), community=t.community, plate="鲁q 12345")


def decide(w, **kwargs):
    event, _created = gates.gate_event_record(gate=w["gate"], event_id=kwargs.pop("event_id", "e"),
                                               direction="in", at=kwargs.pop("when", at()), **kwargs)
    return event


def test_active_card_for_the_gates_zone_is_allowed(world):
    _t, w = world
    event = decide(w, card_number="c-1001")
    assert (event.allowed, event.reason, event.card, event.plate) == (True, "card_ok", w["card"], "鲁Q12345")


def test_plate_alone_finds_the_vehicles_card(world):
    _t, w = world
    assert decide(w, plate="鲁Q12345").reason == "card_ok"


def test_card_for_the_parent_district_opens_the_groups_gate(world):
    t, w = world
    w["card"].zones.set([w["south"]])
    assert decide(w, card_number="C-1001").allowed


@pytest.mark.parametrize("change, reason", [
    ("disable", "card_disabled"), ("lost", "card_lost"), ("expired", "card_expired"), ("zone", "card_wrong_zone"),
])
def test_card_refused(world, change, reason):
    t, w = world
    guard, card = Actor(t.user("guard")), w["card"]
    if change == "disable":
        gates.card_disable(actor=guard, access_card=card, reason="车辆已出售")
    elif change == "lost":
        gates.card_report_lost(actor=guard, access_card=card)
    elif change == "expired":
        gates.card_update(actor=guard, access_card=card, changes={"valid_until": timezone.localdate() - dt.timedelta(days=1)})
    else:
        gates.card_update(actor=guard, access_card=card, changes={"zones": [t.zone]})
    event = decide(w, card_number="C-1001")
    assert (event.allowed, event.reason) == (False, reason)


def test_unknown_card_is_refused(world):
    _t, w = world
    event = decide(w, card_number="NOPE")
    assert (event.allowed, event.reason, event.card) == (False, "card_unknown", None)


def test_temporary_pass_lets_a_visitor_in_until_it_expires(world):
    t, w = world
    guard = Actor(t.user("guard"))
    issued = gates.temporary_pass_issue(actor=guard, community=t.community, plate="鲁QF8888",
                                         valid_from=at(8), valid_until=at(12))
    inside = decide(w, event_id="1", plate="鲁Q F8888", when=at(10))
    assert (inside.allowed, inside.reason, inside.temporary_pass) == (True, "temporary_pass", issued)
    late = decide(w, event_id="2", plate="鲁QF8888", when=at(13))
    assert (late.allowed, late.reason) == (False, "plate_unknown")
    early = decide(w, event_id="3", plate="鲁QF8888", when=at(7))
    assert not early.allowed


def test_revoked_pass_no_longer_opens(world):
    t, w = world
    guard = Actor(t.user("guard"))
    issued = gates.temporary_pass_issue(actor=guard, community=t.community, plate="鲁QF8888", hours=4)
    gates.temporary_pass_revoke(actor=guard, temporary_pass=issued)
    assert not decide(w, plate="鲁QF8888", when=timezone.now()).allowed


def test_the_same_event_twice_is_recorded_once_with_the_first_answer(world):
    t, w = world
    first, created = gates.gate_event_record(gate=w["gate"], event_id="42", direction="in", at=at(),
                                              card_number="C-1001")
    gates.card_report_lost(actor=Actor(t.user("guard")), access_card=w["card"])
    again, created_again = gates.gate_event_record(gate=w["gate"], event_id="42", direction="in", at=at(),
                                                    card_number="C-1001")
    assert (created, created_again, again.pk, again.allowed) == (True, False, first.pk, True)
    assert GateEvent.objects.filter(gate=w["gate"]).count() == 1


def test_only_access_roles_issue_cards(world):
    t, _w = world
    with pytest.raises(PermissionDenied):
        gates.card_issue(actor=Actor(t.user("cleaner")), community=t.community, number="X-1")


def test_gate_key_is_stored_only_as_its_hash(world):
    _t, w = world
    gate = w["gate"]
    assert w["key"] not in (gate.key_hash, gate.key_prefix)
    assert gate.key_hash == gates.gate_key_hash(w["key"]) and gates.gate_for_key(w["key"]) == gate


def test_rotating_the_key_retires_the_old_one(world):
    t, w = world
    _gate, new_key = gates.gate_key_rotate(actor=Actor(t.user("manager")), gate=w["gate"])
    assert gates.gate_for_key(w["key"]) is None
    assert gates.gate_for_key(new_key) == w["gate"]


# Fair collection: unpaid fees never stop a card (Civil Code Art. 944) ---------------------------

@pytest.fixture
def billed(world):
    """A parking fee of 60 元 a month on the card's space, billed for September."""
    t, w = world
    FeeRule.objects.create(community=t.community, name="车位费", kind="parking", rate=Decimal("60.00"),
                           annual_rate=Decimal("500.00"))
    bill_run_create(actor=SystemActor(), community=t.community, period="2026-09")
    bill = Bill.objects.get(unit=t.units[0], period="2026-09")
    assert bill.lines.filter(parking_space=t.extra["parking_space"]).exists()
    return t, w, bill


def test_a_payment_on_an_overdue_parking_fee_leaves_the_card_working(billed, django_capture_on_commit_callbacks):
    t, w, bill = billed
    # September's fee is months overdue and stays partly unpaid: the card still opens the gate.
    with django_capture_on_commit_callbacks(execute=True):
        billing.payment_record(actor=Actor(t.user("cashier")), unit=t.units[0], amount=Decimal("0.01"),
                               method="cash")
    w["card"].refresh_from_db()
    assert (w["card"].status, w["card"].disabled_reason) == (AccessCard.Status.ACTIVE, "")
    assert decide(w, card_number="C-1001").allowed


def test_no_scheduled_job_stops_cards():
    import linli.operations.tasks  # noqa: F401  (registers the app's periodic tasks)

    assert not [task.name for task in HUEY._registry.periodic_tasks if "card" in task.name]


def test_stopping_a_card_needs_a_reason(world):
    t, w = world
    for reason in ("", "   "):
        with pytest.raises(ValidationFailed) as exc:
            gates.card_disable(actor=Actor(t.user("guard")), access_card=w["card"], reason=reason)
        assert "reason" in exc.value.fields
    w["card"].refresh_from_db()
    assert w["card"].status == AccessCard.Status.ACTIVE


def test_stopping_a_card_tells_its_owner_why(world, django_capture_on_commit_callbacks):
    t, w = world
    with django_capture_on_commit_callbacks(execute=True):
        card = gates.card_disable(actor=Actor(t.user("guard")), access_card=w["card"], reason="车辆已出售")
    assert (card.status, card.disabled_reason) == (AccessCard.Status.DISABLED, "车辆已出售")
    message = InboxMessage.objects.get(user=t.user("owner"))
    assert "C-1001" in message.title and "车辆已出售" in message.body and "鲁Q12345" in message.body
    event = AuditEvent.objects.get(action="access_card.disable")
    assert (event.actor_id, event.data["reason"]) == (t.user("guard").pk, "车辆已出售")


def test_an_owner_without_a_login_is_told_by_sms(world, django_capture_on_commit_callbacks):
    t, w = world
    owner = t.owners[2]  # no login
    owner.phone = "13600002222"
    owner.save(update_fields=["phone"])
    w["vehicle"].owner = owner
    w["vehicle"].save(update_fields=["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        gates.card_disable(actor=Actor(t.user("manager")), access_card=w["card"], reason="门禁卡借给外来车辆使用")
    sms = OutboxMessage.objects.get(recipient="13600002222")
    assert "门禁卡借给外来车辆使用" in sms.body
    assert not InboxMessage.objects.filter(user=t.user("owner")).exists()


def test_a_card_stopped_for_a_reason_is_restarted_by_hand(world):
    t, w = world
    guard = Actor(t.user("guard"))
    gates.card_disable(actor=guard, access_card=w["card"], reason="车辆已出售")
    card = gates.card_enable(actor=guard, access_card=w["card"])
    assert (card.status, card.disabled_reason, card.disabled_at) == (AccessCard.Status.ACTIVE, "", None)


def test_the_migration_restarts_the_cards_the_arrears_rule_stopped(world):
    t, w = world
    from django.apps import apps

    migration = importlib.import_module("linli.operations.migrations.0003_no_card_stopped_for_arrears")
    by_hand = gates.card_issue(actor=SystemActor(), community=t.community, number="C-2002")
    AccessCard.objects.filter(pk=w["card"].pk).update(status="disabled", disabled_reason="arrears",
                                                      disabled_at=timezone.now())
    AccessCard.objects.filter(pk=by_hand.pk).update(status="disabled", disabled_reason="manual")
    migration.restart_cards_stopped_for_arrears(apps, None)
    w["card"].refresh_from_db()
    by_hand.refresh_from_db()
    assert (w["card"].status, w["card"].disabled_reason, w["card"].disabled_at) == ("active", "", None)
    assert (by_hand.status, by_hand.disabled_reason) == ("disabled", migration.FORMER_MANUAL)
    event = AuditEvent.objects.get(action="access_card.arrears_rule_removed")
    assert (event.community_id, event.data["enabled"]) == (t.community.pk, [w["card"].pk])


def test_lost_card_can_be_reenabled(world):
    t, w = world
    guard = Actor(t.user("guard"))
    gates.card_report_lost(actor=guard, access_card=w["card"])
    card = gates.card_enable(actor=guard, access_card=w["card"])
    assert card.status == AccessCard.Status.ACTIVE
