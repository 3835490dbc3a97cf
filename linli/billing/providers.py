"""Online payment providers behind one interface (DESIGN §5 `online`).

A provider creates an order at its gateway (or, for the sandbox, a page of Linli), verifies the
notifications its server sends when the payer has paid or a refund has completed, and answers
query, close, refund and daily-statement calls. The real adapters (WeChat Pay API v3, Alipay
RSA2) live in linli.billing.gateways; each is offered only once its merchant keys are configured.
The sandbox confirms payments with no money moving and is offered only with LINLI_PAYMENT_SANDBOX."""

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from linli.core.errors import LinliError, NotFound, ValidationFailed

DEFAULT_PROVIDERS = {
    "sandbox": "linli.billing.providers.SandboxProvider",
    "wechatpay": "linli.billing.gateways.wechatpay.WeChatPayProvider",
    "alipay": "linli.billing.gateways.alipay.AlipayProvider",
}


class SignatureInvalid(LinliError):
    status = 400
    code = "bad_signature"
    default_message = _("支付通知签名无效。")


class ProviderError(LinliError):
    """The gateway refused a call or could not be reached; `gateway_code` is the gateway's own
    (ORDERPAID, ACQ.TRADE_HAS_SUCCESS, ...) so the service can tell a paid order from an outage."""

    status = 502
    code = "provider_error"
    default_message = _("支付渠道暂时无法处理，请稍后重试。")

    def __init__(self, message=None, *, gateway_code: str = "", **kwargs):
        super().__init__(message, **kwargs)
        self.gateway_code = gateway_code


@dataclass
class Notification:
    """What a provider tells us about an order, by notification or when queried: paid or not,
    with this amount. The service checks the merchant fields against its configuration and the
    amount against the order before recording anything."""

    out_trade_no: str
    provider_trade_no: str
    amount: Decimal
    paid: bool
    state: str = ""  # the provider's own word: SUCCESS / NOTPAY / CLOSED, TRADE_SUCCESS, ...
    mchid: str = ""  # WeChat Pay: merchant id
    appid: str = ""  # WeChat Pay appid, Alipay app_id
    seller_id: str = ""  # Alipay: the receiving account (PID)
    paid_at: datetime | None = None


@dataclass
class RefundNotification:
    """A refund finished at the provider (succeeded, or failed and the money stays with us).
    `amount`: WeChat Pay sends this refund's; Alipay sends only the trade's refunds so far."""

    out_trade_no: str
    out_refund_no: str
    provider_refund_no: str
    amount: Decimal
    succeeded: bool
    state: str = ""
    mchid: str = ""
    appid: str = ""


@dataclass
class Checkout:
    """What the payer's screen needs to pay a created order; which fields are set depends on
    the channel: a QR code's content, a page to redirect to, or the parameters of wx.requestPayment."""

    channel: str
    code_url: str = ""
    redirect_url: str = ""
    prepay_id: str = ""
    jsapi_params: dict = field(default_factory=dict)


@dataclass
class RefundResult:
    out_refund_no: str
    provider_refund_no: str
    amount: Decimal
    state: str  # "success", "processing" (a notification follows) or "failed"


@dataclass
class NotificationAnswer:
    """The HTTP answer a provider's server expects to a notification (anything else makes it retry)."""

    status: int
    content_type: str
    body: bytes


class PaymentProvider:
    """The interface the billing service uses. `order` arguments are duck-typed: anything with
    `out_trade_no` and `amount` (Decimal yuan), such as a PaymentOrder."""

    name = "base"
    label = ""
    channels: tuple[str, ...] = ()

    @classmethod
    def available(cls, company=None) -> bool:
        """Whether this deployment can offer the provider to a company's communities (a real one
        needs the company's merchant account, or the environment's, complete)."""
        return True

    @classmethod
    def config_for(cls, company=None):
        """The merchant configuration for a company (None for a provider that has none)."""
        return None

    def checkout_url(self, order) -> str:
        """A page the payer can be sent to for the order; "" when the payer pays from the
        Checkout that create_order returned (every real provider)."""
        return ""

    def create_order(self, order, *, channel: str, notify_url: str, description: str,
                     payer_openid: str = "", return_url: str = "", expires_at: datetime | None = None) -> Checkout:
        raise NotImplementedError

    def read_notification(self, body: bytes, headers) -> Notification | RefundNotification:
        """Verify and read a notification of either kind; raises SignatureInvalid when it is not genuine."""
        raise NotImplementedError

    def parse_notification(self, body: bytes, headers) -> Notification:
        """Verify and read a payment notification; raises SignatureInvalid when it is not genuine."""
        notice = self.read_notification(body, headers)
        if not isinstance(notice, Notification):
            raise ValidationFailed(code="not_a_payment_notification")
        return notice

    def parse_refund_notification(self, body: bytes, headers) -> RefundNotification:
        notice = self.read_notification(body, headers)
        if not isinstance(notice, RefundNotification):
            raise ValidationFailed(code="not_a_refund_notification")
        return notice

    def notification_answer(self, ok: bool, message: str = "", *, code: str = "", status: int = 400,
                            data: dict | None = None) -> NotificationAnswer:
        """WeChat Pay's form: 200 {"code":"SUCCESS"}, or a 4xx/5xx {"code":"FAIL","message":..}, which
        is also the API's error shape ({"detail","code","fields"}: DESIGN §5). `code` names the
        refusal (the sandbox, our own protocol, answers with it); `data` adds to a success."""
        if ok:
            body = {"code": "SUCCESS", **(data or {})}
            return NotificationAnswer(200, "application/json", json.dumps(body, ensure_ascii=False).encode())
        message = message or "FAIL"
        body = {"code": self.failure_code(code), "message": message, "detail": message, "fields": {}}
        return NotificationAnswer(status, "application/json", json.dumps(body, ensure_ascii=False).encode())

    def failure_code(self, code: str) -> str:
        return "FAIL"

    def query_order(self, out_trade_no: str) -> Notification:
        """What the provider knows of the order now: how a late notification is recovered."""
        raise NotImplementedError

    def close_order(self, out_trade_no: str) -> None:
        raise NotImplementedError

    def refund(self, *, out_trade_no: str, out_refund_no: str, amount: Decimal, total: Decimal,
               reason: str = "", notify_url: str = "") -> RefundResult:
        raise NotImplementedError

    def download_statement(self, bill_date: date) -> bytes:
        """The provider's daily statement as it serves it (linli.billing.reconciliation reads it)."""
        raise NotImplementedError


class SandboxProvider(PaymentProvider):
    """Pays at once on a page of Linli (沙箱支付). Its notifications carry the JSON body's
    HMAC-SHA256, keyed by LINLI_PAYMENT_SANDBOX_SECRET (default: derived from SECRET_KEY)."""

    name = "sandbox"
    label = _("沙箱支付")
    SIGNATURE_HEADER = "X-Sandbox-Signature"

    @staticmethod
    def _secret() -> bytes:
        configured = getattr(settings, "LINLI_PAYMENT_SANDBOX_SECRET", "")
        if configured:
            return configured.encode()
        return hmac.new(settings.SECRET_KEY.encode(), b"linli-payment-sandbox", hashlib.sha256).digest()

    def sign(self, body: bytes) -> str:
        return hmac.new(self._secret(), body, hashlib.sha256).hexdigest()

    def failure_code(self, code: str) -> str:
        return code or "FAIL"  # our own protocol: the refusal's own code (bad_signature, ...)

    def checkout_url(self, order) -> str:
        return reverse("billing:sandbox_checkout", args=[order.out_trade_no])

    @classmethod
    def available(cls, company=None) -> bool:
        return bool(settings.LINLI_PAYMENT_SANDBOX)

    def notification_for(self, order) -> tuple[bytes, dict]:
        """The body and headers the sandbox's server sends once the order is paid."""
        body = json.dumps({"out_trade_no": order.out_trade_no, "trade_no": f"SBX{order.pk:010d}",
                           "amount": str(order.amount), "status": "SUCCESS"}, sort_keys=True).encode()
        return body, {self.SIGNATURE_HEADER: self.sign(body)}

    def read_notification(self, body: bytes, headers) -> Notification:
        signature = headers.get(self.SIGNATURE_HEADER, "")
        if not signature or not hmac.compare_digest(signature, self.sign(body)):
            raise SignatureInvalid()
        try:
            data = json.loads(body)
            return Notification(out_trade_no=str(data["out_trade_no"]), provider_trade_no=str(data["trade_no"]),
                                amount=Decimal(str(data["amount"])), paid=data["status"] == "SUCCESS")
        except (ValueError, KeyError, TypeError, ArithmeticError) as exc:
            raise ValidationFailed(code="bad_notification") from exc


def _providers(company=None) -> dict[str, str]:
    """The providers of this deployment for a company: those whose class says it is available.
    The sandbox is one only when LINLI_PAYMENT_SANDBOX is on (by default only with DEBUG, DESIGN §5
    v1.1); WeChat Pay and Alipay only once the company's merchant account (or the environment's)
    is configured and complete."""
    providers = getattr(settings, "LINLI_PAYMENT_PROVIDERS", DEFAULT_PROVIDERS)
    return {name: path for name, path in providers.items() if import_string(path).available(company)}


def provider_names(company=None) -> list[str]:
    """The providers an order can be paid with here (for a community: pass community.company)."""
    return list(_providers(company))


def known_provider_names() -> list[str]:
    """Every provider an order may name, available here or not: what the API reads and shows
    (a sandbox order made while the sandbox was on is still listed once it is off)."""
    return list(getattr(settings, "LINLI_PAYMENT_PROVIDERS", DEFAULT_PROVIDERS))


def payment_provider(name: str, company=None) -> PaymentProvider:
    """The provider `name`, configured with the company's merchant account (or the environment's)."""
    providers = _providers(company)
    if name not in providers:
        raise NotFound()
    cls = import_string(providers[name])
    config = cls.config_for(company)
    return cls(config) if config is not None else cls()


def provider_label(name: str) -> str:
    """What people call the provider (微信支付, 支付宝); the name itself if it is unknown here."""
    path = getattr(settings, "LINLI_PAYMENT_PROVIDERS", DEFAULT_PROVIDERS).get(name)
    return str(import_string(path).label) if path else name
