"""Employer gift matching: which gifts an employer matches, and by how much."""

from matching.money import round_cents, to_decimal
from matching.policy import Policy, find_policy, load_policies
from matching.engine import compute_matches, employer_totals, match_for_gift, parse_date

__all__ = [
    "Policy",
    "compute_matches",
    "employer_totals",
    "find_policy",
    "load_policies",
    "match_for_gift",
    "parse_date",
    "round_cents",
    "to_decimal",
]
