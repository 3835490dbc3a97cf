"""Money conversions and statement parsing on hand-written files in each provider's format."""

import io
import json
import zipfile
from decimal import Decimal

import pytest

from linli.billing.gateways import from_fen, from_yuan_text, to_fen, to_yuan_text
from linli.billing.gateways.alipay import AlipayConfig, AlipayProvider
from linli.billing.providers import (
    SandboxProvider,
    known_provider_names,
    provider_names,
)
from linli.billing.reconciliation import (
    PAYMENT,
    REFUND,
    RecordedPayment,
    StatementInvalid,
    parse_alipay_bill,
    parse_wechatpay_tradebill,
    reconcile,
)

WECHAT_BILL = """交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注
`2026-01-05 09:30:01,`wx1,`1900000109,`0,`,`4200000001,`LL1,`o1,`NATIVE,`SUCCESS,`OTHERS,`CNY,`100.00,`0.00,`0,`0,`0.00,`0.00,`,`,`物业费,`,`0.60000,`0.60%,`100.00,`0.00,`
`2026-01-05 11:00:00,`wx1,`1900000109,`0,`,`4200000001,`LL1,`o1,`NATIVE,`REFUND,`OTHERS,`CNY,`100.00,`0.00,`5030001,`RF1,`40.00,`0.00,`ORIGINAL,`SUCCESS,`物业费,`,`-0.24000,`0.60%,`100.00,`40.00,`
总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额
`2,`100.00,`40.00,`0.00,`0.36000,`100.00,`40.00
"""


def test_fen_and_yuan_are_exact_and_refuse_floats():
    assert to_fen(Decimal("12.34")) == 1234 and to_fen(Decimal("0.1")) == 10
    assert from_fen(1234) == Decimal("12.34") and from_fen(1) == Decimal("0.01")
    assert to_yuan_text(Decimal("12.3")) == "12.30" and from_yuan_text("12.30") == Decimal("12.30")
    for bad in (12.34, Decimal("0.001")):
        with pytest.raises(ValueError):
            to_fen(bad)
    for bad in (12.0, True, "12"):
        with pytest.raises(ValueError):
            from_fen(bad)


def test_wechat_trade_bill_lines_skip_the_summary():
    lines = parse_wechatpay_tradebill(WECHAT_BILL.encode())
    assert [(line.kind, line.out_trade_no, line.out_refund_no, line.amount, line.provider_trade_no) for line in lines] == [
        (PAYMENT, "LL1", "", Decimal("100.00"), "4200000001"), (REFUND, "LL1", "RF1", Decimal("40.00"), "4200000001")]
    assert lines[0].time.isoformat() == "2026-01-05T09:30:01+08:00"
    with pytest.raises(StatementInvalid):
        parse_wechatpay_tradebill(b"not,a,bill\n")


def test_alipay_bill_found_by_its_header_whatever_the_entry_names():
    detail = ("#支付宝业务明细查询\n#-----业务明细列表-----\n"
              "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,"
              "商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,"
              "卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注\n"
              "2026010522001\t,LL9\t,交易,物业费,2026-01-05 09:00:00,2026-01-05 09:00:09,,,,,a***@b.com,88.80,88.80,"
              "0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-0.53,0.00,\n"
              "2026010522001\t,LL9\t,退款,物业费,2026-01-05 09:00:00,2026-01-05 12:00:00,,,,,a***@b.com,-88.80,-88.80,"
              "0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,0.53,0.00,\n"
              "#-----业务明细列表结束-----\n#交易合计：1笔\n")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", "#支付宝业务汇总查询\n门店编号,门店名称\n".encode("gbk"))
        archive.writestr("b.csv", detail.encode("gbk"))
    lines = parse_alipay_bill(buffer.getvalue())
    # A refund asked without a request number carries the trade's number.
    assert [(line.kind, line.out_trade_no, line.out_refund_no, line.amount) for line in lines] == [
        (PAYMENT, "LL9", "", Decimal("88.80")), (REFUND, "LL9", "LL9", Decimal("88.80"))]
    with pytest.raises(StatementInvalid):
        parse_alipay_bill(b"PK not really")


def test_reconcile_plain_data():
    lines = parse_wechatpay_tradebill(WECHAT_BILL)
    assert reconcile(lines, [RecordedPayment("LL1", Decimal("100.00")),
                             RecordedPayment("LL1", Decimal("40.00"), kind=REFUND, out_refund_no="RF1")]).clean
    result = reconcile(lines, [RecordedPayment("LL1", Decimal("100.00"), reference=7)])
    assert [line.out_refund_no for line in result.missing_ours] == ["RF1"]
    assert result.matched[0][1].reference == 7


def test_notification_answers_in_each_providers_format():
    assert SandboxProvider().notification_answer(True).body == b'{"code": "SUCCESS"}'
    failed = SandboxProvider().notification_answer(False, "签名错误")
    # WeChat Pay's failure form, which is also the API's error shape (DESIGN §5).
    assert failed.status == 400 and json.loads(failed.body) == {"code": "FAIL", "message": "签名错误",
                                                                "detail": "签名错误", "fields": {}}
    alipay = AlipayProvider(AlipayConfig(appid="2021", private_key="", public_key=""))
    answer = alipay.notification_answer(True)
    assert (answer.status, answer.content_type, answer.body) == (200, "text/plain", b"success")
    assert alipay.notification_answer(False).body == b"fail"


def test_registry_offers_what_is_available_and_knows_all(settings):
    settings.LINLI_PAYMENT_SANDBOX = True
    assert provider_names() == ["sandbox"]  # no merchant keys in this environment
    assert known_provider_names() == ["sandbox", "wechatpay", "alipay"]
    settings.LINLI_PAYMENT_SANDBOX = False
    assert provider_names() == []
