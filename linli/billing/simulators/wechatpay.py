"""A WeChat Pay API v3 gateway on loopback (direct merchant, platform public key mode).

It checks each request's `Authorization: WECHATPAY2-SHA256-RSA2048 ...` against the merchant's
public key, signs every answer with the platform key (Wechatpay-Signature over "ts\\nnonce\\nbody\\n"),
and notifies with the resource encrypted by AES-256-GCM under the API v3 key — as the real one."""

import base64
import gzip
import hashlib
import json
import re
import secrets
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..gateways.wechatpay import WeChatPayConfig
from . import KeyPair, Request, Simulator, pay_page, write_pem

BEIJING = ZoneInfo("Asia/Shanghai")
AUTH = re.compile(r'(\w+)="([^"]*)"')
BILL_HEADER = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
               "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,"
               "商户数据包,手续费,费率,订单金额,申请退款金额,费率备注")
BILL_SUMMARY = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


class WeChatPaySimulator(Simulator):
    def __init__(self, *, mchid: str = "1900000109", appid: str = "wxd678efh567hg6787",
                 keys: tuple[KeyPair, KeyPair] | None = None):
        """`keys`: the merchant's and the platform's pairs, made fresh unless given (tests share them)."""
        super().__init__()
        self.mchid, self.appid = mchid, appid
        self.merchant, self.platform = keys or (KeyPair(), KeyPair())
        self.cert_serial = secrets.token_hex(20).upper()
        self.public_key_id = f"PUB_KEY_ID_{secrets.randbelow(10**20):020d}"
        self.apiv3_key = secrets.token_hex(16)  # 32 ASCII characters: the key's 32 bytes
        self.orders: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.bills: dict[str, bytes] = {}

    def merchant_config(self, directory) -> WeChatPayConfig:
        """The configuration a merchant would enter, pointing at this simulator."""
        return WeChatPayConfig(
            mchid=self.mchid, appid=self.appid, apiv3_key=self.apiv3_key,
            private_key=write_pem(directory, "wechatpay_merchant_key.pem", self.merchant.private_pem),
            cert_serial=self.cert_serial, public_key_id=self.public_key_id,
            public_key=write_pem(directory, "wechatpay_platform_public_key.pem", self.platform.public_pem),
            api_base=self.base_url)

    # Signatures -----------------------------------------------------------------------------

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        scheme, _, rest = header.partition(" ")
        fields = dict(AUTH.findall(rest))
        if scheme != "WECHATPAY2-SHA256-RSA2048" or fields.get("mchid") != self.mchid:
            return False
        if fields.get("serial_no") != self.cert_serial or abs(time.time() - int(fields.get("timestamp") or 0)) > 300:
            return False
        message = (f"{request.method}\n{request.path}\n{fields['timestamp']}\n{fields.get('nonce_str', '')}\n"
                   f"{request.body.decode()}\n").encode()
        try:
            signature = base64.b64decode(fields.get("signature", ""))
        except ValueError:
            return False
        return self.merchant.verify(signature, message)

    def signed_headers(self, body: bytes, *, timestamp: int | None = None, forge: bool = False) -> dict:
        """Wechatpay-* headers for a body; `forge` signs with a key that is not the platform's."""
        stamp, nonce = str(timestamp or int(time.time())), secrets.token_hex(16)
        key = self.stranger if forge else self.platform
        signature = key.sign(f"{stamp}\n{nonce}\n{body.decode()}\n".encode())
        return {"Wechatpay-Timestamp": stamp, "Wechatpay-Nonce": nonce, "Wechatpay-Serial": self.public_key_id,
                "Wechatpay-Signature": base64.b64encode(signature).decode(),
                "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048", "Request-ID": secrets.token_hex(8)}

    def _json(self, status: int, data: dict | None) -> tuple[int, dict, bytes]:
        body = json.dumps(data, ensure_ascii=False).encode() if data is not None else b""
        return status, {"Content-Type": "application/json", **self.signed_headers(body)}, body

    def _error(self, status: int, code: str, message: str):
        return self._json(status, {"code": code, "message": message})

    # The API ---------------------------------------------------------------------------------

    def handle(self, request: Request):
        if request.route.startswith("/_sim/pay/"):
            return self._payer_page(request)
        if not self._authorized(request):
            return self._error(401, "SIGN_ERROR", "签名错误")
        route, method = request.route, request.method
        with self.lock:
            if method == "POST" and route in ("/v3/pay/transactions/native", "/v3/pay/transactions/jsapi"):
                return self._create(route.rsplit("/", 1)[1].upper(), json.loads(request.body))
            if match := re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)(/close)?", route):
                order = self.orders.get(match[1])
                if order is None:
                    return self._error(404, "ORDER_NOT_EXIST", "订单不存在")
                if not match[2]:
                    return self._json(200, self.transaction(order))
                if order["trade_state"] in ("SUCCESS", "REFUND"):
                    return self._error(400, "ORDERPAID", "订单已支付")
                order["trade_state"] = "CLOSED"
                return self._json(204, None)
            if method == "POST" and route == "/v3/refund/domestic/refunds":
                return self._refund(json.loads(request.body))
            if route == "/v3/bill/tradebill":
                return self._tradebill(request.query)
            if route == "/v3/billdownload/file" and request.query.get("token") in self.bills:
                return 200, {"Content-Type": "application/octet-stream"}, self.bills[request.query["token"]]
        return self._error(404, "RESOURCE_NOT_EXISTS", "无此接口")

    def _create(self, trade_type: str, data: dict):
        if data.get("mchid") != self.mchid or data.get("appid") != self.appid:
            return self._error(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")
        total = data.get("amount", {}).get("total")
        if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
            return self._error(400, "PARAM_ERROR", "amount.total 必须为正整数（分）")
        if trade_type == "JSAPI" and not data.get("payer", {}).get("openid"):
            return self._error(400, "PARAM_ERROR", "缺少 payer.openid")
        out_trade_no = data["out_trade_no"]
        order = self.orders.get(out_trade_no)
        if order and order["trade_state"] != "NOTPAY":
            return self._error(400, "ORDERPAID" if order["trade_state"] == "SUCCESS" else "ORDER_CLOSED", "订单状态不可下单")
        if not order:
            order = self.orders[out_trade_no] = {
                "out_trade_no": out_trade_no, "total": total, "trade_type": trade_type, "trade_state": "NOTPAY",
                "notify_url": data["notify_url"], "description": data.get("description", ""),
                "openid": data.get("payer", {}).get("openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
                "prepay_id": f"wx{secrets.token_hex(16)}", "transaction_id": "", "success_time": ""}
        if trade_type == "NATIVE":
            return self._json(200, {"code_url": f"{self.base_url}/_sim/pay/{out_trade_no}"})
        return self._json(200, {"prepay_id": order["prepay_id"]})

    def transaction(self, order: dict, *, total: int | None = None) -> dict:
        """The transaction object of queries and notifications; `total` overrides the amount."""
        data = {"mchid": self.mchid, "appid": self.appid, "out_trade_no": order["out_trade_no"],
                "trade_type": order["trade_type"], "trade_state": order["trade_state"], "trade_state_desc": "",
                "payer": {"openid": order["openid"]},
                "amount": {"total": total or order["total"], "currency": "CNY"}}
        if order["transaction_id"]:
            data.update(transaction_id=order["transaction_id"], success_time=order["success_time"],
                        bank_type="OTHERS", amount={**data["amount"], "payer_total": total or order["total"],
                                                    "payer_currency": "CNY"})
        return data

    def _refund(self, data: dict):
        order = self.orders.get(data.get("out_trade_no", ""))
        if order is None or order["trade_state"] not in ("SUCCESS", "REFUND"):
            return self._error(404, "RESOURCE_NOT_EXISTS", "订单不存在或未支付")
        amount = data["amount"]
        refunded = sum(r["refund"] for r in self.refunds.values() if r["out_trade_no"] == order["out_trade_no"])
        if amount["total"] != order["total"] or amount["refund"] + refunded > order["total"]:
            return self._error(400, "PARAM_ERROR", "退款金额不正确")
        refund = self.refunds.get(data["out_refund_no"])
        if refund is None:
            refund = self.refunds[data["out_refund_no"]] = {
                "refund_id": f"5030{secrets.randbelow(10**24):024d}", "out_refund_no": data["out_refund_no"],
                "out_trade_no": order["out_trade_no"], "transaction_id": order["transaction_id"],
                "refund": amount["refund"], "status": "PROCESSING", "notify_url": data.get("notify_url", ""),
                "time": datetime.now(BEIJING)}
            order["trade_state"] = "REFUND"
        return self._json(200, self._refund_object(refund))

    def _refund_object(self, refund: dict) -> dict:
        order = self.orders[refund["out_trade_no"]]
        return {"refund_id": refund["refund_id"], "out_refund_no": refund["out_refund_no"],
                "transaction_id": refund["transaction_id"], "out_trade_no": refund["out_trade_no"],
                "channel": "ORIGINAL", "user_received_account": "支付用户零钱", "status": refund["status"],
                "create_time": refund["time"].isoformat(timespec="seconds"),
                "amount": {"total": order["total"], "refund": refund["refund"], "payer_total": order["total"],
                           "payer_refund": refund["refund"], "currency": "CNY"}}

    # The payer and the notifications (commands for tests and the demo) ------------------------------

    def _payer_page(self, request: Request):
        out_trade_no = request.route.rsplit("/", 1)[1]
        order = self.orders.get(out_trade_no)
        if order is None:
            return 404, {"Content-Type": "text/plain"}, b"no such order"
        if request.method == "POST":
            self.pay(out_trade_no)
            return 200, {"Content-Type": "text/html; charset=utf-8"}, pay_page("支付成功", _yuan(order["total"]), "#")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, pay_page("微信支付", _yuan(order["total"]),
                                                                          request.route)

    def pay(self, out_trade_no: str, *, notify: bool = True, duplicates: int = 0, total: int | None = None,
            forge: bool = False, timestamp: int | None = None) -> list:
        """The payer pays. Then the notification: none when `notify` is off (a late one: only a
        query finds the payment), repeated `duplicates` more times, with another amount in fen
        (`total`), signed with a wrong key (`forge`), or with an old `timestamp`."""
        with self.lock:
            order = self.orders[out_trade_no]
            if order["trade_state"] == "NOTPAY":
                order.update(trade_state="SUCCESS", transaction_id=f"4200{secrets.randbelow(10**24):024d}",
                             success_time=datetime.now(BEIJING).isoformat(timespec="seconds"))
            resource = self.transaction(order, total=total)
        if not notify:
            return []
        return [self.notify(order["notify_url"], "TRANSACTION.SUCCESS", "transaction", resource,
                            forge=forge, timestamp=timestamp) for _ in range(1 + duplicates)]

    def complete_refund(self, out_refund_no: str, *, succeed: bool = True, notify: bool = True) -> list:
        with self.lock:
            refund = self.refunds[out_refund_no]
            refund["status"] = "SUCCESS" if succeed else "ABNORMAL"
            resource = {**self._refund_object(refund), "mchid": self.mchid, "refund_status": refund["status"]}
        if not notify or not refund["notify_url"]:
            return []
        event = "REFUND.SUCCESS" if succeed else "REFUND.ABNORMAL"
        return [self.notify(refund["notify_url"], event, "refund", resource)]

    def notification(self, event_type: str, original_type: str, resource: dict, *, forge: bool = False,
                     timestamp: int | None = None) -> tuple[bytes, dict]:
        """The body and headers of a notification: the resource encrypted, the body signed."""
        nonce = secrets.token_hex(6)  # 12 characters: GCM's 96-bit nonce, as WeChat sends it
        associated = original_type
        ciphertext = AESGCM(self.apiv3_key.encode()).encrypt(
            nonce.encode(), json.dumps(resource, ensure_ascii=False).encode(), associated.encode())
        body = json.dumps({
            "id": secrets.token_hex(16), "create_time": datetime.now(BEIJING).isoformat(timespec="seconds"),
            "resource_type": "encrypt-resource", "event_type": event_type, "summary": "支付成功",
            "resource": {"original_type": original_type, "algorithm": "AEAD_AES_256_GCM", "nonce": nonce,
                         "associated_data": associated, "ciphertext": base64.b64encode(ciphertext).decode()},
        }, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", **self.signed_headers(body, timestamp=timestamp, forge=forge)}
        return body, headers

    def notify(self, url: str, event_type: str, original_type: str, resource: dict, **kwargs):
        body, headers = self.notification(event_type, original_type, resource, **kwargs)
        return self.deliver(url, body, headers)

    # Statements ------------------------------------------------------------------------------------

    def tradebill(self, bill_date: date) -> str:
        """The day's trade bill (ALL) as WeChat writes it: every field `-prefixed, two summary lines."""
        rows, total_fen, refund_fen = [], 0, 0
        for order in self.orders.values():
            if order["transaction_id"] and order["success_time"][:10] == bill_date.isoformat():
                total_fen += order["total"]
                rows.append([order["success_time"].replace("T", " ")[:19], self.appid, self.mchid, "0", "",
                             order["transaction_id"], order["out_trade_no"], order["openid"], order["trade_type"],
                             "SUCCESS", "OTHERS", "CNY", _yuan(order["total"]), "0.00", "0", "0", "0.00", "0.00", "",
                             "", order["description"], "", "0.00000", "0.60%", _yuan(order["total"]), "0.00", ""])
        for refund in self.refunds.values():
            order = self.orders[refund["out_trade_no"]]
            if refund["status"] == "SUCCESS" and refund["time"].date() == bill_date:
                refund_fen += refund["refund"]
                rows.append([refund["time"].strftime("%Y-%m-%d %H:%M:%S"), self.appid, self.mchid, "0", "",
                             order["transaction_id"], order["out_trade_no"], order["openid"], order["trade_type"],
                             "REFUND", "OTHERS", "CNY", _yuan(order["total"]), "0.00", refund["refund_id"],
                             refund["out_refund_no"], _yuan(refund["refund"]), "0.00", "ORIGINAL", "SUCCESS",
                             order["description"], "", "0.00000", "0.60%", _yuan(order["total"]),
                             _yuan(refund["refund"]), ""])
        lines = [BILL_HEADER] + [",".join(f"`{value}" for value in row) for row in rows]
        summary = [str(len(rows)), _yuan(total_fen), _yuan(refund_fen), "0.00", "0.00", _yuan(total_fen),
                   _yuan(refund_fen)]
        return "\r\n".join(lines + [BILL_SUMMARY, ",".join(f"`{value}" for value in summary)]) + "\r\n"

    def _tradebill(self, query: dict):
        try:
            bill_date = date.fromisoformat(query.get("bill_date", ""))
        except ValueError:
            return self._error(400, "PARAM_ERROR", "bill_date 格式错误")
        # The real gateway serves a day's bill from 10:00 the next day; this one serves today's
        # too, so a test can pay and reconcile in one go.
        csv = self.tradebill(bill_date).encode()
        token = secrets.token_urlsafe(12)
        self.bills[token] = gzip.compress(csv) if query.get("tar_type") == "GZIP" else csv
        return self._json(200, {"hash_type": "SHA1", "hash_value": hashlib.sha1(csv).hexdigest(),
                                "download_url": f"{self.base_url}/v3/billdownload/file?token={token}"})
