"""Money received for units' bills: payments, their reversals and late-fee waivers (online
orders, notifications and refunds: services/online.py). Each write locks the unit's account row,
so one unit's payments, reversals and billing runs take turns."""

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, ValidationFailed
from linli.core.money import money
from linli.core.tenancy import Actor
from linli.estates.models import Unit

from ..allocation import allocate
from ..models import (
    MAX_AMOUNT,
    Account,
    Allocation,
    Bill,
    LateFeePolicy,
    Payment,
    ReceiptCounter,
)


def positive_amount(value, field: str = "amount") -> Decimal:
    """An amount of money paid or spent: more than 0 and at most MAX_AMOUNT, to the fen."""
    amount = money(value)
    if amount <= 0:
        raise ValidationFailed(fields={field: [_("金额必须大于 0。")]})
    if amount > MAX_AMOUNT:
        raise ValidationFailed(fields={field: [_("金额过大。")]})
    return amount


def bill_late_fee_waive(*, actor: Actor, bill: Bill, reason: str) -> Bill:
    """A manager waives a bill's late fee, with the reason on record."""
    actor.require("billing.waive", bill.community_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("请填写减免原因。")]})
    with transaction.atomic():
        bill = Bill.objects.select_for_update().get(pk=bill.pk)
        if bill.late_fee_waived_at is not None:
            raise Conflict(_("该账单的违约金已减免。"), code="already_waived")
        bill.late_fee_waived_at = timezone.now()
        bill.late_fee_waived_by = actor.user if actor.is_authenticated else None
        bill.late_fee_waive_reason = reason[:200]
        bill.save(update_fields=["late_fee_waived_at", "late_fee_waived_by", "late_fee_waive_reason", "updated_at"])
        audit_record(actor=actor, action="bill.late_fee_waive", target=bill, community_id=bill.community_id,
                     data={"unit": bill.unit_id, "period": bill.period, "reason": bill.late_fee_waive_reason})
    return bill


# Payments ---------------------------------------------------------------------------------

def _lock_account(unit: Unit) -> Account:
    """The unit's account row, locked: payments, reversals and runs of one unit take turns here."""
    Account.objects.bulk_create([Account(community_id=unit.community_id, unit=unit)], ignore_conflicts=True)
    return Account.objects.select_for_update().get(unit=unit)


def _next_receipt(company_id: int, year: int) -> int:
    """The company's next receipt number of the year. The counter row stays locked until the
    payment commits, so concurrent payments take consecutive numbers and a rollback leaves no gap."""
    ReceiptCounter.objects.bulk_create([ReceiptCounter(company_id=company_id, year=year)], ignore_conflicts=True)
    counter = ReceiptCounter.objects.select_for_update().get(company_id=company_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def receipt_number(year: int, seq: int) -> str:
    return f"{year}{seq:06d}"


def _replay(existing: Payment, unit: Unit, amount: Decimal, method: str) -> Payment:
    if (existing.unit_id, existing.amount, existing.method) != (unit.pk, amount, method):
        raise Conflict(_("该幂等键已用于另一笔不同的收款。"), code="idempotency_key_reused")
    return existing


def payment_record(*, actor: Actor, unit: Unit, amount, method: str, idempotency_key: str = "",
                   received_at: dt.datetime | None = None) -> tuple[Payment, bool]:
    """Record money received for a unit: it settles the oldest open bills first (with their late
    fees), and what is left becomes the unit's credit. Returns (payment, created); with an
    `idempotency_key` already used, the first payment is returned and nothing is recorded."""
    community = unit.community
    actor.require("billing.collect", community)
    amount = positive_amount(amount)
    if method not in Payment.Method.values:
        raise ValidationFailed(fields={"method": [_("不支持的支付方式。")]})
    if not community.company_id:
        raise ValidationFailed(_("该小区没有物业服务企业，无法开具收据。"), code="no_company")
    key = (idempotency_key or "").strip()
    if len(key) > 100:
        raise ValidationFailed(fields={"idempotency_key": [_("幂等键不能超过 100 个字符。")]})
    received_at = received_at or timezone.now()
    try:
        with transaction.atomic():
            account = _lock_account(unit)
            if key:
                existing = Payment.objects.filter(company_id=community.company_id, idempotency_key=key).first()
                if existing is not None:
                    return _replay(existing, unit, amount, method), False
            bills = list(Bill.objects.select_for_update().filter(unit=unit, status=Bill.Status.OPEN)
                         .order_by("period", "id"))
            policy = LateFeePolicy.objects.filter(community=community).first()
            shares, credit = allocate(amount, bills, policy, timezone.localdate(received_at))
            year = timezone.localtime(received_at).year
            seq = _next_receipt(community.company_id, year)
            payment = Payment.objects.create(
                community=community, unit=unit, company_id=community.company_id, amount=amount, method=method,
                credit=credit, late_fee=sum((s.late_fee for s in shares), Decimal("0")), received_at=received_at,
                received_by=actor.user if actor.is_authenticated else None, idempotency_key=key,
                receipt_year=year, receipt_seq=seq, receipt_no=receipt_number(year, seq))
            Allocation.objects.bulk_create([
                Allocation(bill=s.bill, payment=payment, amount=s.amount, late_fee=s.late_fee, created_at=received_at)
                for s in shares])
            for share in shares:
                _settle(share.bill, share.amount)
            if credit:
                account.credit += credit
                account.save(update_fields=["credit"])
            audit_record(actor=actor, action="payment.record", target=payment, community_id=community.pk, data={
                "unit": unit.pk, "amount": amount, "method": method, "receipt_no": payment.receipt_no,
                "allocations": [[s.bill.pk, s.amount, s.late_fee] for s in shares], "credit": credit,
            })
    except IntegrityError:
        # The same key raced in on another unit's payment (units lock separately): the loser's
        # transaction rolled back whole, receipt number included.
        existing = Payment.objects.filter(company_id=community.company_id, idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return _replay(existing, unit, amount, method), False
    return payment, True


def _settle(bill: Bill, amount: Decimal) -> None:
    bill.paid += amount
    bill.status = Bill.Status.PAID if bill.paid >= bill.amount else Bill.Status.OPEN
    bill.save(update_fields=["paid", "status", "updated_at"])


def reversal_check(*, actor: Actor, payment: Payment, reason: str) -> str:
    """What every reversal requires: the capability, a reason, a payment (not a reversal)."""
    actor.require("billing.reverse", payment.community_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("请填写冲销原因。")]})
    if payment.kind != Payment.Kind.PAYMENT:
        raise ValidationFailed(_("冲销记录不能再冲销。"), code="not_reversible")
    return reason


def payment_reverse_now(*, actor: Actor, payment: Payment, reason: str, received_by=None) -> Payment:
    """Undo a payment with a negative entry: its allocations are reversed (the bills reopen), the
    credit it created is taken back, and its receipt is marked void. Nothing is deleted. Credit
    the next run already spent is taken back from the bills it settled, newest first.
    `payment_reverse` (services/online.py) calls this for every payment but an online one, whose
    money goes back through a refund first; the refund's completion calls it then."""
    reason = reversal_check(actor=actor, payment=payment, reason=reason)
    if received_by is None and actor.is_authenticated:
        received_by = actor.user
    now = timezone.now()
    with transaction.atomic():
        account = _lock_account(payment.unit)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.voided_at is not None:
            raise Conflict(_("该收款已冲销。"), code="already_reversed")
        reversal = Payment.objects.create(
            community_id=payment.community_id, unit_id=payment.unit_id, company_id=payment.company_id,
            kind=Payment.Kind.REVERSAL, amount=-payment.amount, method=payment.method, credit=-payment.credit,
            late_fee=-payment.late_fee, received_at=now, received_by=received_by, reverses=payment,
            reason=reason[:200])
        undone = []
        allocations = list(payment.allocations.all())
        bills = {b.pk: b for b in Bill.objects.select_for_update().filter(id__in=[a.bill_id for a in allocations])}
        for allocation in allocations:
            undone.append(Allocation(bill_id=allocation.bill_id, payment=reversal, source=allocation.source,
                                     amount=-allocation.amount, late_fee=-allocation.late_fee, created_at=now))
            _settle(bills[allocation.bill_id], -allocation.amount)
        taken = min(account.credit, payment.credit)
        shortfall = payment.credit - taken
        if shortfall:
            undone += _undo_credit_use(payment.unit_id, shortfall, reversal, now)
        Allocation.objects.bulk_create(undone)
        account.credit -= taken
        account.save(update_fields=["credit"])
        payment.voided_at = now
        payment.save(update_fields=["voided_at", "updated_at"])
        audit_record(actor=actor, action="payment.reverse", target=payment, community_id=payment.community_id, data={
            "reversal": reversal.pk, "receipt_no": payment.receipt_no, "amount": payment.amount, "reason": reason,
            "credit_taken": taken, "credit_unspent": shortfall,
        })
    return reversal


def _undo_credit_use(unit_id: int, amount: Decimal, reversal: Payment, now) -> list[Allocation]:
    used = (Allocation.objects.filter(bill__unit_id=unit_id, source=Allocation.Source.CREDIT)
            .values("bill_id").annotate(net=Sum("amount")).filter(net__gt=0).order_by("-bill__period", "-bill_id"))
    undone = []
    for row in used:
        if amount <= 0:
            break
        part = min(row["net"], amount)
        bill = Bill.objects.select_for_update().get(pk=row["bill_id"])
        _settle(bill, -part)
        undone.append(Allocation(bill=bill, payment=reversal, source=Allocation.Source.CREDIT, amount=-part,
                                 created_at=now))
        amount -= part
    return undone
