"""Money received for units' bills: payments, their reversals, late-fee waivers and online
payment orders. Each write locks the unit's account row, so one unit's payments, reversals and
billing runs take turns."""

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from linli.core.money import money
from linli.core.services import record_create
from linli.core.tenancy import Actor, SystemActor
from linli.estates.models import Unit

from ..allocation import allocate
from ..models import (
    MAX_AMOUNT,
    Account,
    Allocation,
    Bill,
    LateFeePolicy,
    Payment,
    PaymentOrder,
    ReceiptCounter,
)
from ..providers import payment_provider, provider_names
from ..selectors import unit_statement


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


def payment_reverse(*, actor: Actor, payment: Payment, reason: str) -> Payment:
    """Undo a payment with a negative entry: its allocations are reversed (the bills reopen), the
    credit it created is taken back, and its receipt is marked void. Nothing is deleted. Credit
    the next run already spent is taken back from the bills it settled, newest first."""
    actor.require("billing.reverse", payment.community_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("请填写冲销原因。")]})
    if payment.kind != Payment.Kind.PAYMENT:
        raise ValidationFailed(_("冲销记录不能再冲销。"), code="not_reversible")
    now = timezone.now()
    with transaction.atomic():
        account = _lock_account(payment.unit)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.voided_at is not None:
            raise Conflict(_("该收款已冲销。"), code="already_reversed")
        reversal = Payment.objects.create(
            community_id=payment.community_id, unit_id=payment.unit_id, company_id=payment.company_id,
            kind=Payment.Kind.REVERSAL, amount=-payment.amount, method=payment.method, credit=-payment.credit,
            late_fee=-payment.late_fee, received_at=now, received_by=actor.user if actor.is_authenticated else None,
            reverses=payment, reason=reason[:200])
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


# Online payment ---------------------------------------------------------------------------

def _may_pay_for(actor: Actor, unit: Unit) -> bool:
    return unit.pk in actor.own_unit_ids or actor.can("billing.collect", unit.community_id)


def online_payment_limit(unit: Unit) -> Decimal:
    """The most one online order may pay for a unit: what it owes today (open bills with their
    late fees), plus what may still be paid ahead, LINLI_PREPAYMENT_CAP less the credit the unit
    already holds. So no order, paid or forged, leaves a unit more credit than the cap."""
    statement = unit_statement(actor=SystemActor(), unit=unit)
    headroom = max(money(settings.LINLI_PREPAYMENT_CAP) - statement.credit, Decimal("0.00"))
    return statement.due + headroom


def _check_order_amount(unit: Unit, amount: Decimal) -> None:
    limit = online_payment_limit(unit)
    if amount > limit:
        raise ValidationFailed(
            _("在线支付金额不能超过应缴金额与可预缴额度之和（%(limit)s 元）。") % {"limit": limit},
            code="amount_over_limit", fields={"amount": [_("最多可付 %(limit)s 元。") % {"limit": limit}]})


def payment_order_create(*, actor: Actor, unit: Unit, amount, provider: str = "sandbox") -> PaymentOrder:
    """Start an online payment; the payer is sent to the provider's checkout address."""
    if not _may_pay_for(actor, unit):
        raise PermissionDenied()
    if provider not in provider_names():
        raise ValidationFailed(_("该支付渠道未开通。"), code="provider_unavailable",
                               fields={"provider": [_("该支付渠道未开通。")]})
    amount = positive_amount(amount)
    _check_order_amount(unit, amount)
    order = PaymentOrder(community_id=unit.community_id, unit=unit, amount=amount, provider=provider,
                         out_trade_no=f"LL{timezone.localdate():%Y%m%d}{secrets.token_hex(8).upper()}",
                         created_by=actor.user if actor.is_authenticated else None)
    return record_create(actor=actor, instance=order, action="payment_order.create",
                         data={"unit": unit.pk, "amount": order.amount, "provider": provider,
                               "out_trade_no": order.out_trade_no})


def payment_notification_receive(*, provider: str, body: bytes, headers) -> PaymentOrder:
    """A provider's server says an order was paid. Verified by its signature; a repeated
    notification finds the order paid and records nothing more."""
    notice = payment_provider(provider).parse_notification(body, headers)
    with transaction.atomic():
        order = PaymentOrder.objects.select_for_update().select_related("unit__community").filter(
            out_trade_no=notice.out_trade_no, provider=provider).first()
        if order is None:
            raise NotFound()
        if order.status != PaymentOrder.Status.PENDING or not notice.paid:
            return order
        if money(notice.amount) != order.amount:
            raise ValidationFailed(_("支付金额与订单金额不符。"), code="amount_mismatch")
        system = SystemActor()
        payment, _created = payment_record(actor=system, unit=order.unit, amount=order.amount,
                                           method=Payment.Method.ONLINE, idempotency_key=f"online:{order.out_trade_no}")
        order.status, order.payment, order.provider_trade_no = PaymentOrder.Status.PAID, payment, notice.provider_trade_no
        order.save(update_fields=["status", "payment", "provider_trade_no", "updated_at"])
        audit_record(actor=system, action="payment_order.paid", target=order, community_id=order.community_id,
                     data={"payment": payment.pk, "provider": provider, "trade_no": notice.provider_trade_no})
    return order


def sandbox_order_pay(*, actor: Actor, order: PaymentOrder) -> PaymentOrder:
    """The payer confirms on the sandbox's page; its server then notifies us, signed, exactly as
    a real provider's would (delivered in-process: there is no network between them)."""
    if order.provider != "sandbox" or not _may_pay_for(actor, order.unit):
        raise NotFound()
    provider = payment_provider("sandbox")
    # No money moves in the sandbox: checked again when paying, so that several orders each
    # within the limit when made cannot together credit more than it.
    _check_order_amount(order.unit, order.amount)
    body, headers = provider.notification_for(order)
    return payment_notification_receive(provider="sandbox", body=body, headers=headers)
