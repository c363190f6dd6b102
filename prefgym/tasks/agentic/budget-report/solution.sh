#!/usr/bin/env bash
# Reference solution for budget-report.
set -euo pipefail
python3 - <<'PY'
import csv
import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

with open("categories.json", encoding="utf-8") as f:
    cfg = json.load(f)
with open("rates.csv", newline="", encoding="utf-8") as f:
    rates = {(r["month"].strip(), r["currency"].strip().upper()): Decimal(r["usd_per_unit"].strip())
             for r in csv.DictReader(f)}

by_cat, by_month = defaultdict(Decimal), defaultdict(Decimal)
with open("expenses.csv", newline="", encoding="utf-8-sig") as f:
    for r in csv.DictReader(f):
        if (r["status"] or "").strip().lower() == "void":
            continue
        d = r["date"].strip()
        month = d[:7] if "-" in d else f"{d[6:10]}-{d[3:5]}"
        cat = " ".join((r["category"] or "").split()).lower()
        cat = cfg["aliases"].get(cat, cat)
        if not cat:
            cat = "uncategorised"
        elif cat not in cfg["categories"]:
            cat = "other"
        cur = r["currency"].strip().upper()
        amount = Decimal(r["amount"].replace(",", "").strip())
        usd = amount if cur == "USD" else amount * rates[(month, cur)]
        by_cat[cat] += usd
        by_month[month] += usd

total = sum(by_cat.values(), Decimal(0))


def r2(x):
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


report = {
    "by_category": {k: float(r2(v)) for k, v in sorted(by_cat.items())},
    "by_month": {k: float(r2(v)) for k, v in sorted(by_month.items())},
    "total": float(r2(total)),
}
with open("report.json", "w", encoding="utf-8") as f:
    json.dump(report, f, indent=2)

lines = ["| Category | Total (USD) | Share |", "|---|---:|---:|"]
for cat, v in sorted(by_cat.items(), key=lambda kv: (-r2(kv[1]), kv[0])):
    share = (v / total * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    lines.append(f"| {cat} | {r2(v):,.2f} | {share}% |")
lines.append(f"| Total | {r2(total):,.2f} | 100.0% |")
with open("report.md", "w", encoding="utf-8") as f:
    f.write("# Expenses, January to June 2025 (USD)\n\n" + "\n".join(lines) + "\n")
print(json.dumps(report, indent=2))
print("\n".join(lines))
PY
