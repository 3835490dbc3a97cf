"""Tenant B's objects of every model the billing endpoints serve (see tests/test_tenancy.py)."""

import datetime as dt
from decimal import Decimal

from linli.billing import services
from linli.billing.models import Bill, FeeRule, LeaseBill, MeterReading, StatementImport, StatementItem
from linli.billing.services import bill_run_create
from linli.core.tenancy import Actor, SystemActor


def other_tenant_objects(b) -> dict:
    system = SystemActor()
    community, unit = b.community, b.units[0]
    rule = FeeRule.objects.create(community=community, name="物业费", kind="area", rate=Decimal("0.40"))
    reading = MeterReading.objects.create(community=community, unit=unit, period="2026-02", reading=Decimal("10"))
    policy = services.late_fee_policy_set(actor=system, community=community, daily_rate=Decimal("0.0005"),
                                          contract_clause="物业服务合同第十二条")
    lease = services.lease_create(actor=system, premises=b.extra["premises"], tenant="乙超市",
                                  monthly_rent=Decimal("3000.00"), start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    run = bill_run_create(actor=system, community=community, period="2026-03")
    payment, _ = services.payment_record(actor=system, unit=unit, amount=Decimal("10.00"), method="cash")
    order = services.payment_order_create(actor=Actor(b.user("owner")), unit=unit, amount=Decimal("5.00"))
    lease_bill = LeaseBill.objects.get(lease=lease, period="2026-03")
    entry = services.lease_bill_pay(actor=system, lease_bill=lease_bill, amount=Decimal("3000.00"), method="cash")
    spending = services.common_spending_propose(actor=system, community=community, title="水泵电费补贴",
                                                amount=Decimal("500.00"))
    # A reconciled day of tenant B's company, with the order it says we did not record.
    statement = StatementImport.objects.create(company=b.company, provider="wechatpay", bill_date=dt.date(2026, 3, 1),
                                               source=StatementImport.Source.UPLOAD, missing_ours=1)
    item = StatementItem.objects.create(statement=statement, kind=StatementItem.Kind.MISSING_OURS,
                                        out_trade_no=order.out_trade_no, their_amount=order.amount, order=order)
    return {
        "statement": statement, "item": item, "order": order, "feerule": rule, "meterreading": reading, "latefeepolicy": policy, "billingrun": run,
        "bill": Bill.objects.filter(unit=unit).first(), "payment": payment, "paymentorder": order, "lease": lease,
        "leasebill": lease_bill, "commonledgerentry": entry, "commonspending": spending,
    }
