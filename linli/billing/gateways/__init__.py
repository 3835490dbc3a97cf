"""Real payment gateways (WeChat Pay API v3, Alipay RSA2) behind linli.billing.providers.

Helpers shared by both adapters: money in the units each gateway wants (never a float), the
merchant settings read from Django settings or the environment, and PEM files read from disk."""

import os
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from linli.core.money import CENT


def setting(name: str, default: str = "") -> str:
    """A merchant setting: Django settings first (tests override them there), then the environment."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value).strip()


def read_pem(path: str) -> str:
    """The configured values are paths, so keys stay out of the environment and process listings."""
    return Path(path).read_text(encoding="ascii") if path else ""


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
