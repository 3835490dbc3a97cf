"""Values as the charts draw them. Rates and percentages have a fixed 0–100 axis (issue 17 §7: no
line above 100 %, no axis to 120), so a value beyond it — a rounding artefact, a late record
counted on a later day — is drawn at the edge; the tables beside the chart keep the exact figure."""

from decimal import Decimal, InvalidOperation

HUNDRED = Decimal(100)


def axis_percent(value) -> str | None:
    """A percentage for a 0–100 axis as a decimal string (exact on the server, a number only in the
    browser); None, an empty value or text that is no number is a gap in the line."""
    if value is None or value == "":
        return None
    try:
        # A float rate (an SQL average) goes through its shortest text, never its binary value.
        number = Decimal(str(value) if isinstance(value, float) else value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not number.is_finite():
        return None
    return str(min(max(number, Decimal(0)), HUNDRED))
