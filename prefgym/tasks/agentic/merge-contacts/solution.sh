#!/usr/bin/env bash
# Reference solution for merge-contacts.
set -euo pipefail
python3 - <<'PY'
import csv
import json
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")
FIELDS = ["first_name", "last_name", "phone", "city", "country"]


def clean(value):
    return "" if value is None else str(value).strip()


def e164(raw, country):
    s = re.sub(r"[ \-.()]", "", clean(raw))
    if not s:
        return ""
    if s.startswith("00"):
        s = "+" + s[2:]
    if s.startswith("+"):
        return s if re.fullmatch(r"\+\d{8,15}", s) else ""
    if not s.isdigit():
        return ""
    if country in ("US", "CA"):
        if len(s) == 10:
            return "+1" + s
        if len(s) == 11 and s.startswith("1"):
            return "+" + s
        return ""
    if country == "GB" and len(s) == 11 and s.startswith("0"):
        return "+44" + s[1:]
    if country == "FR" and len(s) == 10 and s.startswith("0"):
        return "+33" + s[1:]
    return ""


records = []  # (instant, source rank, position, email, fields, opted_out, source)
with open("crm_contacts.csv", newline="", encoding="utf-8") as f:
    for i, row in enumerate(csv.DictReader(f)):
        email = clean(row["email"]).lower()
        if not email:
            continue
        local = datetime.strptime(clean(row["updated_at"]), "%Y-%m-%d %H:%M:%S")
        instant = local.replace(tzinfo=NEW_YORK, fold=0).astimezone(timezone.utc)
        country = clean(row["country"]).upper()
        fields = {"first_name": clean(row["first_name"]), "last_name": clean(row["last_name"]),
                  "city": clean(row["city"]), "country": country, "phone": e164(row["phone"], country)}
        opted = clean(row["email_opt_out"]).lower() in ("yes", "y", "true", "1")
        records.append((instant, 1, i, email, fields, opted, "crm"))

with open("newsletter_signups.json", encoding="utf-8") as f:
    signups = json.load(f)["signups"]
for i, rec in enumerate(signups):
    email = clean(rec.get("email")).lower()
    if not email:
        continue
    instant = datetime.fromisoformat(clean(rec["updated_at"]).replace("Z", "+00:00")).astimezone(timezone.utc)
    country = clean(rec.get("country")).upper()
    fields = {"first_name": clean(rec.get("first_name")), "last_name": clean(rec.get("last_name")),
              "city": clean(rec.get("city")), "country": country, "phone": e164(rec.get("phone"), country)}
    records.append((instant, 0, i, email, fields, rec.get("subscribed") is False, "newsletter"))

contacts = {}
# oldest first; at the same instant the newsletter (rank 0) comes before the CRM (rank 1), and within
# a source the earlier row comes first, so that later values overwrite earlier ones
for instant, rank, pos, email, fields, opted, source in sorted(records, key=lambda r: (r[0], r[1], r[2])):
    c = contacts.setdefault(email, {"email": email, **{k: "" for k in FIELDS}, "opted_out": False,
                                    "sources": set(), "updated_at": instant})
    for k in FIELDS:
        if fields[k]:
            c[k] = fields[k]
    c["opted_out"] = c["opted_out"] or opted
    c["sources"].add(source)
    c["updated_at"] = max(c["updated_at"], instant)

with open("contacts_merged.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["email", "first_name", "last_name", "phone", "city", "country", "opted_out", "sources", "updated_at"])
    for email in sorted(contacts):
        c = contacts[email]
        w.writerow([email, c["first_name"], c["last_name"], c["phone"], c["city"], c["country"],
                    "yes" if c["opted_out"] else "no", ";".join(s for s in ("crm", "newsletter") if s in c["sources"]),
                    c["updated_at"].strftime("%Y-%m-%dT%H:%M:%SZ")])
print(open("contacts_merged.csv", encoding="utf-8").read())
PY
