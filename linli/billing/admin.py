"""Billing in the platform admin, read-only: standards and money change only through the services
(a billed standard is superseded, a payment reversed, never edited)."""

from django.contrib import admin

from linli.core.admin import ReadOnlyAdmin

from .models import (
    Bill,
    BillingRun,
    CommonLedgerEntry,
    CommonSpending,
    FeeRule,
    LateFeePolicy,
    Lease,
    Payment,
)


@admin.register(FeeRule)
class FeeRuleAdmin(ReadOnlyAdmin):
    list_display = ("name", "community", "kind", "zone", "rate", "effective_from", "effective_to")
    list_filter = ("community", "kind")


@admin.register(LateFeePolicy)
class LateFeePolicyAdmin(ReadOnlyAdmin):
    list_display = ("community", "daily_rate", "grace_days", "enabled", "contract_clause")


@admin.register(BillingRun)
class BillingRunAdmin(ReadOnlyAdmin):
    list_display = ("community", "period", "bills_created", "total", "updated_at")
    list_filter = ("community",)


@admin.register(Bill)
class BillAdmin(ReadOnlyAdmin):
    list_display = ("unit", "period", "amount", "paid", "status")
    list_filter = ("status", "period")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("receipt_no", "unit", "kind", "amount", "method", "received_at", "voided_at")
    list_filter = ("kind", "method")
    search_fields = ("receipt_no",)


@admin.register(Lease)
class LeaseAdmin(ReadOnlyAdmin):
    list_display = ("premises", "tenant", "monthly_rent", "start", "end")


@admin.register(CommonSpending)
class CommonSpendingAdmin(ReadOnlyAdmin):
    list_display = ("title", "community", "amount", "status", "decided_at")


@admin.register(CommonLedgerEntry)
class CommonLedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("date", "community", "kind", "amount", "description")
