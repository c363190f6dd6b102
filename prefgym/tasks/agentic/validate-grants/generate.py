"""Instance N of validate-grants: its own visible applications file and its own hidden files.

The grader runs the agent's validator on eight files, as for the task as shipped: the visible
applications_2025.csv and seven hidden ones (dates, amounts, ids, emails_codes, missing_columns,
clean_reordered, clean_bom_crlf). Each instance draws new organisations, emails, amounts, dates,
ids, row order and empty-line positions, and a new form of every mistake (which impossible date,
which lower-case currency, which column is missing, ...), but every file keeps the kinds of rows
of the shipped one, so every rule 1-11 of the opening is exercised and every trap stays:

- line numbers count empty lines (placed at random between rows); a line of spaces is a row of
  one field; a row of commas has every required value missing;
- duplicate ids name the line of the first use, a third use too; an invalid id is never "used";
  a row with the wrong number of fields (too few, or an unquoted comma) does not use its id,
  while a row full of other errors does; a padded id is the same id trimmed;
- dates: a valid leap day, Feb 29 of a common year, same-day and backward projects, exactly 730
  days (fine) and 731 (too long, once across a leap day with the same calendar date two years on),
  unpadded, compact, US-style, timestamped, month-13 and day-0 dates, padded dates;
- amounts: 500 and 50000 (also with cents) fine, just below and just above out of range, thousands
  commas, signs, symbols, exponents, three decimals, a trailing point, words; 20000 fine without a
  previous grant and a cent more not; above 50000 both out of range and needing one; a malformed
  previous id instead of a missing one;
- emails, currencies and categories in every malformed shape of the shipped file, with their
  valid look-alikes (mixed case, sub-domains, padding, quoted fields); case-sensitive codes;
- a header lacking two or three columns (with a BOM and an extra column) reports only those, in
  the opening's order; two error-free files: reordered columns with quoted commas and doubled
  quotes, and a BOM with CRLF line ends and padding, both around the 500/20000/50000/730 bounds.

The expected output of each file comes from this module's own reading of the rules (no csv,
re, datetime or Decimal there), applied to the fields each line was written from.
"""

from datetime import date, timedelta

COLUMNS = ["application_id", "organisation", "contact_email", "amount_requested", "currency",
           "start_date", "end_date", "category", "previous_grant_id"]
REQUIRED = COLUMNS[:-1]
CURRENCIES = ["USD", "EUR", "GBP"]
CATEGORIES = ["education", "health", "environment", "arts", "community"]

PLACES = ["Riverside", "Northgate", "Clearwater", "Hill Street", "Eastside", "Lakeshore", "Greenway", "Harbour",
          "Westfield", "Coastal", "Sunrise", "Valley", "Tidewater", "Mountain", "Oakwood", "Brookfield",
          "Maple Lane", "Stonebridge", "Kingsmead", "Ashford", "Willow Park", "Foxhill", "Millbrook", "Elm Row"]
KINDS = ["Youth Choir", "Food Bank", "Library Friends", "Tutoring Project", "Health Clinic", "Arts Collective",
         "Schools Garden", "Seniors Network", "Rescue Volunteers", "Youth Orchestra", "Literacy Project",
         "Night Shelter", "Cleanup Crew", "Refugee Welcome", "Watershed Council", "Theatre", "Code Club",
         "Community Kitchen", "Wildlife Trust", "Repair Cafe", "Dance School", "Bike Workshop", "Carers Group"]
COMMA_ORGS = ["Parks, Paths & Trails Alliance", "Hope, Health & Home", "Friends of the Park, Inc.",
              "Bread, Books & Beyond", "Seeds, Soil & Sun Growers", "Walk, Talk & Tea Club",
              "Rhythm, Rhyme & Reason Trust", "Bikes, Boats and Boots"]
QUOTE_ORGS = ['St. Mary\'s "Open Kitchen"', 'The "Second Chance" Bike Shop', 'Friends of "The Old Mill"',
              'Project "Safe Harbour"', 'The "Good Neighbour" Fund']
LOCALS = ["info", "grants", "office", "admin", "hello", "team", "contact", "director", "ops", "funding"]
TLDS = ["org", "org", "org.uk", "ie", "edu", "com", "net", "co.uk"]

BAD_CURRENCY_CASE = ["usd", "eur", "gbp", "Usd", "Eur", "Gbp"]
BAD_CURRENCY_CODE = ["CHF", "JPY", "CAD", "AUD", "SEK"]
BAD_CURRENCY_SIGN = ["US$", "$", "USD$", "U.S.D."]
NEAR_CATEGORIES = ["environmental", "educational", "art", "healthcare", "communities", "the arts"]
COMPOUND_CATEGORIES = ["arts & culture", "health/education", "community arts", "education; arts"]
OTHER_CATEGORIES = ["sport", "misc", "other", "youth", "heritage"]
BAD_AMOUNT_WORDS = ["ten thousand", "five hundred", "TBC", "n/a", "approx 5000"]
BAD_PREVIOUS = ["ga-{:04d}", "GA-{}", "GA{:04d}", "GA-0{:04d}", "GA_{:04d}"]


# ------------------------------------------------------------------------------------------ the rules

def _digits(text):
    return text != "" and all(ch in "0123456789" for ch in text)


def _is_id(text):
    return len(text) == 7 and text[:3] == "GA-" and _digits(text[3:])


def _is_email(text):
    if text.count("@") != 1 or any(ch.isspace() for ch in text):
        return False
    local, domain = text.split("@")
    return local != "" and "." in domain and domain[0] != "." and domain[-1] != "."


def _cents(text):
    """The amount in cents if it is well-formed, else None."""
    whole, dot, frac = text.partition(".")
    if not _digits(whole) or (dot and not (len(frac) in (1, 2) and _digits(frac))):
        return None
    return int(whole) * 100 + int(frac.ljust(2, "0"))


def _day_number(text):
    """Days since the start of year 1 if text is a real YYYY-MM-DD date, else None."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not _digits(text[:4] + text[5:7] + text[8:]):
        return None
    y, m, d = int(text[:4]), int(text[5:7]), int(text[8:])
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    if y < 1 or not 1 <= m <= 12 or not 1 <= d <= month_days[m - 1]:
        return None
    before = y - 1
    return before * 365 + before // 4 - before // 100 + before // 400 + sum(month_days[:m - 1]) + d


def _row_errors(names, fields, line, first_seen):
    if len(fields) != len(names):
        return [f"expected {len(names)} fields, got {len(fields)}"]
    v = {c: fields[names.index(c)].strip() for c in COLUMNS}
    errors = [f"missing {c}" for c in REQUIRED if v[c] == ""]

    def invalid(column):
        errors.append(f'invalid {column} "{v[column]}"')

    aid = v["application_id"]
    if aid and not _is_id(aid):
        invalid("application_id")
    elif aid in first_seen:
        errors.append(f'duplicate application_id "{aid}" (first seen on line {first_seen[aid]})')
    elif aid:
        first_seen[aid] = line
    if v["contact_email"] and not _is_email(v["contact_email"]):
        invalid("contact_email")
    cents = _cents(v["amount_requested"])
    if v["amount_requested"] and cents is None:
        invalid("amount_requested")
    elif cents is not None and not 500_00 <= cents <= 50000_00:
        errors.append(f'amount_requested out of range "{v["amount_requested"]}"')
    if v["currency"] and v["currency"] not in CURRENCIES:
        invalid("currency")
    days = {}
    for column in ("start_date", "end_date"):
        if v[column]:
            days[column] = _day_number(v[column])
            if days[column] is None:
                invalid(column)
    if days.get("start_date") is not None and days.get("end_date") is not None:
        span = days["end_date"] - days["start_date"]
        if span <= 0:
            errors.append("end_date must be after start_date")
        elif span > 730:
            errors.append("project longer than 730 days")
    if v["category"] and v["category"] not in CATEGORIES:
        invalid("category")
    if v["previous_grant_id"] and not _is_id(v["previous_grant_id"]):
        invalid("previous_grant_id")
    if cents is not None and cents > 20000_00 and not v["previous_grant_id"]:
        errors.append("previous_grant_id required above 20000")
    return errors


def _expected(path, lines):
    """The validator's output for a file of lines (each its list of fields, or None when empty)."""
    rows = [(number, fields) for number, fields in enumerate(lines, 1) if fields is not None]
    (header_line, header), body = rows[0], rows[1:]
    names = [h.strip() for h in header]
    absent = [c for c in COLUMNS if c not in names]
    if absent:
        return [f"{path}:{header_line}: missing column {c}" for c in absent]
    first_seen, out = {}, []
    for number, fields in body:
        out += [f"{path}:{number}: {message}" for message in _row_errors(names, fields, number, first_seen)]
    return out


# ------------------------------------------------------------------------------------------ the data

class Maker:
    """Valid application rows and the malformed values put into them, drawn from one rng.

    A row is a dict of column values; its application_id is None until _number gives it the next
    id of its file, or the id of the row in "_same_as". Other "_" keys shape how it is written."""

    def __init__(self, rng):
        self.rng = rng
        self.orgs = [f"{p} {k}" for p in PLACES for k in KINDS]
        rng.shuffle(self.orgs)

    def org(self):
        return self.orgs.pop()

    def domain(self, org):
        words = ["".join(ch for ch in w.lower() if ch.isalnum()) for w in org.split()]
        words = [w for w in words if w]
        return self.rng.choice(["".join(words), "-".join(words), words[0] + words[-1]]) + "." + self.rng.choice(TLDS)

    def email(self, org):
        return f"{self.rng.choice(LOCALS)}@{self.domain(org)}"

    def money(self, lo=500, hi=20000):
        n = self.rng.randint(lo, hi - 1)
        return self.rng.choice([str(n), str(n), f"{n}.00", f"{n}.50", f"{n}.{self.rng.randint(1, 99):02d}",
                                f"{n}.{self.rng.randint(1, 9)}"])

    def day(self, lo=date(2025, 1, 1), days=700):
        return lo + timedelta(days=self.rng.randint(0, days))

    def previous(self):
        return f"GA-{self.rng.randint(1, 999):04d}"

    def pad_pair(self):
        return self.rng.choice([("", " "), (" ", ""), (" ", " "), ("  ", " "), (" ", "  "), ("  ", "")])

    def pad(self, text):
        left, right = self.pad_pair()
        return left + text + right

    def padded(self, row, count):
        """row with count of its non-empty values (the id aside) surrounded by spaces."""
        for column in self.rng.sample([c for c in COLUMNS[1:] if row[c]], count):
            row[column] = self.pad(row[column])
        return row

    def app(self, bad_email=False, **values):
        """A valid application (an amount up to 20000, so no previous grant needed), overridden by values;
        bad_email: a malformed contact_email of that kind (True: any) on the organisation's domain."""
        org = values.get("organisation") or self.org()
        start = self.day()
        row = {"application_id": None, "organisation": org, "contact_email": self.email(org),
               "amount_requested": self.money(), "currency": self.rng.choice(CURRENCIES),
               "start_date": start.isoformat(),
               "end_date": (start + timedelta(days=self.rng.randint(30, 700))).isoformat(),
               "category": self.rng.choice(CATEGORIES),
               "previous_grant_id": self.previous() if self.rng.random() < 0.25 else ""}
        if bad_email:
            row["contact_email"] = self.bad_email(org, None if bad_email is True else bad_email)
        row.update(values)
        return row

    def dates(self, start, end):
        return {"start_date": start if isinstance(start, str) else start.isoformat(),
                "end_date": end if isinstance(end, str) else end.isoformat()}

    def bad_date_in(self, bad):
        """Start and end with bad in one of them (which, at random) and a plausible date in the other."""
        other = self.day()
        if self.rng.random() < 0.5:
            return self.dates(bad, other + timedelta(days=self.rng.randint(200, 700)))
        return self.dates(other, bad)

    def impossible_date(self):
        y = self.rng.randint(2025, 2027)
        m, d = self.rng.choice([(4, 31), (6, 31), (9, 31), (11, 31), (2, 30), (2, 31), (2, 29)])
        return f"{y}-{m:02d}-{d:02d}"

    def bad_email(self, org, kind=None):
        local, domain = self.rng.choice(LOCALS), self.domain(org)
        first = domain.split(".")[0]
        half = len(first) // 2  # a space inside the domain, which keeps its dot: only the space is wrong
        spaced = domain.replace("-", " ", 1) if "-" in first else f"{domain[:half]} {domain[half:]}"
        kinds = {
            "double_at": f"{local}@@{domain}",
            "two_ats": f"{local}@{first}@{domain}",
            "no_at": f"{local}.{domain}",
            "empty_local": f"@{domain}",
            "no_dot": f"{local}@{first}",
            "leading_dot": f"{local}@.{domain}",
            "trailing_dot": f"{local}@{domain}.",
            "inner_space": f"{self.rng.choice(['mary ann', 'first last', 'the office'])}@{domain}",
            "space_in_domain": f"{local}@{spaced}",
        }
        return kinds[kind or self.rng.choice(sorted(kinds))]

    def bad_amount(self):
        n = self.rng.randint(500, 19999)
        return self.rng.choice([f"{max(n, 1000):,}", f"${n}", f"{n}.{self.rng.randint(100, 999)}", f"{n}.",
                                f"-{n}", f"{n // 1000}e3", self.rng.choice(BAD_AMOUNT_WORDS)])

    def bad_previous(self):
        return self.rng.choice(BAD_PREVIOUS).format(self.rng.randint(1, 999))


def _csv(fields, quote_all=False):
    """One CSV line: a value with a comma or a quote is quoted, its quotes doubled."""
    return ",".join(f'"{f.replace(chr(34), chr(34) * 2)}"' if quote_all or "," in f or '"' in f else f
                    for f in fields)


def _number(rows, first):
    """Give each row without an id the next one of the file, in file order (copies take their original's)."""
    n = first
    for row in rows:
        if row.get("application_id") is None and "_raw" not in row:
            if "_same_as" in row:
                row["application_id"] = row["_same_as"]["application_id"].strip()
            else:
                row["application_id"], n = f"GA-{n:04d}", n + 1
        if "_pad_id" in row:
            row["application_id"] = row["_pad_id"][0] + row["application_id"] + row["_pad_id"][1]


def _arrange(rng, rows, later=()):
    """rows in a random order, then each (row, anchor) of later at a random place after its anchor."""
    out = list(rows)
    rng.shuffle(out)
    for row, anchor in later:
        at = next(i for i, r in enumerate(out) if r is anchor)
        out.insert(rng.randint(at + 1, len(out)), row)
    return out


def _sheet(rng, path, header, rows, blanks=0, bom=False, eol="\n", final_newline=True):
    """The file's spec for the grader (BOM, line end, text lines) and its expected output."""
    _number(rows, rng.randint(1, 95) * 100 + rng.randint(0, 9) * 10 + 1)
    lines = [(header, False)]  # (fields, or None for an empty line; whether every field is quoted)
    for row in rows:
        if "_raw" in row:
            lines.append((row["_raw"], False))
            continue
        fields = [row.get(c, "") for c in header]
        if row.get("_shape") == "too_few":
            fields = fields[:-1]
        elif row.get("_shape") == "unquoted_comma":
            at = header.index("organisation")
            fields[at:at + 1] = row["organisation"].split(",")
        lines.append((fields, row.get("_quote_all", False)))
    for _ in range(blanks):
        lines.insert(rng.randint(2, len(lines) - 1), (None, False))
    text = ["" if fields is None else _csv(fields, quote_all) for fields, quote_all in lines]
    spec = {"bom": bom, "eol": eol, "lines": text + ([""] if final_newline else [])}
    return spec, _expected(path, [fields for fields, _ in lines])


# ------------------------------------------------------------------------------------------ the files

def _applications(m, path):
    """The visible file: a few clean rows and one or two mistakes of each common kind."""
    rng = m.rng
    clean = [m.app(), m.app(), m.app(amount_requested=f"{rng.randint(1000, 19999)}.00", previous_grant_id=m.previous()),
             m.app(amount_requested=rng.choice(["50000", "50000.00"]), previous_grant_id=m.previous())]
    anchor = rng.choice(clean)
    dup = m.app(_same_as=anchor, organisation=anchor["organisation"], contact_email=anchor["contact_email"])
    shape = rng.choice(["too_few", "unquoted_comma"])
    start = [m.day() for _ in range(2)]
    rows = clean + [
        m.padded(m.app(), rng.randint(5, 7)),
        m.app(amount_requested=f"{rng.randint(1000, 19999):,}" + rng.choice(["", ".00"])),
        m.app(contact_email=""),
        m.app(amount_requested=rng.choice(["450", "300", "250.00", "499", "99.99", "120"])),
        m.app(organisation=rng.choice(COMMA_ORGS), currency=rng.choice(BAD_CURRENCY_CASE)),
        m.app(amount_requested=str(rng.randint(20001, 49999)), previous_grant_id="",
              **m.bad_date_in(m.impossible_date())),
        m.app(**m.dates(start[0], start[0] - timedelta(days=rng.randint(1, 400)))),
        m.app(category=rng.choice([str.capitalize, str.upper])(rng.choice(CATEGORIES)),
              **m.dates(start[1], start[1] + timedelta(days=rng.randint(740, 1200)))),
        m.app(bad_email=True),
        m.app(amount_requested=rng.choice([str(rng.randint(20001, 49999)), f"{rng.randint(20001, 49999)}.00"]),
              previous_grant_id=""),
        m.app(amount_requested=m.money(5000), previous_grant_id=m.bad_previous()),
        m.app(_shape=shape, previous_grant_id="",
              **({"organisation": rng.choice(COMMA_ORGS)} if shape == "unquoted_comma" else {})),
        m.app(previous_grant_id="", **{c: "" for c in rng.sample(REQUIRED[1:], 3)}),
    ]
    return _sheet(rng, path, COLUMNS, _arrange(rng, rows, [(dup, anchor)]), blanks=1)


def _dates(m, path):
    rng = m.rng
    leap = rng.choice([2024, 2028])
    feb29 = date(leap, 2, 29)
    if rng.random() < 0.5:  # the same calendar date two years on, across a Feb 29: 731 days
        span = date(leap, rng.randint(1, 2), rng.randint(1, 28))
        span = (span, date(leap + 2, span.month, span.day))
    else:
        span = date(leap - 1, rng.randint(3, 12), rng.randint(1, 28))
        span = (span, date(leap + 1, span.month, span.day))
    unpadded = date(rng.randint(2025, 2026), rng.randint(1, 9), rng.randint(1, 9))
    y = rng.randint(2025, 2026)
    s = [m.day() for _ in range(8)]
    rows = [
        m.app(**(m.dates(feb29, feb29 + timedelta(days=rng.randint(30, 730))) if rng.random() < 0.5
                 else m.dates(feb29 - timedelta(days=rng.randint(30, 730)), feb29))),
        m.app(**m.bad_date_in(f"{rng.choice([2025, 2026, 2027, 2029])}-02-29")),
        m.app(**m.dates(s[0], s[0])),
        m.app(**m.dates(s[1], s[1] + timedelta(days=730))),
        m.app(**m.dates(s[2], s[2] + timedelta(days=731))),
        m.app(**m.dates(*span)),
        m.app(**m.bad_date_in(rng.choice([f"{unpadded.year}-{unpadded.month}-{unpadded.day}",
                                           f"{unpadded.year}-{unpadded.month}-{unpadded.day:02d}",
                                           f"{unpadded.year}-{unpadded.month:02d}-{unpadded.day}"]))),
        m.app(**m.bad_date_in(s[3].strftime("%Y%m%d"))),
        m.app(**m.bad_date_in(f"{y}-{rng.choice([13, 13, 14, 20])}-{rng.randint(1, 28):02d}")),
        m.app(**m.bad_date_in(s[4].strftime(rng.choice(["%m/%d/%Y", "%d/%m/%Y"])))),
        m.app(**{rng.choice(["start_date", "end_date"]): ""}),
        m.app(**m.bad_date_in(s[5].isoformat() + rng.choice(["T00:00", "T09:30:00", " 10:00", "T12:00Z"]))),
        m.app(**m.dates(m.pad(s[6].isoformat()), m.pad((s[6] + timedelta(days=rng.randint(1, 365))).isoformat()))),
        m.app(**m.dates(s[7], s[7] - timedelta(days=rng.randint(1, 400)))),
        m.app(**m.dates(rng.choice([f"{y}-00-{rng.randint(1, 28):02d}", f"{y}-{rng.randint(1, 12):02d}-00"]),
                        m.impossible_date())),
    ]
    return _sheet(rng, path, COLUMNS, _arrange(rng, rows))


def _amounts(m, path):
    rng = m.rng

    def big():
        return rng.choice([str(rng.randint(20001, 49999)), f"{rng.randint(20001, 49999)}.00"])

    rows = [
        m.app(amount_requested=rng.choice(["500", "500.00", "500.0"])),
        m.app(amount_requested=rng.choice(["499.99", "499", "499.5", "499.90"])),
        m.app(amount_requested="50000", previous_grant_id=m.previous()),
        m.app(amount_requested=rng.choice(["50000.00", "50000.0"]), previous_grant_id=m.previous()),
        m.app(amount_requested=rng.choice(["50000.01", "50000.1", "50001"]), previous_grant_id=m.previous()),
        m.app(amount_requested=f"{rng.randint(1000, 19999):,}" + rng.choice(["", ".00"])),
        m.app(amount_requested=rng.choice(["$", "US$", "USD "]) + str(rng.randint(500, 19999))),
        m.app(amount_requested=f"{rng.randint(10, 19999)}.{rng.randint(100, 999)}"),
        m.app(amount_requested=f"{rng.randint(500, 19999)}."),
        m.app(amount_requested=f"-{rng.randint(500, 19999)}"),
        m.app(amount_requested=rng.choice(["1e4", "2.5e3", "1E4", "5e3", "1.2e4"])),
        m.app(amount_requested=rng.choice(["20000", "20000.00", "20000.0"]), previous_grant_id=""),
        m.app(amount_requested=rng.choice(["20000.01", "20000.1", "20001", "20000.50"]), previous_grant_id=""),
        m.app(amount_requested=big(), previous_grant_id=m.previous()),
        m.app(amount_requested=rng.choice([str(rng.randint(50001, 99999)), "60000.00", "100000"]),
              previous_grant_id=""),
        m.app(amount_requested=rng.choice(BAD_AMOUNT_WORDS)),
        m.app(amount_requested=big(), previous_grant_id=m.bad_previous()),
        m.app(amount_requested=m.pad(m.money())),
        m.app(amount_requested=f"0{rng.randint(500, 9999)}" + rng.choice([".5", ".25", ""])),
        m.app(amount_requested=m.money(), previous_grant_id=m.previous()),
    ]
    return _sheet(rng, path, COLUMNS, _arrange(rng, rows))


def _ids(m, path):
    rng = m.rng
    first = m.app()
    lower = f"ga-{rng.randint(1, 9999):04d}"
    many = m.app(organisation=rng.choice(COMMA_ORGS), _shape="unquoted_comma")
    broken = m.app(bad_email=True, amount_requested=m.bad_amount(),
                   currency=rng.choice(BAD_CURRENCY_CODE + BAD_CURRENCY_CASE + BAD_CURRENCY_SIGN),
                   category=rng.choice(OTHER_CATEGORIES + NEAR_CATEGORIES), **m.bad_date_in(m.impossible_date()))
    twins = [m.app(), m.app()]
    twins[1]["_same_as"] = twins[0]
    twins[rng.randint(0, 1)]["_pad_id"] = m.pad_pair()
    rows = [
        first, m.app(application_id=lower), m.app(application_id=lower),
        m.app(application_id=f"GA-{rng.randint(1, 999):0{rng.choice([2, 3])}d}"),
        m.app(application_id=f"GA-{rng.randint(1, 9999):04d}{rng.randint(0, 9)}"),
        m.app(application_id=f"GA{rng.choice([' ', '', '_', '.'])}{rng.randint(1, 9999):04d}"),
        m.app(_shape="too_few", previous_grant_id=""), many, broken, m.app(application_id=""),
        {"_raw": [" " * rng.randint(1, 4)]}, {"_raw": [""] * len(COLUMNS)}, twins[0],
    ]
    later = [(m.app(_same_as=first), first), (m.app(_same_as=first), first), (m.app(_same_as=many), many),
             (m.app(_same_as=broken), broken), (twins[1], twins[0])]
    return _sheet(rng, path, COLUMNS, _arrange(rng, rows, later), blanks=1)


def _emails_codes(m, path):
    rng = m.rng
    org = m.org()
    local, domain = rng.choice(LOCALS), m.domain(org)
    mixed = local.capitalize() + "@" + ".".join(rng.choice([str.capitalize, str.upper])(p) for p in domain.split("."))
    rows = [m.app()] + [m.app(bad_email=kind) for kind in [
        rng.choice(["double_at", "two_ats"]), "no_at", "empty_local", "no_dot", "leading_dot", "trailing_dot",
        "inner_space", "space_in_domain"]] + [
        m.app(organisation=org, contact_email=mixed),
        m.app(organisation=org, contact_email=f"{local}@{rng.choice(['mail', 'lists', 'grants'])}.{domain}"),
        m.app(currency=rng.choice(BAD_CURRENCY_CASE)),
        m.app(currency=m.pad(rng.choice(CURRENCIES))),
        m.app(currency=rng.choice(BAD_CURRENCY_CODE)),
        m.app(currency=rng.choice(BAD_CURRENCY_SIGN)),
        m.app(category=rng.choice([str.capitalize, str.upper])(rng.choice(CATEGORIES))),
        m.app(category=m.pad(rng.choice(CATEGORIES))),
        m.app(category=rng.choice(COMPOUND_CATEGORIES)),
        m.app(category=rng.choice(NEAR_CATEGORIES)),
        m.app(organisation="", bad_email=True, currency=rng.choice(BAD_CURRENCY_CASE),
              category=rng.choice(OTHER_CATEGORIES)),
        m.app(**{c: "" for c in COLUMNS[2:]}),
        m.app(_quote_all=True),
    ]
    return _sheet(rng, path, COLUMNS, _arrange(rng, rows))


def _missing_columns(m, path):
    """A header lacking two or three columns: the rows' own mistakes must not be reported."""
    rng = m.rng
    gone = rng.sample(COLUMNS, rng.randint(2, 3))
    header = [c for c in COLUMNS if c not in gone]
    rng.shuffle(header)
    header.insert(rng.randint(0, len(header)), "notes")
    first, s = m.app(), m.day()
    rows = [first, m.app(_same_as=first, currency=rng.choice(BAD_CURRENCY_CASE), **m.dates(s, s - timedelta(days=1))),
            m.app(bad_email=True, amount_requested=m.bad_amount(), notes="late")]
    return _sheet(rng, path, header, rows, bom=True)


def _clean_reordered(m, path):
    """No errors: shuffled columns with an extra one, quoted commas and quotes, the 500/20000/50000/730 bounds."""
    rng = m.rng
    header = COLUMNS + ["notes"]
    rng.shuffle(header)
    leap, s = rng.choice([2024, 2028]), [m.day() for _ in range(2)]
    rows = [
        m.app(organisation=rng.choice(COMMA_ORGS), notes=rng.choice(["needs benches, bins", "match funding, pending"])),
        m.app(amount_requested=rng.choice(["20000.00", "20000"]), previous_grant_id=""),
        m.app(organisation=rng.choice(QUOTE_ORGS), amount_requested=str(rng.randint(20001, 49999)),
              previous_grant_id=m.previous(), notes="returning", **m.dates(s[0], s[0] + timedelta(days=730))),
        m.app(amount_requested="500", notes="a, b, c", **m.dates(s[1], s[1] + timedelta(days=1))),
        m.app(amount_requested="50000", previous_grant_id=m.previous(),
              **m.dates(date(leap, 2, 29), date(leap + 2, 2, 28))),
    ]
    return _sheet(rng, path, header, _arrange(rng, rows), blanks=3, final_newline=False)


def _clean_bom_crlf(m, path):
    """No errors: a BOM, CRLF line ends, values padded with spaces, amounts just below the bounds."""
    rng = m.rng
    s = [m.day() for _ in range(2)]
    rows = [
        m.padded(m.app(), 4),
        m.padded(m.app(organisation=rng.choice(COMMA_ORGS), amount_requested="19999.99", previous_grant_id="",
                       _pad_id=m.pad_pair(), **m.dates(s[0], s[0] + timedelta(days=729))), 2),
        m.app(amount_requested=str(rng.randint(20001, 49999)), previous_grant_id=m.pad(m.previous())),
        m.app(amount_requested=rng.choice(["999", "999.00", "501"]), **m.dates(s[1], s[1] + timedelta(days=1))),
    ]
    return _sheet(rng, path, COLUMNS, _arrange(rng, rows), blanks=1, bom=True, eol="\r\n")


FILES = [("applications_2025.csv", _applications), ("incoming/dates.csv", _dates),
         ("incoming/amounts.csv", _amounts), ("incoming/ids.csv", _ids),
         ("incoming/emails_codes.csv", _emails_codes), ("incoming/missing_columns.csv", _missing_columns),
         ("incoming/clean_reordered.csv", _clean_reordered), ("incoming/clean_bom_crlf.csv", _clean_bom_crlf)]


def generate(rng):
    m = Maker(rng)
    specs, expected = {}, {}
    for path, build in FILES:
        specs[path], expected[path] = build(m, path)
    visible = specs["applications_2025.csv"]
    text = ("\ufeff" if visible["bom"] else "") + visible["eol"].join(visible["lines"])
    return {"grants/applications_2025.csv": text}, {"files": specs, "expected": expected}
