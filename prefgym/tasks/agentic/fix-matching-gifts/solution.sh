#!/usr/bin/env bash
# Reference solution for fix-matching-gifts: rewrite the three modules where the bugs live
# (money.py, policy.py, engine.py) to follow the opening's rules, keeping every function and
# signature, then run the visible tests. Writing the modules whole fixes whichever bugs an
# instance planted; __init__.py and __main__.py are left as they are.
set -euo pipefail

cat > matching/money.py <<'PY'
"""Money helpers. Amounts are exact Decimals; matches are rounded half-up to the cent."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def to_decimal(value) -> Decimal:
    """Turn an int, float, Decimal or string such as "$1,250.50" into a Decimal.

    Floats go through str() so that 12.625 becomes Decimal("12.625"), not its binary expansion.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, str):
        cleaned = value.strip().replace("$", "").replace(",", "").replace(" ", "")
        try:
            return Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(f"not an amount: {value!r}") from None
    raise TypeError(f"not an amount: {value!r}")


def round_cents(value) -> Decimal:
    """Round an amount to the cent, half-up (12.625 -> 12.63, 0.005 -> 0.01)."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
PY

cat > matching/policy.py <<'PY'
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
    """An employer name compared ignoring case and surrounding spaces."""
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
    candidates = policies.values() if isinstance(policies, dict) else policies
    wanted = _key(employer)
    if not wanted:
        return None
    for policy in candidates:
        if _key(policy.employer) == wanted:
            return policy
    return None
PY

cat > matching/engine.py <<'PY'
"""Compute the employer match of each gift, applying minimums and annual caps."""

from datetime import date, datetime
from decimal import Decimal

from matching.money import round_cents, to_decimal
from matching.policy import find_policy

ZERO = Decimal("0.00")


def parse_date(value) -> date:
    """Accept a date, a datetime or an ISO string ("2025-12-31")."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip()[:10])


def match_for_gift(amount, policy) -> Decimal:
    """The match one gift earns under ``policy`` before any annual cap is applied: nothing below
    the minimum gift (a gift of exactly the minimum qualifies), else the exact product rounded
    half-up to the cent."""
    amount = to_decimal(amount)
    if policy is None or amount < policy.min_gift:
        return ZERO
    return round_cents(amount * policy.ratio)


def compute_matches(gifts, policies) -> list:
    """Match every gift; returns [{"id": gift id, "match": Decimal}] in the order of ``gifts``.

    Each gift is a dict with "id", "donor", "employer", "amount" and "date". Gifts are applied in
    date order (same date: lower id first) so that the annual cap of each employer for each donor
    in each calendar year is used up by the earliest gifts; the gift that reaches the cap gets
    what is left of it, and later ones get 0.00.
    """
    gifts = list(gifts)
    ordered = sorted(gifts, key=lambda g: (parse_date(g["date"]), int(g["id"])))
    used = {}
    matches = {}
    for gift in ordered:
        policy = find_policy(policies, gift.get("employer"))
        if policy is None:
            matches[gift["id"]] = ZERO
            continue
        uncapped = match_for_gift(gift["amount"], policy)
        key = (str(gift["donor"]).strip().casefold(), policy.employer, parse_date(gift["date"]).year)
        remaining = policy.annual_cap - used.get(key, ZERO)
        match = min(uncapped, max(remaining, ZERO))
        used[key] = used.get(key, ZERO) + match
        matches[gift["id"]] = round_cents(match)
    return [{"id": g["id"], "match": matches[g["id"]]} for g in gifts]


def employer_totals(gifts, policies, year: int) -> dict:
    """{employer name: total matched} for gifts dated in calendar year ``year``, after the caps."""
    gifts = list(gifts)
    by_id = {g["id"]: g for g in gifts}
    totals = {}
    for row in compute_matches(gifts, policies):
        gift = by_id[row["id"]]
        if parse_date(gift["date"]).year != year or row["match"] <= 0:
            continue
        employer = find_policy(policies, gift.get("employer")).employer
        totals[employer] = totals.get(employer, ZERO) + row["match"]
    return totals
PY

python3 -m unittest
