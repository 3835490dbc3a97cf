"""Common income (公共收益): leases of the community's premises, their rent, and spending from the
ledger. The company keeps the books; the owners' committee approves spending."""

import copy
import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, ValidationFailed
from linli.core.services import (
    full_clean_or_fail,
    model_snapshot,
    record_create,
    record_update,
)
from linli.core.tenancy import Actor
from linli.estates.models import Community, Premises

from ..models import CommonLedgerEntry, CommonSpending, Lease, LeaseBill, Payment
from .payments import positive_amount


def _check_lease(lease: Lease) -> None:
    if lease.start and lease.end and lease.end < lease.start:
        raise ValidationFailed(fields={"end": [_("到期日不能早于起租日。")]})


def lease_create(*, actor: Actor, premises: Premises, tenant: str, monthly_rent, start: dt.date, end: dt.date,
                 tenant_phone: str = "", note: str = "") -> Lease:
    actor.require("common_income.manage", premises.community_id)
    lease = Lease(community_id=premises.community_id, premises=premises, tenant=tenant.strip(),
                  tenant_phone=tenant_phone.strip(), monthly_rent=monthly_rent, start=start, end=end, note=note)
    _check_lease(lease)
    return record_create(actor=actor, instance=lease, action="lease.create")


LEASE_EDITABLE = {"tenant_phone", "end", "note"}


def lease_update(*, actor: Actor, lease: Lease, changes: dict) -> Lease:
    """A lease is renewed or ended by its end date; its rent and parties are the contract's."""
    actor.require("common_income.manage", lease.community_id)
    fixed = {k for k, v in changes.items() if k not in LEASE_EDITABLE and v != getattr(lease, k, v)}
    if fixed:
        raise ValidationFailed(fields={k: [_("合同签订后不能修改，请另签新合同。")] for k in sorted(fixed)})
    changes = {k: v for k, v in changes.items() if k in LEASE_EDITABLE}
    probe = copy.copy(lease)
    probe.end = changes.get("end", lease.end)
    _check_lease(probe)
    return record_update(actor=actor, instance=lease, changes=changes, action="lease.update")


def lease_bill_pay(*, actor: Actor, lease_bill: LeaseBill, amount, method: str) -> CommonLedgerEntry:
    """Rent received: it goes to the community's common-income ledger, not the company's revenue."""
    actor.require("common_income.manage", lease_bill.community_id)
    amount = positive_amount(amount)
    if method not in Payment.Method.values:
        raise ValidationFailed(fields={"method": [_("不支持的支付方式。")]})
    with transaction.atomic():
        lease_bill = LeaseBill.objects.select_for_update().select_related("lease__premises").get(pk=lease_bill.pk)
        if amount > lease_bill.outstanding:
            raise ValidationFailed(fields={"amount": [_("金额超过未结清的 %(due)s 元。") % {"due": lease_bill.outstanding}]})
        lease_bill.paid += amount
        lease_bill.status = LeaseBill.Status.PAID if lease_bill.paid >= lease_bill.amount else LeaseBill.Status.OPEN
        lease_bill.save(update_fields=["paid", "status", "updated_at"])
        lease = lease_bill.lease
        entry = CommonLedgerEntry.objects.create(
            community_id=lease_bill.community_id, kind=CommonLedgerEntry.Kind.LEASE_INCOME, amount=amount,
            date=timezone.localdate(), lease_bill=lease_bill, method=method,
            # A ledger entry is a record: in the source language, whoever's language recorded it.
            description=f"{lease.premises.name} {lease_bill.period} 租金（{lease.tenant}）",
            recorded_by=actor.user if actor.is_authenticated else None)
        audit_record(actor=actor, action="common_income.receive", target=entry, community_id=entry.community_id,
                     data=model_snapshot(entry, ["lease_bill_id", "amount", "method", "date"]))
    return entry


def common_spending_propose(*, actor: Actor, community: Community, title: str, amount,
                            description: str = "") -> CommonSpending:
    actor.require("common_income.manage", community)
    spending = CommonSpending(community=community, title=title.strip(), description=description.strip(),
                              amount=positive_amount(amount),
                              proposed_by=actor.user if actor.is_authenticated else None)
    return record_create(actor=actor, instance=spending, action="common_spending.propose")


def common_balance(community_id: int) -> Decimal:
    return (CommonLedgerEntry.objects.filter(community_id=community_id).aggregate(total=Sum("amount"))["total"]
            or Decimal("0.00"))


def common_spending_decide(*, actor: Actor, spending: CommonSpending, approve: bool, note: str = "") -> CommonSpending:
    """The owners' committee approves (the money leaves the ledger) or rejects a spending."""
    actor.require("common_income.approve", spending.community_id)
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationFailed(fields={"note": [_("否决时请填写理由。")]})
    with transaction.atomic():
        # Decisions on one community's ledger take turns, so two approvals cannot overdraw it.
        Community.objects.select_for_update(no_key=True).filter(pk=spending.community_id).first()
        spending = CommonSpending.objects.select_for_update().get(pk=spending.pk)
        if spending.status != CommonSpending.Status.PROPOSED:
            raise Conflict(_("该支出已审批。"), code="already_decided")
        if approve and common_balance(spending.community_id) < spending.amount:
            raise ValidationFailed(_("公共收益余额不足，不能批准该支出。"), code="insufficient_balance")
        spending.status = CommonSpending.Status.APPROVED if approve else CommonSpending.Status.REJECTED
        spending.decided_by = actor.user if actor.is_authenticated else None
        spending.decided_at = timezone.now()
        spending.decision_note = note[:200]
        full_clean_or_fail(spending)
        spending.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
        if approve:
            CommonLedgerEntry.objects.create(
                community_id=spending.community_id, kind=CommonLedgerEntry.Kind.SPENDING, amount=-spending.amount,
                date=timezone.localdate(), spending=spending, description=spending.title,
                recorded_by=actor.user if actor.is_authenticated else None)
        audit_record(actor=actor, action="common_spending.approve" if approve else "common_spending.reject",
                     target=spending, community_id=spending.community_id,
                     data={"amount": spending.amount, "title": spending.title, "note": note})
    return spending
