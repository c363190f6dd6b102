"""Employer matching policies: ratio, annual cap per donor, and minimum gift."""

import csv
from dataclasses import dataclass
from decimal import Decimal

from matching.money import to_decimal


@dataclass(frozen=True)
class Policy:
    employer: str
    ratio: Decimal       # 1 means dollar for dollar, 0.5 means 50 cents per dollar, 2 means double
    annual_cap: Decimal  # most the employer matches for one donor in one calendar year
    min_gift: Decimal    # smallest gift the employer matches


def _key(name) -> str:
    return " ".join(str(name or "").split()).casefold()


def load_policies(path) -> dict:
    """Read a policies CSV (employer,ratio,annual_cap,min_gift) into {normalised name: Policy}."""
    policies = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            policy = Policy(
                employer=row["employer"].strip(),
                ratio=to_decimal(row["ratio"]),
                annual_cap=to_decimal(row["annual_cap"]),
                min_gift=to_decimal(row["min_gift"]),
            )
            policies[_key(policy.employer)] = policy
    return policies


def find_policy(policies, employer):
    """The policy of ``employer`` (compared ignoring case and surrounding spaces), or None.

    ``policies`` is a dict from load_policies() or any iterable of Policy objects.
    """
    if isinstance(policies, dict):
        candidates = policies.values()
    else:
        candidates = policies
    wanted = _key(employer)
    if not wanted:
        return None
    for policy in candidates:
        if _key(policy.employer) == wanted:
            return policy
    return None
