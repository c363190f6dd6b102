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
    """The match one gift earns under ``policy`` before any annual cap is applied."""
    amount = to_decimal(amount)
    if policy is None or amount <= policy.min_gift:
        return ZERO
    return round_cents(amount * policy.ratio)


def compute_matches(gifts, policies) -> list:
    """Match every gift; returns [{"id": gift id, "match": Decimal}] in the order of ``gifts``.

    Each gift is a dict with "id", "donor", "employer", "amount" and "date". Gifts are applied in
    date order (same date: lower id first) so that the annual cap of each employer for each donor
    is used up by the earliest gifts; the gift that reaches the cap gets what is left of it.
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
        key = (str(gift["donor"]).strip().casefold(), policy.employer)
        remaining = policy.annual_cap - used.get(key, ZERO)
        match = min(uncapped, max(remaining, ZERO))
        used[key] = used.get(key, ZERO) + match
        matches[gift["id"]] = round_cents(match)
    return [{"id": g["id"], "match": matches[g["id"]]} for g in gifts]


def employer_totals(gifts, policies, year: int) -> dict:
    """{employer name: total matched} for gifts dated in calendar year ``year``."""
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
