#!/usr/bin/env bash
# Reference solution for fix-receipts: fix the two bugs, then run the visible tests.
set -euo pipefail
python3 - <<'PY'
import re
from pathlib import Path

# Bug 1: the tax year ended a day early (31 December was excluded).
p = Path("receipts/deductible.py")
src = p.read_text()
src = src.replace("return start <= d < end", "return start <= d <= end")
p.write_text(src)

# Bug 2: float formatting rounds 2.675 to 2.67; round the Decimal half-up instead.
p = Path("receipts/money.py")
src = p.read_text()
src = src.replace("from decimal import Decimal, InvalidOperation",
                  "from decimal import ROUND_HALF_UP, Decimal, InvalidOperation")
src = re.sub(
    r"    amount = float\(to_decimal\(value\)\)\n",
    "    amount = to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)\n",
    src,
)
p.write_text(src)
PY
python3 -m unittest
