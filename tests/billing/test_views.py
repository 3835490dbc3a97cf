"""The billing pages through Django's test client: who reaches what, and that forms go through
the services."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.billing.models import (
    Bill,
    CommonSpending,
    FeeRule,
    LateFeePolicy,
    LeaseBill,
    Payment,
    PaymentOrder,
)
from linli.billing.services import bill_run_create, lease_create
from linli.core.dates import Period
from linli.core.models import AuditEvent
from linli.core.tenancy import SystemActor

D = Decimal


@pytest.fixture
def billed(world):
    for period in ("2026-03", "2026-04"):
        bill_run_create(actor=world.actor(), community=world.community, period=period)
    return world


def url(name, *args):
    return reverse(f"billing:{name}", args=args)


@pytest.mark.parametrize("name", ["dashboard", "bills", "cashier", "rules", "report_arrears", "report_collection",
                                  "report_daily", "common"])
def test_staff_pages_render(billed, login, name):
    response = login(billed.tenant.user("manager")).get(url(name, billed.community.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["dispatcher", "owner"])
def test_billing_pages_are_not_found_for_roles_without_billing(billed, login, role):
    assert login(billed.tenant.user(role)).get(url("dashboard", billed.community.pk)).status_code == 404


def test_another_companys_manager_gets_404(billed, tenants, login):
    client = login(tenants[1].user("manager"))
    assert client.get(url("dashboard", billed.community.pk)).status_code == 404
    assert client.get(url("account", billed.units["u1"].pk)).status_code == 404


def test_a_cashier_may_not_open_the_fee_rules(billed, login):
    assert login(billed.tenant.user("cashier")).get(url("rules", billed.community.pk)).status_code == 403


def test_the_run_button_bills_the_period_and_shows_the_result(world, login):
    client = login(world.tenant.user("finance"))
    response = client.post(url("run_start", world.community.pk), {"period": "2026-03", "confirm": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == url("run", world.community.pk, "2026-03")
    page = response.content.decode()
    assert "计费完成" in page and "867.72" in page
    assert Bill.objects.filter(community=world.community, period="2026-03").count() == 6


def test_the_run_progress_panel_polls_until_done(world, login):
    client = login(world.tenant.user("finance"))
    before = client.get(url("run_progress", world.community.pk, "2026-05")).content.decode()
    assert "该账期尚未计费" in before and "hx-get" not in before
    client.post(url("run_start", world.community.pk), {"period": "2026-05", "confirm": "1"})
    assert "计费完成" in client.get(url("run_progress", world.community.pk, "2026-05")).content.decode()


def test_the_run_page_shows_period_count_and_total_before_billing(world, login):
    client = login(world.tenant.user("finance"))
    page = client.get(url("run_start", world.community.pk), {"period": "2026-03"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "确认生成 2026-03 的 6 张账单" in text and "867.72 元" in text
    assert not Bill.objects.exists()  # the preview writes nothing


def test_the_run_waits_for_its_confirmation(world, login):
    client = login(world.tenant.user("finance"))
    response = client.post(url("run_start", world.community.pk), {"period": "2026-03"})
    assert response.status_code == 302 and response["Location"].endswith("?period=2026-03")
    assert not Bill.objects.exists()


def test_the_run_page_refuses_a_period_beyond_next_month_in_chinese(world, login):
    client = login(world.tenant.user("finance"))
    too_late = str(Period.of(timezone.localdate()).shift(2))
    shown = client.get(url("run_start", world.community.pk), {"period": too_late}, follow=True).content.decode()
    assert f"账期 {too_late} 太晚" in shown
    client.post(url("run_start", world.community.pk), {"period": too_late, "confirm": "1"})
    assert not Bill.objects.exists()


def test_a_run_without_rules_says_why(tenant, login):
    response = login(tenant.user("manager")).get(url("run_start", tenant.community.pk), {"period": "2026-03"},
                                                 follow=True)
    assert "没有生效的收费标准" in response.content.decode()


def test_a_fee_rule_is_added_from_the_form(world, login):
    response = login(world.tenant.user("finance")).post(url("rules", world.community.pk), {
        "name": "电梯运行费", "kind": "fixed", "zone": world.zones["gold"].pk, "rate": "12.5",
        "effective_from": "2026-06"})
    assert response.status_code == 302
    rule = FeeRule.objects.get(name="电梯运行费")
    assert (rule.zone, rule.rate, rule.effective_from) == (world.zones["gold"], D("12.5"), "2026-06")


def test_the_cashier_records_a_payment_once_and_gets_the_receipt(billed, login):
    client = login(billed.tenant.user("cashier"))
    unit = billed.units["u7"]
    page = client.get(url("cashier", billed.community.pk), {"unit": unit.pk})
    key = page.context["form"]["key"].value()
    data = {"unit": unit.pk, "amount": "67.02", "method": "pos", "key": key}
    first = client.post(url("cashier", billed.community.pk), data)
    again = client.post(url("cashier", billed.community.pk), data)
    payment = Payment.objects.get()
    assert first.url == again.url == url("payment", payment.pk)
    assert (payment.amount, payment.method) == (D("67.02"), "pos")
    receipt = client.get(url("receipt", payment.pk))
    assert receipt["Content-Type"] == "application/pdf" and receipt.content.startswith(b"%PDF")


def test_the_cashier_finds_units_with_what_they_owe(billed, login):
    response = login(billed.tenant.user("cashier")).get(url("cashier", billed.community.pk), {"q": "北1号楼 u7"})
    page = response.content.decode()
    assert "北1号楼 u7" in page and "67.02" in page


def test_a_bad_amount_stays_on_the_cashier_page(billed, login):
    unit = billed.units["u7"]
    response = login(billed.tenant.user("cashier")).post(url("cashier", billed.community.pk), {
        "unit": unit.pk, "amount": "-1", "method": "cash", "key": "x"})
    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_finance_reverses_a_payment_from_its_page(billed, login):
    cashier = login(billed.tenant.user("cashier"))
    cashier.post(url("cashier", billed.community.pk), {"unit": billed.units["u7"].pk, "amount": "10.00",
                                                       "method": "cash", "key": "k"})
    payment = Payment.objects.get()
    assert url("reverse", payment.pk) not in cashier.get(url("payment", payment.pk)).content.decode()
    finance = login(billed.tenant.user("finance"))
    finance.post(url("reverse", payment.pk), {"reason": "收错房屋", "confirm": "1"})
    payment.refresh_from_db()
    assert payment.is_void and payment.reversal.reason == "收错房屋"


def test_a_reversal_says_what_it_will_do_and_waits_for_confirmation(billed, login):
    cashier = login(billed.tenant.user("cashier"))
    cashier.post(url("cashier", billed.community.pk), {"unit": billed.units["u7"].pk, "amount": "70.00",
                                                       "method": "cash", "key": "k"})
    payment = Payment.objects.get()  # settles March's and April's 33.51 each, leaves 2.98 as credit
    finance = login(billed.tenant.user("finance"))
    page = finance.get(url("reverse", payment.pk), {"reason": "收错房屋"}).content.decode()
    assert f"收据 {payment.receipt_no} 作废" in page
    assert "2026-03 账单恢复未结清 33.51 元" in page and "2026-04 账单恢复未结清 33.51 元" in page
    assert "从该户预存款中收回 2.98 元" in page
    assert 'value="收错房屋"' in page
    finance.post(url("reverse", payment.pk), {"reason": "收错房屋"})  # the form without its confirmation
    payment.refresh_from_db()
    assert not payment.is_void
    finance.post(url("reverse", payment.pk), {"reason": "收错房屋", "confirm": "1"})
    payment.refresh_from_db()
    assert payment.is_void


def test_a_manager_waives_a_late_fee_on_the_account_page(billed, login):
    LateFeePolicy.objects.create(community=billed.community, daily_rate=D("0.0005"), grace_days=0,
                                 contract_clause="物业服务合同第十二条")
    client = login(billed.tenant.user("manager"))
    bill = Bill.objects.get(unit=billed.units["u1"], period="2026-03")
    assert "减免原因" in client.get(url("account", billed.units["u1"].pk)).content.decode()
    client.post(url("waive", bill.pk), {"reason": ""})
    bill.refresh_from_db()
    assert bill.late_fee_waived_at is None
    client.post(url("waive", bill.pk), {"reason": "独居老人"})
    bill.refresh_from_db()
    assert bill.late_fee_waive_reason == "独居老人"


@pytest.mark.parametrize("name, query", [("report_arrears", {"group": "unit"}),
                                         ("report_collection", {"from": "2026-03", "to": "2026-04"}),
                                         ("report_daily", {})])
def test_reports_export_to_xlsx(billed, login, name, query):
    response = login(billed.tenant.user("finance")).get(url(name, billed.community.pk), {**query, "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.worksheets[0].max_row >= 2


def test_the_arrears_report_ages_the_bills(billed, login):
    rows = login(billed.tenant.user("finance")).get(url("report_arrears", billed.community.pk),
                                                   {"group": "zone"}).context["rows"]
    north = next(r for r in rows if r["zone"] == "北区")
    # 北区's March and April bills: u1 142.02 + 96.39 (no water in April), u5 12.39 + 32.44, u7 2 × 33.51
    assert north["total"] == sum(Bill.objects.filter(unit__building__zone=billed.zones["north"])
                                 .values_list("amount", flat=True), D("0"))
    assert north["over12"] == D("0")


# Owner portal ------------------------------------------------------------------------------

@pytest.fixture
def owner_billed(tenant):
    FeeRule.objects.create(community=tenant.community, name="物业费", kind="area", rate=D("0.30"))
    bill_run_create(actor=SystemActor(), community=tenant.community, period="2026-03")
    return tenant


def test_an_owner_sees_their_own_bills_and_the_arrears_notice(owner_billed, login):
    page = login(owner_billed.user("owner")).get(url("my_bills")).content.decode()
    assert "欠费提醒" in page and "27.00" in page  # 90 m² × 0.30
    assert owner_billed.units[1].number not in page


def test_an_owner_pays_online_through_the_sandbox(owner_billed, login):
    client = login(owner_billed.user("owner"))
    checkout = client.post(url("my_pay", owner_billed.units[0].pk))
    order = PaymentOrder.objects.get()
    assert checkout.url == url("sandbox_checkout", order.out_trade_no)
    assert "¥27.00" in client.get(checkout.url).content.decode()
    client.post(checkout.url, {"action": "pay"})
    order.refresh_from_db()
    assert order.status == "paid" and order.payment.method == "online"
    assert Bill.objects.get(unit=owner_billed.units[0]).status == "paid"
    assert "已全部缴清" in client.get(url("my_bills")).content.decode()


def test_an_owner_cannot_pay_for_a_neighbour(owner_billed, login):
    response = login(owner_billed.user("owner")).post(url("my_pay", owner_billed.units[1].pk))
    assert response.status_code == 404


# Common income -----------------------------------------------------------------------------

def test_the_committee_approves_spending_and_owners_see_it_disclosed(tenant, login):
    lease = lease_create(actor=SystemActor(), premises=tenant.extra["premises"], tenant="早餐店",
                         monthly_rent=D("1200.00"), start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    FeeRule.objects.create(community=tenant.community, name="物业费", kind="area", rate=D("0.30"))
    bill_run_create(actor=SystemActor(), community=tenant.community, period="2026-03")
    finance = login(tenant.user("finance"))
    finance.post(url("lease_bill_pay", LeaseBill.objects.get(lease=lease).pk), {"amount": "1200.00",
                                                                                "method": "cash"})
    finance.post(url("common", tenant.community.pk), {"action": "spending", "spending-title": "水泵电费补贴",
                                                      "spending-amount": "800.00"})
    spending = CommonSpending.objects.get()
    committee = login(tenant.user("committee_member"))
    committee.post(url("spending_decide", spending.pk), {"decision": "approve", "note": "同意"})
    spending.refresh_from_db()
    assert spending.status == "approved"
    assert AuditEvent.objects.filter(action="common_spending.approve").exists()
    page = login(tenant.user("owner")).get(url("disclosure", tenant.community.pk)).content.decode()
    assert "水泵电费补贴" in page and "400.00" in page  # the balance left


def test_another_tenants_owner_cannot_see_the_disclosure(tenant, tenants, login):
    assert login(tenants[1].user("owner")).get(url("disclosure", tenant.community.pk)).status_code == 404


def test_a_rejected_meter_file_lists_its_bad_rows_once(world, login, readings_file):
    client = login(world.tenant.user("finance"))
    upload = readings_file([["北1号楼", "u1", None, 90], ["北1号楼", "u7", None, "abc"]])
    response = client.post(url("meter_import", world.community.pk), {"period": "2026-04", "file": upload}, follow=True)
    page = response.content.decode()
    assert "小于上次读数 112.50" in page and "应为数字" in page
    assert "应为数字" not in client.get(url("rules", world.community.pk)).content.decode()
