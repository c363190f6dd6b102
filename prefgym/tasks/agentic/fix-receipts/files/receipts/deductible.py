"""Which gifts count for a tax year, and how much of each is tax-deductible."""

from datetime import date, datetime
from decimal import Decimal

from receipts.money import to_decimal


def parse_date(value) -> date:
    """Accept a date, a datetime or an ISO string ("2025-12-31")."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip()[:10])


def in_tax_year(gift_date, year: int) -> bool:
    """True when the gift falls in calendar year ``year`` (1 January to 31 December inclusive)."""
    d = parse_date(gift_date)
    start = date(year, 1, 1)
    end = date(year, 12, 31)
    return start <= d < end


def deductible_amount(amount, benefit_value=0) -> Decimal:
    """The gift less the fair market value of anything the donor received; never below zero."""
    value = to_decimal(amount) - to_decimal(benefit_value)
    return value if value > 0 else Decimal("0")
