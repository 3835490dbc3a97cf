"""An owner pays on a phone (375 px) in a real browser, against the gateways' simulators: WeChat
Pay Native (the order page shows the QR code; the payer opens its page on the simulator and presses
确认支付, whose server posts the signed notification to the live server) and Alipay H5 (a button to
the simulator's cashier). The order page polls and shows 支付成功 with the receipt. Then finance
reconciles the day's WeChat Pay statement on the 对账 page."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from linli.billing.models import FeeRule, PaymentOrder
from linli.billing import services
from linli.billing.services import bill_run_create
from linli.core.tenancy import Actor, SystemActor
from tests.browser import VIEWPORTS, browser, screenshot, sign_in  # noqa: F401 (fixtures)
from tests.conftest import build_tenant
from tests.payments.test_reconciliation_service import alipay_account, wechat_account

pytestmark = pytest.mark.browser


@pytest.fixture
def tenant(transactional_db, live_server):
    tenant = build_tenant("甲")
    FeeRule.objects.create(community=tenant.community, name="物业费", kind="area", rate="0.30")
    bill_run_create(actor=SystemActor(), community=tenant.community, period="2026-03")
    return tenant


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN")
    page = context.new_page()
    page.viewport_name = "phone"
    yield page
    context.close()


def no_overflow(page):
    """Nothing sticks out sideways at phone width."""
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]


def test_an_owner_pays_by_wechat_native_on_a_phone(phone, live_server, tenant, wechat_sim, browser):
    wechat_account(tenant.company, wechat_sim)
    sign_in(phone, live_server, tenant.user("owner").username)
    phone.goto(live_server.url + reverse("billing:my_bills"))
    expect(phone.locator(".due-amount").first).to_have_text("¥27.00")
    phone.get_by_role("button", name="微信支付").first.click()

    expect(phone.get_by_role("heading", name="缴费订单")).to_be_visible()
    expect(phone.locator(".order-amount")).to_have_text("¥27.00")
    expect(phone.locator(".pay-qr svg")).to_be_visible()
    expect(phone.locator(".order-bills")).to_contain_text("2026-03")
    expect(phone.locator(".order-summary")).to_contain_text("支付截止")
    open_link = phone.get_by_role("link", name="打开支付页")
    code_url = open_link.get_attribute("href")
    assert code_url.startswith(wechat_sim.base_url)
    no_overflow(phone)
    screenshot(phone, "payments-wechat-order")

    # The payer "scans": the code_url's page on the simulator, in another tab.
    payer = phone.context.new_page()
    payer.goto(code_url)
    payer.get_by_role("button", name="确认支付").click()
    expect(payer.get_by_role("heading", name="支付成功")).to_be_visible()
    payer.close()

    expect(phone.locator("#order-status")).to_contain_text("支付成功", timeout=15000)
    expect(phone.get_by_role("link", name="查看收据")).to_be_visible()
    order = PaymentOrder.objects.get()
    assert order.status == "paid" and order.channel == "native"
    assert wechat_sim.deliveries and wechat_sim.deliveries[0].status in (200, 204)
    screenshot(phone, "payments-wechat-paid")
    phone.get_by_role("link", name="查看收据").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(order.payment.receipt_no)

    # A neighbour's payment the gateway took but never told us of (no notification, no query yet).
    missed = services.payment_order_create(actor=Actor(tenant.user("finance")), unit=tenant.units[1],
                                           amount="27.00", provider="wechatpay", notify_url="http://127.0.0.1:9/")
    wechat_sim.pay(missed.out_trade_no, notify=False)

    # Finance reconciles the day: the owner's payment matches, the neighbour's is missing here.
    staff = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN").new_page()
    staff.viewport_name = "phone"
    sign_in(staff, live_server, tenant.user("finance").username)
    staff.goto(live_server.url + reverse("billing:reconciliation", args=[tenant.community.pk]))
    staff.get_by_label("支付渠道").select_option("wechatpay")
    staff.get_by_label("账单日期").fill(timezone.localtime(order.payment.received_at).date().isoformat())
    staff.get_by_role("button", name="下载对账单").click()
    expect(staff.locator(".messages")).to_contain_text("已匹配 1 笔，我方缺失 1 笔")
    expect(staff.locator("#matched")).to_contain_text(order.out_trade_no)
    expect(staff.locator("#missing_ours")).to_contain_text(missed.out_trade_no)
    staff.locator("#missing_ours summary").click()
    expect(staff.get_by_role("button", name="确认补记")).to_be_visible()
    no_overflow(staff)
    screenshot(staff, "payments-reconciliation")
    staff.get_by_role("button", name="确认补记").click()
    expect(staff.locator(".messages")).to_contain_text("已补记")
    expect(staff.locator("#missing_ours")).to_contain_text("已补记")
    missed.refresh_from_db()
    assert missed.status == "paid"
    no_overflow(staff)
    screenshot(staff, "payments-reconciliation-recorded")
    staff.context.close()


def test_an_owner_pays_by_alipay_h5_on_a_phone(phone, live_server, tenant, alipay_sim):
    alipay_account(tenant.company, alipay_sim)
    sign_in(phone, live_server, tenant.user("owner").username)
    phone.goto(live_server.url + reverse("billing:my_bills"))
    phone.get_by_role("button", name="支付宝").first.click()

    expect(phone.get_by_role("heading", name="缴费订单")).to_be_visible()
    expect(phone.locator(".order-amount")).to_have_text("¥27.00")
    order_url = phone.url
    no_overflow(phone)
    screenshot(phone, "payments-alipay-order")
    phone.get_by_role("link", name="去支付宝付款").click()
    expect(phone.get_by_role("heading", name="支付宝")).to_be_visible()
    phone.get_by_role("button", name="确认支付").click()
    expect(phone.get_by_role("heading", name="支付成功")).to_be_visible()

    phone.goto(order_url)
    expect(phone.locator("#order-status")).to_contain_text("支付成功", timeout=15000)
    expect(phone.get_by_role("link", name="查看收据")).to_be_visible()
    assert PaymentOrder.objects.get().status == "paid"
    screenshot(phone, "payments-alipay-paid")


def test_without_merchant_keys_or_sandbox_there_is_no_pay_button(phone, live_server, tenant, settings):
    settings.LINLI_PAYMENT_SANDBOX = False
    sign_in(phone, live_server, tenant.user("owner").username)
    phone.goto(live_server.url + reverse("billing:my_bills"))
    expect(phone.locator(".pay-closed")).to_have_text("暂未开通在线缴费，请到物业服务中心缴费")
    expect(phone.locator(".pay-choices")).to_have_count(0)
    no_overflow(phone)
