from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "linli.billing"
    label = "billing"
    verbose_name = _("收费管理")

    def ready(self):
        from django.apps import apps

        from linli.core.tenancy import register_capabilities

        if apps.is_installed("linli.governance"):
            from linli.governance.eligibility import register_condition

            from .eligibility import no_fee_arrears

            register_condition("no_fee_arrears", _("无物业费欠费"), no_fee_arrears)

        register_capabilities({
            # Bills, payments and reports of the communities the company serves.
            "billing.view": {"manager", "finance", "cashier"},
            "billing.configure": {"manager", "finance"},
            "billing.run": {"manager", "finance"},
            "billing.collect": {"manager", "finance", "cashier"},
            "billing.reverse": {"manager", "finance"},
            "billing.waive": {"manager"},
            # Common income: the company keeps the books, the owners' committee approves spending.
            "common_income.manage": {"manager", "finance"},
            "common_income.approve": {"committee_member"},
        })
