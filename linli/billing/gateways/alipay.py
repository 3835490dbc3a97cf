"""Alipay open platform (支付宝开放平台), RSA2: mobile-web (H5, alipay.trade.wap.pay) and QR
(alipay.trade.precreate) orders.

Built on `python-alipay-sdk`, which signs requests, verifies the RSA2 signature over the exact
text of a response node, and verifies notifications. We call its generic client_api/server_api so
every request carries a Beijing-time timestamp (the SDK's default is the server's local clock)
and point it at a configurable gateway (the SDK knows only its two hard-coded hosts)."""

import base64
import urllib.error
import urllib.request
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from alipay.utils import AliPayConfig as SdkConfig
from django.utils.translation import gettext_lazy as _

from linli.core.errors import ValidationFailed

from ..providers import (
    Checkout,
    Notification,
    NotificationAnswer,
    PaymentProvider,
    ProviderError,
    RefundNotification,
    RefundResult,
    SignatureInvalid,
)
from . import from_yuan_text, merchant_account, read_pem, setting, to_yuan_text

DEFAULT_GATEWAY = "https://openapi.alipay.com/gateway.do"
BEIJING = ZoneInfo("Asia/Shanghai")  # Alipay reads every timestamp as GMT+8
PAID_STATES = {"TRADE_SUCCESS", "TRADE_FINISHED"}
SUCCESS = "10000"


@dataclass(frozen=True)
class AlipayConfig:
    """One Alipay application. Key fields hold PEM file paths; seller_id (the merchant's PID,
    2088…) is optional and, when set, a notification for another seller is refused."""

    appid: str
    private_key: str
    public_key: str
    gateway: str = DEFAULT_GATEWAY
    seller_id: str = ""

    @classmethod
    def from_environment(cls) -> "AlipayConfig":
        values = {f.name: setting(f"LINLI_ALIPAY_{f.name.upper()}") for f in fields(cls)}
        values["gateway"] = values["gateway"] or DEFAULT_GATEWAY
        return cls(**values)

    @property
    def complete(self) -> bool:
        return bool(self.appid and self.private_key and self.public_key and self.gateway)


def alipay_config_for(company=None) -> AlipayConfig:
    """The application that takes a company's payments: its enabled MerchantAccount (keys as PEM
    text), else the deployment's environment (a single-company deployment)."""
    account = merchant_account(company, "alipay")
    if account is None:
        return AlipayConfig.from_environment()
    return AlipayConfig(appid=account.appid, private_key=account.private_key, public_key=account.public_key,
                        gateway=account.api_base or DEFAULT_GATEWAY, seller_id=account.seller_id)


def _key(text: str):
    """The open platform's key tool gives bare base64 without PEM armour; both are accepted."""
    text = text.strip()
    return text if text.startswith("-----BEGIN") else base64.b64decode("".join(text.split()))


def beijing_time(moment: datetime | None = None) -> str:
    return (moment or datetime.now(BEIJING)).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


class AlipayProvider(PaymentProvider):
    name = "alipay"
    label = _("支付宝")
    channels = ("h5", "qr")

    def __init__(self, config: AlipayConfig | None = None, *, timeout: int = 20):
        self.config = config or alipay_config_for(None)
        self.timeout = timeout

    @classmethod
    def config_for(cls, company=None) -> AlipayConfig:
        return alipay_config_for(company)

    @classmethod
    def available(cls, company=None) -> bool:
        return alipay_config_for(company).complete

    @cached_property
    def client(self) -> AliPay:
        client = AliPay(appid=self.config.appid, app_private_key_string=_key(read_pem(self.config.private_key)),
                        alipay_public_key_string=_key(read_pem(self.config.public_key)), sign_type="RSA2",
                        config=SdkConfig(timeout=self.timeout))
        client._gateway = self.config.gateway  # no parameter for it (see the module's docstring)
        return client

    def _api(self, method: str, biz_content: dict, **params) -> dict:
        """One gateway call: the verified response node; ProviderError unless its code is 10000."""
        try:
            node = self.client.server_api(method, biz_content, timestamp=beijing_time(), **params)
        except AliPayValidationError as exc:
            raise ProviderError(gateway_code="bad_response_signature") from exc
        except AliPayException as exc:  # an unsigned error_response: bad app id, signature, ...
            raise ProviderError(gateway_code="error_response") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise ProviderError(gateway_code="unreachable") from exc
        if node.get("code") != SUCCESS:
            raise ProviderError(node.get("sub_msg") or None, gateway_code=node.get("sub_code") or node.get("code", ""))
        return node

    # Orders -------------------------------------------------------------------------------

    def create_order(self, order, *, channel, notify_url, description, payer_openid="", return_url="",
                     expires_at=None) -> Checkout:
        biz = {"out_trade_no": order.out_trade_no, "total_amount": to_yuan_text(order.amount),
               "subject": description[:256]}
        if expires_at:
            biz["time_expire"] = beijing_time(expires_at)
        if channel == "h5":
            # wap.pay is signed here and carried by the payer's browser to the gateway: no call.
            biz["product_code"] = "QUICK_WAP_PAY"
            query = self.client.client_api("alipay.trade.wap.pay", biz, notify_url=notify_url,
                                           return_url=return_url, timestamp=beijing_time())
            return Checkout(channel, redirect_url=f"{self.config.gateway}?{query}")
        if channel == "qr":
            node = self._api("alipay.trade.precreate", biz, notify_url=notify_url)
            return Checkout(channel, code_url=node["qr_code"])
        raise ValueError(f"Alipay has no channel {channel!r}")

    def query_order(self, out_trade_no: str) -> Notification:
        try:
            node = self._api("alipay.trade.query", {"out_trade_no": out_trade_no})
        except ProviderError as exc:
            # A QR order exists at Alipay only once scanned: not there means not paid.
            if exc.gateway_code == "ACQ.TRADE_NOT_EXIST":
                return Notification(out_trade_no, "", Decimal("0.00"), False, state="TRADE_NOT_EXIST")
            raise
        state = node.get("trade_status", "")
        # A query answers for our own app (it was asked with our app id and signed for it).
        return Notification(out_trade_no=node["out_trade_no"], provider_trade_no=node.get("trade_no", ""),
                            amount=from_yuan_text(node["total_amount"]), paid=state in PAID_STATES, state=state,
                            appid=self.config.appid, paid_at=_time(node.get("send_pay_date")))

    def close_order(self, out_trade_no: str) -> None:
        try:
            self._api("alipay.trade.close", {"out_trade_no": out_trade_no})
        except ProviderError as exc:
            if exc.gateway_code != "ACQ.TRADE_NOT_EXIST":  # never scanned: nothing to close
                raise

    def refund(self, *, out_trade_no, out_refund_no, amount, total, reason="", notify_url="") -> RefundResult:
        # Alipay refunds at once; fund_change "N" means this request changed nothing now (a
        # repeat of an earlier one), so its outcome is left to the notification or a query.
        node = self._api("alipay.trade.refund", {"out_trade_no": out_trade_no, "out_request_no": out_refund_no,
                                                 "refund_amount": to_yuan_text(amount), "refund_reason": reason})
        # Its refund_fee is the trade's refunds so far, not this one's: this one is what we asked.
        return RefundResult(out_refund_no, node.get("trade_no", ""), amount,
                            "success" if node.get("fund_change") == "Y" else "processing")

    def download_statement(self, bill_date: date) -> bytes:
        """The trade bill (业务明细) of a day: a zip of GBK CSV files, as Alipay serves it."""
        node = self._api("alipay.data.dataservice.bill.downloadurl.query",
                         {"bill_type": "trade", "bill_date": bill_date.isoformat()})
        try:
            # The URL came in a signed answer and carries its own short-lived token.
            with urllib.request.urlopen(node["bill_download_url"], timeout=self.timeout) as response:
                return response.read()
        except (urllib.error.URLError, OSError) as exc:
            raise ProviderError(gateway_code="unreachable") from exc

    # Notifications ------------------------------------------------------------------------

    def read_notification(self, body: bytes, headers) -> Notification | RefundNotification:
        try:
            data = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ValidationFailed(code="bad_notification") from exc
        signature = data.pop("sign", "")
        try:
            # Notifications are signed over every field but sign and sign_type (the SDK drops sign_type).
            genuine = bool(signature) and self.client.verify(dict(data), signature)
        except (AliPayException, ValueError, TypeError) as exc:
            raise SignatureInvalid() from exc
        if not genuine:
            raise SignatureInvalid()
        try:
            if data.get("refund_fee") and data.get("out_biz_no"):
                # Alipay notifies only refunds that went through; a full one also closes the trade.
                return RefundNotification(
                    out_trade_no=data["out_trade_no"], out_refund_no=data["out_biz_no"],
                    provider_refund_no=data.get("trade_no", ""), amount=from_yuan_text(data["refund_fee"]),
                    succeeded=True, state=data.get("trade_status", ""), appid=data.get("app_id", ""))
            state = data.get("trade_status", "")
            return Notification(out_trade_no=data["out_trade_no"], provider_trade_no=data.get("trade_no", ""),
                                amount=from_yuan_text(data["total_amount"]), paid=state in PAID_STATES,
                                state=state, appid=data.get("app_id", ""), seller_id=data.get("seller_id", ""),
                                paid_at=_time(data.get("gmt_payment")))
        except (KeyError, ArithmeticError, ValueError) as exc:
            raise ValidationFailed(code="bad_notification") from exc

    def notification_answer(self, ok: bool, message: str = "", **_ignored) -> NotificationAnswer:
        # Alipay reads only the body: "success", or it retries (up to 8 times over 25 hours).
        return NotificationAnswer(200, "text/plain", b"success" if ok else b"fail")


def _time(text: str | None) -> datetime | None:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING) if text else None
