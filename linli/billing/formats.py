"""How rates are written for people and API clients alike: at least two places, at most four,
no trailing zeros beyond two ("0.40", "0.125", "0.0005")."""

from decimal import Decimal


def format_rate(value: Decimal | None, places: int = 4) -> str:
    if value is None:
        return ""
    text = f"{Decimal(value):.{places}f}"
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"
