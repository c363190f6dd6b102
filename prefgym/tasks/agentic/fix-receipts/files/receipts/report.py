"""Per-donor totals and the lines printed on year-end receipts."""

from decimal import Decimal

from receipts.deductible import deductible_amount, in_tax_year
from receipts.money import format_usd


def donor_totals(gifts, year: int) -> dict:
    """Sum the deductible amount of each donor's gifts in ``year``.

    ``gifts`` is an iterable of dicts with keys "donor", "amount", "date" and optionally
    "benefit" (fair market value received). Returns {donor: Decimal total}; donors with no gift
    in the year are left out.
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
