import unittest
from datetime import date
from decimal import Decimal

from receipts import (
    deductible_amount,
    donor_totals,
    format_usd,
    in_tax_year,
    receipt_line,
    receipt_lines,
    to_decimal,
)


class TestMoney(unittest.TestCase):
    def test_to_decimal_strips_symbols(self):
        self.assertEqual(to_decimal("$1,250.50"), Decimal("1250.50"))
        self.assertEqual(to_decimal(2.675), Decimal("2.675"))

    def test_format_thousands(self):
        self.assertEqual(format_usd(1234.5), "$1,234.50")
        self.assertEqual(format_usd("1000000"), "$1,000,000.00")

    def test_format_rounds_half_up(self):
        self.assertEqual(format_usd(2.675), "$2.68")
        self.assertEqual(format_usd(Decimal("0.125")), "$0.13")


class TestDeductible(unittest.TestCase):
    def test_benefit_is_subtracted(self):
        self.assertEqual(deductible_amount(100, 25), Decimal("75"))

    def test_never_negative(self):
        self.assertEqual(deductible_amount(50, 80), Decimal("0"))

    def test_mid_year(self):
        self.assertTrue(in_tax_year(date(2025, 6, 30), 2025))
        self.assertFalse(in_tax_year("2024-06-30", 2025))

    def test_last_day_of_year_counts(self):
        self.assertTrue(in_tax_year("2025-12-31", 2025))


class TestReport(unittest.TestCase):
    GIFTS = [
        {"donor": "Ada", "amount": "100.00", "date": "2025-03-01"},
        {"donor": "Ada", "amount": "40.00", "date": "2025-12-31"},
        {"donor": "Ben", "amount": "250.00", "date": "2025-05-05", "benefit": "60.00"},
        {"donor": "Ben", "amount": "10.00", "date": "2026-01-01"},
    ]

    def test_totals(self):
        self.assertEqual(donor_totals(self.GIFTS, 2025), {"Ada": Decimal("140.00"), "Ben": Decimal("190.00")})

    def test_line(self):
        self.assertEqual(receipt_line("Ada", Decimal("140")), "Ada: $140.00 tax-deductible")

    def test_lines_sorted(self):
        self.assertEqual(
            receipt_lines(self.GIFTS, 2025),
            ["Ada: $140.00 tax-deductible", "Ben: $190.00 tax-deductible"],
        )


if __name__ == "__main__":
    unittest.main()
