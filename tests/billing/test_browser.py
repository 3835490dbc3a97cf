"""The cashier and the owner in a real browser, at desk width and at phone width: the cashier finds
the unit, takes the money and downloads the receipt, whose text (read back with pdftotext) has the
Chinese and the amount; the owner then sees the bill paid."""

import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from linli.billing.models import Bill, FeeRule
from linli.billing.services import bill_run_create, bill_run_preview, payment_record
from linli.core.tenancy import Actor, SystemActor
from tests.browser import browser, page, screenshot, sign_in  # noqa: F401 (fixtures)
from tests.conftest import build_tenant

pytestmark = pytest.mark.browser


@pytest.fixture
def tenant(transactional_db, live_server):
    tenant = build_tenant("甲")
    FeeRule.objects.create(community=tenant.community, name="物业费", kind="area", rate=Decimal("0.30"))
    FeeRule.objects.create(community=tenant.community, name="垃圾转运处理费", kind="per_person", rate=Decimal("3.00"),
                           low_income_rate=Decimal("2.00"))
    bill_run_create(actor=SystemActor(), community=tenant.community, period="2026-03")
    return tenant


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_cashier_takes_a_payment_and_the_owner_sees_the_bill_paid(page, live_server, tenant, tmp_path, browser):
    unit = tenant.units[0]  # 90 m² × 0.30 + 2 people × 3.00 = 33.00
    sign_in(page, live_server, tenant.user("cashier").username)
    page.goto(live_server.url + reverse("billing:cashier", args=[tenant.community.pk]))
    page.get_by_label("查找房屋").fill(unit.number)
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name=f"1号楼 {unit.number}").click()
    expect(page.locator(".due-amount")).to_have_text("¥33.00")
    screenshot(page, "billing-cashier")
    expect(page.get_by_label("实收金额（元）")).to_have_value("33.00")
    page.get_by_label("支付方式").select_option(label="现金")
    page.get_by_role("button", name="确认收款").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("收据")
    expect(page.locator(".messages")).to_contain_text("已收款 33.00 元")
    screenshot(page, "billing-payment")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载收据（PDF）").click()
    receipt = tmp_path / "receipt.pdf"
    download.value.save_as(receipt)
    text = pdf_text(receipt)
    for expected in ("收款收据", "甲物业", "甲小区", "甲业主0", "2026-03", "物业费", "33.00", "叁拾叁元整"):
        assert expected in text, expected

    owner = browser.new_context(viewport=page.viewport_size, locale="en-US").new_page()
    owner.viewport_name = page.viewport_name
    sign_in(owner, live_server, tenant.user("owner").username)
    owner.goto(live_server.url + reverse("billing:my_bills"))
    expect(owner.locator(".my-account .due-box")).to_contain_text("已全部缴清")
    expect(owner.locator(".paid-bills")).to_contain_text("2026-03")
    expect(owner.locator(".paid-bills")).to_contain_text("已结清")
    expect(owner.locator("main")).not_to_contain_text("欠费提醒")
    screenshot(owner, "billing-owner-paid")
    owner.context.close()


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_a_billing_run_and_a_reversal_each_say_what_they_will_do_before_they_happen(page, live_server, tenant):
    """DESIGN §6/§8: the run shows its bill count and total, the reversal its receipt and the bills
    that reopen; neither happens until confirmed on that page."""
    finance = Actor(tenant.user("finance"))
    preview = bill_run_preview(actor=finance, community=tenant.community, period="2026-04")
    sign_in(page, live_server, tenant.user("finance").username)
    page.goto(live_server.url + reverse("billing:run_start", args=[tenant.community.pk]) + "?period=2026-04")
    expect(page.locator("h1")).to_have_text("确认生成 2026-04 账单")
    expect(page.locator(".facts")).to_contain_text(f"{preview.bills} 张")
    expect(page.locator(".facts")).to_contain_text(f"{preview.total:,.2f} 元")
    screenshot(page, "billing-run-confirm")
    assert not Bill.objects.filter(period="2026-04").exists()
    page.get_by_role("button", name=f"确认生成 2026-04 的 {preview.bills} 张账单").click()
    expect(page.locator("main")).to_contain_text("2026-04")
    assert Bill.objects.filter(period="2026-04").count() == preview.bills

    unit = tenant.units[0]
    payment, _created = payment_record(actor=Actor(tenant.user("cashier")), unit=unit, amount=Decimal("33.00"),
                                       method="cash")
    page.goto(live_server.url + reverse("billing:payment", args=[payment.pk]))
    page.get_by_placeholder("冲销原因").fill("收错房屋")
    page.locator("form.inline-actions button").click()
    expect(page.locator("h1")).to_have_text(f"确认冲销收据 {payment.receipt_no}")
    expect(page.locator("main")).to_contain_text(f"收据 {payment.receipt_no} 作废，并生成一笔 −33.00 元的冲销记录")
    expect(page.locator("main")).to_contain_text("2026-03 账单恢复未结清 33.00 元")
    screenshot(page, "billing-reverse-confirm")
    payment.refresh_from_db()
    assert not payment.is_void
    page.get_by_role("button", name="确认冲销并作废收据").click()
    expect(page.locator(".messages")).to_contain_text(f"收据 {payment.receipt_no} 已冲销作废")
    payment.refresh_from_db()
    assert payment.is_void
