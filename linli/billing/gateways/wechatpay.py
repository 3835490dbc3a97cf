"""WeChat Pay API v3 (微信支付 APIv3), direct merchant mode: Native and JSAPI orders.

Built on the `wechatpayv3` SDK, which signs requests (WECHATPAY2-SHA256-RSA2048), verifies the
platform's signature on responses and notifications, and decrypts AES-256-GCM resources. It runs
in platform public key mode (public_key + public_key_id), so it never downloads platform
certificates. What it leaves to us, done here: pointing it at a configurable API base, refusing
stale notification timestamps and unknown key serials before it looks at them, and money in fen."""

import gzip
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from django.utils.translation import gettext_lazy as _
from wechatpayv3 import WeChatPay, WeChatPayType

from linli.core.errors import ValidationFailed

from ..providers import (
    Checkout,
    Notification,
    PaymentProvider,
    ProviderError,
    RefundNotification,
    RefundResult,
    SignatureInvalid,
)
from . import from_fen, merchant_account, read_pem, setting, to_fen

DEFAULT_API_BASE = "https://api.mch.weixin.qq.com"
# WeChat Pay's own guidance: refuse a notification whose timestamp is more than 5 minutes off,
# so a captured notification cannot be replayed later.
MAX_CLOCK_SKEW = 300
PAID_STATES = {"SUCCESS", "REFUND"}  # REFUND: paid, then (partly) refunded — the payment happened
SIGNATURE_HEADERS = ("Wechatpay-Signature", "Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Serial",
                     "Wechatpay-Signature-Type")


@dataclass(frozen=True)
class WeChatPayConfig:
    """One merchant account. Key fields hold PEM file paths (DESIGN §5 v1.1)."""

    mchid: str
    appid: str
    apiv3_key: str
    private_key: str
    cert_serial: str
    public_key: str
    public_key_id: str
    api_base: str = DEFAULT_API_BASE

    @classmethod
    def from_environment(cls) -> "WeChatPayConfig":
        values = {f.name: setting(f"LINLI_WECHATPAY_{f.name.upper()}") for f in fields(cls)}
        values["api_base"] = (values["api_base"] or DEFAULT_API_BASE).rstrip("/")
        return cls(**values)

    @property
    def complete(self) -> bool:
        return all(getattr(self, f.name) for f in fields(self))


def wechatpay_config_for(company=None) -> WeChatPayConfig:
    """The merchant account that takes a company's payments: its enabled MerchantAccount (keys
    as PEM text), else the deployment's environment (a single-company deployment)."""
    account = merchant_account(company, "wechatpay")
    if account is None:
        return WeChatPayConfig.from_environment()
    return WeChatPayConfig(mchid=account.mchid, appid=account.appid, apiv3_key=account.apiv3_key,
                           private_key=account.private_key, cert_serial=account.cert_serial,
                           public_key=account.public_key, public_key_id=account.public_key_id,
                           api_base=(account.api_base or DEFAULT_API_BASE).rstrip("/"))


class WeChatPayProvider(PaymentProvider):
    name = "wechatpay"
    label = _("微信支付")
    channels = ("native", "jsapi")

    def __init__(self, config: WeChatPayConfig | None = None, *, timeout=(5, 20)):
        self.config = config or wechatpay_config_for(None)
        self.timeout = timeout

    @classmethod
    def config_for(cls, company=None) -> WeChatPayConfig:
        return wechatpay_config_for(company)

    @classmethod
    def available(cls, company=None) -> bool:
        return wechatpay_config_for(company).complete

    @cached_property
    def client(self) -> WeChatPay:
        config = self.config
        client = WeChatPay(wechatpay_type=WeChatPayType.NATIVE, mchid=config.mchid, appid=config.appid,
                           private_key=read_pem(config.private_key), cert_serial_no=config.cert_serial,
                           apiv3_key=config.apiv3_key, public_key=read_pem(config.public_key),
                           public_key_id=config.public_key_id, timeout=self.timeout)
        # The SDK has no parameter for the API base; its one attribute for it is set here so tests
        # and the demo reach the simulator (checked against the pinned version by tests/payments).
        client._core._gate_way = config.api_base.rstrip("/")
        return client

    def _call(self, method, *args, ok=(200,), **kwargs):
        """One SDK call: (status, body) on success, ProviderError otherwise. The SDK raises plain
        Exception for a bad response signature and requests' errors for the network."""
        try:
            status, body = method(*args, **kwargs)
        except Exception as exc:
            raise ProviderError(gateway_code="unreachable_or_unsigned") from exc
        if status not in ok:
            try:
                error = json.loads(body)
            except (TypeError, ValueError):
                error = {}
            raise ProviderError(error.get("message") or None, gateway_code=error.get("code", str(status)))
        return status, body

    # Orders -------------------------------------------------------------------------------

    def create_order(self, order, *, channel, notify_url, description, payer_openid="", return_url="",
                     expires_at=None) -> Checkout:
        if channel not in self.channels:
            raise ValueError(f"WeChat Pay has no channel {channel!r}")
        if channel == "jsapi" and not payer_openid:
            raise ValueError("a JSAPI order needs the payer's openid")
        pay_type = WeChatPayType.JSAPI if channel == "jsapi" else WeChatPayType.NATIVE
        _status, body = self._call(
            self.client.pay, description=description[:127], out_trade_no=order.out_trade_no,
            amount={"total": to_fen(order.amount), "currency": "CNY"}, notify_url=notify_url,
            time_expire=expires_at.isoformat(timespec="seconds") if expires_at else None,
            payer={"openid": payer_openid} if payer_openid else None, pay_type=pay_type)
        data = json.loads(body)
        if channel == "native":
            return Checkout(channel, code_url=data["code_url"])
        prepay_id = data["prepay_id"]
        return Checkout(channel, prepay_id=prepay_id, jsapi_params=self.jsapi_params(prepay_id))

    def jsapi_params(self, prepay_id: str) -> dict:
        """What wx.requestPayment takes: signed with the merchant key over appId, timeStamp,
        nonceStr and package, one a line (a fresh set can be made for a retry of the same order)."""
        params = {"appId": self.config.appid, "timeStamp": str(int(time.time())),
                  "nonceStr": secrets.token_hex(16), "package": f"prepay_id={prepay_id}", "signType": "RSA"}
        params["paySign"] = self.client.sign([params["appId"], params["timeStamp"], params["nonceStr"],
                                              params["package"]])
        return params

    def query_order(self, out_trade_no: str) -> Notification:
        try:
            _status, body = self._call(self.client.query, out_trade_no=out_trade_no)
        except ProviderError as exc:
            if exc.gateway_code == "ORDER_NOT_EXIST":
                return Notification(out_trade_no, "", Decimal("0.00"), False, state="ORDER_NOT_EXIST")
            raise
        return self._transaction(json.loads(body))

    def close_order(self, out_trade_no: str) -> None:
        self._call(self.client.close, out_trade_no, ok=(200, 204))

    def refund(self, *, out_trade_no, out_refund_no, amount, total, reason="", notify_url="") -> RefundResult:
        _status, body = self._call(
            self.client.refund, out_refund_no=out_refund_no, out_trade_no=out_trade_no, reason=reason or None,
            amount={"refund": to_fen(amount), "total": to_fen(total), "currency": "CNY"},
            notify_url=notify_url or None)
        data = json.loads(body)
        state = {"SUCCESS": "success", "PROCESSING": "processing"}.get(data.get("status"), "failed")
        return RefundResult(data["out_refund_no"], data.get("refund_id", ""), from_fen(data["amount"]["refund"]),
                            state)

    def download_statement(self, bill_date: date) -> bytes:
        """The trade bill (交易账单) of a day, all trades, as CSV bytes (UTF-8)."""
        _status, body = self._call(self.client.trade_bill, bill_date=bill_date.isoformat(), bill_type="ALL",
                                   tar_type="GZIP")
        meta = json.loads(body)
        _status, content = self._call(self.client.download_bill, meta["download_url"])
        try:
            csv = gzip.decompress(content)
        except (OSError, EOFError) as exc:
            raise ProviderError(gateway_code="bad_bill_file") from exc
        # The download itself is not signed; the signed tradebill answer carries its digest.
        digest = hashlib.new(meta.get("hash_type", "SHA1").lower(), csv).hexdigest()
        if digest.lower() != str(meta.get("hash_value", "")).lower():
            raise ProviderError(gateway_code="bill_hash_mismatch")
        return csv

    # Notifications ------------------------------------------------------------------------

    def read_notification(self, body: bytes, headers) -> Notification | RefundNotification:
        lowered = {str(k).lower(): v for k, v in headers.items()}
        canonical = {name: lowered.get(name.lower(), "") for name in SIGNATURE_HEADERS}
        # Only the configured platform key is accepted: any other serial would make the SDK fetch
        # certificates from the gateway, at the bidding of whoever posted the notification.
        if not canonical["Wechatpay-Serial"] or canonical["Wechatpay-Serial"] != self.config.public_key_id:
            raise SignatureInvalid(code="unknown_serial")
        try:
            stamp = int(canonical["Wechatpay-Timestamp"])
        except ValueError as exc:
            raise SignatureInvalid(code="bad_timestamp") from exc
        if abs(time.time() - stamp) > MAX_CLOCK_SKEW:
            raise SignatureInvalid(code="stale_timestamp")
        try:
            envelope = self.client.callback(canonical, body.decode("utf-8"))
        except Exception as exc:  # the SDK's plain Exception: unsupported signature type or algorithm
            raise SignatureInvalid() from exc
        if not envelope:  # the signature did not verify, or the resource did not decrypt
            raise SignatureInvalid()
        try:
            resource = envelope["resource"]
            if str(envelope.get("event_type", "")).startswith("REFUND."):
                return RefundNotification(
                    out_trade_no=resource["out_trade_no"], out_refund_no=resource["out_refund_no"],
                    provider_refund_no=resource.get("refund_id", ""),
                    amount=from_fen(resource["amount"]["refund"]), succeeded=resource.get("refund_status") == "SUCCESS",
                    state=resource.get("refund_status", ""), mchid=resource.get("mchid", ""))
            return self._transaction(resource)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationFailed(code="bad_notification") from exc

    @staticmethod
    def _transaction(data: dict) -> Notification:
        """A transaction object, from a notification's resource or a query: the same shape."""
        state = data.get("trade_state", "")
        success_time = data.get("success_time")
        return Notification(
            out_trade_no=data["out_trade_no"], provider_trade_no=data.get("transaction_id", ""),
            amount=from_fen(data["amount"]["total"]), paid=state in PAID_STATES, state=state,
            mchid=data.get("mchid", ""), appid=data.get("appid", ""),
            paid_at=datetime.fromisoformat(success_time) if success_time else None)
