"""Money is Decimal with two places, rounded half-up (DESIGN §3). Never float."""

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed

CENT = Decimal("0.01")


def money(value) -> Decimal:
    """Round an amount to the fen. Accepts Decimal, int or a decimal string; refuses float."""
    if isinstance(value, float):
        raise TypeError("money() refuses float: pass a Decimal or a string")
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationFailed(code="invalid_amount") from exc


def percent(part, whole, places: int = 2) -> Decimal:
    """part / whole as a percentage, rounded half-up to `places` (DESIGN §3), for display only:
    decisions compare exact fractions. 0 when the whole is 0."""
    whole = Fraction(whole)  # also a stored result's area string such as "0.00"
    if not whole:
        return Decimal(0).quantize(Decimal(1).scaleb(-places))
    value = Fraction(part) * 100 / whole
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def split_pro_rata(amount, weights: dict) -> dict:
    """Split `amount` in proportion to `weights`, to the fen, adding up to exactly `amount`:
    each share is rounded down and the fen left over go to the largest remainders (equal
    remainders to the lower key). Weights must be non-negative with a positive sum."""
    fen = int(money(amount) / CENT)
    total = sum((Fraction(w) for w in weights.values()), Fraction(0))
    if fen < 0 or total <= 0:
        raise ValidationFailed(code="nothing_to_split")
    exact = {key: Fraction(fen) * Fraction(weight) / Fraction(total) for key, weight in weights.items()}
    shares = {key: math.floor(value) for key, value in exact.items()}
    left = fen - sum(shares.values())
    for key in sorted(weights, key=lambda k: (shares[k] - exact[k], k))[:left]:
        shares[key] += 1
    return {key: Decimal(share) * CENT for key, share in shares.items()}


class FixedPointField(models.BigIntegerField):
    """A decimal with a fixed number of places, stored as a scaled integer: fen for money
    (places=2), 1/10000 yuan for rates (places=4). SQLite keeps a DecimalField as REAL, a
    binary float on which 22.555 is not 22.555; an integer column is exact on every database,
    and set-based SQL (the billing run) can do its arithmetic in integers."""

    default_error_messages = {
        "invalid": _("“%(value)s”不是有效的数值。"),
        "places": _("最多保留 %(places)s 位小数。"),
    }

    def __init__(self, *args, places: int = 2, **kwargs):
        self.places = places
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["places"] = self.places
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        # Sums come back as int (SQLite) or Decimal (PostgreSQL's numeric); both are whole numbers.
        return None if value is None else Decimal(int(value)).scaleb(-self.places)

    def to_python(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, float):
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value})
        try:
            number = Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value}) from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value})
        quantum = Decimal(1).scaleb(-self.places)
        if number != number.quantize(quantum):
            raise ValidationError(self.error_messages["places"], code="places", params={"places": self.places})
        return number.quantize(quantum)

    def get_prep_value(self, value):
        value = self.to_python(value)
        return None if value is None else int(value.scaleb(self.places))

    def formfield(self, **kwargs):
        return super(models.BigIntegerField, self).formfield(
            **{"form_class": forms.DecimalField, "decimal_places": self.places, **kwargs})


class MoneyField(FixedPointField):
    """An amount in yuan, stored in fen."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("places", 2)
        super().__init__(*args, **kwargs)


# Chinese capital numerals (大写金额) as receipts and cheques write them (《支付结算办法》附一).
DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
SECTIONS = ("", "万", "亿", "万亿")


def _section(number: int) -> str:
    """0 < number < 10000, zeros inside collapsed to one 零 and trailing zeros dropped."""
    text, zero = "", False
    for power in range(3, -1, -1):
        digit = number // 10 ** power % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[digit] + PLACES[power]
    return text


def chinese_amount(value) -> str:
    """An amount in capital numerals: 22.34 → 贰拾贰元叁角肆分, 100 → 壹佰元整,
    1001.01 → 壹仟零壹元零壹分, 0.05 → 伍分, 100000 → 壹拾万元整."""
    amount = money(value)
    sign = "负" if amount < 0 else ""
    fen = int(abs(amount) * 100)
    yuan, jiao, cent = fen // 100, fen // 10 % 10, fen % 10
    if yuan >= 10 ** 16:
        raise ValidationFailed(code="amount_too_large")
    integer, gap = "", False
    sections = []
    rest = yuan
    while rest:
        sections.append(rest % 10000)
        rest //= 10000
    for index in range(len(sections) - 1, -1, -1):
        part = sections[index]
        if part == 0:
            gap = bool(integer)
            continue
        # Zeros between two non-zero digits read as one 零: 壹万零伍佰, 壹亿零壹仟.
        if integer and (gap or part < 1000):
            integer += "零"
        integer += _section(part) + SECTIONS[index]
        gap = False
    if not jiao and not cent:
        return f"{sign}{integer or '零'}元整"
    text = f"{integer}元" if integer else ""
    if jiao:
        text += DIGITS[jiao] + "角"
    elif integer:
        text += "零"
    if cent:
        text += DIGITS[cent] + "分"
    return sign + text
