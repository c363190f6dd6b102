"""Money helpers. Amounts are exact Decimals; matches are rounded half-up to the cent."""

from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")


def to_decimal(value) -> Decimal:
    """Turn an int, float, Decimal or string such as "$1,250.50" into a Decimal.

    Floats go through str() so that 12.625 becomes Decimal("12.625"), not its binary expansion.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, str):
        cleaned = value.strip().replace("$", "").replace(",", "").replace(" ", "")
        try:
            return Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(f"not an amount: {value!r}") from None
    raise TypeError(f"not an amount: {value!r}")


def round_cents(value) -> Decimal:
    """Round an amount to the cent, half-up (12.625 -> 12.63, 0.005 -> 0.01)."""
    return to_decimal(value).quantize(CENT)
