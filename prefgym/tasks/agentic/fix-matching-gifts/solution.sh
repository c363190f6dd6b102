#!/usr/bin/env bash
# Reference solution for fix-matching-gifts: fix the three bugs, then run the visible tests.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

def patch(path, old, new):
    p = Path(path)
    src = p.read_text()
    if old not in src:
        raise SystemExit(f"{path}: pattern not found: {old!r}")
    p.write_text(src.replace(old, new, 1))

# Bug 1: Decimal.quantize uses the context's rounding (half-even): 12.625 became 12.62.
patch("matching/money.py", "from decimal import Decimal, InvalidOperation",
      "from decimal import ROUND_HALF_UP, Decimal, InvalidOperation")
patch("matching/money.py", "return to_decimal(value).quantize(CENT)",
      "return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)")

# Bug 2: a gift exactly equal to the minimum gift must be matched.
patch("matching/engine.py", "amount <= policy.min_gift", "amount < policy.min_gift")

# Bug 3: the annual cap is per donor, per employer and per calendar year.
patch("matching/engine.py",
      'key = (str(gift["donor"]).strip().casefold(), policy.employer)',
      'key = (str(gift["donor"]).strip().casefold(), policy.employer, parse_date(gift["date"]).year)')
PY
python3 -m unittest
