"""Online payment providers behind one interface (DESIGN §5 `online`).

A provider turns an order into a checkout address, and verifies the notification its server sends
when the payer has paid. This network reaches no payment gateway, so the built-in provider is a
sandbox whose "server" is a page of Linli; its notifications are signed with HMAC-SHA256 like a
real one's. WeChat Pay or Alipay is one subclass more, named in LINLI_PAYMENT_PROVIDERS."""

import hashlib
import hmac
import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from linli.core.errors import LinliError, NotFound, ValidationFailed

DEFAULT_PROVIDERS = {"sandbox": "linli.billing.providers.SandboxProvider"}


class SignatureInvalid(LinliError):
    status = 400
    code = "bad_signature"
    default_message = _("支付通知签名无效。")


@dataclass
class Notification:
    """What a provider's server tells us: this order was paid, with this amount."""

    out_trade_no: str
    provider_trade_no: str
    amount: Decimal
    paid: bool


class PaymentProvider:
    name = "base"
    label = ""

    def checkout_url(self, order) -> str:
        raise NotImplementedError

    def parse_notification(self, body: bytes, headers) -> Notification:
        """Verify and read a notification; raises SignatureInvalid when it is not genuine."""
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

    def checkout_url(self, order) -> str:
        return reverse("billing:sandbox_checkout", args=[order.out_trade_no])

    def notification_for(self, order) -> tuple[bytes, dict]:
        """The body and headers the sandbox's server sends once the order is paid."""
        body = json.dumps({"out_trade_no": order.out_trade_no, "trade_no": f"SBX{order.pk:010d}",
                           "amount": str(order.amount), "status": "SUCCESS"}, sort_keys=True).encode()
        return body, {self.SIGNATURE_HEADER: self.sign(body)}

    def parse_notification(self, body: bytes, headers) -> Notification:
        signature = headers.get(self.SIGNATURE_HEADER, "")
        if not signature or not hmac.compare_digest(signature, self.sign(body)):
            raise SignatureInvalid()
        try:
            data = json.loads(body)
            return Notification(out_trade_no=str(data["out_trade_no"]), provider_trade_no=str(data["trade_no"]),
                                amount=Decimal(str(data["amount"])), paid=data["status"] == "SUCCESS")
        except (ValueError, KeyError, TypeError, ArithmeticError) as exc:
            raise ValidationFailed(code="bad_notification") from exc


def _providers() -> dict[str, str]:
    """The providers of this deployment. The sandbox confirms payments with no money moving, so
    it is one only when LINLI_PAYMENT_SANDBOX is on (by default only with DEBUG, DESIGN §5 v1.1)."""
    providers = getattr(settings, "LINLI_PAYMENT_PROVIDERS", DEFAULT_PROVIDERS)
    if not settings.LINLI_PAYMENT_SANDBOX:
        providers = {name: path for name, path in providers.items() if name != "sandbox"}
    return providers


def provider_names() -> list[str]:
    """The providers an order can be paid with here."""
    return list(_providers())


def known_provider_names() -> list[str]:
    """Every provider an order may name, available here or not: what the API reads and shows
    (a sandbox order made while the sandbox was on is still listed once it is off)."""
    return list(getattr(settings, "LINLI_PAYMENT_PROVIDERS", DEFAULT_PROVIDERS))


def payment_provider(name: str) -> PaymentProvider:
    providers = _providers()
    if name not in providers:
        raise NotFound()
    return import_string(providers[name])()
