"""Instance N of donor-dedup: its own donations export, with the traps of the shipped one.

About 20 donors give 25 to 35 gifts; the export then gets duplicates of some gifts with the email
re-typed (case, spaces) and the amount re-written ("$1,250.00" for 1250), repeat gifts that are not
duplicates (another date or amount), and junk rows: blank, malformed or "@"-less emails, blank,
non-numeric, zero and negative amounts, some from donors with no valid row at all. One gift is
the single largest. Expected rows, totals and counts follow the opening's rules on this data.
"""

import csv
import io
from decimal import Decimal

FIRST = ["Maria", "James", "Priya", "Liam", "Chen", "Noah", "Aisha", "Elena", "Grace", "Olivia", "Hannah", "Kwame",
         "Yuki", "Omar", "Lucas", "Zara", "Sara", "Ravi", "Chloe", "Tomas", "Ines", "Bruno"]
LAST = ["Santos", "Okafor", "Raman", "Byrne", "Wei", "Fischer", "Bello", "Petrova", "Kim", "Brown", "Weber",
        "Mensah", "Tanaka", "Haddad", "Martin", "Ahmed", "Lindqvist", "Shah", "Dubois", "Novak"]
DOMAINS = ["example.org", "example.com", "example.net", "example.de", "example.fr"]


def _money(rng, amount):
    text = f"{amount:.2f}" if rng.random() < 0.6 else (f"{amount:g}" if amount == int(amount) else f"{amount:.2f}")
    if rng.random() < 0.4:
        text = f"${amount:,.2f}"
    return text


def _retype(rng, email):
    return rng.choice([email.upper(), email.title(), f" {email} ", email.capitalize() + " "])


def generate(rng):
    people = []
    for first, last in rng.sample([(f, la) for f in FIRST for la in LAST], rng.randint(16, 22)):
        people.append((f"{first} {last}", f"{first.lower()}.{last.lower()}@{rng.choice(DOMAINS)}"))
    gifts = []  # (name, email, amount, date) in export order, before junk
    for _ in range(rng.randint(25, 35)):
        name, email = rng.choice(people)
        amount = Decimal(rng.choice([20, 35.5, 42.75, 50, 60, 75, 80, 100, 150, 200, 250, 310.25, 999.99, 1000.5,
                                     1250, 2500])).quantize(Decimal("0.01"))
        gifts.append((name, email, amount, f"2025-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}"))
    largest = rng.choice(people)
    gifts.insert(rng.randint(0, len(gifts)), (largest[0], largest[1], Decimal("12500.00"), "2025-02-14"))
    rows = []
    for name, email, amount, date in gifts:
        rows.append([name, email, _money(rng, amount), date])
        if rng.random() < 0.25:  # the same gift entered again, re-typed
            rows.append([name.lower(), _retype(rng, email), _money(rng, amount), date])
        if rng.random() < 0.1:  # a repeat gift on another day: not a duplicate
            rows.append([name, email, _money(rng, amount), f"2025-{rng.randint(7, 12):02d}-01"])
    junk_people = [(f"{f} {la}", f"{f.lower()}.{la.lower()}@junk.example")
                   for f, la in rng.sample([(f, la) for f in FIRST for la in LAST], 5)]
    junk = [[junk_people[0][0], junk_people[0][1], "", "2025-03-03"],
            [junk_people[1][0], junk_people[1][1], "n/a", "2025-03-04"],
            [junk_people[2][0], junk_people[2][1], "0", "2025-03-05"],
            [junk_people[3][0], junk_people[3][1], "-40.00", "2025-03-06"],
            [junk_people[4][0], junk_people[4][1].replace("@", "."), "25.00", "2025-03-07"],
            ["No Email", "   ", "30.00", "2025-03-08"]]
    for row in junk:
        rows.insert(rng.randint(0, len(rows)), row)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["donor_name", "email", "amount", "date"])
    writer.writerows(rows)
    return {"donations.csv": out.getvalue()}, _expected(rows, [p[1].lower() for p in junk_people])


def _expected(rows, junk_emails):
    kept, seen = [], set()
    for _name, email, amount, date in rows:
        email = email.strip().lower()
        try:
            value = Decimal(amount.replace("$", "").replace(",", "").replace(" ", ""))
        except Exception:
            continue
        if not email or "@" not in email or not value.is_finite() or value <= 0:
            continue
        key = (email, value, date.strip())
        if key in seen:
            continue
        seen.add(key)
        kept.append((email, f"{value:.2f}", date.strip()))
    largest = max(kept, key=lambda k: Decimal(k[1]))
    return {"rows": [list(k) for k in kept], "total": str(sum(Decimal(k[1]) for k in kept)),
            "unique": len({k[0] for k in kept}), "largest": [largest[0], largest[1]],
            "invalid_only": sorted(set(junk_emails) | {e.replace("@", ".") for e in junk_emails})}
