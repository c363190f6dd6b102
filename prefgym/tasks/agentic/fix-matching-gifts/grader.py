"""Grader for fix-matching-gifts. Runs in /work after the episode; its checks are reported by prefgym's launcher.

Runs a pristine copy of the visible tests and hidden unittest cases in the grader against the
agent's ``matching`` package, imported in a child of the agent's user (grader_kit.agent_modules), one
check per group, each with a fresh child.

An instance of the family (generate.py) plants its own bugs and brings its own visible tests, its
hidden cases as data (run by INSTANCE_TESTS below) and its list of checks: one per group of cases
that holds a planted bug, one for all the cases, and the visible tests.
"""

from grader_kit import params, unittest_checks  # copied beside this file by prefgym

VISIBLE_TESTS = r'''import unittest
from decimal import Decimal

from matching import Policy, compute_matches, find_policy, match_for_gift, round_cents, to_decimal

ACME = Policy("Acme Corp", Decimal("1"), Decimal("1000.00"), Decimal("25.00"))
HALF = Policy("Halfmoon Bakery", Decimal("0.5"), Decimal("500.00"), Decimal("10.00"))
DOUBLE = Policy("Double Bay Bank", Decimal("2"), Decimal("2000.00"), Decimal("50.00"))
POLICIES = [ACME, HALF, DOUBLE]


class TestMoney(unittest.TestCase):
    def test_to_decimal(self):
        self.assertEqual(to_decimal("$1,250.50"), Decimal("1250.50"))
        self.assertEqual(to_decimal(12.625), Decimal("12.625"))

    def test_round_cents_plain(self):
        self.assertEqual(round_cents("10.004"), Decimal("10.00"))
        self.assertEqual(round_cents("10.006"), Decimal("10.01"))

    def test_round_cents_half_up(self):
        self.assertEqual(round_cents("12.625"), Decimal("12.63"))


class TestPolicies(unittest.TestCase):
    def test_find_policy_ignores_case_and_spaces(self):
        self.assertIs(find_policy(POLICIES, "  acme corp "), ACME)
        self.assertIsNone(find_policy(POLICIES, "Unknown Ltd"))
        self.assertIsNone(find_policy(POLICIES, ""))


class TestMatchForGift(unittest.TestCase):
    def test_dollar_for_dollar(self):
        self.assertEqual(match_for_gift("100.00", ACME), Decimal("100.00"))

    def test_double(self):
        self.assertEqual(match_for_gift("75.10", DOUBLE), Decimal("150.20"))

    def test_below_minimum(self):
        self.assertEqual(match_for_gift("24.99", ACME), Decimal("0"))

    def test_minimum_gift_qualifies(self):
        self.assertEqual(match_for_gift("25.00", ACME), Decimal("25.00"))

    def test_half_ratio(self):
        self.assertEqual(match_for_gift("25.25", HALF), Decimal("12.63"))


class TestComputeMatches(unittest.TestCase):
    def test_partial_match_at_cap(self):
        gifts = [
            {"id": 1, "donor": "D1", "employer": "Acme Corp", "amount": "600.00", "date": "2025-02-01"},
            {"id": 2, "donor": "D1", "employer": "Acme Corp", "amount": "600.00", "date": "2025-05-01"},
            {"id": 3, "donor": "D1", "employer": "Acme Corp", "amount": "100.00", "date": "2025-06-01"},
        ]
        got = [r["match"] for r in compute_matches(gifts, POLICIES)]
        self.assertEqual(got, [Decimal("600.00"), Decimal("400.00"), Decimal("0.00")])

    def test_applied_in_date_order(self):
        gifts = [
            {"id": 7, "donor": "D2", "employer": "Acme Corp", "amount": "900.00", "date": "2025-09-01"},
            {"id": 8, "donor": "D2", "employer": "Acme Corp", "amount": "300.00", "date": "2025-03-01"},
        ]
        got = {r["id"]: r["match"] for r in compute_matches(gifts, POLICIES)}
        self.assertEqual(got, {7: Decimal("700.00"), 8: Decimal("300.00")})

    def test_caps_are_per_donor(self):
        gifts = [
            {"id": 1, "donor": "D1", "employer": "Acme Corp", "amount": "1000.00", "date": "2025-02-01"},
            {"id": 2, "donor": "D2", "employer": "Acme Corp", "amount": "1000.00", "date": "2025-02-02"},
        ]
        got = [r["match"] for r in compute_matches(gifts, POLICIES)]
        self.assertEqual(got, [Decimal("1000.00"), Decimal("1000.00")])

    def test_no_policy_no_match(self):
        gifts = [{"id": 1, "donor": "D1", "employer": "", "amount": "50.00", "date": "2025-02-01"}]
        self.assertEqual(compute_matches(gifts, POLICIES)[0]["match"], Decimal("0"))


if __name__ == "__main__":
    unittest.main()
'''

HIDDEN_TESTS = r'''
import unittest
from decimal import Decimal

import matching
from matching import Policy

ACME = Policy("Acme Corp", Decimal("1"), Decimal("1000.00"), Decimal("25.00"))
HALF = Policy("Halfmoon Bakery", Decimal("0.5"), Decimal("500.00"), Decimal("10.00"))
DOUBLE = Policy("Double Bay Bank", Decimal("2"), Decimal("2000.00"), Decimal("50.00"))
QUARRY = Policy("Quarry & Sons", Decimal("1.5"), Decimal("1500.00"), Decimal("100.00"))
NORTH = Policy("Northwind Logistics", Decimal("1"), Decimal("250.00"), Decimal("20.00"))
POLICIES = [ACME, HALF, DOUBLE, QUARRY, NORTH]


def gift(i, donor, employer, amount, day):
    return {"id": i, "donor": donor, "employer": employer, "amount": amount, "date": day}


class HalfUpRounding(unittest.TestCase):
    def test_round_cents(self):
        self.assertEqual(matching.round_cents("0.005"), Decimal("0.01"))
        self.assertEqual(matching.round_cents("2.675"), Decimal("2.68"))
        self.assertEqual(matching.round_cents(1.005), Decimal("1.01"))
        self.assertEqual(matching.round_cents("12.625"), Decimal("12.63"))
        self.assertEqual(matching.round_cents("12.6249"), Decimal("12.62"))
        self.assertEqual(matching.round_cents("100"), Decimal("100.00"))

    def test_matches_round_half_up(self):
        self.assertEqual(matching.match_for_gift("25.25", HALF), Decimal("12.63"))
        self.assertEqual(matching.match_for_gift("10.01", HALF), Decimal("5.01"))
        self.assertEqual(matching.match_for_gift("100.03", QUARRY), Decimal("150.05"))
        self.assertEqual(matching.match_for_gift("$1,000.05", HALF), Decimal("500.03"))


class MinimumGiftBoundary(unittest.TestCase):
    def test_exact_minimum_is_matched(self):
        self.assertEqual(matching.match_for_gift("25.00", ACME), Decimal("25.00"))
        self.assertEqual(matching.match_for_gift("10", HALF), Decimal("5.00"))
        self.assertEqual(matching.match_for_gift(50, DOUBLE), Decimal("100.00"))
        self.assertEqual(matching.match_for_gift("$100.00", QUARRY), Decimal("150.00"))

    def test_below_minimum_is_not(self):
        self.assertEqual(matching.match_for_gift("24.99", ACME), Decimal("0"))
        self.assertEqual(matching.match_for_gift("9.99", HALF), Decimal("0"))
        self.assertEqual(matching.match_for_gift("99.99", QUARRY), Decimal("0"))

    def test_minimum_in_compute_matches(self):
        gifts = [gift(1, "D1", "northwind logistics", "20.00", "2025-04-04"),
                 gift(2, "D1", "Northwind Logistics", "19.99", "2025-04-05")]
        got = [r["match"] for r in matching.compute_matches(gifts, POLICIES)]
        self.assertEqual(got, [Decimal("20.00"), Decimal("0")])


class CapResetsEachCalendarYear(unittest.TestCase):
    def test_new_year_new_cap(self):
        gifts = [gift(1, "D1", "Acme Corp", "1000.00", "2024-12-31"),
                 gift(2, "D1", "Acme Corp", "1000.00", "2025-01-01"),
                 gift(3, "D1", "Acme Corp", "50.00", "2025-12-31"),
                 gift(4, "D1", "Acme Corp", "300.00", "2026-01-01")]
        got = [r["match"] for r in matching.compute_matches(gifts, POLICIES)]
        self.assertEqual(got, [Decimal("1000.00"), Decimal("1000.00"), Decimal("0"), Decimal("300.00")])

    def test_partial_in_each_year(self):
        gifts = [gift(10, "D9", "Northwind Logistics", "200.00", "2024-11-01"),
                 gift(11, "D9", "Northwind Logistics", "200.00", "2024-12-01"),
                 gift(12, "D9", "Northwind Logistics", "200.00", "2025-02-01"),
                 gift(13, "D9", "Northwind Logistics", "200.00", "2025-03-01")]
        got = [r["match"] for r in matching.compute_matches(gifts, POLICIES)]
        self.assertEqual(got, [Decimal("200.00"), Decimal("50.00"), Decimal("200.00"), Decimal("50.00")])


class EndToEnd(unittest.TestCase):
    GIFTS = [
        gift(12, "D1", "Halfmoon Bakery", "600.00", "2025-06-01"),
        gift(5, "D1", "halfmoon bakery ", "500.25", "2025-06-01"),
        gift(3, "D2", "Double Bay Bank", "50.00", "2025-01-15"),
        gift(4, "D2", "Double Bay Bank", "949.99", "2025-02-15"),
        gift(6, "D2", "Double Bay Bank", "100.00", "2025-03-15"),
        gift(7, "D3", "Acme Corp", "900.00", "2024-12-31"),
        gift(8, "D3", "ACME CORP", "25.00", "2025-01-01"),
        gift(9, "D3", "Acme Corp", "980.00", "2025-07-01"),
        gift(2, "D4", "Globex", "5000.00", "2025-05-05"),
        gift(1, "D4", "Quarry & Sons", "333.33", "2025-05-05"),
    ]
    EXPECTED = {12: "249.87", 5: "250.13", 3: "100.00", 4: "1899.98", 6: "0.02", 7: "900.00",
                8: "25.00", 9: "975.00", 2: "0.00", 1: "500.00"}

    def test_matches(self):
        got = {r["id"]: r["match"] for r in matching.compute_matches(self.GIFTS, POLICIES)}
        self.assertEqual(got, {k: Decimal(v) for k, v in self.EXPECTED.items()})

    def test_result_order_follows_input(self):
        got = [r["id"] for r in matching.compute_matches(self.GIFTS, POLICIES)]
        self.assertEqual(got, [g["id"] for g in self.GIFTS])

    def test_employer_totals(self):
        self.assertEqual(
            matching.employer_totals(self.GIFTS, POLICIES, 2025),
            {"Halfmoon Bakery": Decimal("500.00"), "Double Bay Bank": Decimal("2000.00"),
             "Acme Corp": Decimal("1000.00"), "Quarry & Sons": Decimal("500.00")},
        )
        self.assertEqual(matching.employer_totals(self.GIFTS, POLICIES, 2024), {"Acme Corp": Decimal("900.00")})
'''

CHECKS = [
    # (check name, module, test class or None for the whole module)
    ("visible_tests_pass", "visible_tests", None),
    ("hidden_half_up_rounding", "hidden_tests", "HalfUpRounding"),
    ("hidden_minimum_gift_boundary", "hidden_tests", "MinimumGiftBoundary"),
    ("hidden_cap_resets_each_year", "hidden_tests", "CapResetsEachCalendarYear"),
    ("hidden_end_to_end", "hidden_tests", "EndToEnd"),
]

# An instance's hidden cases: params()["hidden"] holds its policies and, per test class, the calls
# and the answers generate.py worked out; each case is one test method, named by its note.
INSTANCE_TESTS = r'''
import unittest
from decimal import Decimal

import matching
from grader_kit import params

HIDDEN = params()["hidden"]
POLICIES = [matching.Policy(name, Decimal(ratio), Decimal(cap), Decimal(least))
            for name, ratio, cap, least in HIDDEN["policies"]]


def run_case(test, case):
    kind, args, want, note = case["kind"], case["args"], case["want"], case["note"]
    if kind == "round_cents":
        got = matching.round_cents(*args)
        test.assertIsInstance(got, Decimal, note)
        test.assertEqual(got, Decimal(want), f"{note}: round_cents({args[0]!r})")
    elif kind == "match_for_gift":
        got = matching.match_for_gift(args[0], POLICIES[args[1]])
        test.assertIsInstance(got, Decimal, note)
        test.assertEqual(got, Decimal(want), f"{note}: match_for_gift({args[0]!r}, {HIDDEN['policies'][args[1]]})")
    elif kind == "find_policy":
        test.assertIs(matching.find_policy(POLICIES, args[0]), None if want is None else POLICIES[want],
                      f"{note}: find_policy({args[0]!r})")
    elif kind == "compute_matches":
        got = [(row["id"], row["match"]) for row in matching.compute_matches(args[0], POLICIES)]
        test.assertEqual(got, [(i, Decimal(m)) for i, m in want], note)
    elif kind == "employer_totals":
        got = matching.employer_totals(args[0], POLICIES, args[1])
        test.assertEqual(got, {k: Decimal(v) for k, v in want.items()}, note)
    else:
        raise ValueError(f"unknown case {kind!r}")


def case_class(name, cases):
    def method(case):
        return lambda self: run_case(self, case)

    def method_name(i, note):
        return f"test_{i:02d}_" + "".join(ch if ch.isalnum() else "_" for ch in note)

    return type(name, (unittest.TestCase,), {method_name(i, case["note"]): method(case) for i, case in enumerate(cases)})


for _name, _cases in HIDDEN["classes"].items():
    globals()[_name] = case_class(_name, _cases)
'''

INSTANCE = params()  # an instance of the family (generate.py): its own bugs, visible tests and hidden cases
if INSTANCE:
    VISIBLE_TESTS, HIDDEN_TESTS = INSTANCE["visible_tests"], INSTANCE_TESTS
    CHECKS = [tuple(check) for check in INSTANCE["checks"]]


def main():
    unittest_checks({"visible_tests": VISIBLE_TESTS, "hidden_tests": HIDDEN_TESTS}, CHECKS, modules=["matching"], path="/work", timeout=15)


if __name__ == "__main__":
    main()
