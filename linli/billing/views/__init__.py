"""Billing pages (server-rendered, HTMX). Thin: parse, call a service or selector, render.

Staff pages hang off a community the actor handles (a 404 otherwise, DESIGN §4); the owner's
pages show only the actor's own units. One module per part of the menu; billing/urls.py reads
the views from here."""

from .accounts import (
    bill_list,
    bill_waive,
    cashier,
    payment_detail,
    payment_receipt,
    payment_reverse,
    unit_account,
)
from .income import common_income, disclosure, lease_bill_pay, spending_decide
from .owner import my_bills, my_order, my_order_return, my_order_status, my_pay, sandbox_checkout
from .reconciliation import reconciliation, statement_export, statement_item_record
from .reports import report_arrears, report_collection, report_daily
from .rules import (
    fee_rule_end,
    fee_rules,
    late_fee_policy,
    meter_import,
    meter_template,
)
from .runs import dashboard, run_page, run_progress, run_start

__all__ = [
    "bill_list", "bill_waive", "cashier", "common_income", "dashboard", "disclosure", "fee_rule_end", "fee_rules",
    "late_fee_policy", "lease_bill_pay", "meter_import", "meter_template", "my_bills", "my_order", "my_order_return",
    "my_order_status", "my_pay", "payment_detail", "payment_receipt", "payment_reverse", "reconciliation", "report_arrears",
    "report_collection", "report_daily", "run_page", "run_progress", "run_start", "sandbox_checkout",
    "spending_decide", "statement_export", "statement_item_record", "unit_account",
]
