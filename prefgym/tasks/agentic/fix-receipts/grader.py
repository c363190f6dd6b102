"""Grader for fix-receipts. Runs in /work after the episode; its checks are reported by prefgym's launcher.

Runs a pristine copy of the visible tests and hidden unittest cases in the grader against the
agent's ``receipts`` package, imported in a child of the agent's user (grader_kit.agent_modules), one
check per group, each with a fresh child. An instance of the family (generate.py) brings its own
visible tests and hidden cases through grader_kit.params(); CASE_TESTS runs those cases under the
same check names.
"""

import json

from grader_kit import params, unittest_checks  # copied beside this file by prefgym

VISIBLE_TESTS = r'''import unittest
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
'''

HIDDEN_TESTS = r'''
import unittest
from datetime import date, datetime
from decimal import Decimal

import receipts


class TaxYearBoundaries(unittest.TestCase):
    def test_boundaries(self):
        self.assertTrue(receipts.in_tax_year(date(2025, 12, 31), 2025))
        self.assertTrue(receipts.in_tax_year("2025-12-31", 2025))
        self.assertTrue(receipts.in_tax_year(datetime(2025, 12, 31, 23, 59), 2025))
        self.assertTrue(receipts.in_tax_year("2025-01-01", 2025))
        self.assertTrue(receipts.in_tax_year("2024-12-31", 2024))
        self.assertFalse(receipts.in_tax_year("2024-12-31", 2025))
        self.assertFalse(receipts.in_tax_year("2026-01-01", 2025))
        self.assertFalse(receipts.in_tax_year(date(2025, 1, 1), 2024))


class HalfUpRounding(unittest.TestCase):
    def test_half_up(self):
        self.assertEqual(receipts.format_usd(1.005), "$1.01")
        self.assertEqual(receipts.format_usd("0.005"), "$0.01")
        self.assertEqual(receipts.format_usd(0.125), "$0.13")
        self.assertEqual(receipts.format_usd(Decimal("10.125")), "$10.13")
        self.assertEqual(receipts.format_usd("1234567.895"), "$1,234,567.90")
        self.assertEqual(receipts.format_usd("$2,000.4449"), "$2,000.44")
        self.assertEqual(receipts.format_usd(0), "$0.00")
        self.assertEqual(receipts.format_usd(1234.5), "$1,234.50")


class TotalsAtYearEnd(unittest.TestCase):
    def test_totals(self):
        gifts = [
            {"donor": "Iris", "amount": "500.00", "date": "2025-12-31", "benefit": "120.00"},
            {"donor": "Iris", "amount": "75.00", "date": "2025-01-01"},
            {"donor": "Iris", "amount": "999.00", "date": "2024-12-31"},
            {"donor": "Jon", "amount": 60, "date": "2025-12-31", "benefit": 100},
            {"donor": "Jon", "amount": "30.00", "date": "2025-07-04"},
            {"donor": "Kai", "amount": "45.00", "date": "2026-01-01"},
            {"donor": "Lea", "amount": "$1,200.00", "date": date(2025, 12, 31)},
        ]
        self.assertEqual(
            receipts.donor_totals(gifts, 2025),
            {"Iris": Decimal("455.00"), "Jon": Decimal("30.00"), "Lea": Decimal("1200.00")},
        )


class ReceiptLinesRounding(unittest.TestCase):
    def test_lines(self):
        gifts = [
            {"donor": "Zoe", "amount": "10.125", "date": "2025-06-01"},
            {"donor": "Zoe", "amount": "5.00", "date": "2025-08-15"},
            {"donor": "Max", "amount": "1000.00", "date": "2025-03-10", "benefit": "0.005"},
            {"donor": "Eve", "amount": "0.125", "date": "2025-02-02"},
        ]
        self.assertEqual(
            receipts.receipt_lines(gifts, 2025),
            [
                "Eve: $0.13 tax-deductible",
                "Max: $1,000.00 tax-deductible",
                "Zoe: $15.13 tax-deductible",
            ],
        )
        self.assertEqual(receipts.receipt_line("Ann", Decimal("2.675")), "Ann: $2.68 tax-deductible")
'''

CASE_TESTS = r'''
import json
import unittest
from datetime import date, datetime
from decimal import Decimal

import receipts

CASES = json.loads(CASES_JSON)
KINDS = {"str": str, "int": int, "float": float, "decimal": Decimal,
         "date": date.fromisoformat, "datetime": datetime.fromisoformat}


def value(tagged):
    """A case's input, [kind, text], as the very type the agent's code is called with."""
    kind, text = tagged
    return KINDS[kind](text)


def expected(case):
    want = case["expected"]
    if case["func"] in ("to_decimal", "deductible_amount"):
        return Decimal(want)
    if case["func"] == "donor_totals":
        return {donor: Decimal(total) for donor, total in want.items()}
    return want


def call(case):
    function = getattr(receipts, case["func"])
    if "gifts" in case:
        gifts = [{k: v if k == "donor" else value(v) for k, v in g.items()} for g in case["gifts"]]
        return function(gifts, case["year"])
    return function(*[a if type(a) is int else value(a) for a in case["args"]])


class Cases:
    """Every case of the group ``group`` (a mixin: it is no test itself)."""

    def test_cases(self):
        for n, case in enumerate(CASES[self.group]):
            with self.subTest(case=n, func=case["func"]):
                self.assertEqual(call(case), expected(case))


class TaxYearBoundaries(Cases, unittest.TestCase):
    group = "tax_year"


class HalfUpRounding(Cases, unittest.TestCase):
    group = "rounding"


class TotalsAtYearEnd(Cases, unittest.TestCase):
    group = "totals"


class ReceiptLinesRounding(Cases, unittest.TestCase):
    group = "lines"
'''

INSTANCE = params()  # an instance of the family (generate.py): its own tests and hidden cases
if INSTANCE:
    VISIBLE_TESTS = INSTANCE["visible_tests"]
    HIDDEN_TESTS = CASE_TESTS.replace("CASES_JSON", repr(json.dumps(INSTANCE["hidden"])))

CHECKS = [
    # (check name, module, test class or None for the whole module)
    ("visible_tests_pass", "visible_tests", None),
    ("hidden_tax_year_boundaries", "hidden_tests", "TaxYearBoundaries"),
    ("hidden_half_up_rounding", "hidden_tests", "HalfUpRounding"),
    ("hidden_totals_year_end", "hidden_tests", "TotalsAtYearEnd"),
    ("hidden_receipt_lines_rounding", "hidden_tests", "ReceiptLinesRounding"),
]


def main():
    unittest_checks({"visible_tests": VISIBLE_TESTS, "hidden_tests": HIDDEN_TESTS}, CHECKS, modules=["receipts"], path="/work", timeout=20)


if __name__ == "__main__":
    main()
