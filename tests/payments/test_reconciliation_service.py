"""对账 as a service: a day's statement from the simulators against what Linli recorded, each kind
of difference once; 补记 records a missing payment once; the export opens with openpyxl."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from linli.billing.gateways.alipay import AlipayProvider, alipay_config_for
from linli.billing.gateways.wechatpay import WeChatPayProvider, wechatpay_config_for
from linli.billing.models import Bill, FeeRule, MerchantAccount, Payment, PaymentOrder, StatementItem
from linli.billing.services import bill_run_create, payment_record, payment_refund_start
from linli.billing.services.reconciliation import statement_export, statement_import, statement_item_record
from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.models import AuditEvent
from linli.core.tenancy import Actor, SystemActor

D = Decimal
KINDS = StatementItem.Kind


@pytest.fixture
def billed(tenant):
    FeeRule.objects.create(community=tenant.community, name="物业费", kind="area", rate=D("0.30"))
    bill_run_create(actor=SystemActor(), community=tenant.community, period="2026-03")
    return tenant


def wechat_account(company, sim):
    return MerchantAccount.objects.create(
        company=company, provider="wechatpay", enabled=True, mchid=sim.mchid, appid=sim.appid,
        apiv3_key=sim.apiv3_key, private_key=sim.merchant.private_pem, cert_serial=sim.cert_serial,
        public_key=sim.platform.public_pem, public_key_id=sim.public_key_id, api_base=sim.base_url)


def alipay_account(company, sim):
    return MerchantAccount.objects.create(
        company=company, provider="alipay", enabled=True, appid=sim.appid, seller_id=sim.seller_id,
        private_key=sim.app.private_pem, public_key=sim.alipay.public_pem, api_base=f"{sim.base_url}/gateway.do")


class Shop:
    """Orders of one company at a simulator: made at the gateway, paid there, recorded here."""

    def __init__(self, tenant, provider):
        self.tenant, self.provider_name = tenant, provider
        config = (wechatpay_config_for if provider == "wechatpay" else alipay_config_for)(tenant.company)
        self.adapter = (WeChatPayProvider if provider == "wechatpay" else AlipayProvider)(config)
        self.count = 0

    def order(self, amount, unit=None) -> PaymentOrder:
        self.count += 1
        unit = unit or self.tenant.units[0]
        order = PaymentOrder.objects.create(
            community=unit.community, unit=unit, amount=D(amount), provider=self.provider_name,
            out_trade_no=f"LLTEST{self.provider_name[:2].upper()}{self.count:04d}")
        channel = "native" if self.provider_name == "wechatpay" else "qr"
        self.adapter.create_order(order, channel=channel, notify_url="http://127.0.0.1:9/", description="物业费")
        return order

    @staticmethod
    def record(order) -> Payment:
        """What the notification would have recorded."""
        payment, _created = payment_record(actor=SystemActor(), unit=order.unit, amount=order.amount,
                                           method=Payment.Method.ONLINE, idempotency_key=f"online:{order.out_trade_no}")
        order.status, order.payment = PaymentOrder.Status.PAID, payment
        order.save(update_fields=["status", "payment"])
        return payment


def one_of_each(shop, sim):
    """Four orders paid at the gateway: recorded, never notified, recorded but not on the
    statement, recorded at another amount than the statement's."""
    matched, missing_ours, missing_theirs, mismatch = (shop.order(a) for a in ("10.00", "12.00", "13.00", "14.00"))
    for order in (matched, missing_ours, missing_theirs, mismatch):
        sim.pay(order.out_trade_no, notify=False)
    for order in (matched, missing_theirs, mismatch):
        shop.record(order)
    return matched, missing_ours, missing_theirs, mismatch


def test_a_wechat_statement_downloaded_shows_one_of_each_kind(billed, wechat_sim):
    wechat_account(billed.company, wechat_sim)
    shop = Shop(billed, "wechatpay")
    matched, missing_ours, missing_theirs, mismatch = one_of_each(shop, wechat_sim)
    wechat_sim.orders[missing_theirs.out_trade_no]["success_time"] = "2020-01-01T10:00:00+08:00"  # another day
    wechat_sim.orders[mismatch.out_trade_no]["total"] = 1450  # the gateway took 14.50
    finance = Actor(billed.user("finance"))

    statement = statement_import(actor=finance, company=billed.company, provider="wechatpay",
                                 bill_date=timezone.localdate())

    assert (statement.matched, statement.missing_ours, statement.missing_theirs, statement.mismatched) == (1, 1, 1, 1)
    assert statement.source == "download"
    items = {item.kind: item for item in statement.items.all()}
    assert items[KINDS.MATCHED].out_trade_no == matched.out_trade_no
    assert items[KINDS.MATCHED].payment_id == matched.payment_id
    assert items[KINDS.MISSING_OURS].out_trade_no == missing_ours.out_trade_no
    assert items[KINDS.MISSING_OURS].their_amount == D("12.00") and items[KINDS.MISSING_OURS].order_id == missing_ours.pk
    assert items[KINDS.MISSING_THEIRS].out_trade_no == missing_theirs.out_trade_no
    assert items[KINDS.MISSING_THEIRS].our_amount == D("13.00") and items[KINDS.MISSING_THEIRS].their_amount is None
    assert (items[KINDS.AMOUNT_MISMATCH].their_amount, items[KINDS.AMOUNT_MISMATCH].our_amount) == (D("14.50"),
                                                                                                     D("14.00"))
    assert AuditEvent.objects.filter(action="statement.import").count() == 1


def test_record_from_a_missing_line_records_once_and_a_reimport_then_matches(billed, wechat_sim):
    wechat_account(billed.company, wechat_sim)
    shop = Shop(billed, "wechatpay")
    order = shop.order("27.00")  # the unit's March bill: 90 m² × 0.30
    wechat_sim.pay(order.out_trade_no, notify=False)
    finance = Actor(billed.user("finance"))
    statement = statement_import(actor=finance, company=billed.company, provider="wechatpay",
                                 bill_date=timezone.localdate())
    item = statement.items.get(kind=KINDS.MISSING_OURS)

    payment = statement_item_record(actor=finance, item=item)
    again = statement_item_record(actor=finance, item=item)

    assert again.pk == payment.pk
    assert Payment.objects.filter(method="online").count() == 1
    assert AuditEvent.objects.filter(action="statement_item.record").count() == 1
    assert payment.amount == D("27.00") and payment.receipt_no
    order.refresh_from_db()
    assert order.status == "paid" and order.payment_id == payment.pk
    assert Bill.objects.get(unit=order.unit).status == "paid"
    item.refresh_from_db()
    assert item.resolved_payment_id == payment.pk and item.resolved_by == billed.user("finance")

    reimported = statement_import(actor=finance, company=billed.company, provider="wechatpay",
                                  bill_date=timezone.localdate())
    assert reimported.pk == statement.pk
    assert (reimported.matched, reimported.missing_ours) == (1, 0)
    assert reimported.items.count() == 1


def test_record_is_refused_for_a_line_that_is_not_ours_to_record(billed, wechat_sim):
    wechat_account(billed.company, wechat_sim)
    shop = Shop(billed, "wechatpay")
    order = shop.order("10.00")
    wechat_sim.pay(order.out_trade_no, notify=False)
    shop.record(order)
    finance = Actor(billed.user("finance"))
    statement = statement_import(actor=finance, company=billed.company, provider="wechatpay",
                                 bill_date=timezone.localdate())
    with pytest.raises(ValidationFailed):
        statement_item_record(actor=finance, item=statement.items.get(kind=KINDS.MATCHED))
    with pytest.raises(PermissionDenied):
        statement_item_record(actor=Actor(billed.user("cashier")), item=statement.items.get())
    with pytest.raises(PermissionDenied):
        statement_import(actor=Actor(billed.user("owner")), company=billed.company, provider="wechatpay",
                         bill_date=timezone.localdate())


def test_an_uploaded_alipay_bill_zip_or_csv_is_reconciled(billed, alipay_sim):
    alipay_account(billed.company, alipay_sim)
    shop = Shop(billed, "alipay")
    matched, missing_ours, missing_theirs, mismatch = one_of_each(shop, alipay_sim)
    alipay_sim.orders[missing_theirs.out_trade_no]["gmt_payment"] = "2020-01-01 10:00:00"
    alipay_sim.orders[mismatch.out_trade_no]["total"] = D("14.50")
    finance = Actor(billed.user("finance"))
    today = timezone.localdate()

    statement = statement_import(actor=finance, company=billed.company, provider="alipay", bill_date=today,
                                 data=alipay_sim.bill_zip(today))
    assert (statement.matched, statement.missing_ours, statement.missing_theirs, statement.mismatched) == (1, 1, 1, 1)
    assert statement.source == "upload"

    as_csv = statement_import(actor=finance, company=billed.company, provider="alipay", bill_date=today,
                              data=alipay_sim.bill_csv(today).encode("gbk"))
    assert (as_csv.matched, as_csv.missing_ours, as_csv.missing_theirs, as_csv.mismatched) == (1, 1, 1, 1)

    downloaded = statement_import(actor=finance, company=billed.company, provider="alipay", bill_date=today)
    assert (downloaded.matched, downloaded.missing_ours) == (1, 1)


def test_an_uploaded_file_of_the_wrong_kind_is_refused_in_chinese(billed, wechat_sim):
    finance = Actor(billed.user("finance"))
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as refused:
        statement_import(actor=finance, company=billed.company, provider="wechatpay", bill_date=today,
                         data=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "交易账单" in str(refused.value.message)
    with pytest.raises(ValidationFailed) as unreadable:
        statement_import(actor=finance, company=billed.company, provider="wechatpay", bill_date=today,
                         data="姓名,电话\n张三,1\n".encode())
    assert "无法读取" in str(unreadable.value.message)
    with pytest.raises(ValidationFailed) as no_account:
        statement_import(actor=finance, company=billed.company, provider="wechatpay", bill_date=today)
    assert "商户号" in str(no_account.value.message)


def test_the_export_has_a_sheet_per_kind_with_amounts_as_numbers(billed, wechat_sim):
    wechat_account(billed.company, wechat_sim)
    shop = Shop(billed, "wechatpay")
    matched, missing_ours, missing_theirs, mismatch = one_of_each(shop, wechat_sim)
    wechat_sim.orders[missing_theirs.out_trade_no]["success_time"] = "2020-01-01T10:00:00+08:00"
    wechat_sim.orders[mismatch.out_trade_no]["total"] = 1450
    finance = Actor(billed.user("finance"))
    statement = statement_import(actor=finance, company=billed.company, provider="wechatpay",
                                 bill_date=timezone.localdate())

    book = load_workbook(io.BytesIO(statement_export(actor=finance, statement=statement)))

    assert book.sheetnames == ["已匹配", "我方缺失", "对方缺失", "金额不符"]
    header = [cell.value for cell in book["已匹配"][1]]
    assert header[:7] == ["类型", "商户订单号", "渠道流水号", "交易时间", "渠道金额（元）", "我方金额（元）", "差额（元）"]
    rows = {name: list(book[name].iter_rows(min_row=2, values_only=True)) for name in book.sheetnames}
    assert [len(rows[name]) for name in book.sheetnames] == [1, 1, 1, 1]
    assert rows["已匹配"][0][:2] == ("收款", matched.out_trade_no)
    assert rows["已匹配"][0][4] == 10 and rows["已匹配"][0][7] == matched.payment.receipt_no
    assert rows["我方缺失"][0][1] == missing_ours.out_trade_no and rows["我方缺失"][0][5] is None
    assert rows["对方缺失"][0][4] is None and rows["对方缺失"][0][5] == 13
    mismatch_row = rows["金额不符"][0]
    assert (mismatch_row[4], mismatch_row[5], mismatch_row[6]) == (14.5, 14, 0.5)
    amount_cell = book["金额不符"].cell(row=2, column=5)
    assert amount_cell.data_type == "n" and amount_cell.number_format == "0.00"


def test_a_refund_on_the_statement_matches_our_refund(billed, alipay_sim):
    alipay_account(billed.company, alipay_sim)
    shop = Shop(billed, "alipay")
    order = shop.order("27.00")
    alipay_sim.pay(order.out_trade_no, notify=False)
    payment = shop.record(order)
    finance = Actor(billed.user("finance"))
    refund = payment_refund_start(actor=finance, payment=payment, reason="重复缴费")
    assert refund.status == "succeeded"

    statement = statement_import(actor=finance, company=billed.company, provider="alipay",
                                 bill_date=timezone.localdate())

    assert (statement.matched, statement.missing_ours, statement.missing_theirs, statement.mismatched) == (2, 0, 0, 0)
    line = statement.items.get(line_kind="refund")
    assert line.their_amount == line.our_amount == D("27.00")
    assert line.payment_id == refund.reversal_id and line.order_id == order.pk
