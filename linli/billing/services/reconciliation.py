"""Daily reconciliation (对账) of a company's online payments against its providers' statements.

Finance imports a day's statement (downloaded through the company's own merchant account, or a
file it uploads), each line is matched against what Linli recorded for that company, provider and
day, and the result is kept as a StatementImport with one StatementItem a line: 已匹配, 我方缺失
(the provider took money we never recorded), 对方缺失 (we recorded money the provider has not) and
金额不符. A 我方缺失 payment can be recorded from its line (补记), once. The matching itself is
linli.billing.reconciliation's, pure; this module feeds it and keeps its result."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core import exports
from linli.core.audit import audit_record
from linli.core.dates import day_bounds
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.tenancy import CAPABILITIES, Actor
from linli.core.uploads import check_workbook

from ..gateways.alipay import AlipayProvider, alipay_config_for
from ..gateways.wechatpay import WeChatPayProvider, wechatpay_config_for
from ..models import Payment, PaymentOrder, PaymentRefund, StatementImport, StatementItem
from ..reconciliation import PAYMENT, REFUND, RecordedPayment, StatementInvalid, parse_statement, reconcile
from .online import payment_order_settle

# Who reconciles: the roles that may also undo a payment (manager, finance), not the cashier.
RECONCILE_CAPABILITY = "billing.reverse"
PROVIDERS = {"wechatpay": gettext_lazy("微信支付"), "alipay": gettext_lazy("支付宝")}
KIND_LABELS = {
    StatementItem.Kind.MATCHED: gettext_lazy("已匹配"),
    StatementItem.Kind.MISSING_OURS: gettext_lazy("我方缺失"),
    StatementItem.Kind.MISSING_THEIRS: gettext_lazy("对方缺失"),
    StatementItem.Kind.AMOUNT_MISMATCH: gettext_lazy("金额不符"),
}


def may_reconcile(actor: Actor, company) -> bool:
    """Whether the actor reconciles the company's statements: its manager or finance staff."""
    if actor.is_admin:
        return True
    return bool(actor.company_roles.get(getattr(company, "pk", company), set()) & CAPABILITIES[RECONCILE_CAPABILITY])


def _require(actor: Actor, company) -> None:
    if not may_reconcile(actor, company):
        raise PermissionDenied()


def company_provider(company, provider: str):
    """The company's own adapter of `provider` (its MerchantAccount, else the environment's)."""
    if provider == "wechatpay":
        config = wechatpay_config_for(company)
        adapter = WeChatPayProvider
    elif provider == "alipay":
        config = alipay_config_for(company)
        adapter = AlipayProvider
    else:
        raise ValidationFailed(fields={"provider": [_("请选择微信支付或支付宝。")]})
    if not config.complete:
        message = _("本公司尚未开通%(provider)s商户号，无法下载对账单；可以上传从商户平台下载的对账单文件。") % {
            "provider": PROVIDERS[provider]}
        raise ValidationFailed(message, code="provider_unavailable", fields={"provider": [message]})
    return adapter(config)


# Reading an uploaded statement -------------------------------------------------------------

def _limit_bytes() -> int:
    return settings.LINLI_MAX_IMPORT_MB * 1024 * 1024


def check_statement_size(size: int) -> None:
    """An uploaded statement no larger than LINLI_MAX_IMPORT_MB (checked before it is read)."""
    if size > _limit_bytes():
        message = _("对账单文件不能超过 %(mb)s MB。") % {"mb": settings.LINLI_MAX_IMPORT_MB}
        raise ValidationFailed(message, code="file_too_large", fields={"file": [message]})


def _wrong_type(provider: str) -> ValidationFailed:
    if provider == "wechatpay":
        message = _("请上传微信支付商户平台下载的交易账单（CSV 文件）。")
    else:
        message = _("请上传支付宝下载的业务明细对账单（zip 压缩包，或其中的 CSV 文件）。")
    return ValidationFailed(message, code="file_type", fields={"file": [message]})


def _as_text(data: bytes, encodings) -> str | None:
    if b"\x00" in data[:4096]:
        return None  # a binary file, not a CSV
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def uploaded_statement(provider: str, data: bytes) -> bytes:
    """The statement bytes in the form parse_statement reads, checked by size and by content
    (never by the file's name): WeChat Pay's trade bill is a CSV; Alipay's is a zip of GBK CSVs,
    and a CSV taken out of it (GBK or UTF-8) is put back into one."""
    check_statement_size(len(data))
    is_zip = data.startswith(b"PK\x03\x04")
    if provider == "wechatpay":
        if is_zip or _as_text(data, ("utf-8-sig", "gb18030")) is None:
            raise _wrong_type(provider)
        text = _as_text(data, ("utf-8-sig", "gb18030"))
        return text.encode("utf-8")
    if is_zip:
        check_workbook(io.BytesIO(data), advice=_("请上传支付宝原样下载的对账单压缩包。"))
        return data
    text = _as_text(data, ("utf-8-sig", "gb18030"))
    if text is None:
        raise _wrong_type(provider)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("业务明细.csv", text.encode("gb18030"))
    return buffer.getvalue()


# What we recorded --------------------------------------------------------------------------

def _recorded(company, provider: str, bill_date: dt.date, lines) -> list[RecordedPayment]:
    """Our online payments and refunds of the company and provider on the day, and those the
    statement names from other days (paid just before midnight, recorded just after), so that a
    day boundary is not reported as money missing on either side."""
    start, end = day_bounds(bill_date)
    trade_nos = {line.out_trade_no for line in lines if line.kind == PAYMENT}
    refund_nos = {line.out_refund_no for line in lines if line.kind == REFUND}
    orders = (PaymentOrder.objects.filter(provider=provider, community__company=company, payment__isnull=False)
              .filter(Q(payment__received_at__gte=start, payment__received_at__lt=end) | Q(out_trade_no__in=trade_nos))
              .select_related("payment"))
    records = [RecordedPayment(o.out_trade_no, o.payment.amount, PAYMENT, reference=(o.pk, o.payment_id))
               for o in orders]
    refunds = (PaymentRefund.objects.filter(order__provider=provider, order__community__company=company,
                                            status=PaymentRefund.Status.SUCCEEDED)
               .filter(Q(completed_at__gte=start, completed_at__lt=end) | Q(out_refund_no__in=refund_nos))
               .select_related("order"))
    records += [RecordedPayment(r.order.out_trade_no, r.amount, REFUND, out_refund_no=r.out_refund_no,
                                reference=(r.order_id, r.reversal_id or r.payment_id)) for r in refunds]
    return records


def _orders_by_trade_no(company, provider: str, trade_nos) -> dict[str, PaymentOrder]:
    return {o.out_trade_no: o for o in PaymentOrder.objects.filter(
        provider=provider, community__company=company, out_trade_no__in=set(trade_nos))}


def _items(statement: StatementImport, result, orders: dict) -> list[StatementItem]:
    Kind = StatementItem.Kind
    items = []

    def item(kind, *, line=None, record=None):
        source = line or record
        order_id, payment_id = record.reference if record is not None else (None, None)
        if order_id is None and source.out_trade_no in orders:
            order_id = orders[source.out_trade_no].pk
        items.append(StatementItem(
            statement=statement, kind=kind, line_kind=source.kind, out_trade_no=source.out_trade_no,
            provider_trade_no=line.provider_trade_no if line else "", their_amount=line.amount if line else None,
            our_amount=record.amount if record else None, occurred_at=line.time if line else None,
            order_id=order_id, payment_id=payment_id))

    for line, record in result.matched:
        item(Kind.MATCHED, line=line, record=record)
    for line in result.missing_ours:
        item(Kind.MISSING_OURS, line=line)
    for record in result.missing_theirs:
        item(Kind.MISSING_THEIRS, record=record)
    for line, record in result.amount_mismatches:
        item(Kind.AMOUNT_MISMATCH, line=line, record=record)
    return items


def statement_import(*, actor: Actor, company, provider: str, bill_date: dt.date,
                     data: bytes | None = None) -> StatementImport:
    """Import and reconcile the company's statement of `provider` for `bill_date`: downloaded
    through the company's merchant account when `data` is None, else the uploaded file's bytes.
    Importing a day again replaces that day's items (a 补记 since then now matches)."""
    _require(actor, company)
    if provider not in PROVIDERS:
        raise ValidationFailed(fields={"provider": [_("请选择微信支付或支付宝。")]})
    if bill_date >= timezone.localdate() + dt.timedelta(days=1):
        raise ValidationFailed(fields={"bill_date": [_("对账日期不能晚于今天。")]})
    if data is None:
        source = StatementImport.Source.DOWNLOAD
        raw = company_provider(company, provider).download_statement(bill_date)
    else:
        source = StatementImport.Source.UPLOAD
        raw = uploaded_statement(provider, data)
    try:
        lines = parse_statement(provider, raw)
    except StatementInvalid as exc:
        message = _("无法读取该对账单：它不是%(provider)s的交易账单，或格式已变化。") % {"provider": PROVIDERS[provider]}
        raise ValidationFailed(message, code="statement_invalid", fields={"file": [message]}) from exc
    result = reconcile(lines, _recorded(company, provider, bill_date, lines))
    orders = _orders_by_trade_no(company, provider, [line.out_trade_no for line in result.missing_ours])
    with transaction.atomic():
        statement, created = StatementImport.objects.select_for_update().get_or_create(
            company=company, provider=provider, bill_date=bill_date,
            defaults={"source": source, "imported_by": actor.user if actor.is_authenticated else None})
        if not created:
            statement.items.all().delete()  # the import's own working list, not a financial record
            statement.source = source
            statement.imported_by = actor.user if actor.is_authenticated else None
            statement.created_at = timezone.now()
        statement.matched, statement.missing_ours = len(result.matched), len(result.missing_ours)
        statement.missing_theirs, statement.mismatched = len(result.missing_theirs), len(result.amount_mismatches)
        statement.save()
        StatementItem.objects.bulk_create(_items(statement, result, orders))
        audit_record(actor=actor, action="statement.import", target=statement, data={
            "company": company.pk, "provider": provider, "bill_date": bill_date.isoformat(), "source": source,
            "lines": len(lines), "matched": statement.matched, "missing_ours": statement.missing_ours,
            "missing_theirs": statement.missing_theirs, "mismatched": statement.mismatched})
    return statement


# 补记 ----------------------------------------------------------------------------------------

def statement_item_record(*, actor: Actor, item: StatementItem) -> Payment:
    """Record the payment a 我方缺失 line shows the provider took, for the order the line names,
    through the path a notification takes (payment_order_settle: the order's idempotency key, its
    amount checked). Pressed again (or once the notification has arrived after all), it records
    nothing new and returns the same payment."""
    statement = item.statement
    _require(actor, statement.company)
    if item.kind != StatementItem.Kind.MISSING_OURS or item.line_kind != StatementItem.LineKind.PAYMENT:
        raise ValidationFailed(_("只有“我方缺失”的收款可以补记。"), code="not_recordable")
    with transaction.atomic():
        item = StatementItem.objects.select_for_update().select_related("statement").get(pk=item.pk)
        if item.resolved_payment_id:
            return item.resolved_payment
        order = (PaymentOrder.objects.select_for_update().select_related("unit__community")
                 .filter(out_trade_no=item.out_trade_no, provider=statement.provider,
                         community__company_id=statement.company_id).first())
        if order is None:
            raise ValidationFailed(_("找不到订单号 %(no)s 对应的缴费订单，无法补记；请与支付渠道核实后线下处理。")
                                   % {"no": item.out_trade_no}, code="unknown_order")
        if item.their_amount != order.amount:
            raise Conflict(_("对账单金额 %(theirs)s 元与订单金额 %(ours)s 元不符，不能补记。")
                           % {"theirs": item.their_amount, "ours": order.amount}, code="amount_mismatch")
        if order.payment_id is None:  # else its notification or a query came in after all
            order = payment_order_settle(order=order, amount=item.their_amount, provider_trade_no=item.provider_trade_no,
                                         paid_at=item.occurred_at, actor=actor, via="statement")
        payment = order.payment
        item.resolved_payment, item.order = payment, order
        item.resolved_by = actor.user if actor.is_authenticated else None
        item.save(update_fields=["resolved_payment", "order", "resolved_by"])
        audit_record(actor=actor, action="statement_item.record", target=item, community_id=order.community_id,
                     data={"statement": statement.pk, "out_trade_no": order.out_trade_no, "order": order.pk,
                           "payment": payment.pk, "receipt_no": payment.receipt_no, "amount": order.amount,
                           "provider_trade_no": item.provider_trade_no})
    return payment


# Export ------------------------------------------------------------------------------------

HEADER = ["类型", "商户订单号", "渠道流水号", "交易时间", "渠道金额（元）", "我方金额（元）", "差额（元）", "收据号", "补记收据号"]


def _row(item: StatementItem) -> list:
    moment = timezone.localtime(item.occurred_at).strftime("%Y-%m-%d %H:%M:%S") if item.occurred_at else ""
    difference = (item.their_amount - item.our_amount
                  if item.their_amount is not None and item.our_amount is not None else None)
    return [item.get_line_kind_display(), item.out_trade_no, item.provider_trade_no, moment,
            _two(item.their_amount), _two(item.our_amount), _two(difference),
            item.payment.receipt_no if item.payment_id else "",
            item.resolved_payment.receipt_no if item.resolved_payment_id else ""]


def _two(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else Decimal(amount).quantize(Decimal("0.01"))


def statement_export(*, actor: Actor, statement: StatementImport) -> bytes:
    """The reconciliation as an .xlsx: a sheet per kind (已匹配, 我方缺失, 对方缺失, 金额不符),
    amounts as numbers with two decimals, Chinese headers."""
    _require(actor, statement.company)
    items = list(statement.items.select_related("payment", "resolved_payment").order_by("id"))
    sheets = [(str(label), HEADER, [_row(i) for i in items if i.kind == kind]) for kind, label in KIND_LABELS.items()]
    return exports.xlsx(sheets)
