"""Payments (DESIGN §6): oldest bill first, leftover to credit, idempotency, receipt numbers,
reversal, late fees and their waiver."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from linli.billing.models import Account, Allocation, Bill, LateFeePolicy, Payment
from linli.billing.services import (
    bill_late_fee_waive,
    bill_run_create,
    payment_record,
    payment_reverse,
)
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.models import AuditEvent
from linli.core.tenancy import Actor

D = Decimal


def at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


@pytest.fixture
def billed(world):
    for period in ("2026-03", "2026-04"):
        bill_run_create(actor=world.actor(), community=world.community, period=period)
    return world


def pay(world, unit_key, amount, *, key="", role="cashier", when=None, method="cash"):
    payment, _created = payment_record(actor=world.actor(role), unit=world.units[unit_key], amount=D(amount),
                                       method=method, idempotency_key=key, received_at=when)
    return payment


def ledger_credit(unit) -> Decimal:
    created = Payment.objects.filter(unit=unit).aggregate(s=Sum("credit"))["s"] or D(0)
    spent = Allocation.objects.filter(bill__unit=unit, source="credit").aggregate(s=Sum("amount"))["s"] or D(0)
    return created - spent


def test_a_payment_settles_the_oldest_bill_first(billed):
    march, april = (Bill.objects.get(unit=billed.units["u7"], period=p) for p in ("2026-03", "2026-04"))
    payment = pay(billed, "u7", "40.00")
    march.refresh_from_db()
    april.refresh_from_db()
    assert (march.paid, march.status) == (D("33.51"), "paid")
    assert (april.paid, april.status) == (D("6.49"), "open")
    assert [(a.bill_id, a.amount) for a in payment.allocations.order_by("id")] == [(march.pk, D("33.51")),
                                                                                    (april.pk, D("6.49"))]
    assert payment.credit == D("0.00")


def test_what_is_left_becomes_credit(billed):
    payment = pay(billed, "u7", "100.00")
    assert payment.credit == D("100.00") - D("33.51") * 2
    assert Account.objects.get(unit=billed.units["u7"]).credit == payment.credit == ledger_credit(billed.units["u7"])
    assert not Bill.objects.filter(unit=billed.units["u7"], status="open").exists()


def test_the_same_idempotency_key_records_one_payment(billed):
    first, created = payment_record(actor=billed.actor("cashier"), unit=billed.units["u1"], amount=D("50.00"),
                                    method="cash", idempotency_key="k-1")
    again, created_again = payment_record(actor=billed.actor("cashier"), unit=billed.units["u1"], amount=D("50.00"),
                                          method="cash", idempotency_key="k-1")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Payment.objects.count() == 1
    assert Bill.objects.get(unit=billed.units["u1"], period="2026-03").paid == D("50.00")


def test_an_idempotency_key_reused_for_another_payment_is_a_conflict(billed):
    pay(billed, "u1", "50.00", key="k-1")
    with pytest.raises(Conflict):
        pay(billed, "u1", "60.00", key="k-1")
    assert Payment.objects.count() == 1


def test_receipt_numbers_run_per_company_per_year_without_gaps(billed, tenants):
    numbers = [pay(billed, key, "10.00", when=at(2026, 5, day)).receipt_no
               for day, key in enumerate(["u1", "u2", "u3"], start=1)]
    assert numbers == ["2026000001", "2026000002", "2026000003"]
    assert pay(billed, "u1", "10.00", when=at(2027, 1, 2)).receipt_no == "2027000001"
    other = tenants[1]
    payment, _ = payment_record(actor=Actor(other.user("cashier")), unit=other.units[0], amount=D("5.00"),
                                method="pos")
    assert payment.receipt_seq == 1


def test_a_failed_payment_leaves_no_gap_in_the_receipt_numbers(billed):
    pay(billed, "u1", "10.00")
    with pytest.raises(ValidationFailed):
        pay(billed, "u1", "0.00")
    assert pay(billed, "u1", "10.00").receipt_seq == 2


def test_reversal_reopens_the_bills_takes_back_the_credit_and_voids_the_receipt(billed):
    u7 = billed.units["u7"]
    payment = pay(billed, "u7", "100.00")
    reversal = payment_reverse(actor=billed.actor("finance"), payment=payment, reason="录入错误")
    payment.refresh_from_db()
    assert payment.is_void and reversal.reverses_id == payment.pk
    assert (reversal.kind, reversal.amount, reversal.credit) == ("reversal", D("-100.00"), -payment.credit)
    assert set(Bill.objects.filter(unit=u7).values_list("paid", "status")) == {(D("0.00"), "open")}
    assert Account.objects.get(unit=u7).credit == D("0.00") == ledger_credit(u7)
    assert Payment.objects.count() == 2 and Allocation.objects.filter(payment=reversal).count() == 2


def test_a_reversal_takes_back_credit_already_spent_from_the_bill_it_settled(billed):
    u7 = billed.units["u7"]
    payment = pay(billed, "u7", "100.00")  # 32.98 left as credit
    bill_run_create(actor=billed.actor(), community=billed.community, period="2026-05")
    may = Bill.objects.get(unit=u7, period="2026-05")
    assert (may.paid, may.status) == (D("32.98"), "open")
    payment_reverse(actor=billed.actor("finance"), payment=payment, reason="退票")
    may.refresh_from_db()
    assert (may.paid, may.status) == (D("0.00"), "open")
    assert Account.objects.get(unit=u7).credit == D("0.00") == ledger_credit(u7)


def test_a_payment_cannot_be_reversed_twice(billed):
    payment = pay(billed, "u1", "10.00")
    payment_reverse(actor=billed.actor("finance"), payment=payment, reason="重复录入")
    with pytest.raises(Conflict):
        payment_reverse(actor=billed.actor("finance"), payment=payment, reason="再次")


def test_a_cashier_may_not_reverse_and_a_reason_is_required(billed):
    payment = pay(billed, "u1", "10.00")
    with pytest.raises(PermissionDenied):
        payment_reverse(actor=billed.actor("cashier"), payment=payment, reason="x")
    with pytest.raises(ValidationFailed):
        payment_reverse(actor=billed.actor("finance"), payment=payment, reason=" ")


def test_payments_and_reversals_are_audited(billed):
    payment = pay(billed, "u1", "10.00")
    payment_reverse(actor=billed.actor("finance"), payment=payment, reason="录入错误")
    actions = list(AuditEvent.objects.filter(target_id=str(payment.pk), target_type="billing.payment")
                   .values_list("action", flat=True))
    assert actions == ["payment.record", "payment.reverse"]


# Late fees --------------------------------------------------------------------------------

@pytest.fixture
def late_fees(billed):
    LateFeePolicy.objects.create(community=billed.community, daily_rate=D("0.0005"), grace_days=30,
                                 contract_clause="物业服务合同第十二条")
    return billed


def test_a_late_payment_pays_the_late_fee_on_what_it_settles(late_fees):
    # March ends on the 31st; 30 days of grace; on 1 June 32 days are late: 142.02 × 0.0005 × 32 = 2.27232
    payment = pay(late_fees, "u1", "144.29", when=at(2026, 6, 1))
    march = Bill.objects.get(unit=late_fees.units["u1"], period="2026-03")
    assert (march.paid, march.status) == (D("142.02"), "paid")
    assert (payment.late_fee, payment.credit) == (D("2.27"), D("0.00"))
    assert payment.allocations.get().late_fee == D("2.27")


def test_a_payment_within_the_grace_period_pays_no_late_fee(late_fees):
    assert pay(late_fees, "u1", "142.02", when=at(2026, 4, 30)).late_fee == D("0.00")


def test_a_partial_late_payment_splits_between_principal_and_fee(late_fees):
    payment = pay(late_fees, "u1", "100.00", when=at(2026, 6, 1))  # factor 0.016: 98.43 + 1.57
    allocation = payment.allocations.get()
    assert (allocation.amount, allocation.late_fee) == (D("98.43"), D("1.57"))


def test_a_manager_waives_a_late_fee_with_a_reason(late_fees):
    march = Bill.objects.get(unit=late_fees.units["u1"], period="2026-03")
    with pytest.raises(PermissionDenied):
        bill_late_fee_waive(actor=late_fees.actor("cashier"), bill=march, reason="困难户")
    bill_late_fee_waive(actor=late_fees.actor("manager"), bill=march, reason="困难户")
    assert pay(late_fees, "u1", "142.02", when=at(2026, 6, 1)).late_fee == D("0.00")
    event = AuditEvent.objects.get(action="bill.late_fee_waive")
    assert event.data["reason"] == "困难户"


def test_a_reversal_gives_back_the_late_fee(late_fees):
    payment = pay(late_fees, "u1", "144.29", when=at(2026, 6, 1))
    reversal = payment_reverse(actor=late_fees.actor("finance"), payment=payment, reason="录入错误")
    assert reversal.late_fee == D("-2.27")
