"""Grader for fix-receipts. Runs in /work after the episode; prints one JSON line last.

Runs a pristine copy of the visible tests and hidden unittest cases against the agent's
``receipts`` package (imported from the working directory) in subprocesses, one check each.
"""

import json
import os
import subprocess
import sys
import tempfile

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

CHECKS = [
    # (check name, module, test class or None for the whole module)
    ("visible_tests_pass", "visible_tests", None),
    ("hidden_tax_year_boundaries", "hidden_tests", "TaxYearBoundaries"),
    ("hidden_half_up_rounding", "hidden_tests", "HalfUpRounding"),
    ("hidden_totals_year_end", "hidden_tests", "TotalsAtYearEnd"),
    ("hidden_receipt_lines_rounding", "hidden_tests", "ReceiptLinesRounding"),
]


def run_check(tmp, workdir, module, cls):
    target = module if cls is None else f"{module}.{cls}"
    env = dict(os.environ)
    env["PYTHONPATH"] = workdir
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run(
        [sys.executable, "-m", "unittest", "-v", target],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
    )
    out = (proc.stdout or "") + (proc.stderr or "")
    ran = "Ran 0 tests" not in out and "\nRan " in out
    passed = proc.returncode == 0 and ran and "\nOK" in out
    if passed:
        last = [ln for ln in out.splitlines() if ln.startswith("Ran ")]
        return True, (last[-1] if last else "OK")
    starts = [i for i in (out.find("FAIL:"), out.find("ERROR:")) if i >= 0]
    return False, (out[min(starts):] if starts else out.strip()[-600:])[:600]


def main():
    checks = []
    workdir = os.getcwd()
    try:
        tmp = tempfile.mkdtemp(prefix="prefgym-receipts-")
        with open(os.path.join(tmp, "visible_tests.py"), "w") as f:
            f.write(VISIBLE_TESTS)
        with open(os.path.join(tmp, "hidden_tests.py"), "w") as f:
            f.write(HIDDEN_TESTS)
    except Exception as exc:
        tmp = None
        setup_error = f"{type(exc).__name__}: {exc}"
    import_error = None
    if tmp is not None:
        try:  # a package that cannot even be imported fails every check without waiting on each
            env = dict(os.environ, PYTHONPATH=workdir, PYTHONDONTWRITEBYTECODE="1")
            probe = subprocess.run([sys.executable, "-c", "import receipts"], cwd=tmp, env=env,
                                   capture_output=True, text=True, timeout=20)
            if probe.returncode != 0:
                import_error = "import receipts failed: " + (probe.stderr or "").strip()[-400:]
        except Exception as exc:
            import_error = f"import receipts failed: {type(exc).__name__}: {exc}"
    for name, module, cls in CHECKS:
        try:
            if tmp is None:
                raise RuntimeError(f"could not write test files: {setup_error}")
            if import_error is not None:
                raise RuntimeError(import_error)
            passed, detail = run_check(tmp, workdir, module, cls)
        except Exception as exc:
            passed, detail = False, f"{type(exc).__name__}: {exc}"[:500]
        checks.append({"name": name, "passed": bool(passed), "weight": 1.0, "detail": detail})
    print(json.dumps({"checks": checks}))


if __name__ == "__main__":
    main()
