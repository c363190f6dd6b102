"""Money helpers. Amounts are handled as Decimal; cents are rounded half-up (0.125 -> 0.13)."""

from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")


def to_decimal(value) -> Decimal:
    """Turn an int, float, Decimal or string such as "$1,250.50" into a Decimal.

    Floats go through str() so that 2.675 becomes Decimal("2.675"), not its binary expansion.
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


def format_usd(value) -> str:
    """Format an amount as US dollars with thousands separators, rounded half-up to the cent.

    >>> format_usd("1234.5")
    '$1,234.50'
    """
    amount = float(to_decimal(value))
    if amount < 0:
        return f"-${-amount:,.2f}"
    return f"${amount:,.2f}"
