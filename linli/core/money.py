"""Money is Decimal with two places, rounded half-up (DESIGN §3). Never float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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
