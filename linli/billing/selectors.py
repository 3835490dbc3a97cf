"""Reads of billing, scoped to the actor (DESIGN §4).

Bills, payments and runs of a community are read by the company's billing staff (manager,
finance, cashier); an owner or resident reads those of their own units. Fee standards, the
late-fee rule, the leases of the premises and the common-income ledger are the community's public
information (公示): everyone with a role in the community reads them. Rent bills, which say who
has paid, are read by the staff and by those who supervise them (the owners' committee and the
regulators)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from linli.core.dates import Period
from linli.core.tenancy import Actor
from linli.estates.models import Community, Unit

from .allocation import accrued_late_fee
from .models import (
    Account,
    Bill,
    BillingRun,
    BillLine,
    CommonLedgerEntry,
    CommonSpending,
    FeeRule,
    LateFeePolicy,
    Lease,
    LeaseBill,
    MeterReading,
    Payment,
    PaymentOrder,
)


def billing_community_ids(actor: Actor) -> set[int]:
    """Communities whose bills and payments the actor handles as company staff."""
    return {cid for cid in actor.staff_community_ids if actor.can("billing.view", cid)}


def supervised_community_ids(actor: Actor) -> set[int]:
    """Communities whose billing totals and leases the actor may see: billing staff, the owners'
    committee and the regulators (aggregates, never a unit's account)."""
    return billing_community_ids(actor) | actor.committee_community_ids | actor.regulated_community_ids


def _scoped(qs: QuerySet, actor: Actor, communities: set[int], own: Q | None = None,
            community_field: str = "community_id") -> QuerySet:
    if actor.is_admin:
        return qs
    scope = Q(**{f"{community_field}__in": communities})
    if own is not None:
        scope |= own
    return qs.filter(scope)


def billing_community_list(*, actor: Actor) -> QuerySet[Community]:
    qs = Community.objects.select_related("company")
    return qs if actor.is_admin else qs.filter(id__in=billing_community_ids(actor))


def supervised_community_list(*, actor: Actor) -> QuerySet[Community]:
    qs = Community.objects.select_related("company")
    return qs if actor.is_admin else qs.filter(id__in=supervised_community_ids(actor))


def public_community_list(*, actor: Actor) -> QuerySet[Community]:
    qs = Community.objects.select_related("company")
    return qs if actor.is_admin else qs.filter(id__in=actor.community_ids())


def fee_rule_list(*, actor: Actor) -> QuerySet[FeeRule]:
    return _scoped(FeeRule.objects.select_related("zone"), actor, actor.community_ids())


def late_fee_policy_list(*, actor: Actor) -> QuerySet[LateFeePolicy]:
    return _scoped(LateFeePolicy.objects.all(), actor, actor.community_ids())


def billing_run_list(*, actor: Actor) -> QuerySet[BillingRun]:
    return _scoped(BillingRun.objects.all(), actor, billing_community_ids(actor))


def meter_reading_list(*, actor: Actor) -> QuerySet[MeterReading]:
    return _scoped(MeterReading.objects.select_related("unit"), actor, billing_community_ids(actor),
                   own=Q(unit_id__in=actor.own_unit_ids))


def bill_list(*, actor: Actor) -> QuerySet[Bill]:
    return _scoped(Bill.objects.select_related("unit", "unit__building"), actor, billing_community_ids(actor),
                   own=Q(unit_id__in=actor.own_unit_ids))


def bill_line_rows_attach(bills: list[Bill]) -> None:
    """Set each bill's `line_rows`: its lines as (kind, description, quantity, rate, amount), in order."""
    rows: dict[int, list[tuple]] = {bill.pk: [] for bill in bills}
    for bill_id, *row in (BillLine.objects.filter(bill_id__in=rows).order_by("bill_id", "id")
                          .values_list("bill_id", "kind", "description", "quantity", "rate", "amount")):
        rows[bill_id].append(tuple(row))
    for bill in bills:
        bill.line_rows = rows[bill.pk]


def payment_list(*, actor: Actor) -> QuerySet[Payment]:
    return _scoped(Payment.objects.select_related("unit", "unit__building", "received_by"), actor,
                   billing_community_ids(actor), own=Q(unit_id__in=actor.own_unit_ids))


def payment_order_list(*, actor: Actor) -> QuerySet[PaymentOrder]:
    return _scoped(PaymentOrder.objects.select_related("unit"), actor, billing_community_ids(actor),
                   own=Q(unit_id__in=actor.own_unit_ids))


def lease_list(*, actor: Actor) -> QuerySet[Lease]:
    return _scoped(Lease.objects.select_related("premises"), actor, actor.community_ids())


def lease_bill_list(*, actor: Actor) -> QuerySet[LeaseBill]:
    return _scoped(LeaseBill.objects.select_related("lease", "lease__premises"), actor,
                   supervised_community_ids(actor))


def common_ledger_list(*, actor: Actor) -> QuerySet[CommonLedgerEntry]:
    return _scoped(CommonLedgerEntry.objects.all(), actor, actor.community_ids())


def common_spending_list(*, actor: Actor) -> QuerySet[CommonSpending]:
    return _scoped(CommonSpending.objects.select_related("proposed_by", "decided_by"), actor, actor.community_ids())


def late_fee_policy_of(community_id: int) -> LateFeePolicy | None:
    return LateFeePolicy.objects.filter(community_id=community_id).first()


# A unit's statement -------------------------------------------------------------------------

@dataclass
class Statement:
    """What a unit owes on a day: its open bills with the late fee each has accrued, its credit."""

    unit: Unit
    bills: list = field(default_factory=list)
    credit: Decimal = Decimal("0.00")

    @property
    def outstanding(self) -> Decimal:
        return sum((b.outstanding for b in self.bills), Decimal("0.00"))

    @property
    def late_fee(self) -> Decimal:
        return sum((b.late_fee for b in self.bills), Decimal("0.00"))

    @property
    def due(self) -> Decimal:
        return self.outstanding + self.late_fee

    @property
    def oldest_period(self) -> str | None:
        return self.bills[0].period if self.bills else None


def unit_statement(*, actor: Actor, unit: Unit, on: dt.date | None = None) -> Statement:
    """Open bills (oldest first, with lines) and credit of a unit the actor may read."""
    on = on or timezone.localdate()
    policy = late_fee_policy_of(unit.community_id)
    bills = list(bill_list(actor=actor).filter(unit=unit, status=Bill.Status.OPEN).order_by("period", "id")
                 .prefetch_related("lines__rule"))
    for bill in bills:
        bill.late_fee = accrued_late_fee(bill, policy, on)
    account = Account.objects.filter(unit=unit).first()
    return Statement(unit=unit, bills=bills, credit=account.credit if account else Decimal("0.00"))



def owner_arrears(owner, on: dt.date | None = None) -> Decimal:
    """What an owner still owes on bills of months already over (the arrears that bar a
    committee candidacy, 篇四 §一.6), across every unit they hold in the community."""
    current = str(Period.of(on or timezone.localdate()))
    owed = Bill.objects.filter(
        unit__ownerships__owner=owner, status=Bill.Status.OPEN, period__lt=current,
    ).aggregate(amount=Sum("amount"), paid=Sum("paid"))
    return (owed["amount"] or Decimal("0")) - (owed["paid"] or Decimal("0"))


# What a reversal would do --------------------------------------------------------------------

@dataclass
class ReversalPreview:
    """What payment_reverse would do to a payment now: shown before the cashier confirms, since a
    reversal voids a receipt for good (DESIGN §8)."""

    payment: Payment
    allocations: list  # the payment's allocations: their bills reopen by these amounts
    credit_back: Decimal  # the credit it created, taken back from the unit's prepayment
    credit_spent: Decimal  # credit a run has since spent: taken back from the bills it settled


def payment_reversal_preview(*, actor: Actor, payment: Payment) -> ReversalPreview:
    payment = payment_list(actor=actor).get(pk=payment.pk)
    account = Account.objects.filter(unit_id=payment.unit_id).first()
    back = min(account.credit if account else Decimal("0.00"), payment.credit)
    return ReversalPreview(payment=payment, allocations=list(payment.allocations.select_related("bill").order_by("id")),
                           credit_back=back, credit_spent=payment.credit - back)
