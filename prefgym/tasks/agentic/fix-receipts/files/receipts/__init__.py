"""Year-end donation receipts: deductible amounts, per-donor totals and receipt lines."""

from receipts.money import format_usd, to_decimal
from receipts.deductible import deductible_amount, in_tax_year, parse_date
from receipts.report import donor_totals, receipt_line, receipt_lines

__all__ = [
    "deductible_amount",
    "donor_totals",
    "format_usd",
    "in_tax_year",
    "parse_date",
    "receipt_line",
    "receipt_lines",
    "to_decimal",
]
