"""Real payment gateways (WeChat Pay API v3, Alipay RSA2) behind linli.billing.providers.

Helpers shared by both adapters: money in the units each gateway wants (never a float), the
merchant settings read from Django settings or the environment, and PEM files read from disk."""

import base64
import binascii
import os
from decimal import Decimal
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings

from linli.core.money import CENT

from ..models import MerchantAccount


def setting(name: str, default: str = "") -> str:
    """A merchant setting: Django settings first (tests override them there), then the environment."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value).strip()


def read_pem(value: str) -> str:
    """A key field of a config: PEM text (a company's MerchantAccount, stored in the database) or,
    from the environment, the path of a PEM file, so keys stay out of the environment and process
    listings."""
    if not value:
        return ""
    if value.lstrip().startswith("-----BEGIN"):
        return value
    return Path(value).read_text(encoding="ascii")


def normalize_pem(text: str, *, private: bool) -> str:
    """A pasted key as PEM text: PEM is kept as it is; bare base64 (what Alipay's key tool gives)
    is armoured as PKCS#8 / SubjectPublicKeyInfo. ValueError when it is no key."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        load = serialization.load_pem_private_key if private else serialization.load_pem_public_key
        load(text.encode(), **({"password": None} if private else {}))  # ValueError when it is no key
        return text + "\n"
    try:
        der = base64.b64decode("".join(text.split()), validate=True)
        if private:
            key = serialization.load_der_private_key(der, password=None)
            return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()
        key = serialization.load_der_public_key(der)
    except (binascii.Error, TypeError) as exc:
        raise ValueError("not a key") from exc
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def merchant_account(company, provider: str):
    """The company's enabled MerchantAccount for a provider, or None (then the environment's)."""
    if company is None:
        return None
    company_id = getattr(company, "pk", company)
    return MerchantAccount.objects.filter(company_id=company_id, provider=provider, enabled=True).first()


def to_fen(amount: Decimal) -> int:
    """Decimal yuan to WeChat's integer fen; an amount with fractions of a fen is a bug upstream."""
    if not isinstance(amount, Decimal) or amount != amount.quantize(CENT):
        raise ValueError(f"not a yuan amount with at most 2 decimals: {amount!r}")
    return int(amount * 100)


def from_fen(fen) -> Decimal:
    # bool is an int in Python; neither it nor a float is an amount of fen.
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise ValueError(f"not an integer amount of fen: {fen!r}")
    return Decimal(fen).scaleb(-2).quantize(CENT)


def to_yuan_text(amount: Decimal) -> str:
    """Alipay's amounts are strings with exactly two decimals: "12.34"."""
    if not isinstance(amount, Decimal) or amount != amount.quantize(CENT):
        raise ValueError(f"not a yuan amount with at most 2 decimals: {amount!r}")
    return f"{amount.quantize(CENT):.2f}"


def from_yuan_text(text: str) -> Decimal:
    amount = Decimal(str(text).strip())
    if amount != amount.quantize(CENT):
        raise ValueError(f"not a yuan amount: {text!r}")
    return amount.quantize(CENT)
