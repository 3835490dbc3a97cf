from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("c/<int:community_id>/", views.dashboard, name="dashboard"),
    path("c/<int:community_id>/run/", views.run_start, name="run_start"),
    path("c/<int:community_id>/runs/<str:period>/", views.run_page, name="run"),
    path("c/<int:community_id>/runs/<str:period>/progress/", views.run_progress, name="run_progress"),
    path("c/<int:community_id>/rules/", views.fee_rules, name="rules"),
    path("c/<int:community_id>/late-fee/", views.late_fee_policy, name="late_fee"),
    path("c/<int:community_id>/meters/", views.meter_import, name="meter_import"),
    path("c/<int:community_id>/meters/template.xlsx", views.meter_template, name="meter_template"),
    path("c/<int:community_id>/bills/", views.bill_list, name="bills"),
    path("c/<int:community_id>/cashier/", views.cashier, name="cashier"),
    path("c/<int:community_id>/reports/arrears/", views.report_arrears, name="report_arrears"),
    path("c/<int:community_id>/reports/collection/", views.report_collection, name="report_collection"),
    path("c/<int:community_id>/reports/daily/", views.report_daily, name="report_daily"),
    path("c/<int:community_id>/common-income/", views.common_income, name="common"),
    path("c/<int:community_id>/disclosure/", views.disclosure, name="disclosure"),
    path("c/<int:community_id>/reconciliation/", views.reconciliation, name="reconciliation"),
    path("c/<int:community_id>/reconciliation/<int:statement_id>.xlsx", views.statement_export,
         name="statement_export"),
    path("c/<int:community_id>/reconciliation/items/<int:item_id>/record/", views.statement_item_record,
         name="statement_item_record"),
    path("rules/<int:rule_id>/end/", views.fee_rule_end, name="rule_end"),
    path("units/<int:unit_id>/", views.unit_account, name="account"),
    path("bills/<int:bill_id>/waive/", views.bill_waive, name="waive"),
    path("payments/<int:payment_id>/", views.payment_detail, name="payment"),
    path("payments/<int:payment_id>/receipt.pdf", views.payment_receipt, name="receipt"),
    path("payments/<int:payment_id>/reverse/", views.payment_reverse, name="reverse"),
    path("lease-bills/<int:lease_bill_id>/pay/", views.lease_bill_pay, name="lease_bill_pay"),
    path("spendings/<int:spending_id>/decide/", views.spending_decide, name="spending_decide"),
    path("me/", views.my_bills, name="my_bills"),
    path("me/units/<int:unit_id>/pay/", views.my_pay, name="my_pay"),
    path("me/orders/return/", views.my_order_return, name="my_order_return"),
    path("me/orders/<int:order_id>/", views.my_order, name="my_order"),
    path("me/orders/<int:order_id>/status/", views.my_order_status, name="my_order_status"),
    path("sandbox/<str:out_trade_no>/", views.sandbox_checkout, name="sandbox_checkout"),
]
