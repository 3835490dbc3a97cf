"""Daily reconciliation (对账): a provider's statement against the payments we recorded.

Pure functions on plain data, so the same code serves an import by finance, a nightly job and
tests. A statement line and a record are the same trade when kind and numbers agree: a payment by
its out_trade_no, a refund by its out_refund_no."""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")  # both providers write their statements in Beijing time
PAYMENT, REFUND = "payment", "refund"


class StatementInvalid(ValueError):
    """Not a statement this module can read (wrong file, or a format the provider changed)."""


@dataclass(frozen=True)
class StatementLine:
    out_trade_no: str
    provider_trade_no: str
    amount: Decimal  # yuan, positive for refunds too: `kind` says which way the money went
    kind: str
    time: datetime | None
    out_refund_no: str = ""


@dataclass(frozen=True)
class RecordedPayment:
    """One online payment or refund as Linli recorded it."""

    out_trade_no: str
    amount: Decimal
    kind: str = PAYMENT
    out_refund_no: str = ""
    reference: object = None  # the caller's own handle (a Payment id, say), passed through untouched


@dataclass
class Reconciliation:
    matched: list[tuple[StatementLine, RecordedPayment]] = field(default_factory=list)
    missing_ours: list[StatementLine] = field(default_factory=list)  # they took money, we recorded nothing
    missing_theirs: list[RecordedPayment] = field(default_factory=list)  # we recorded, they have nothing
    amount_mismatches: list[tuple[StatementLine, RecordedPayment]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing_ours or self.missing_theirs or self.amount_mismatches)


def _key(kind: str, out_trade_no: str, out_refund_no: str) -> tuple:
    return (kind, out_refund_no) if kind == REFUND else (kind, out_trade_no)


def reconcile(lines: list[StatementLine], records: list[RecordedPayment]) -> Reconciliation:
    result = Reconciliation()
    ours: dict[tuple, RecordedPayment] = {}
    for record in records:
        ours[_key(record.kind, record.out_trade_no, record.out_refund_no)] = record
    for line in lines:
        record = ours.pop(_key(line.kind, line.out_trade_no, line.out_refund_no), None)
        if record is None:
            result.missing_ours.append(line)
        elif record.amount == line.amount:
            result.matched.append((line, record))
        else:
            result.amount_mismatches.append((line, record))
    result.missing_theirs.extend(ours.values())
    return result


def _amount(text: str) -> Decimal:
    try:
        return abs(Decimal(text.strip() or "0")).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise StatementInvalid(f"not an amount: {text!r}") from exc


def _time(text: str) -> datetime | None:
    text = text.strip()[:19]
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING) if text else None


def parse_wechatpay_tradebill(data: bytes | str) -> list[StatementLine]:
    """A WeChat Pay trade bill (交易账单, bill_type ALL): a header row, one row per payment or
    refund with every field prefixed by ` (so spreadsheets keep long numbers), then two summary rows.
    Columns are found by name: WeChat says their order may change."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or "商户订单号" not in rows[0]:
        raise StatementInvalid("no trade bill header")
    column = {name: index for index, name in enumerate(rows[0])}
    needed = ("交易时间", "微信订单号", "商户订单号", "交易状态", "订单金额", "商户退款单号", "申请退款金额")
    if any(name not in column for name in needed):
        raise StatementInvalid("trade bill header lacks a column")
    lines = []
    for row in rows[1:]:
        if row and row[0].startswith("总交易单数"):
            break  # the summary starts here
        if not row:
            continue
        value = {name: row[column[name]].lstrip("`").strip() for name in needed}
        refund = value["交易状态"] == "REFUND"
        lines.append(StatementLine(
            out_trade_no=value["商户订单号"], provider_trade_no=value["微信订单号"],
            amount=_amount(value["申请退款金额"] if refund else value["订单金额"]), kind=REFUND if refund else PAYMENT,
            time=_time(value["交易时间"]), out_refund_no=value["商户退款单号"] if refund else ""))
    return lines


def parse_alipay_bill(data: bytes) -> list[StatementLine]:
    """An Alipay trade bill as downloaded: a zip of GBK CSV files, of which the detail file
    (业务明细) has a table between comment lines; refunds carry negative amounts."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        texts = [archive.read(name).decode("gbk") for name in archive.namelist()]
    except (zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise StatementInvalid("not an Alipay bill archive") from exc
    # Entry names are GBK without the zip's UTF-8 flag, so the detail file is found by its header.
    for text in texts:
        rows = [row for row in csv.reader(io.StringIO(text)) if row and not row[0].startswith("#")]
        if rows and rows[0][0].strip() == "支付宝交易号":
            break
    else:
        raise StatementInvalid("no 业务明细 table in the archive")
    column = {name.strip(): index for index, name in enumerate(rows[0])}
    needed = ("支付宝交易号", "商户订单号", "业务类型", "完成时间", "订单金额（元）", "退款批次号/请求号")
    if any(name not in column for name in needed):
        raise StatementInvalid("业务明细 header lacks a column")
    lines = []
    for row in rows[1:]:
        value = {name: row[column[name]].strip() for name in needed}
        refund = value["业务类型"] == "退款"
        lines.append(StatementLine(
            out_trade_no=value["商户订单号"], provider_trade_no=value["支付宝交易号"],
            amount=_amount(value["订单金额（元）"]), kind=REFUND if refund else PAYMENT, time=_time(value["完成时间"]),
            # A refund asked without a request number has the trade's number as its own (Alipay's rule).
            out_refund_no=(value["退款批次号/请求号"] or value["商户订单号"]) if refund else ""))
    return lines


PARSERS = {"wechatpay": parse_wechatpay_tradebill, "alipay": parse_alipay_bill}


def parse_statement(provider: str, data: bytes) -> list[StatementLine]:
    """The lines of a statement as download_statement returned it (or finance uploaded it)."""
    if provider not in PARSERS:
        raise StatementInvalid(f"no statement format for {provider!r}")
    return PARSERS[provider](data)
