"""Billing tells governance whether a candidate owes fees (篇四 §一.6)."""

import datetime as dt
from decimal import Decimal

from linli.billing.models import Bill
from linli.governance.eligibility import CONDITIONS


def _bill(unit, period, amount, paid="0.00"):
    return Bill.objects.create(community=unit.community, unit=unit, period=period, amount=Decimal(amount),
                               paid=Decimal(paid), status=Bill.Status.OPEN)


def test_an_owner_with_an_unpaid_bill_of_a_past_month_is_not_eligible(tenant):
    owner, unit = tenant.owners[0], tenant.units[0]
    last_month = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    _bill(unit, last_month, "22.50", paid="10.00")
    ok, reason = CONDITIONS["no_fee_arrears"].check(tenant.community, owner)
    assert not ok and "12.50" in reason


def test_this_months_bill_is_not_yet_arrears(tenant):
    owner, unit = tenant.owners[0], tenant.units[0]
    _bill(unit, dt.date.today().strftime("%Y-%m"), "22.50")
    assert CONDITIONS["no_fee_arrears"].check(tenant.community, owner) == (True, "")


def test_a_neighbours_debt_does_not_count_against_an_owner(tenant):
    last_month = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    _bill(tenant.units[1], last_month, "50.00")
    assert CONDITIONS["no_fee_arrears"].check(tenant.community, tenant.owners[0])[0]
