"""Instance N of budget-report: its own expenses, with the traps of the shipped export.

The rates and the category list stay those of files/ (the opening names them); the expenses are
new: 80 to 120 rows from January to June 2025 in USD, EUR, GBP and KES, with dates in both
formats, currency codes in lower case or padded, amounts with thousands commas and spaces,
refunds (negative), void rows in any case, categories through aliases, odd spacing and case,
blank ones (uncategorised), unknown ones (other), and two categories with equal totals (the
name breaks the tie). The expected totals follow the opening's rules on this data.
"""

import csv
import io
import json
import os
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
CENT = Decimal("0.01")
DESCRIPTIONS = ["Stationery", "Taxi to site", "Teacher training", "Printer toner", "Volunteer lunch", "Laptop",
                "Venue hire", "Insurance premium", "Software seats", "Flights to Nairobi", "Payroll", "Workshop kits"]
UNKNOWN = ["Catering", "Bank fees", "Misc", "Donations out"]


def _rates():
    with open(os.path.join(HERE, "files", "rates.csv"), newline="", encoding="utf-8") as f:
        return {(r["month"].strip(), r["currency"].strip().upper()): Decimal(r["usd_per_unit"].strip())
                for r in csv.DictReader(f)}


def _categories():
    with open(os.path.join(HERE, "files", "categories.json"), encoding="utf-8") as f:
        return json.load(f)


def _messy(rng, text):
    text = rng.choice([text, text.upper(), text.title(), text.lower()])
    if " " in text and rng.random() < 0.3:
        text = text.replace(" ", "  ")
    return rng.choice(["", " ", "  "]) + text + rng.choice(["", " "]) if rng.random() < 0.3 else text


def generate(rng):
    cfg, rates = _categories(), _rates()
    currencies = sorted({c for _m, c in rates}) + ["USD"]
    names = list(cfg["categories"]) + list(cfg["aliases"])
    rows = []
    for i in range(rng.randint(80, 120)):
        month, day = rng.randint(1, 6), rng.randint(1, 28)
        date = f"2025-{month:02d}-{day:02d}" if rng.random() < 0.7 else f"{day:02d}/{month:02d}/2025"
        pick = rng.random()
        category = (_messy(rng, rng.choice(names)) if pick < 0.85 else
                    rng.choice(["", "   "]) if pick < 0.9 else _messy(rng, rng.choice(UNKNOWN)))
        cents = rng.randint(1000, 300000) * (-1 if rng.random() < 0.05 else 1)
        amount = f"{Decimal(cents) / 100:,.2f}" if abs(cents) >= 100000 and rng.random() < 0.5 else f"{Decimal(cents) / 100:.2f}"
        amount = rng.choice(["", " "]) + amount + rng.choice(["", " "])
        currency = _messy(rng, rng.choice(currencies).lower() if rng.random() < 0.2 else rng.choice(currencies))
        status = rng.choice(["void", " Void ", "VOID"]) if rng.random() < 0.05 else ""
        rows.append([f"EX-{i + 1:04d}", date, rng.choice(DESCRIPTIONS), category, amount, currency, status])
    # a tie: two categories' totals made equal with one USD row (when both are counted)
    totals = _totals(rows, cfg, rates)[0]
    a, b = sorted(k for k in totals if k not in ("other", "uncategorised"))[:2]
    diff = totals[a] - totals[b]
    low = b if diff > 0 else a
    rows.append([f"EX-{len(rows) + 1:04d}", "2025-06-30", "Adjustment", low, f"{abs(diff):.2f}", "USD", ""])
    by_cat, by_month, total = _totals(rows, cfg, rates)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "date", "description", "category", "amount", "currency", "status"])
    writer.writerows(rows)
    return {"expenses.csv": out.getvalue()}, _expected(by_cat, by_month, total)


def _totals(rows, cfg, rates):
    by_cat, by_month = defaultdict(Decimal), defaultdict(Decimal)
    for _id, date, _desc, category, amount, currency, status in rows:
        if status.strip().lower() == "void":
            continue
        d = date.strip()
        month = d[:7] if "-" in d else f"{d[6:10]}-{d[3:5]}"
        cat = " ".join(category.split()).lower()
        cat = cfg["aliases"].get(cat, cat)
        cat = "uncategorised" if not cat else (cat if cat in cfg["categories"] else "other")
        cur = currency.strip().upper()
        value = Decimal(amount.replace(",", "").strip())
        usd = value if cur == "USD" else value * rates[(month, cur)]
        by_cat[cat] += usd
        by_month[month] += usd
    return by_cat, by_month, sum(by_cat.values(), Decimal(0))


def _expected(by_cat, by_month, total):
    def r2(x):
        return x.quantize(CENT, rounding=ROUND_HALF_UP)

    rows = []
    for cat, v in sorted(by_cat.items(), key=lambda kv: (-r2(kv[1]), kv[0])):
        share = (v / total * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        rows.append([cat, f"{r2(v):,.2f}", f"{share}%"])
    return {"by_category": {k: str(r2(v)) for k, v in by_cat.items()},
            "by_month": {k: str(r2(v)) for k, v in by_month.items()},
            "total": str(r2(total)), "md_rows": rows, "md_total": ["Total", f"{r2(total):,.2f}", "100.0%"]}
