"""Alipay RSA2 adapter against the simulator on loopback: H5 and QR orders, signed notifications,
query, close, refund and the bill download."""

import base64
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit
from urllib.request import urlopen

import pytest

from linli.billing.gateways.alipay import (
    BEIJING,
    AlipayConfig,
    AlipayProvider,
    alipay_config_for,
)
from linli.billing.providers import (
    Notification,
    ProviderError,
    RefundNotification,
    SignatureInvalid,
    provider_names,
)
from linli.billing.reconciliation import (
    PAYMENT,
    REFUND,
    RecordedPayment,
    parse_statement,
    reconcile,
)
from linli.billing.simulators import KeyPair, write_pem
from linli.billing.simulators.alipay import signing_string

from .conftest import order


def test_qr_order_gets_a_qr_code(alipay, alipay_sim, alipay_merchant):
    checkout = alipay.create_order(order(amount="12.30"), channel="qr", notify_url=alipay_merchant.notify_url,
                                   description="物业费 2026-01")
    assert checkout.code_url == f"{alipay_sim.base_url}/_sim/pay/LL20260101A"
    placed = alipay_sim.orders["LL20260101A"]
    assert (placed["total"], placed["subject"], placed["notify_url"]) == (Decimal("12.30"), "物业费 2026-01",
                                                                           alipay_merchant.notify_url)


def test_a_request_signed_with_another_key_is_refused(alipay_sim, tmp_path):
    config = alipay_sim.merchant_config(tmp_path)
    forged = AlipayConfig(**{**config.__dict__, "private_key": write_pem(tmp_path, "other.pem", KeyPair().private_pem)})
    with pytest.raises(ProviderError):
        AlipayProvider(forged).create_order(order(), channel="qr", notify_url="http://127.0.0.1:1/", description="x")
    assert alipay_sim.orders == {}


def test_a_response_not_signed_by_alipay_is_refused(alipay_sim, tmp_path):
    config = alipay_sim.merchant_config(tmp_path)
    other = AlipayConfig(**{**config.__dict__, "public_key": write_pem(tmp_path, "pub.pem", KeyPair().public_pem)})
    with pytest.raises(ProviderError) as caught:
        AlipayProvider(other).create_order(order(), channel="qr", notify_url="http://127.0.0.1:1/", description="x")
    assert caught.value.gateway_code == "bad_response_signature"


def test_h5_order_is_a_signed_redirect_to_the_gateway(alipay, alipay_sim, alipay_merchant):
    checkout = alipay.create_order(order(), channel="h5", notify_url=alipay_merchant.notify_url,
                                   return_url="https://linli.example/pay/done", description="物业费")
    url = urlsplit(checkout.redirect_url)
    params = dict(parse_qsl(url.query))
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{alipay_sim.base_url}/gateway.do"
    assert (params["method"], params["sign_type"], params["app_id"]) == ("alipay.trade.wap.pay", "RSA2", alipay_sim.appid)
    assert alipay_sim.app.verify(base64.b64decode(params["sign"]), signing_string(params).encode())
    # Beijing time, whatever the server's zone: Alipay refuses a timestamp off by minutes.
    sent = datetime.strptime(params["timestamp"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
    assert abs((datetime.now(BEIJING) - sent).total_seconds()) < 60
    page = urlopen(checkout.redirect_url).read().decode()
    assert 'id="amount">12.34<' in page


def test_paid_notification_is_verified_and_answered_success(alipay, alipay_sim, alipay_merchant):
    alipay.create_order(order(), channel="qr", notify_url=alipay_merchant.notify_url, description="物业费")
    [delivery] = alipay_sim.pay("LL20260101A")
    [notice] = alipay_merchant.received
    assert isinstance(notice, Notification)
    assert (notice.out_trade_no, notice.amount, notice.paid, notice.state) == ("LL20260101A", Decimal("12.34"), True,
                                                                               "TRADE_SUCCESS")
    assert (notice.appid, notice.seller_id) == (alipay_sim.appid, alipay_sim.seller_id)
    assert notice.provider_trade_no == alipay_sim.orders["LL20260101A"]["trade_no"]
    assert (delivery.status, delivery.answer) == (200, b"success")


def test_duplicates_read_the_same(alipay, alipay_sim, alipay_merchant):
    alipay.create_order(order(), channel="qr", notify_url=alipay_merchant.notify_url, description="物业费")
    alipay_sim.pay("LL20260101A", duplicates=1)
    first, second = alipay_merchant.received
    assert first == second


def test_forged_or_tampered_notification_is_refused(alipay, alipay_sim, alipay_merchant):
    alipay.create_order(order(), channel="qr", notify_url=alipay_merchant.notify_url, description="物业费")
    [delivery] = alipay_sim.pay("LL20260101A", forge=True)
    assert isinstance(alipay_merchant.received[0], SignatureInvalid)
    assert delivery.answer == b"fail"
    body, headers = alipay_sim.notification({**alipay_sim._trade(alipay_sim.orders["LL20260101A"])})
    assert alipay.read_notification(body, headers).amount == Decimal("12.34")
    with pytest.raises(SignatureInvalid):
        alipay.read_notification(body.replace(b"total_amount=12.34", b"total_amount=1.00"), headers)


def test_wrong_amount_notification_still_parses_with_its_own_amount(alipay, alipay_sim, alipay_merchant):
    alipay.create_order(order(), channel="qr", notify_url=alipay_merchant.notify_url, description="物业费")
    alipay_sim.pay("LL20260101A", total=Decimal("0.01"))
    assert alipay_merchant.received[0].amount == Decimal("0.01")


def test_late_notification_is_recovered_by_a_query(alipay, alipay_sim, alipay_merchant):
    alipay.create_order(order(), channel="qr", notify_url=alipay_merchant.notify_url, description="物业费")
    before = alipay.query_order("LL20260101A")
    assert (before.paid, before.state) == (False, "TRADE_NOT_EXIST")  # not scanned yet
    alipay_sim.pay("LL20260101A", notify=False)
    queried = alipay.query_order("LL20260101A")
    assert alipay_merchant.received == []
    assert (queried.paid, queried.amount, queried.appid) == (True, Decimal("12.34"), alipay_sim.appid)


def test_close_unscanned_scanned_and_paid_orders(alipay, alipay_sim, alipay_merchant):
    for number in ("LLA", "LLB", "LLC"):
        alipay.create_order(order(number), channel="qr", notify_url=alipay_merchant.notify_url, description="x")
    alipay.close_order("LLA")  # never scanned: nothing to close at Alipay
    urlopen(f"{alipay_sim.base_url}/_sim/pay/LLB").read()  # scanned, not paid
    alipay.close_order("LLB")
    assert alipay.query_order("LLB").state == "TRADE_CLOSED"
    alipay_sim.pay("LLC")
    with pytest.raises(ProviderError) as caught:
        alipay.close_order("LLC")
    assert caught.value.gateway_code == "ACQ.TRADE_STATUS_ERROR"


def test_refund_and_its_notification(alipay, alipay_sim, alipay_merchant):
    alipay.create_order(order(), channel="qr", notify_url=alipay_merchant.notify_url, description="x")
    alipay_sim.pay("LL20260101A")
    result = alipay.refund(out_trade_no="LL20260101A", out_refund_no="RF1", amount=Decimal("2.34"),
                           total=Decimal("12.34"), reason="冲正")
    assert (result.state, result.amount) == ("success", Decimal("2.34"))
    again = alipay.refund(out_trade_no="LL20260101A", out_refund_no="RF1", amount=Decimal("2.34"), total=Decimal("12.34"))
    assert again.state == "processing"  # a repeat moved no money
    alipay_sim.notify_refund("LL20260101A", "RF1")
    refund = alipay_merchant.received[-1]
    assert isinstance(refund, RefundNotification)
    assert (refund.out_refund_no, refund.amount, refund.succeeded) == ("RF1", Decimal("2.34"), True)
    with pytest.raises(ProviderError) as caught:
        alipay.refund(out_trade_no="LL20260101A", out_refund_no="RF2", amount=Decimal("10.01"), total=Decimal("12.34"))
    assert caught.value.gateway_code == "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"


def test_bill_download_and_reconciliation_with_one_of_each_mismatch(alipay, alipay_sim, alipay_merchant):
    for number, amount in (("LL-OK", "10.00"), ("LL-DIFF", "20.00"), ("LL-THEIRS-ONLY", "30.00")):
        alipay.create_order(order(number, amount), channel="qr", notify_url=alipay_merchant.notify_url, description="x")
        alipay_sim.pay(number)
    alipay.refund(out_trade_no="LL-OK", out_refund_no="RF-OK", amount=Decimal("1.50"), total=Decimal("10.00"))
    lines = parse_statement("alipay", alipay.download_statement(datetime.now(BEIJING).date()))
    assert {(line.kind, line.out_trade_no, line.out_refund_no, line.amount) for line in lines} == {
        (PAYMENT, "LL-OK", "", Decimal("10.00")), (PAYMENT, "LL-DIFF", "", Decimal("20.00")),
        (PAYMENT, "LL-THEIRS-ONLY", "", Decimal("30.00")), (REFUND, "LL-OK", "RF-OK", Decimal("1.50"))}
    records = [RecordedPayment("LL-OK", Decimal("10.00")), RecordedPayment("LL-DIFF", Decimal("20.01")),
               RecordedPayment("LL-OURS-ONLY", Decimal("5.00")),
               RecordedPayment("LL-OK", Decimal("1.50"), kind=REFUND, out_refund_no="RF-OK")]
    result = reconcile(lines, records)
    assert len(result.matched) == 2
    assert [line.out_trade_no for line in result.missing_ours] == ["LL-THEIRS-ONLY"]
    assert [record.out_trade_no for record in result.missing_theirs] == ["LL-OURS-ONLY"]
    assert [line.out_trade_no for line, _ in result.amount_mismatches] == ["LL-DIFF"]
    assert parse_statement("alipay", alipay.download_statement(date(2000, 1, 1))) == []


def test_configured_from_the_environment_and_offered_only_when_complete(settings, alipay_sim, tmp_path):
    config = alipay_sim.merchant_config(tmp_path)
    for name, value in config.__dict__.items():
        setattr(settings, f"LINLI_ALIPAY_{name.upper()}", value)
    assert alipay_config_for(None) == config
    assert AlipayProvider.available() and "alipay" in provider_names()
    settings.LINLI_ALIPAY_PRIVATE_KEY = ""
    assert not AlipayProvider.available() and "alipay" not in provider_names()


def test_bare_base64_keys_from_the_key_tool_are_accepted(alipay_sim, tmp_path, alipay_merchant):
    config = alipay_sim.merchant_config(tmp_path)
    bare = "".join(alipay_sim.app.private_pem.strip().splitlines()[1:-1])
    provider = AlipayProvider(AlipayConfig(**{**config.__dict__, "private_key": write_pem(tmp_path, "bare", bare)}))
    assert provider.create_order(order(), channel="qr", notify_url=alipay_merchant.notify_url, description="x").code_url
