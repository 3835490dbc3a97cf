"""How money received settles bills (DESIGN §6): oldest open bill first (period, then id), the
late fee of an overdue bill charged on the part paid late, and what is left becomes credit.
Pure functions, shared by the payment service and the demo."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from linli.core.dates import parse_period
from linli.core.money import CENT, money


def overdue_days(policy, period: str, on: dt.date) -> int:
    """Days of late fee on `on` for a bill of `period`: those past the end of the period and the
    grace days. No policy, a disabled one, or one that cites no contract clause means no late fee:
    a late fee is owed only where the service contract provides it (Civil Code Art. 944)."""
    if policy is None or not policy.enabled or not policy.contract_clause.strip():
        return 0
    return max(0, (on - parse_period(period).end).days - policy.grace_days)


def late_fee(amount: Decimal, policy, days: int) -> Decimal:
    return money(amount * policy.daily_rate * days) if days else Decimal("0.00")


def accrued_late_fee(bill, policy, on: dt.date) -> Decimal:
    """The late fee the bill's outstanding amount has accrued by `on` (zero once waived)."""
    if bill.late_fee_waived_at is not None or bill.outstanding <= 0:
        return Decimal("0.00")
    return late_fee(bill.outstanding, policy, overdue_days(policy, bill.period, on))


@dataclass
class Share:
    bill: object
    amount: Decimal
    late_fee: Decimal


def _largest_principal(available: Decimal, factor: Decimal) -> Decimal:
    """The most principal that `available` pays together with its late fee (factor × principal)."""
    principal = (available / (1 + factor)).quantize(CENT, rounding=ROUND_DOWN)
    while principal + CENT + money((principal + CENT) * factor) <= available:
        principal += CENT
    while principal > 0 and principal + money(principal * factor) > available:
        principal -= CENT
    return principal


def allocate(amount: Decimal, bills, policy, on: dt.date) -> tuple[list[Share], Decimal]:
    """Split `amount` over `bills` (open, oldest first). Returns the shares and the leftover credit."""
    left = money(amount)
    shares = []
    for bill in bills:
        if left <= 0:
            break
        outstanding = bill.outstanding
        days = 0 if bill.late_fee_waived_at is not None else overdue_days(policy, bill.period, on)
        factor = policy.daily_rate * days if days else Decimal("0")
        full_fee = late_fee(outstanding, policy, days)
        if outstanding + full_fee <= left:
            principal, fee = outstanding, full_fee
        else:
            principal = _largest_principal(left, factor)
            fee = money(principal * factor)
        if principal <= 0:
            break
        shares.append(Share(bill, principal, fee))
        left -= principal + fee
    return shares, left
