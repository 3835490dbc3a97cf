"""Writes of billing and collection. Each checks the actor's capability in the community, runs in
one transaction and audits itself in it. By topic: rules (fee standards, the late-fee rule, meter
readings), runs (the billing run), payments (payments, reversals, waivers), online (online orders,
gateway notifications, their sync, refunds), reconciliation (daily statements) and common_income
(leases, rent, spending). The meter-reading file import is in billing/imports.py.

`from linli.billing import services; services.payment_record(...)` reads the same as before the
split: every public name is gathered here."""

from .common_income import (
    LEASE_EDITABLE,
    common_balance,
    common_spending_decide,
    common_spending_propose,
    lease_bill_pay,
    lease_create,
    lease_update,
)
from .online import (
    SYNC_AFTER,
    NotificationResult,
    incident_log,
    notification_url,
    online_order_of,
    online_payment_limit,
    payment_notification_receive,
    payment_order_create,
    payment_order_settle,
    payment_order_sync,
    payment_orders_sync_due,
    payment_refund_start,
    payment_reverse,
    sandbox_order_pay,
)
from .payments import (
    bill_late_fee_waive,
    payment_record,
    payment_reverse_now,
    receipt_number,
)
from .reconciliation import statement_export, statement_import, statement_item_record
from .rules import (
    KIND_ONLY_FIELDS,
    PRICING_FIELDS,
    fee_rule_create,
    fee_rule_update,
    late_fee_policy_set,
    late_fee_policy_update,
    meter_reading_record,
)
from .runs import (
    STEPS,
    ResolvedRule,
    RunPreview,
    applicable_rules,
    bill_run_create,
    bill_run_preview,
    period_bounds,
    period_check,
)

__all__ = [
    "KIND_ONLY_FIELDS", "LEASE_EDITABLE", "PRICING_FIELDS", "STEPS", "SYNC_AFTER", "NotificationResult", "ResolvedRule", "RunPreview",
    "applicable_rules", "bill_late_fee_waive", "bill_run_create", "bill_run_preview", "common_balance",
    "common_spending_decide", "common_spending_propose", "fee_rule_create", "fee_rule_update", "incident_log",
    "late_fee_policy_set", "late_fee_policy_update", "lease_bill_pay", "lease_create", "lease_update",
    "meter_reading_record", "notification_url", "online_order_of", "online_payment_limit",
    "payment_notification_receive", "payment_order_create", "payment_order_settle", "payment_order_sync",
    "payment_orders_sync_due", "payment_record", "payment_refund_start", "payment_reverse", "payment_reverse_now",
    "period_bounds", "period_check", "receipt_number", "sandbox_order_pay", "statement_export", "statement_import",
    "statement_item_record",
]
