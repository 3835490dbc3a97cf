"""The billing API (DESIGN §5 Billing). Thin: parse, call a service or selector, render.
One module per topic; linli/api_urls.py collects `routes` and `paths` from here."""

from django.urls import path

from .bills import (
    BillingRunViewSet,
    BillLineSerializer,
    BillSerializer,
    BillViewSet,
    CollectionReportView,
)
from .fields import money_field
from .income import (
    CommonLedgerViewSet,
    CommonSpendingViewSet,
    LeaseBillViewSet,
    LeaseViewSet,
)
from .payments import (
    PaymentNotificationView,
    PaymentOrderViewSet,
    PaymentViewSet,
    ReceiptView,
    pdf_response,
)
from .rules import FeeRuleViewSet, LateFeePolicyViewSet, MeterReadingViewSet

__all__ = ["BillLineSerializer", "BillSerializer", "money_field", "paths", "pdf_response", "routes"]

# Collected by linli/api_urls.py; paths come before the router, whose format-suffix routes would
# otherwise read "receipt.pdf" as a format.
routes = [
    ("fee-rules", FeeRuleViewSet, "fee-rule"),
    ("late-fee-policies", LateFeePolicyViewSet, "late-fee-policy"),
    ("meter-readings", MeterReadingViewSet, "meter-reading"),
    ("billing-runs", BillingRunViewSet, "billing-run"),
    ("bills", BillViewSet, "bill"),
    ("payments", PaymentViewSet, "payment"),
    ("payment-orders", PaymentOrderViewSet, "payment-order"),
    ("leases", LeaseViewSet, "lease"),
    ("lease-bills", LeaseBillViewSet, "lease-bill"),
    ("common-ledger", CommonLedgerViewSet, "common-ledger-entry"),
    ("common-spendings", CommonSpendingViewSet, "common-spending"),
]
paths = [
    path("payments/<int:pk>/receipt.pdf", ReceiptView.as_view(), name="payment-receipt"),
    path("payment-notifications/<str:provider>/", PaymentNotificationView.as_view(), name="payment-notification"),
    path("reports/collection/", CollectionReportView.as_view(), name="report-collection"),
]
