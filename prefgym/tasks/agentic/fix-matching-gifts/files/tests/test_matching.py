import unittest
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
