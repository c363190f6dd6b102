"""Grader for merge-contacts. Runs in /work after the episode; its checks are reported by prefgym's launcher.

EXPECTED was worked out when the task was written from the two input files (every edge case was
planted on purpose and checked by hand); nothing here reads the agent's copies of the inputs. An
instance of the family (generate.py) brings its own rows through grader_kit.params().
"""

import csv
import os

HEADER = ["email", "first_name", "last_name", "phone", "city", "country", "opted_out", "sources", "updated_at"]

# email, first_name, last_name, phone, city, country, opted_out, sources, updated_at
EXPECTED = [
    ["ana+news@example.org", "Ana", "Silva", "", "Boston", "US", "no", "crm", "2024-01-01T05:00:00Z"],
    ["ana@example.org", "Ana", "Silva Santos", "+16175550123", "Boston", "US", "yes", "crm;newsletter", "2024-02-01T10:00:00Z"],
    ["chloe.petrov@example.org", "Chloé", "Petrov", "+12125550123", "Jersey City", "US", "no", "crm;newsletter", "2024-09-09T13:09:09Z"],
    ["dana.w@example.com", "Dana", "Whitfield-Ross", "+13035550148", "Boulder", "US", "yes", "crm;newsletter", "2024-11-03T05:45:00Z"],
    ["fatima@example.org", "Fatima", "Nasser", "+12125550188", "New York", "US", "yes", "crm;newsletter", "2024-04-04T08:04:04Z"],
    ["grace.liu@example.org", "Grace", "Liu", "+12125550199", "Chicago", "US", "yes", "crm;newsletter", "2024-06-01T14:00:00Z"],
    ["hannah.costa@example.com", "Hannah", "Costa", "+16175550175", "Somerville", "US", "yes", "crm;newsletter", "2024-03-10T07:45:00Z"],
    ["ines.moreau@example.fr", "Ines", "Moreau", "+33612345679", "Paris", "FR", "no", "crm;newsletter", "2024-04-01T16:00:00Z"],
    ["kwame@example.com", "Kwame", "Mensah", "+14045550111", "Atlanta", "US", "no", "crm;newsletter", "2024-06-06T10:06:06Z"],
    ["lena.vogel@example.de", "Lena", "Vogel", "+49301234567", "Berlin", "DE", "no", "crm;newsletter", "2024-02-02T17:00:00Z"],
    ["liam@example.com", "Liam", "Byrne", "+12125550100", "Boston", "US", "no", "newsletter", "2024-05-01T14:00:00Z"],
    ["lucia.garcia@example.es", "Lucía", "García", "+34912345678", "Madrid", "ES", "no", "crm", "2024-11-03T04:30:00Z"],
    ["m.nowak@example.pl", "Marta", "Nowak", "+48221234567", "Warsaw", "PL", "no", "crm;newsletter", "2024-10-10T14:10:10Z"],
    ["marco.rossi@example.it", "Marco", "Rossi", "+390612345678", "Rome", "IT", "no", "crm;newsletter", "2024-08-01T16:00:00Z"],
    ["maria.gonzalez@example.org", "Maria", "Gonzalez", "+12125550142", "New York", "US", "no", "crm;newsletter", "2024-01-15T14:00:00Z"],
    ["new.donor@example.com", "Aisha", "Bello", "+2348031234567", "Lagos", "NG", "no", "newsletter", "2024-08-08T07:08:08Z"],
    ["noah.walsh@example.ie", "Noah", "Walsh", "+35312345678", "Dublin", "IE", "yes", "crm;newsletter", "2024-07-07T11:07:07Z"],
    ["omar@example.net", "Omar", "Haddad", "+442079460000", "Leeds", "GB", "no", "crm", "2024-09-01T13:30:00Z"],
    ["oskar@example.se", "Oskar", "Lindqvist", "+46812345678", "Stockholm", "SE", "yes", "crm;newsletter", "2023-06-01T16:00:00Z"],
    ["p.martin@example.fr", "Pierre", "Martin", "+33612345678", "Villeurbanne", "FR", "yes", "crm;newsletter", "2024-03-10T06:45:00Z"],
    ["priya.raman@example.in", "Priya", "Raman", "+919876543210", "Chennai", "IN", "no", "newsletter", "2024-12-12T06:42:12Z"],
    ["ravi.iyer@example.in", "Ravi", "Iyer", "", "Bengaluru", "IN", "no", "crm", "2024-05-20T14:00:00Z"],
    ["sam.lee@example.com", "Sam", "Lee", "+14165550123", "Toronto", "CA", "no", "crm;newsletter", "2024-05-05T12:00:00Z"],
    ["tom.okafor@example.org", "Tom", "Okafor", "+442079460958", "London", "GB", "no", "crm;newsletter", "2024-07-01T14:00:00Z"],
    ["yuki.tanaka@example.jp", "Yuki", "Tanaka", "+81312345678", "Tokyo", "JP", "no", "crm;newsletter", "2024-03-01T04:30:00Z"],
    ["zoe.dubois@example.fr", "Zoë", "Dubois", "+33123456789", "Paris", "FR", "yes", "crm;newsletter", "2025-01-01T03:00:00Z"],
]

from grader_kit import check, params  # copied beside this file by prefgym

INSTANCE = params()  # an instance of the family (generate.py): its own two exports and merged rows
if INSTANCE:
    EXPECTED = INSTANCE["rows"]


_cache = {}


def read_output():
    if "error" in _cache:
        raise _cache["error"]
    if "rows" not in _cache:
        try:
            with open(os.path.join(os.getcwd(), "contacts_merged.csv"), newline="", encoding="utf-8-sig") as f:
                table = [[c.strip() for c in r] for r in csv.reader(f) if any(c.strip() for c in r)]
            if not table:
                raise ValueError("contacts_merged.csv is empty")
            header = [h.lower() for h in table[0]]
            if header != HEADER:
                raise ValueError(f"header is {table[0]}, expected {HEADER}")
            body = table[1:]
            bad = [r for r in body if len(r) != len(HEADER)]
            if bad:
                raise ValueError(f"rows with {len(bad[0])} fields instead of {len(HEADER)}: {bad[0]}")
            _cache["rows"] = body
        except Exception as exc:
            _cache["error"] = exc
            raise
    return _cache["rows"]


def by_email():
    out = {}
    for r in read_output():
        out.setdefault(r[0].lower(), r)
    return out


def compare(columns):
    got = by_email()
    idx = [HEADER.index(c) for c in columns]
    wrong = []
    for e in EXPECTED:
        g = got.get(e[0])
        want = [e[i] for i in idx]
        have = None if g is None else [g[i] for i in idx]
        if have != want:
            wrong.append(f"{e[0]}: got {have} expected {want}")
    return not wrong, (f"{len(wrong)} of {len(EXPECTED)} contacts wrong: " + "; ".join(wrong[:4])) if wrong else "all right"


@check("file_and_header")
def _():
    rows = read_output()
    return True, f"{len(rows)} rows"


@check("one_row_per_contact", weight=2.0)
def _():
    emails = [r[0] for r in read_output()]
    want = [e[0] for e in EXPECTED]
    if len(emails) != len(set(emails)):
        dupes = sorted({e for e in emails if emails.count(e) > 1})
        return False, f"emails repeated: {dupes[:5]}"
    missing, extra = sorted(set(want) - set(emails)), sorted(set(emails) - set(want))
    return not missing and not extra, f"missing {missing[:5]}; unexpected {extra[:5]}"


@check("names_city_country", weight=2.0)
def _():
    return compare(["first_name", "last_name", "city", "country"])


@check("phones_e164", weight=2.0)
def _():
    return compare(["phone"])


@check("opt_out_propagated", weight=2.0)
def _():
    got = by_email()
    wrong = [e[0] for e in EXPECTED if got.get(e[0]) is None or got[e[0]][6].lower() != e[6]]
    return not wrong, f"wrong opted_out for {wrong[:6]}" if wrong else "all right"


@check("sources_and_updated_at")
def _():
    return compare(["sources", "updated_at"])


@check("sorted_by_email")
def _():
    emails = [r[0] for r in read_output()]
    want = [e[0] for e in EXPECTED]
    return emails == want, "rows in email order" if emails == want else f"order: {emails[:6]}..."
