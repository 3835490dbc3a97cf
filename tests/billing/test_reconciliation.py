"""The 对账 page through Django's test client: who reaches it, an upload reconciled into its four
sections, 补记 behind its confirmation, the export, and the empty and error states."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.billing.models import Payment, PaymentOrder, StatementImport
from linli.billing.simulators.wechatpay import WeChatPaySimulator

D = Decimal


def page_url(tenant):
    return reverse("billing:reconciliation", args=[tenant.community.pk])


def tradebill(rows):
    """A WeChat Pay trade bill with `rows` of (out_trade_no, amount): the simulator's format."""
    sim = WeChatPaySimulator.__new__(WeChatPaySimulator)
    sim.appid, sim.mchid, sim.refunds = "wx1", "19", {}
    today = timezone.localdate()
    sim.orders = {no: {"out_trade_no": no, "transaction_id": f"4200{i:024d}", "total": int(D(amount) * 100),
                       "success_time": f"{today.isoformat()}T10:00:0{i}+08:00", "openid": "o1", "trade_type": "NATIVE",
                       "description": "物业费"} for i, (no, amount) in enumerate(rows)}
    return sim.tradebill(today).encode()


def test_the_page_is_for_finance_and_managers_not_owners_or_cashiers(tenant, login):
    assert login(tenant.user("owner")).get(page_url(tenant)).status_code == 403
    assert login(tenant.user("cashier")).get(page_url(tenant)).status_code == 403
    for role in ("finance", "manager"):
        page = login(tenant.user(role)).get(page_url(tenant))
        assert page.status_code == 200
        text = page.content.decode()
        assert "还没有导入对账单" in text and "暂无导入记录" in text and "下载对账单" in text


def test_the_page_of_another_company_is_not_found(tenants, login):
    tenant, other = tenants
    assert login(other.user("finance")).get(page_url(tenant)).status_code == 404


def test_the_billing_menu_shows_reconciliation_to_finance_only(tenant, login):
    dashboard = reverse("billing:dashboard", args=[tenant.community.pk])
    assert "对账" in login(tenant.user("finance")).get(dashboard).content.decode()
    assert page_url(tenant) not in login(tenant.user("cashier")).get(dashboard).content.decode()


def test_an_upload_is_reconciled_and_a_missing_payment_recorded_once(tenant, login):
    unit = tenant.units[0]
    order = PaymentOrder.objects.create(community=tenant.community, unit=unit, amount=D("27.00"), provider="wechatpay",
                                        out_trade_no="LLPAGE0001")
    client = login(tenant.user("finance"))
    upload = SimpleUploadedFile("tradebill.csv", tradebill([(order.out_trade_no, "27.00"), ("LLSTRANGER", "5.00")]))
    response = client.post(page_url(tenant), {"provider": "wechatpay", "bill_date": timezone.localdate().isoformat(),
                                              "file": upload, "action": "upload"})
    statement = StatementImport.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"?statement={statement.pk}")
    assert statement.missing_ours == 2

    text = client.get(response.url).content.decode()
    for heading in ("已匹配", "我方缺失", "对方缺失", "金额不符", "导入记录", "导出 Excel"):
        assert heading in text
    assert "LLPAGE0001" in text and "确认补记" in text

    item = statement.items.get(out_trade_no="LLPAGE0001")
    record = reverse("billing:statement_item_record", args=[tenant.community.pk, item.pk])
    client.post(record)
    client.post(record)
    assert Payment.objects.filter(method="online").count() == 1
    order.refresh_from_db()
    assert order.status == "paid"
    after = client.get(response.url).content.decode()
    assert "已补记" in after and order.payment.receipt_no in after

    stranger = statement.items.get(out_trade_no="LLSTRANGER")
    refused = client.post(reverse("billing:statement_item_record", args=[tenant.community.pk, stranger.pk]),
                          follow=True).content.decode()
    assert "找不到订单号" in refused

    export = client.get(reverse("billing:statement_export", args=[tenant.community.pk, statement.pk]))
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["已匹配", "我方缺失", "对方缺失", "金额不符"]
    assert book["我方缺失"].max_row == 3


def test_errors_are_shown_in_chinese(tenant, login):
    client = login(tenant.user("finance"))
    day = timezone.localdate().isoformat()
    no_file = client.post(page_url(tenant), {"provider": "wechatpay", "bill_date": day, "action": "upload"},
                          follow=True).content.decode()
    assert "请选择要上传的对账单文件" in no_file
    wrong = SimpleUploadedFile("bill.pdf", b"%PDF-1.4\n\x00\x01binary")
    refused = client.post(page_url(tenant), {"provider": "wechatpay", "bill_date": day, "file": wrong,
                                             "action": "upload"}, follow=True).content.decode()
    assert "请上传微信支付商户平台下载的交易账单" in refused
    no_account = client.post(page_url(tenant), {"provider": "alipay", "bill_date": day, "action": "download"},
                             follow=True).content.decode()
    assert "尚未开通支付宝商户号" in no_account
    with override_settings(LINLI_MAX_IMPORT_MB=0):
        big = SimpleUploadedFile("bill.csv", b"x" * 10)
        too_big = client.post(page_url(tenant), {"provider": "wechatpay", "bill_date": day, "file": big,
                                                 "action": "upload"}, follow=True).content.decode()
    assert "不能超过" in too_big
    assert not StatementImport.objects.exists()


# The owner's order page (paying online) -------------------------------------------------------

def test_an_order_page_is_its_owners_only_and_polls_while_pending(tenant, login):
    order = PaymentOrder.objects.create(community=tenant.community, unit=tenant.units[0], amount=D("27.00"),
                                        provider="sandbox", out_trade_no="LLOWN0001")
    mine = login(tenant.user("owner")).get(reverse("billing:my_order", args=[order.pk]))
    assert mine.status_code == 200
    text = mine.content.decode()
    assert "¥27.00" in text and 'hx-trigger="every 3s"' in text and "billing/pay.js" in text
    for outsider in ("neighbour", "finance"):
        assert login(tenant.user(outsider)).get(reverse("billing:my_order", args=[order.pk])).status_code == 404
        assert login(tenant.user(outsider)).get(
            reverse("billing:my_order_status", args=[order.pk])).status_code == 404
    back = login(tenant.user("owner")).get(reverse("billing:my_order_return") + "?out_trade_no=LLOWN0001")
    assert back.url == reverse("billing:my_order", args=[order.pk])
