"""Billing in the platform admin, read-only: standards and money change only through the services
(a billed standard is superseded, a payment reversed, never edited)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from linli.core.admin import AuditedAdmin, ReadOnlyAdmin

from .gateways import normalize_pem

from .models import (
    Bill,
    BillingRun,
    CommonLedgerEntry,
    CommonSpending,
    FeeRule,
    LateFeePolicy,
    Lease,
    MerchantAccount,
    Payment,
    PaymentIncident,
    PaymentRefund,
    StatementImport,
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


# Online payments, phase 2 -----------------------------------------------------------------

SECRET_FIELDS = ("apiv3_key", "private_key", "public_key")


class MerchantAccountForm(forms.ModelForm):
    """Keys are write-only: the form never shows a stored one, and an empty field keeps it."""

    class Meta:
        model = MerchantAccount
        fields = ("company", "provider", "enabled", "mchid", "appid", "apiv3_key", "private_key", "cert_serial",
                  "public_key", "public_key_id", "seller_id", "api_base")
        widgets = {
            "apiv3_key": forms.PasswordInput(render_value=False),
            "private_key": forms.Textarea(attrs={"rows": 3, "placeholder": _("已保存；留空则不修改")}),
            "public_key": forms.Textarea(attrs={"rows": 3, "placeholder": _("已保存；留空则不修改")}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            self.initial[name] = ""  # never render a stored key back
            self.fields[name].required = False
            if self.instance.pk and getattr(self.instance, name):
                self.fields[name].help_text = _("已保存；留空则不修改。")

    def clean(self):
        data = super().clean()
        for name in SECRET_FIELDS:
            value = (data.get(name) or "").strip()
            if not value and self.instance.pk:
                data[name] = getattr(self.instance, name)  # kept
            elif value and name != "apiv3_key":
                try:
                    data[name] = normalize_pem(value, private=name == "private_key")
                except ValueError:
                    self.add_error(name, _("无法识别的密钥格式，请粘贴 PEM 文本或支付宝密钥工具生成的密钥。"))
        return data


@admin.register(MerchantAccount)
class MerchantAccountAdmin(AuditedAdmin):
    form = MerchantAccountForm
    list_display = ("company", "provider", "enabled", "mchid", "appid", "updated_at")
    list_filter = ("provider", "enabled")
    # AuditedAdmin audits the names of the changed fields, never their values: keys stay out of the log.


@admin.register(PaymentRefund)
class PaymentRefundAdmin(ReadOnlyAdmin):
    list_display = ("out_refund_no", "community", "amount", "status", "requested_by", "completed_at")
    list_filter = ("status",)
    search_fields = ("out_refund_no", "order__out_trade_no")


@admin.register(PaymentIncident)
class PaymentIncidentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "company", "provider", "kind", "out_trade_no", "amount", "resolved_at")
    list_filter = ("kind", "provider")
    search_fields = ("out_trade_no",)


@admin.register(StatementImport)
class StatementImportAdmin(ReadOnlyAdmin):
    list_display = ("bill_date", "company", "provider", "source", "matched", "missing_ours", "missing_theirs",
                    "mismatched")
    list_filter = ("provider",)
