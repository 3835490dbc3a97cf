"""The billing run against hand-computed bills, to the fen (DESIGN §6)."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from linli.billing.models import Account, Allocation, Bill, BillingRun, BillLine
from linli.billing.services import (
    STEPS,
    bill_run_create,
    fee_rule_create,
    fee_rule_update,
)
from linli.billing.tasks import monthly_billing
from linli.core.dates import Period
from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.models import AuditEvent
from tests import factories as f

D = Decimal


def bills_by_unit(world, period="2026-03"):
    return {key: Bill.objects.filter(unit=unit, period=period).first() for key, unit in world.units.items()}


def test_bills_match_the_hand_computed_amounts(world):
    run = bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    bills = bills_by_unit(world)
    for key, expected in world.expected.items():
        lines = {}
        for line in bills[key].lines.all():
            lines[line.kind] = lines.get(line.kind, D(0)) + line.amount
        assert lines == expected, key
        assert bills[key].amount == sum(expected.values()), key
    assert run.bills_created == 6
    assert run.total == D("867.72")


def test_a_unit_before_its_billing_start_gets_no_bill(world):
    bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    assert not Bill.objects.filter(unit=world.units["u6"]).exists()


def test_a_prorated_line_says_how_many_days_it_charges(world):
    bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    area = BillLine.objects.get(bill__unit=world.units["u5"], kind="area")
    assert area.description == "物业费（14/31天）"
    assert (area.quantity, area.rate) == (D("77.77"), D("0.2500"))
    full = BillLine.objects.get(bill__unit=world.units["u1"], kind="area")
    assert full.description == "物业费"


def test_parking_lines_name_the_space_and_the_plan(world):
    bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    descriptions = set(BillLine.objects.filter(kind="parking").values_list("description", flat=True))
    assert descriptions == {"车位费 P1", "车位费 P2（年费）", "车位费 P4（21/31天）"}


def test_annual_parking_bills_only_in_its_anniversary_month(world):
    bill_run_create(actor=world.actor(), community=world.community, period="2026-04")
    assert not BillLine.objects.filter(bill__unit=world.units["u2"], kind="parking").exists()
    bill_run_create(actor=world.actor(), community=world.community, period="2026-07")
    july = BillLine.objects.get(bill__unit=world.units["u4"], kind="parking")
    assert july.amount == D("500.00")


def test_the_first_meter_reading_is_a_baseline_not_a_charge(world):
    bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    assert not BillLine.objects.filter(bill__unit=world.units["u2"], kind="metered").exists()


def snapshot():
    return (
        sorted(Bill.objects.values_list("unit_id", "period", "amount", "paid", "status", "updated_at")),
        sorted(BillLine.objects.values_list("bill_id", "kind", "description", "amount")),
        AuditEvent.objects.count(),
    )


def test_running_the_same_period_again_changes_nothing(world):
    first = bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    before = snapshot()
    again = bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    assert snapshot() == before
    assert (again.pk, again.bills_created, again.total) == (first.pk, 6, D("867.72"))


def test_running_again_bills_a_unit_added_since(world):
    bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    late = f.UnitFactory(building=world.units["u1"].building, number="u8", area=D("50.00"), occupants=1)
    run = bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    assert Bill.objects.get(unit=late, period="2026-03").amount == D("12.50") + D("3.00") + D("5.00")
    assert (run.bills_created, run.total) == (7, D("867.72") + D("20.50"))


def test_a_new_rate_applies_from_its_month_and_leaves_past_bills_alone(world):
    bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    fee_rule_create(actor=world.actor(), community=world.community, name="物业费", kind="area", rate=D("0.30"),
                    zone=world.zones["north"], effective_from="2026-04")
    bill_run_create(actor=world.actor(), community=world.community, period="2026-04")
    bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    u1 = world.units["u1"]
    assert BillLine.objects.get(bill__unit=u1, bill__period="2026-03", kind="area").amount == D("22.39")
    assert BillLine.objects.get(bill__unit=u1, bill__period="2026-04", kind="area").amount == D("26.87")  # 26.865


def test_an_ended_zone_rule_falls_back_to_the_parent_zone(world):
    gold = world.rules["area_gold"]
    fee_rule_update(actor=world.actor(), fee_rule=gold, changes={"effective_to": "2026-03"})
    bill_run_create(actor=world.actor(), community=world.community, period="2026-04")
    assert BillLine.objects.get(bill__unit=world.units["u4"], kind="area").amount == D("40.00")


def test_credit_is_carried_into_the_next_run(world):
    u4, u7 = world.units["u4"], world.units["u7"]
    Account.objects.create(community=world.community, unit=u7, credit=D("40.00"))
    Account.objects.create(community=world.community, unit=u4, credit=D("20.00"))
    bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    covered, partly = Bill.objects.get(unit=u7), Bill.objects.get(unit=u4)
    assert (covered.amount, covered.paid, covered.status) == (D("33.51"), D("33.51"), "paid")
    assert (partly.amount, partly.paid, partly.status) == (D("57.00"), D("20.00"), "open")
    assert Account.objects.get(unit=u7).credit == D("6.49")
    assert Account.objects.get(unit=u4).credit == D("0.00")
    assert Allocation.objects.get(bill=covered).source == "credit"


def test_a_period_without_rules_is_refused_and_leaves_nothing(world):
    with pytest.raises(ValidationFailed) as exc:
        bill_run_create(actor=world.actor(), community=world.community, period="2025-12")
    assert exc.value.code == "no_fee_rules"
    assert not BillingRun.objects.exists()


def test_a_cashier_may_not_run_billing(world):
    with pytest.raises(PermissionDenied):
        bill_run_create(actor=world.actor("cashier"), community=world.community, period="2026-03")


def test_the_run_reports_its_steps(world):
    steps = []
    bill_run_create(actor=world.actor(), community=world.community, period="2026-03",
                    progress=lambda step, total, label: steps.append((step, total)))
    assert steps == [(i, len(STEPS)) for i in range(1, len(STEPS) + 1)]


def test_the_run_is_audited(world):
    run = bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    event = AuditEvent.objects.get(action="billing.run")
    assert event.target_id == str(run.pk)
    assert event.data["bills_created"] == 6 and event.data["total"] == "867.72"


def test_the_command_bills_a_period_and_prints_the_figures(world):
    out, err = io.StringIO(), io.StringIO()
    call_command("bill_run", community=world.community.code, period="2026-03", stdout=out, stderr=err)
    assert "bills_created=6 total=867.72" in out.getvalue()
    assert err.getvalue().splitlines()[0].startswith(f"[1/{len(STEPS)}]")


def test_the_command_explains_a_refusal(world):
    with pytest.raises(CommandError, match="账期格式"):
        call_command("bill_run", community=world.community.code, period="2026-3", stdout=io.StringIO(),
                     stderr=io.StringIO())


def test_the_monthly_job_bills_every_community_with_standards(world, tenant):
    monthly_billing.call_local()
    this_month = Period.of(timezone.localdate())
    started = [u for u in world.units.values() if u.billing_start is None or u.billing_start <= this_month.end]
    assert Bill.objects.filter(community=world.community, period=str(this_month)).count() == len(started)
    assert not Bill.objects.filter(community=tenant.community).exists()  # no standards, no bills
