"""WeChat Pay end to end (issue 18, phase 2): an owner's order placed at the simulator through the
company's own merchant account, its notification through /api/v1/payment-notifications/wechatpay/,
the payment recorded and its receipt; repeats, forgeries and wrong amounts; a late notification
found by the sync job; an expired order closed; refunds started by a reversal."""

import pytest

from linli.billing.models import (
    Bill,
    MerchantAccount,
    Payment,
    PaymentOrder,
    PaymentRefund,
)
from linli.billing.services import payment_orders_sync_due, payment_reverse
from linli.core.models import InboxMessage
from linli.core.tenancy import Actor

from .online import (
    OWED,
    assert_nothing_recorded,
    backdate,
    create_order,
    incidents,
    owe,
    route_to_app,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(tenant, wechat_sim, client):
    owe(tenant)
    MerchantAccount.objects.create(
        company=tenant.company, provider="wechatpay", enabled=True, mchid=wechat_sim.mchid, appid=wechat_sim.appid,
        apiv3_key=wechat_sim.apiv3_key, private_key=wechat_sim.merchant.private_pem, cert_serial=wechat_sim.cert_serial,
        public_key=wechat_sim.platform.public_pem, public_key_id=wechat_sim.public_key_id, api_base=wechat_sim.base_url)
    route_to_app(wechat_sim, client)
    return tenant


@pytest.fixture
def placed(shop, api):
    """An owner's Native order for what the unit owes: (order JSON, unit)."""
    unit = shop.units[0]
    return create_order(api(shop.user("owner")), unit, "wechatpay"), unit


def test_a_paid_order_settles_the_bills_once_and_has_a_receipt(placed, wechat_sim, api, shop):
    data, unit = placed
    assert data["status"] == "pending" and data["channel"] == "native"
    assert data["code_url"].startswith(wechat_sim.base_url) and data["redirect_url"] == ""
    deliveries = wechat_sim.pay(data["out_trade_no"], duplicates=1)
    assert [d.status for d in deliveries] == [200, 200]
    order = PaymentOrder.objects.get(pk=data["id"])
    assert order.status == "paid" and order.provider_trade_no.startswith("4200")
    assert [(p.method, p.amount) for p in Payment.objects.filter(unit=unit)] == [("online", OWED)]
    assert Bill.objects.get(unit=unit).status == Bill.Status.PAID
    receipt = api(shop.user("owner")).get(f"/api/v1/payments/{order.payment_id}/receipt.pdf")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"


def test_the_provider_enum_and_jsapi_need_an_openid(shop, api):
    client = api(shop.user("owner"))
    refused = client.post("/api/v1/payment-orders/", {"unit": shop.units[0].pk, "amount": "27.00",
                                                      "provider": "wechatpay", "channel": "jsapi"}, format="json")
    assert refused.status_code == 400 and "openid" in refused.json()["fields"]
    data = create_order(client, shop.units[0], "wechatpay", channel="jsapi", openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
    assert data["jsapi_params"]["package"].startswith("prepay_id=") and data["jsapi_params"]["paySign"]


def test_a_forged_notification_is_refused_and_logged(placed, wechat_sim):
    data, unit = placed
    [delivery] = wechat_sim.pay(data["out_trade_no"], forge=True)
    assert delivery.status == 400
    assert_nothing_recorded(unit)
    assert len(incidents("bad_signature")) == 1


def test_a_wrong_amount_is_refused_and_logged_for_finance(placed, wechat_sim, shop, django_capture_on_commit_callbacks):
    data, unit = placed
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = wechat_sim.pay(data["out_trade_no"], total=1)
    assert delivery.status == 400
    assert_nothing_recorded(unit)
    [incident] = incidents("wrong_amount")
    assert incident.company_id == shop.company.pk and incident.out_trade_no == data["out_trade_no"]
    assert InboxMessage.objects.filter(user=shop.user("finance")).exists()


def test_a_late_notification_is_recovered_by_the_sync_job(placed, wechat_sim):
    data, unit = placed
    assert wechat_sim.pay(data["out_trade_no"], notify=False) == []
    assert payment_orders_sync_due()["paid"] == 0  # not a minute old yet
    backdate(data["id"])
    assert payment_orders_sync_due()["paid"] == 1
    assert PaymentOrder.objects.get(pk=data["id"]).status == "paid"
    assert Bill.objects.get(unit=unit).status == Bill.Status.PAID


def test_an_expired_unpaid_order_is_closed_here_and_there(placed, wechat_sim):
    data, _unit = placed
    backdate(data["id"], minutes=40, expire=True)
    assert payment_orders_sync_due()["closed"] == 1
    order = PaymentOrder.objects.get(pk=data["id"])
    assert order.status == "closed" and order.closed_at is not None
    assert wechat_sim.orders[data["out_trade_no"]]["trade_state"] == "CLOSED"


def test_reversing_a_paid_order_refunds_it_first(placed, wechat_sim, shop):
    data, unit = placed
    wechat_sim.pay(data["out_trade_no"])
    payment = Payment.objects.get(unit=unit)
    refund = payment_reverse(actor=Actor(shop.user("finance")), payment=payment, reason="业主重复缴费")
    assert isinstance(refund, PaymentRefund) and refund.status == "pending"
    payment.refresh_from_db()
    assert payment.voided_at is None  # nothing undone until the money went back
    [delivery] = wechat_sim.complete_refund(refund.out_refund_no)
    assert delivery.status == 200
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == "succeeded" and refund.reversal.amount == -OWED and payment.voided_at is not None
    assert Bill.objects.get(unit=unit).status == Bill.Status.OPEN


def test_a_failed_refund_keeps_the_payment_and_tells_finance(placed, wechat_sim, shop,
                                                             django_capture_on_commit_callbacks):
    data, unit = placed
    wechat_sim.pay(data["out_trade_no"])
    payment = Payment.objects.get(unit=unit)
    refund = payment_reverse(actor=Actor(shop.user("finance")), payment=payment, reason="业主申请退款")
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = wechat_sim.complete_refund(refund.out_refund_no, succeed=False)
    assert delivery.status == 200
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == "failed" and payment.voided_at is None
    assert Bill.objects.get(unit=unit).status == Bill.Status.PAID
    assert len(incidents("refund_failed")) == 1
    assert InboxMessage.objects.filter(user=shop.user("finance"), title__contains="退款失败").exists()


def test_the_reversal_page_says_the_money_goes_back_and_that_the_refund_is_pending(placed, wechat_sim, shop, client):
    from django.urls import reverse

    data, unit = placed
    wechat_sim.pay(data["out_trade_no"])
    payment = Payment.objects.get(unit=unit)
    client.force_login(shop.user("finance"))
    page = client
    url = reverse("billing:reverse", args=[payment.pk])
    assert "将原路退回付款人的账户（微信支付）" in page.get(url).content.decode()
    shown = page.post(url, {"confirm": "1", "reason": "业主重复缴费"}, follow=True).content.decode()
    assert "已向支付渠道发起原路退款" in shown and "已冲销作废" not in shown
    payment.refresh_from_db()
    assert payment.voided_at is None and payment.refunds.get().status == "pending"
