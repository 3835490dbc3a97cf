"""Alipay end to end (issue 18, phase 2): an owner's H5 order through the company's own app, the
payer at the simulator's cashier, its notification through /api/v1/payment-notifications/alipay/,
the payment recorded and its receipt; repeats, forgeries and wrong amounts; a late notification
found by the sync job; an expired order closed; refunds (Alipay refunds at once) from a reversal."""

import urllib.request
from decimal import Decimal

import pytest

from linli.billing.models import (
    Bill,
    MerchantAccount,
    Payment,
    PaymentOrder,
    PaymentRefund,
)
from linli.billing.services import payment_orders_sync_due, payment_reverse
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
def shop(tenant, alipay_sim, client):
    owe(tenant)
    MerchantAccount.objects.create(
        company=tenant.company, provider="alipay", enabled=True, appid=alipay_sim.appid,
        seller_id=alipay_sim.seller_id, private_key=alipay_sim.app.private_pem,
        public_key=alipay_sim.alipay.public_pem, api_base=f"{alipay_sim.base_url}/gateway.do")
    route_to_app(alipay_sim, client)
    return tenant


@pytest.fixture
def placed(shop, api):
    """An owner's H5 order, the payer's browser at the cashier: (order JSON, unit)."""
    unit = shop.units[0]
    data = create_order(api(shop.user("owner")), unit, "alipay")
    with urllib.request.urlopen(data["redirect_url"], timeout=10) as cashier:
        assert "确认支付" in cashier.read().decode()
    return data, unit


def test_a_paid_order_settles_the_bills_once_and_has_a_receipt(placed, alipay_sim, api, shop):
    data, unit = placed
    assert data["channel"] == "h5" and data["code_url"] == ""
    deliveries = alipay_sim.pay(data["out_trade_no"], duplicates=1)
    assert [(d.status, d.answer) for d in deliveries] == [(200, b"success")] * 2
    order = PaymentOrder.objects.get(pk=data["id"])
    assert order.status == "paid" and order.provider_trade_no
    assert [(p.method, p.amount) for p in Payment.objects.filter(unit=unit)] == [("online", OWED)]
    assert Bill.objects.get(unit=unit).status == Bill.Status.PAID
    receipt = api(shop.user("owner")).get(f"/api/v1/payments/{order.payment_id}/receipt.pdf")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"


def test_a_qr_order_answers_its_code(shop, api):
    data = create_order(api(shop.user("owner")), shop.units[0], "alipay", channel="qr")
    assert data["code_url"] and data["redirect_url"] == ""


def test_a_forged_notification_is_refused_and_logged(placed, alipay_sim):
    data, unit = placed
    [delivery] = alipay_sim.pay(data["out_trade_no"], forge=True)
    assert (delivery.status, delivery.answer) == (200, b"fail")
    assert_nothing_recorded(unit)
    assert len(incidents("bad_signature")) == 1


def test_a_wrong_amount_is_refused_and_logged(placed, alipay_sim, shop):
    data, unit = placed
    [delivery] = alipay_sim.pay(data["out_trade_no"], total=Decimal("0.01"))
    assert delivery.answer == b"fail"
    assert_nothing_recorded(unit)
    [incident] = incidents("wrong_amount")
    assert incident.company_id == shop.company.pk and incident.amount == Decimal("0.01")


def test_a_late_notification_is_recovered_by_the_sync_job(placed, alipay_sim):
    data, unit = placed
    alipay_sim.pay(data["out_trade_no"], notify=False)
    backdate(data["id"])
    assert payment_orders_sync_due()["paid"] == 1
    assert PaymentOrder.objects.get(pk=data["id"]).status == "paid"
    assert Bill.objects.get(unit=unit).status == Bill.Status.PAID


def test_an_expired_unpaid_order_is_closed_here_and_there(placed, alipay_sim):
    data, _unit = placed
    backdate(data["id"], minutes=40, expire=True)
    assert payment_orders_sync_due()["closed"] == 1
    assert PaymentOrder.objects.get(pk=data["id"]).status == "closed"
    assert alipay_sim.orders[data["out_trade_no"]]["trade_status"] == "TRADE_CLOSED"


def test_reversing_a_paid_order_refunds_it_at_once(placed, alipay_sim, shop):
    data, unit = placed
    alipay_sim.pay(data["out_trade_no"])
    payment = Payment.objects.get(unit=unit)
    refund = payment_reverse(actor=Actor(shop.user("finance")), payment=payment, reason="业主重复缴费")
    assert isinstance(refund, PaymentRefund) and refund.status == "succeeded"
    payment.refresh_from_db()
    assert payment.voided_at is not None and refund.reversal.amount == -OWED
    assert Bill.objects.get(unit=unit).status == Bill.Status.OPEN
    # Alipay's notification of the refund comes after: answered, nothing more recorded.
    [delivery] = alipay_sim.notify_refund(data["out_trade_no"], refund.out_refund_no)
    assert delivery.answer == b"success"
    assert Payment.objects.filter(unit=unit, kind="reversal").count() == 1


def test_a_failed_refund_keeps_the_payment(placed, alipay_sim, shop):
    data, unit = placed
    alipay_sim.pay(data["out_trade_no"])
    alipay_sim.orders[data["out_trade_no"]]["trade_status"] = "TRADE_CLOSED"  # Alipay will refuse
    payment = Payment.objects.get(unit=unit)
    refund = payment_reverse(actor=Actor(shop.user("finance")), payment=payment, reason="业主申请退款")
    assert refund.status == "failed" and refund.failure_reason.startswith("ACQ.TRADE_STATUS_ERROR")
    payment.refresh_from_db()
    assert payment.voided_at is None and Bill.objects.get(unit=unit).status == Bill.Status.PAID
    assert len(incidents("refund_failed")) == 1
