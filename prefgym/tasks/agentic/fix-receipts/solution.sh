#!/usr/bin/env bash
# Reference solution for fix-receipts: rewrite the package's three modules as the opening describes
# them (every instance plants its own bugs, in code of its own style, so the oracle writes a correct
# package rather than patching lines), keeping every function and signature; then run the tests.
set -euo pipefail

cat > receipts/money.py <<'PY'
"""Money helpers. Amounts are handled as Decimal; cents are rounded half-up (0.125 -> 0.13)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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
    amount = to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount < 0:
        return f"-${-amount:,.2f}"
    return f"${amount:,.2f}"
PY

cat > receipts/deductible.py <<'PY'
"""Which gifts count for a tax year, and how much of each is tax-deductible."""

from datetime import date, datetime
from decimal import Decimal

from receipts.money import to_decimal


def parse_date(value) -> date:
    """Accept a date, a datetime or an ISO string ("2025-12-31")."""
    if isinstance(value, datetime):  # before date: a datetime is a date too
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip()[:10])


def in_tax_year(gift_date, year: int) -> bool:
    """True when the gift falls in calendar year ``year`` (1 January to 31 December inclusive)."""
    return date(year, 1, 1) <= parse_date(gift_date) <= date(year, 12, 31)


def deductible_amount(amount, benefit_value=0) -> Decimal:
    """The gift less the fair market value of anything the donor received; never below zero."""
    value = to_decimal(amount) - to_decimal(benefit_value)
    return value if value > 0 else Decimal("0")
PY

cat > receipts/report.py <<'PY'
"""Per-donor totals and the lines printed on year-end receipts."""

from decimal import Decimal

from receipts.deductible import deductible_amount, in_tax_year
from receipts.money import format_usd


def donor_totals(gifts, year: int) -> dict:
    """Sum the deductible amount of each donor's gifts in ``year``.

    ``gifts`` is an iterable of dicts with keys "donor", "amount", "date" and optionally
    "benefit" (fair market value received). Returns {donor: Decimal total}; donors with no gift
    in the year are left out. Totals are exact: only receipt lines round, to the cent.
    """
    totals = {}
    for gift in gifts:
        if not in_tax_year(gift["date"], year):
            continue
        donor = gift["donor"]
        amount = deductible_amount(gift["amount"], gift.get("benefit", 0))
        totals[donor] = totals.get(donor, Decimal("0")) + amount
    return totals


def receipt_line(donor: str, total) -> str:
    return f"{donor}: {format_usd(total)} tax-deductible"


def receipt_lines(gifts, year: int) -> list:
    """One receipt line per donor with gifts in ``year``, sorted by donor name."""
    totals = donor_totals(gifts, year)
    return [receipt_line(donor, totals[donor]) for donor in sorted(totals)]
PY

python3 -m unittest
