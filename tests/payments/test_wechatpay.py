"""WeChat Pay API v3 adapter against the simulator on loopback: signatures both ways, encrypted
notifications, query, close, refund and the trade bill."""

import base64
import time
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from linli.billing.gateways.wechatpay import (
    WeChatPayConfig,
    WeChatPayProvider,
    wechatpay_config_for,
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
from linli.core.errors import ValidationFailed

from .conftest import answer_json, order


def test_native_order_gets_code_url_and_the_amount_in_fen(wechat, wechat_sim, wechat_merchant):
    checkout = wechat.create_order(order(amount="12.34"), channel="native", notify_url=wechat_merchant.notify_url,
                                   description="物业费 2026-01")
    assert checkout.code_url == f"{wechat_sim.base_url}/_sim/pay/LL20260101A"
    placed = wechat_sim.orders["LL20260101A"]
    assert (placed["total"], placed["trade_type"], placed["notify_url"]) == (1234, "NATIVE", wechat_merchant.notify_url)


def test_a_request_signed_with_another_key_is_refused_by_the_gateway(wechat_sim, tmp_path):
    config = wechat_sim.merchant_config(tmp_path)
    forged = WeChatPayConfig(**{**config.__dict__, "private_key": write_pem(tmp_path, "other.pem", KeyPair().private_pem)})
    with pytest.raises(ProviderError) as caught:
        WeChatPayProvider(forged).create_order(order(), channel="native", notify_url="http://127.0.0.1:1/", description="x")
    assert caught.value.gateway_code == "SIGN_ERROR"
    assert wechat_sim.orders == {}


def test_a_response_not_signed_by_the_platform_is_refused(wechat_sim, tmp_path):
    config = wechat_sim.merchant_config(tmp_path)
    other_platform = WeChatPayConfig(**{**config.__dict__,
                                        "public_key": write_pem(tmp_path, "other_pub.pem", KeyPair().public_pem)})
    with pytest.raises(ProviderError) as caught:
        WeChatPayProvider(other_platform).create_order(order(), channel="native", notify_url="http://127.0.0.1:1/",
                                                       description="x")
    assert caught.value.gateway_code == "unreachable_or_unsigned"


def test_jsapi_order_gives_signed_request_payment_parameters(wechat, wechat_sim, wechat_merchant):
    checkout = wechat.create_order(order(), channel="jsapi", payer_openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
                                   notify_url=wechat_merchant.notify_url, description="物业费")
    params = checkout.jsapi_params
    assert checkout.prepay_id == wechat_sim.orders["LL20260101A"]["prepay_id"]
    assert params["package"] == f"prepay_id={checkout.prepay_id}"
    assert (params["appId"], params["signType"]) == (wechat_sim.appid, "RSA")
    message = "\n".join([params["appId"], params["timeStamp"], params["nonceStr"], params["package"]]) + "\n"
    assert wechat_sim.merchant.verify(base64.b64decode(params["paySign"]), message.encode())
    assert not wechat_sim.merchant.verify(base64.b64decode(params["paySign"]), message.replace("prepay", "x").encode())


def test_paid_notification_is_verified_decrypted_and_answered(wechat, wechat_sim, wechat_merchant):
    wechat.create_order(order(), channel="native", notify_url=wechat_merchant.notify_url, description="物业费")
    [delivery] = wechat_sim.pay("LL20260101A")
    [notice] = wechat_merchant.received
    assert isinstance(notice, Notification)
    assert (notice.out_trade_no, notice.amount, notice.paid, notice.state) == ("LL20260101A", Decimal("12.34"),
                                                                               True, "SUCCESS")
    assert (notice.mchid, notice.appid) == (wechat_sim.mchid, wechat_sim.appid)
    assert notice.provider_trade_no == wechat_sim.orders["LL20260101A"]["transaction_id"]
    assert notice.paid_at.tzinfo is not None
    assert delivery.status == 200 and answer_json(delivery) == {"code": "SUCCESS"}


def test_duplicate_notifications_read_the_same(wechat, wechat_sim, wechat_merchant):
    wechat.create_order(order(), channel="native", notify_url=wechat_merchant.notify_url, description="物业费")
    deliveries = wechat_sim.pay("LL20260101A", duplicates=2)
    assert len(deliveries) == 3 and len(wechat_merchant.received) == 3
    assert len({(n.out_trade_no, n.provider_trade_no, n.amount) for n in wechat_merchant.received}) == 1


def test_forged_signature_is_refused_with_a_fail_answer(wechat, wechat_sim, wechat_merchant):
    wechat.create_order(order(), channel="native", notify_url=wechat_merchant.notify_url, description="物业费")
    [delivery] = wechat_sim.pay("LL20260101A", forge=True)
    [refused] = wechat_merchant.received
    assert isinstance(refused, SignatureInvalid)
    assert delivery.status >= 400 and answer_json(delivery)["code"] == "FAIL"


def test_a_tampered_body_or_unknown_serial_is_refused(wechat, wechat_sim):
    wechat_sim.orders["X1"] = {"out_trade_no": "X1", "total": 100, "trade_type": "NATIVE", "trade_state": "SUCCESS",
                               "openid": "o", "transaction_id": "4200", "success_time": "2026-01-01T10:00:00+08:00"}
    body, headers = wechat_sim.notification("TRANSACTION.SUCCESS", "transaction",
                                            wechat_sim.transaction(wechat_sim.orders["X1"]))
    assert wechat.read_notification(body, headers).amount == Decimal("1.00")
    with pytest.raises(SignatureInvalid):
        wechat.read_notification(body.replace(b'"summary"', b'"summarY"'), headers)
    with pytest.raises(SignatureInvalid) as caught:
        wechat.read_notification(body, {**headers, "Wechatpay-Serial": "PUB_KEY_ID_OTHER"})
    assert caught.value.code == "unknown_serial"


def test_stale_timestamp_is_refused(wechat, wechat_sim, wechat_merchant):
    wechat.create_order(order(), channel="native", notify_url=wechat_merchant.notify_url, description="物业费")
    wechat_sim.pay("LL20260101A", timestamp=int(time.time()) - 301)
    wechat_sim.pay("LL20260101A", timestamp=int(time.time()) - 240)  # within 5 minutes: accepted
    stale, fresh = wechat_merchant.received
    assert isinstance(stale, SignatureInvalid) and stale.code == "stale_timestamp"
    assert isinstance(fresh, Notification) and fresh.paid


def test_wrong_amount_notification_still_parses_with_its_own_amount(wechat, wechat_sim, wechat_merchant):
    wechat.create_order(order(amount="12.34"), channel="native", notify_url=wechat_merchant.notify_url, description="x")
    wechat_sim.pay("LL20260101A", total=1)
    [notice] = wechat_merchant.received
    assert notice.amount == Decimal("0.01")  # the service (phase 2) refuses it against the order's 12.34


def test_late_notification_is_recovered_by_a_query(wechat, wechat_sim, wechat_merchant):
    wechat.create_order(order(), channel="native", notify_url=wechat_merchant.notify_url, description="物业费")
    assert wechat.query_order("LL20260101A").paid is False
    assert wechat_sim.pay("LL20260101A", notify=False) == [] and wechat_merchant.received == []
    queried = wechat.query_order("LL20260101A")
    assert (queried.paid, queried.amount, queried.mchid, queried.appid) == (True, Decimal("12.34"), wechat_sim.mchid,
                                                                           wechat_sim.appid)
    assert wechat.query_order("NO-SUCH").state == "ORDER_NOT_EXIST"


def test_close_an_unpaid_order_but_not_a_paid_one(wechat, wechat_sim, wechat_merchant):
    for number in ("LLA", "LLB"):
        wechat.create_order(order(number), channel="native", notify_url=wechat_merchant.notify_url, description="x")
    wechat.close_order("LLA")
    assert wechat.query_order("LLA").state == "CLOSED"
    wechat_sim.pay("LLB")
    with pytest.raises(ProviderError) as caught:
        wechat.close_order("LLB")
    assert caught.value.gateway_code == "ORDERPAID"


def test_refund_and_its_notifications(wechat, wechat_sim, wechat_merchant):
    wechat.create_order(order(), channel="native", notify_url=wechat_merchant.notify_url, description="x")
    wechat_sim.pay("LL20260101A")
    result = wechat.refund(out_trade_no="LL20260101A", out_refund_no="RF1", amount=Decimal("2.34"),
                           total=Decimal("12.34"), reason="冲正", notify_url=wechat_merchant.notify_url)
    assert (result.state, result.amount) == ("processing", Decimal("2.34"))
    assert wechat_sim.refunds["RF1"]["refund"] == 234
    wechat_sim.complete_refund("RF1")
    refund = wechat_merchant.received[-1]
    assert isinstance(refund, RefundNotification)
    assert (refund.out_refund_no, refund.amount, refund.succeeded, refund.mchid) == ("RF1", Decimal("2.34"), True,
                                                                                    wechat_sim.mchid)
    with pytest.raises(ProviderError):  # more than is left to refund
        wechat.refund(out_trade_no="LL20260101A", out_refund_no="RF2", amount=Decimal("10.01"), total=Decimal("12.34"))
    wechat.refund(out_trade_no="LL20260101A", out_refund_no="RF3", amount=Decimal("1.00"), total=Decimal("12.34"),
                  notify_url=wechat_merchant.notify_url)
    wechat_sim.complete_refund("RF3", succeed=False)
    assert wechat_merchant.received[-1].succeeded is False
    with pytest.raises(ValidationFailed) as caught:  # a refund is not a payment
        wechat.parse_notification(wechat_sim.deliveries[-1].body, wechat_sim.deliveries[-1].headers)
    assert caught.value.code == "not_a_payment_notification"


def test_trade_bill_download_and_reconciliation_with_one_of_each_mismatch(wechat, wechat_sim, wechat_merchant):
    for number, amount in (("LL-OK", "10.00"), ("LL-DIFF", "20.00"), ("LL-THEIRS-ONLY", "30.00")):
        wechat.create_order(order(number, amount), channel="native", notify_url=wechat_merchant.notify_url,
                            description="物业费")
        wechat_sim.pay(number)
    wechat.refund(out_trade_no="LL-OK", out_refund_no="RF-OK", amount=Decimal("1.50"), total=Decimal("10.00"))
    wechat_sim.complete_refund("RF-OK", notify=False)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    lines = parse_statement("wechatpay", wechat.download_statement(today))
    assert {(line.kind, line.out_trade_no, line.amount) for line in lines} == {
        (PAYMENT, "LL-OK", Decimal("10.00")), (PAYMENT, "LL-DIFF", Decimal("20.00")),
        (PAYMENT, "LL-THEIRS-ONLY", Decimal("30.00")), (REFUND, "LL-OK", Decimal("1.50"))}
    records = [RecordedPayment("LL-OK", Decimal("10.00")), RecordedPayment("LL-DIFF", Decimal("2.00")),
               RecordedPayment("LL-OURS-ONLY", Decimal("5.00")),
               RecordedPayment("LL-OK", Decimal("1.50"), kind=REFUND, out_refund_no="RF-OK")]
    result = reconcile(lines, records)
    assert sorted((line.kind, line.out_trade_no) for line, _ in result.matched) == [(PAYMENT, "LL-OK"), (REFUND, "LL-OK")]
    assert [line.out_trade_no for line in result.missing_ours] == ["LL-THEIRS-ONLY"]
    assert [record.out_trade_no for record in result.missing_theirs] == ["LL-OURS-ONLY"]
    assert [(line.amount, record.amount) for line, record in result.amount_mismatches] == [(Decimal("20.00"),
                                                                                            Decimal("2.00"))]
    assert not result.clean
    assert parse_statement("wechatpay", wechat.download_statement(date(2000, 1, 1))) == []


def test_configured_from_the_environment_and_offered_only_when_complete(settings, wechat_sim, tmp_path):
    config = wechat_sim.merchant_config(tmp_path)
    for name, value in config.__dict__.items():
        setattr(settings, f"LINLI_WECHATPAY_{name.upper()}", value)
    assert wechatpay_config_for(None) == config
    assert WeChatPayProvider.available() and "wechatpay" in provider_names()
    # Constructing the SDK makes no request (public key mode: no certificate download).
    assert WeChatPayProvider().client
    settings.LINLI_WECHATPAY_APIV3_KEY = ""
    assert not WeChatPayProvider.available() and "wechatpay" not in provider_names()
    settings.LINLI_WECHATPAY_API_BASE = ""
    assert wechatpay_config_for(None).api_base == "https://api.mch.weixin.qq.com"
