"""An Alipay open-platform gateway on loopback (RSA2, public key mode).

It verifies the `sign` of each request with the app's public key (every parameter but `sign`,
sorted, key=value joined by &), answers `{"<method>_response": {...}, "sign": ...}` signed over the
node's exact text with the Alipay key, and notifies by a signed form POST (signed over every field
but sign and sign_type) — as the real one. A QR order exists at Alipay only once scanned."""

import base64
import io
import json
import secrets
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode

from ..gateways import from_yuan_text, to_yuan_text
from ..gateways.alipay import BEIJING, AlipayConfig, beijing_time
from . import KeyPair, Request, Simulator, pay_page, write_pem

MAX_CLOCK_SKEW = timedelta(minutes=15)
BILL_HEADER = ("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
               "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,"
               "商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注")


def signing_string(params: dict, *, exclude=("sign",)) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in exclude and v != "")


class AlipaySimulator(Simulator):
    def __init__(self, *, appid: str = "2021000000000001", seller_id: str = "2088000000000001",
                 keys: tuple[KeyPair, KeyPair] | None = None):
        """`keys`: the application's and Alipay's pairs, made fresh unless given (tests share them)."""
        super().__init__()
        self.appid, self.seller_id = appid, seller_id
        self.app, self.alipay = keys or (KeyPair(), KeyPair())
        self.orders: dict[str, dict] = {}
        self.bills: dict[str, bytes] = {}

    def merchant_config(self, directory) -> AlipayConfig:
        return AlipayConfig(appid=self.appid, seller_id=self.seller_id,
                            private_key=write_pem(directory, "alipay_app_private_key.pem", self.app.private_pem),
                            public_key=write_pem(directory, "alipay_public_key.pem", self.alipay.public_pem),
                            gateway=f"{self.base_url}/gateway.do")

    def sign(self, text: str, *, forge: bool = False) -> str:
        return base64.b64encode((self.stranger if forge else self.alipay).sign(text.encode())).decode()

    def _answer(self, method: str, node: dict, *, signed: bool = True):
        key = method.replace(".", "_") + "_response"
        text = json.dumps(node, ensure_ascii=False, separators=(",", ":"))
        raw = f'{{"{key}":{text}' + (f',"sign":"{self.sign(text)}"}}' if signed else "}")
        return 200, {"Content-Type": "application/json;charset=utf-8"}, raw.encode()

    def _fail(self, method: str, sub_code: str, sub_msg: str, code: str = "40004"):
        return self._answer(method, {"code": code, "msg": "Business Failed", "sub_code": sub_code, "sub_msg": sub_msg})

    def _request_error(self, params: dict) -> str:
        if params.get("app_id") != self.appid or params.get("sign_type") != "RSA2":
            return "isv.invalid-app-id"
        try:
            sent = datetime.strptime(params.get("timestamp", ""), "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
            signature = base64.b64decode(params.get("sign", ""))
        except ValueError:
            return "isv.invalid-timestamp"
        if abs(datetime.now(BEIJING) - sent) > MAX_CLOCK_SKEW:
            return "isv.invalid-timestamp"
        if not self.app.verify(signature, signing_string(params).encode()):
            return "isv.invalid-signature"
        return ""

    # The gateway ------------------------------------------------------------------------------

    def handle(self, request: Request):
        if request.route.startswith("/_sim/pay/"):
            return self._payer_page(request)
        if request.route.startswith("/_sim/bill/") and request.route.rsplit("/", 1)[1] in self.bills:
            return 200, {"Content-Type": "application/zip"}, self.bills[request.route.rsplit("/", 1)[1]]
        if request.route != "/gateway.do":
            return 404, {"Content-Type": "text/plain"}, b"not found"
        params = {**request.query, **dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))}
        method = params.get("method", "")
        if error := self._request_error(params):
            return self._answer(method, {"code": "40002", "msg": "Invalid Arguments", "sub_code": error}, signed=False)
        biz = json.loads(params.get("biz_content") or "{}")
        with self.lock:
            if method in ("alipay.trade.precreate", "alipay.trade.wap.pay"):
                return self._create(method, biz, params)
            if method == "alipay.data.dataservice.bill.downloadurl.query":
                token = secrets.token_urlsafe(12)
                self.bills[token] = self.bill_zip(date.fromisoformat(biz["bill_date"]))
                return self._answer(method, {"code": "10000", "msg": "Success",
                                             "bill_download_url": f"{self.base_url}/_sim/bill/{token}"})
            order = self.orders.get(biz.get("out_trade_no", ""))
            if order is None or not order["visible"]:
                return self._fail(method, "ACQ.TRADE_NOT_EXIST", "交易不存在")
            if method == "alipay.trade.query":
                return self._answer(method, {"code": "10000", "msg": "Success", **self._trade(order),
                                             "send_pay_date": order["gmt_payment"]})
            if method == "alipay.trade.close":
                if order["trade_status"] != "WAIT_BUYER_PAY":
                    return self._fail(method, "ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
                order["trade_status"] = "TRADE_CLOSED"
                return self._answer(method, {"code": "10000", "msg": "Success", "trade_no": order["trade_no"],
                                             "out_trade_no": order["out_trade_no"]})
            if method == "alipay.trade.refund":
                return self._refund(method, order, biz)
        return self._fail(method, "isv.invalid-method", "不存在的方法名", code="40002")

    def _create(self, method: str, biz: dict, params: dict):
        out_trade_no = biz["out_trade_no"]
        if out_trade_no in self.orders and self.orders[out_trade_no]["trade_status"] != "WAIT_BUYER_PAY":
            return self._fail(method, "ACQ.TRADE_HAS_SUCCESS", "交易已被支付")
        self.orders.setdefault(out_trade_no, {
            "out_trade_no": out_trade_no, "total": from_yuan_text(biz["total_amount"]), "subject": biz["subject"],
            "notify_url": params.get("notify_url", ""), "trade_status": "WAIT_BUYER_PAY",
            "trade_no": f"{datetime.now(BEIJING):%Y%m%d}2200{secrets.randbelow(10**14):014d}",
            "gmt_create": beijing_time(), "gmt_payment": "", "refunds": [],
            # A QR order becomes a trade when scanned; an H5 one when the payer reaches the cashier.
            "visible": method == "alipay.trade.wap.pay"})
        if method == "alipay.trade.wap.pay":  # the payer's browser has arrived at the cashier
            order = self.orders[out_trade_no]
            return 200, {"Content-Type": "text/html; charset=utf-8"}, pay_page(
                "支付宝", to_yuan_text(order["total"]), f"/_sim/pay/{out_trade_no}")
        return self._answer(method, {"code": "10000", "msg": "Success", "out_trade_no": out_trade_no,
                                     "qr_code": f"{self.base_url}/_sim/pay/{out_trade_no}"})

    def _trade(self, order: dict) -> dict:
        return {"trade_no": order["trade_no"], "out_trade_no": order["out_trade_no"],
                "trade_status": order["trade_status"], "total_amount": to_yuan_text(order["total"]),
                "buyer_logon_id": "own***@example.com"}

    def _refund(self, method: str, order: dict, biz: dict):
        if order["trade_status"] not in ("TRADE_SUCCESS",):
            return self._fail(method, "ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
        amount = from_yuan_text(biz["refund_amount"])
        done = {r["out_request_no"]: r for r in order["refunds"]}
        refunded = sum((r["amount"] for r in order["refunds"]), Decimal("0.00"))
        fund_change = "N"
        request_no = biz.get("out_request_no") or order["out_trade_no"]  # Alipay's own default
        if request_no not in done:
            if refunded + amount > order["total"]:
                return self._fail(method, "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限")
            order["refunds"].append({"out_request_no": request_no, "amount": amount,
                                     "time": datetime.now(BEIJING), "notified": False})
            refunded, fund_change = refunded + amount, "Y"
            if refunded == order["total"]:
                order["trade_status"] = "TRADE_CLOSED"
        return self._answer(method, {"code": "10000", "msg": "Success", "trade_no": order["trade_no"],
                                     "out_trade_no": order["out_trade_no"], "fund_change": fund_change,
                                     "refund_fee": to_yuan_text(refunded), "gmt_refund_pay": beijing_time()})

    # The payer and the notifications (commands for tests and the demo) -----------------------------

    def _payer_page(self, request: Request):
        out_trade_no = request.route.rsplit("/", 1)[1]
        with self.lock:
            order = self.orders.get(out_trade_no)
            if order is None:
                return 404, {"Content-Type": "text/plain"}, b"no such order"
            order["visible"] = True  # scanned
        if request.method == "POST":
            self.pay(out_trade_no)
            return 200, {"Content-Type": "text/html; charset=utf-8"}, pay_page("支付成功", to_yuan_text(order["total"]), "#")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, pay_page("支付宝", to_yuan_text(order["total"]),
                                                                          request.route)

    def pay(self, out_trade_no: str, *, notify: bool = True, duplicates: int = 0, total: Decimal | None = None,
            forge: bool = False) -> list:
        """The payer pays; then the notification: none when `notify` is off (late: only a query
        finds it), `duplicates` more times, with another `total`, or signed with a wrong key (`forge`)."""
        with self.lock:
            order = self.orders[out_trade_no]
            if order["trade_status"] == "WAIT_BUYER_PAY":
                order.update(trade_status="TRADE_SUCCESS", visible=True, gmt_payment=beijing_time())
            amount = to_yuan_text(total if total is not None else order["total"])
            fields = {**self._trade(order), "total_amount": amount, "receipt_amount": amount,
                      "buyer_pay_amount": amount, "subject": order["subject"], "gmt_create": order["gmt_create"],
                      "gmt_payment": order["gmt_payment"]}
        if not notify:
            return []
        return [self.notify(order["notify_url"], fields, forge=forge) for _ in range(1 + duplicates)]

    def notify_refund(self, out_trade_no: str, out_request_no: str) -> list:
        """Alipay's notification that a refund went through (trade_status stays TRADE_SUCCESS for a
        partial refund, TRADE_CLOSED for a full one); refund_fee is the trade's refunds so far."""
        with self.lock:
            order = self.orders[out_trade_no]
            refund = next(r for r in order["refunds"] if r["out_request_no"] == out_request_no)
            total = sum((r["amount"] for r in order["refunds"]), Decimal("0.00"))
            fields = {**self._trade(order), "out_biz_no": out_request_no, "refund_fee": to_yuan_text(total),
                      "gmt_refund": refund["time"].strftime("%Y-%m-%d %H:%M:%S.000"),
                      "gmt_payment": order["gmt_payment"]}
        return [self.notify(order["notify_url"], fields)]

    def notification(self, fields: dict, *, forge: bool = False) -> tuple[bytes, dict]:
        params = {"notify_time": beijing_time(), "notify_type": "trade_status_sync",
                  "notify_id": secrets.token_hex(16), "app_id": self.appid, "seller_id": self.seller_id,
                  "buyer_id": "2088102122524333", "charset": "utf-8", "version": "1.0", "sign_type": "RSA2", **fields}
        params["sign"] = self.sign(signing_string(params, exclude=("sign", "sign_type")), forge=forge)
        return urlencode(params).encode(), {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}

    def notify(self, url: str, fields: dict, **kwargs):
        body, headers = self.notification(fields, **kwargs)
        return self.deliver(url, body, headers)

    # Statements ------------------------------------------------------------------------------------

    def bill_csv(self, bill_date: date) -> str:
        """The day's 业务明细 as Alipay writes it: comment lines around a table, ids tab-padded."""
        rows, paid, refunded = [], [], []
        for order in self.orders.values():
            if order["gmt_payment"][:10] == bill_date.isoformat():
                paid.append(order["total"])
                rows.append([order["trade_no"] + "\t", order["out_trade_no"] + "\t", "交易", order["subject"],
                             order["gmt_create"], order["gmt_payment"], "", "", "", "", "own***@example.com",
                             to_yuan_text(order["total"]), to_yuan_text(order["total"]), "0.00", "0.00", "0.00",
                             "0.00", "0.00", "", "0.00", "0.00", "", "0.00", "0.00", ""])
            for refund in order["refunds"]:
                if refund["time"].date() == bill_date:
                    refunded.append(refund["amount"])
                    stamp = refund["time"].strftime("%Y-%m-%d %H:%M:%S")
                    rows.append([order["trade_no"] + "\t", order["out_trade_no"] + "\t", "退款", order["subject"],
                                 order["gmt_create"], stamp, "", "", "", "", "own***@example.com",
                                 to_yuan_text(-refund["amount"]), to_yuan_text(-refund["amount"]), "0.00", "0.00",
                                 "0.00", "0.00", "0.00", "", "0.00", "0.00", refund["out_request_no"] + "\t", "0.00",
                                 "0.00", ""])
        day = f"{bill_date:%Y年%m月%d日}"
        lines = ["#支付宝业务明细查询", f"#账号：[{self.seller_id}0156]",
                 f"#起始日期：[{day} 00:00:00]   终止日期：[{bill_date + timedelta(days=1):%Y年%m月%d日} 00:00:00]",
                 "#-----------------------------------------业务明细列表----------------------------------------",
                 BILL_HEADER, *(",".join(row) for row in rows),
                 "#-----------------------------------------业务明细列表结束------------------------------------",
                 f"#交易合计：{len(paid)}笔，商家实收共{to_yuan_text(sum(paid, Decimal('0.00')))}元",
                 f"#退款合计：{len(refunded)}笔，商家实收退款共{to_yuan_text(-sum(refunded, Decimal('0.00')))}元",
                 f"#导出时间：[{datetime.now(BEIJING):%Y年%m月%d日 %H:%M:%S}]"]
        return "\r\n".join(lines) + "\r\n"

    def bill_zip(self, bill_date: date) -> bytes:
        """A zip of the detail and summary files, GBK-encoded, as the download URL serves it."""
        stem = f"{self.seller_id}0156_{bill_date:%Y%m%d}"
        summary = "#支付宝业务汇总查询\r\n门店编号,门店名称,交易订单总笔数,退款订单总笔数\r\n"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{stem}_业务明细.csv", self.bill_csv(bill_date).encode("gbk"))
            archive.writestr(f"{stem}_业务明细(汇总).csv", summary.encode("gbk"))
        return buffer.getvalue()
