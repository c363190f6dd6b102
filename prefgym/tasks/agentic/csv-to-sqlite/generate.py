"""Instance N of csv-to-sqlite: its own three exports, with every trap of the shipped ones.

What varies: the donors (names drawn from accented and plain pools, a few written "Last, First"),
their ids, emails, countries and dates; the pledge and payment ids, amounts, frequencies, methods
and dates; which rows carry the planted anomalies and where they sit in the files; the blank lines.

What every instance keeps, as in files/exports: donors.csv in cp1252 with accented names and quoted
"Last, First" names, pledges.csv UTF-8 with a BOM, payments.csv UTF-8 with CRLF, blank lines (which
still count as lines); stray spaces around fields, emails, countries, frequencies and methods in
mixed case; every date format of the opening, among them a day-first date that reads as another
date month-first (04/07/2024), a D/M/YYYY without zeros, full and three-letter month names, and
29 February of a leap year; impossible dates (30 or 31 February, 29 February of a non-leap year,
month 13) and a format the opening does not allow (2022.05.04); amounts with "$", "USD", commas,
spaces, ".50", and bad ones with three decimals, zero, a minus sign or words; "USA", "check" and an
unknown frequency as bad_value. The rejection traps: a blank field in each file, and in each file a
blank field beside a bad one (missing_value wins wherever the bad field is); a row with two bad
fields in each file (the leftmost decides); duplicate_key of an imported row in each file, and a
donor id whose first row is rejected so its later twin is imported (and pledges of that donor are
fine); duplicate_email with the email re-typed; unknown_donor for donors that were rejected or never
existed, unknown_pledge for a rejected pledge or one that never existed, and bad_amount winning
over an unknown parent in both files. The shipped rows never have two problems at once; the
rows with two are added so the order of the checks matters in every instance.

The expected tables and rejects come from this module's own reading of the opening's rules
(_import, applied to the bytes written), and are checked against what each row was planted to be:
a mismatch is a bug here, so generate raises rather than ship a wrong instance.
"""

import calendar
import csv
import io
import unicodedata
from datetime import date, timedelta

ACCENTED_FIRST = ["José", "Zoë", "Søren", "Amélie", "Björn", "Chloé", "Élodie", "Lucía", "Pádraig", "Tomás", "Léa",
                  "Seán", "Inès", "Maël", "Joël", "Renée", "Andrés", "Mónica", "Jürgen", "François", "Noémie",
                  "Raphaël", "Ólafur", "Siân", "Åsa", "Þóra", "Dagný", "Íñigo"]
PLAIN_FIRST = ["Ana", "Liam", "Noah", "Fatima", "Ravi", "Grace", "Omar", "Mateo", "Ngozi", "Yuki", "Hannah", "Kwame",
               "Marta", "Aisha", "Oskar", "Nina", "Samuel", "Ivan", "Pat", "Sam", "Priya", "Chen", "Elena", "Olivia",
               "Bruno", "Zara", "Kofi", "Mei", "Dara", "Lena"]
LAST = ["Moreau", "Fernández", "Ó Briain", "Roux", "Silva", "Nasser", "Mensah", "Petrov", "Dubois", "Iyer", "Lefèvre",
        "Bello", "Okafor", "Bennett", "Eze", "Nowak", "Kovacs", "Walsh", "Costa", "García", "Boateng", "Müller", "Liu",
        "Schmidt", "Lindqvist", "Jørgensen", "Haddad", "Tanaka", "Ruiz", "Álvarez", "O'Neill", "Kelly", "Doe",
        "Núñez", "Brontë", "Çelik", "Håkansson", "Séguin", "Weiß", "Ødegaard", "Rossi", "Kaur", "Nakamura",
        "Fischer", "Byrne", "Ahmed", "Novak", "Santos"]
FOLD = {"ø": "o", "Ø": "O", "ß": "ss", "Þ": "Th", "þ": "th", "æ": "ae", "Æ": "Ae", "ð": "d"}  # no NFKD form
DOMAINS = ["example.org", "example.org", "example.com", "example.net"]
COUNTRIES = ["GB", "FR", "DE", "CA", "KE", "IN", "ES", "IE", "US", "NG", "PT", "IT", "NL", "SE", "JP", "BR", "AU",
             "ZA", "MX", "GH"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
STYLES = ["iso", "slash", "dmy0", "dmy", "full", "short"]
FREQUENCIES = ("once", "monthly", "annual")
METHODS = ("card", "bank", "cash", "cheque")
PLEDGE_CENTS = [500, 1999, 2000, 2500, 4050, 5000, 7500, 7525, 10000, 25000, 100000, 125000]
PAYMENT_CENTS = [50, 333, 500, 1000, 1999, 2000, 2500, 4050, 5000, 7525, 10000, 125000]


# ---------------------------------------------------------------------------------------- writing fields

def _pad(rng, text, p=0.25):
    """text, sometimes with the stray spaces the old system leaves around fields."""
    if rng.random() >= p:
        return text
    return rng.choice(["  " + text, text + " ", " " + text, "  " + text + " "])


def _blank(rng):
    return rng.choice(["", " ", "  "])


def _ascii(text):
    text = "".join(FOLD.get(c, c) for c in text)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalnum())


def _people(rng, count):
    firsts = rng.sample(ACCENTED_FIRST, 10) + rng.sample(PLAIN_FIRST, count - 10)
    rng.shuffle(firsts)
    return [{"first": first, "last": last, "email": f"{_ascii(first)}.{_ascii(last)}@{rng.choice(DOMAINS)}".lower()}
            for first, last in zip(firsts, rng.sample(LAST, count))]


def _email_text(rng, email):
    local, _, domain = email.partition("@")
    return _pad(rng, rng.choice([email] * 5 + [email.upper(), local.capitalize() + "@" + domain, email.title()]))


def _word_text(rng, word):
    """A frequency or method as the old system spelled it: any case, stray spaces."""
    return rng.choice([word] * 3 + [word.capitalize(), word.upper(), word.upper() + " ", " " + word,
                                    word.capitalize() + " "])


def _date_text(y, m, d, style):
    """(y, m, d), possibly impossible, written in one of the opening's formats."""
    if style == "iso":
        return f"{y}-{m:02d}-{d:02d}"
    if style == "slash":
        return f"{y}/{m:02d}/{d:02d}"
    if style == "dmy0":
        return f"{d:02d}/{m:02d}/{y}"
    if style == "dmy":
        return f"{d}/{m}/{y}"
    return f"{MONTHS[m - 1] if style == 'full' else MONTHS[m - 1][:3]} {d}, {y}"


def _day(rng, start, end):
    return start + timedelta(days=rng.randint(0, (end - start).days))


class _Dates:
    """Dates of one file in [start, end], as (text, ISO) pairs.

    ``imported()`` serves the rows planted to be imported: their styles are drawn up front so that
    every format appears, the first DD/MM/YYYY is one that reads as another date month-first
    (like 04/07/2024) and the first D/M/YYYY has neither zero (like 1/3/2025). ``any()`` is a
    valid date of any style, for rows rejected for something else.
    """

    def __init__(self, rng, start, end, imported_rows):
        self.rng, self.start, self.end = rng, start, end
        self.styles = STYLES + [rng.choice(STYLES) for _ in range(imported_rows - len(STYLES))]
        rng.shuffle(self.styles)
        self.forced = {"dmy0", "dmy"}

    def _pair(self, d, style):
        return _pad(self.rng, _date_text(d.year, d.month, d.day, style)), d.isoformat()

    def imported(self):
        style = self.styles.pop()
        d = _day(self.rng, self.start, self.end)
        if style in self.forced:
            self.forced.discard(style)
            while not (d.day < 10 and d.month < 10 and d.day != d.month):
                d = _day(self.rng, self.start, self.end)
        return self._pair(d, style)

    def any(self):
        return self._pair(_day(self.rng, self.start, self.end), self.rng.choice(STYLES))

    def leap_day(self):
        """29 February of a leap year in range: a real date."""
        year = next(y for y in range(self.start.year, self.end.year + 1) if calendar.isleap(y))
        return self._pair(date(year, 2, 29), self.rng.choice(STYLES))

    def bad(self, kind):
        """A bad_date: "feb30" (30 or 31 February), "feb29" (of a non-leap year), "month13", or
        "format" (a real date in a format the opening does not allow)."""
        rng = self.rng
        years = range(self.start.year, self.end.year + 1)
        if kind == "feb30":
            return _pad(rng, _date_text(rng.choice(years), 2, rng.choice([30, 31]), rng.choice(STYLES)))
        if kind == "feb29":
            return _pad(rng, _date_text(rng.choice([y for y in years if not calendar.isleap(y)]), 2, 29,
                                        rng.choice(STYLES)))
        if kind == "month13":
            return _pad(rng, _date_text(rng.choice(years), 13, rng.randint(1, 12), rng.choice(["iso", "slash", "dmy0"])))
        d = _day(rng, self.start, self.end)
        return _pad(rng, rng.choice([f"{d.year}.{d.month:02d}.{d.day:02d}", f"{d.day:02d}.{d.month:02d}.{d.year}",
                                     f"{d.year}{d.month:02d}{d.day:02d}"]))


def _amount_text(rng, cents, prefix=None, commas=None):
    """A good amount as the old system wrote it: "$", "USD ", thousands commas, any number of
    decimals up to two, stray spaces."""
    whole, frac = divmod(cents, 100)
    short = "" if frac == 0 else f".{frac // 10}" if frac % 10 == 0 else f".{frac:02d}"
    decimals = rng.choice([f".{frac:02d}", f".{frac:02d}", short, short or ".0"])
    if commas is None:
        commas = whole >= 1000 and rng.random() < 0.7
    number = (f"{whole:,}" if commas else str(whole) if whole else rng.choice(["", "0"])) + decimals
    if prefix is None:
        prefix = rng.choice(["", "", "", "$", "USD ", "$", "USD "])
    return _pad(rng, prefix + number, 0.2)


def _bad_amount(rng, kind):
    if kind == "three_decimals":
        return rng.choice(["", "$"]) + f"{rng.randint(1, 99)}.{rng.randint(0, 99):02d}{rng.randint(1, 9)}"
    if kind == "zero":
        return rng.choice(["0", "$0.00", "0.00", "USD 0", "$0"])
    if kind == "negative":
        return f"-{rng.randint(1, 200)}.{rng.choice(['00', '50', '99'])}"
    return rng.choice(["ten dollars", "abc", "twenty", "five hundred", "fifty USD"])


def _row(fields, want=None, clean=None):
    """A data row: its fields as written, what it must come to (a reject reason, or None and the
    table row it becomes)."""
    return {"fields": fields, "want": want, "clean": clean}


def _insert(rng, rows, row, after=None):
    """Put row at a random place in rows (after the row ``after``, if given; never first)."""
    low = 1 if after is None else next(i for i, r in enumerate(rows) if r is after) + 1
    rows.insert(rng.randint(low, len(rows)), row)


def _blank_lines(rng, rows, count):
    for _ in range(count):
        rows.insert(rng.randint(1, len(rows) - 1), None)


# ---------------------------------------------------------------------------------------- the three files

def _donors(rng):
    """donors.csv rows, and what the other files need: the ids imported, the twin (rejected, then
    imported), the two rejected donors that pledges will name, the highest id used."""
    n = rng.randint(30, 35)
    base = rng.choice([1, 1, 11, 21])
    ids = list(range(base, base + n))
    blank_id, dupmail_id, late_id = rng.sample([base + n, base + n + 1, base + n + 2], 3)
    people = _people(rng, n + 3)
    usa, missing, feb30, otherfmt, twin, twobad = rng.sample(ids[3:], 6)
    rejected = {usa, missing, feb30, otherfmt, twobad, twin}  # on their first (the twin: only) row
    fine = [i for i in ids if i not in rejected]
    comma = set(rng.sample(fine, 2))
    dates = _Dates(rng, date(2019, 1, 1), date(2024, 12, 31), len(fine))

    def donor(did, person, when, comma_name=False, want=None):
        name = f"{person['last']}, {person['first']}" if comma_name or rng.random() < 0.08 else \
            f"{person['first']} {person['last']}"
        code = rng.choice(COUNTRIES)
        fields = [_pad(rng, str(did)), _pad(rng, name), _email_text(rng, person["email"]),
                  _pad(rng, rng.choice([code, code, code.lower()])), when[0]]
        return _row(fields, want, None if want else [did, name, person["email"], code, when[1]])

    rows, by_id = [], {}
    for did, person in zip(ids, people):
        if did not in rejected:
            row = donor(did, person, dates.imported(), did in comma)
        elif did == usa:
            row = donor(did, person, dates.any(), want="bad_value")
            row["fields"][3] = _pad(rng, rng.choice(["USA", "USA", "usa"]))
        elif did == missing:  # its pledges are unknown_donor
            row = donor(did, person, dates.any(), want="missing_value")
            row["fields"][rng.randint(1, 4)] = _blank(rng)
        elif did == twobad:  # country before date: bad_value
            row = donor(did, person, (dates.bad(rng.choice(["feb30", "month13", "format"])), None), want="bad_value")
            row["fields"][3] = rng.choice(["USA", "U.S.", "GBR", "F"])
        else:  # feb30 (its pledges are unknown_donor), otherfmt, and the rejected first row of the twin
            kind = {feb30: "feb30", otherfmt: "format", twin: "month13"}[did]
            row = donor(did, person, (dates.bad(kind), None), want="bad_date")
        rows.append(row)
        by_id[did] = (row, person)

    extra_people = people[n:]
    blank = donor(blank_id, extra_people[0], dates.any(), want="missing_value")  # blank name before a bad field
    blank["fields"][1] = _blank(rng)
    if rng.random() < 0.5:
        blank["fields"][3] = _pad(rng, "USA")
    else:
        blank["fields"][4] = dates.bad("format")
    _insert(rng, rows, blank)
    _insert(rng, rows, donor(late_id, extra_people[1], dates.any()))
    twin_row, twin_person = by_id[twin]
    _insert(rng, rows, donor(twin, twin_person, dates.any()), after=twin_row)
    target, other = rng.sample([i for i in fine if i not in comma], 2)
    dup = donor(dupmail_id, by_id[target][1], dates.any(), want="duplicate_email")
    dup["fields"][2] = _pad(rng, rng.choice([str.upper, str.capitalize, str.title])(by_id[target][1]["email"]), 0.6)
    _insert(rng, rows, dup, after=by_id[target][0])
    _insert(rng, rows, donor(other, extra_people[2], dates.any(), want="duplicate_key"), after=by_id[other][0])
    _blank_lines(rng, rows, 1)
    imported = sorted([*fine, twin, late_id])
    return rows, {"imported": imported, "twin": twin, "rejected": [missing, feb30], "max_id": base + n + 2}


def _pledges(rng, donors):
    """pledges.csv rows, the pledge ids imported, those rejected (for unknown_pledge) and the highest id."""
    m = rng.randint(44, 50)
    base = rng.choice([101, 201, 301, 401])
    ids = list(range(base, base + m))
    roles = rng.sample(ids[2:], 12)
    three, negative, zero, weekly, month13, blank, ref_missing, ref_feb30, ref_none, amt_freq, amt_blank, leap = roles
    fine = [i for i in ids if i not in roles]
    to_twin = set(rng.sample(fine, 2))
    nobody = rng.sample(range(donors["max_id"] + 40, donors["max_id"] + 70), 2)
    dates = _Dates(rng, date(2023, 1, 1), date(2025, 6, 30), len(fine))

    def pledge(pid, donor, when, want=None):
        cents = rng.choice(PLEDGE_CENTS) if rng.random() < 0.8 else rng.randint(100, 60000)
        frequency = rng.choice(FREQUENCIES)
        fields = [_pad(rng, str(pid)), _pad(rng, str(donor)), _amount_text(rng, cents), _word_text(rng, frequency),
                  when[0]]
        return _row(fields, want, None if want else [pid, donor, cents, frequency, when[1]])

    def anyone():
        return rng.choice(donors["imported"])

    rows, by_id = [], {}
    forced_amounts = [(125000, "USD ", True), (100000, "$", True), (7500, "$ ", False)]
    for pid in ids:
        if pid in fine:
            row = pledge(pid, donors["twin"] if pid in to_twin else anyone(), dates.imported())
            if forced_amounts:
                cents, prefix, commas = forced_amounts.pop()
                row["fields"][2], row["clean"][2] = _amount_text(rng, cents, prefix, commas), cents
        elif pid == leap:
            row = pledge(pid, anyone(), dates.leap_day())
        elif pid in (three, negative, zero):
            row = pledge(pid, anyone(), dates.any(), want="bad_amount")
            row["fields"][2] = _bad_amount(rng, {three: "three_decimals", negative: "negative", zero: "zero"}[pid])
        elif pid == weekly:
            row = pledge(pid, anyone(), dates.any(), want="bad_value")
            row["fields"][3] = _word_text(rng, rng.choice(["weekly", "quarterly", "biweekly", "daily"]))
        elif pid == month13:
            row = pledge(pid, anyone(), (dates.bad("month13"), None), want="bad_date")
        elif pid == blank:
            row = pledge(pid, anyone(), dates.any(), want="missing_value")
            row["fields"][rng.randint(1, 4)] = _blank(rng)
        elif pid in (ref_missing, ref_feb30, ref_none):
            donor = {ref_missing: donors["rejected"][0], ref_feb30: donors["rejected"][1], ref_none: nobody[0]}[pid]
            row = pledge(pid, donor, dates.any(), want="unknown_donor")
        elif pid == amt_freq:  # amount before frequency: bad_amount
            row = pledge(pid, anyone(), dates.any(), want="bad_amount")
            row["fields"][2] = _bad_amount(rng, rng.choice(["three_decimals", "negative", "words"]))
            row["fields"][3] = _word_text(rng, rng.choice(["weekly", "yearly", "one-off"]))
        else:  # amt_blank: a bad amount, then a blank date: missing_value
            row = pledge(pid, anyone(), ("", None), want="missing_value")
            row["fields"][2] = _bad_amount(rng, rng.choice(["three_decimals", "zero", "words"]))
            row["fields"][4] = _blank(rng)
        rows.append(row)
        by_id[pid] = row

    words = pledge(base + m, nobody[1], dates.any(), want="bad_amount")  # bad amount before unknown donor
    words["fields"][2] = _bad_amount(rng, "words")
    _insert(rng, rows, words)
    twin_of = rng.choice(fine)
    _insert(rng, rows, pledge(twin_of, anyone(), dates.any(), want="duplicate_key"), after=by_id[twin_of])
    _blank_lines(rng, rows, 1)
    rejected = [three, negative, zero, weekly, month13, blank, ref_missing, ref_feb30, ref_none, amt_freq, amt_blank]
    return rows, {"imported": sorted([*fine, leap]), "rejected": rejected, "max_id": base + m}


def _payments(rng, pledges):
    """payments.csv rows."""
    k = rng.randint(80, 86)
    base = rng.choice([1001, 5001, 7001, 9001])
    ids = list(range(base, base + k))
    roles = rng.sample(ids[2:], 13)
    check, words, three, zero, feb30, feb29, ref_rej, ref_none, blank_id, check_date, amt_blank, leap, half = roles
    fine = [i for i in ids if i not in roles]
    nothing = rng.randint(pledges["max_id"] + 700, pledges["max_id"] + 899)
    dates = _Dates(rng, date(2023, 1, 1), date(2025, 9, 30), len(fine))

    def payment(pid, pledge, when, want=None, cents=None):
        cents = cents or (rng.choice(PAYMENT_CENTS) if rng.random() < 0.8 else rng.randint(50, 30000))
        method = rng.choice(METHODS)
        fields = [_pad(rng, str(pid)), _pad(rng, str(pledge)), _amount_text(rng, cents), _word_text(rng, method),
                  when[0]]
        return _row(fields, want, None if want else [pid, pledge, cents, method, when[1]])

    def some():
        return rng.choice(pledges["imported"])

    rows, by_id = [], {}
    forced_amounts = [(125000, "$", True), (1999, "USD ", False)]
    for pid in ids:
        if pid in fine:
            row = payment(pid, some(), dates.imported())
            if forced_amounts:
                cents, prefix, commas = forced_amounts.pop()
                row["fields"][2], row["clean"][2] = _amount_text(rng, cents, prefix, commas), cents
        elif pid == leap:
            row = payment(pid, some(), dates.leap_day())
        elif pid == half:
            row = payment(pid, some(), dates.any(), cents=50)
            row["fields"][2] = _pad(rng, rng.choice(["", "$"]) + ".50", 0.2)
        elif pid == check:
            row = payment(pid, some(), dates.any(), want="bad_value")
            row["fields"][3] = _word_text(rng, "check")
        elif pid in (words, three, zero):
            row = payment(pid, some(), dates.any(), want="bad_amount")
            row["fields"][2] = _bad_amount(rng, {words: "words", three: "three_decimals", zero: "zero"}[pid])
        elif pid in (feb30, feb29):
            row = payment(pid, some(), (dates.bad("feb30" if pid == feb30 else "feb29"), None), want="bad_date")
        elif pid in (ref_rej, ref_none):
            row = payment(pid, rng.choice(pledges["rejected"]) if pid == ref_rej else nothing, dates.any(),
                          want="unknown_pledge")
        elif pid == blank_id:
            row = payment(pid, some(), dates.any(), want="missing_value")
            row["fields"][0] = _blank(rng)
        elif pid == check_date:  # method before date: bad_value
            row = payment(pid, some(), (dates.bad(rng.choice(["feb30", "month13", "format"])), None), want="bad_value")
            row["fields"][3] = _word_text(rng, "check")
        else:  # amt_blank: a bad amount, then a blank method: missing_value
            row = payment(pid, some(), dates.any(), want="missing_value")
            row["fields"][2] = _bad_amount(rng, rng.choice(["words", "negative", "three_decimals"]))
            row["fields"][3] = _blank(rng)
        rows.append(row)
        by_id[pid] = row

    orphan = payment(base + k, rng.choice(pledges["rejected"]), dates.any(), want="bad_amount")  # before unknown_pledge
    orphan["fields"][2] = _bad_amount(rng, "three_decimals")
    _insert(rng, rows, orphan)
    twin_of = rng.choice(fine)
    _insert(rng, rows, payment(twin_of, some(), dates.any(), want="duplicate_key"), after=by_id[twin_of])
    _blank_lines(rng, rows, rng.randint(1, 2))
    return rows


def _csv(header, rows, ending):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=ending)
    writer.writerow(header)
    for row in rows:
        if row is None:
            out.write(ending)
        else:
            writer.writerow(row["fields"])
    return out.getvalue()


# ---------------------------------------------------------------------------------------- the opening's rules

FILES = [  # file, table, encoding, line ending, columns
    ("donors.csv", "donors", "cp1252", "\n", ["donor_id", "full_name", "email", "country", "joined_on"]),
    ("pledges.csv", "pledges", "utf-8-sig", "\n", ["pledge_id", "donor_id", "amount", "frequency", "pledged_on"]),
    ("payments.csv", "payments", "utf-8", "\r\n", ["payment_id", "pledge_id", "amount", "method", "paid_on"]),
]


def _iso_date(text):
    """YYYY-MM-DD, YYYY/MM/DD, D/M/YYYY (zeros optional) or "Month D, YYYY" with the month's full
    or three-letter name, if a real date, as YYYY-MM-DD; else None."""
    parts, names = None, [m.lower() for m in MONTHS]
    if len(text) == 10 and text[4] in "-/" and text[7] == text[4]:
        parts = text[:4], text[5:7], text[8:]
    elif text.count("/") == 2:
        day, month, year = text.split("/")
        if 1 <= len(day) <= 2 and 1 <= len(month) <= 2 and len(year) == 4:
            parts = year, month, day
    elif text.count(" ") == 2 and text.count(",") == 1:
        month, day, year = text.split(" ")
        short = [n[:3] for n in names]
        if day.endswith(",") and 1 <= len(day) <= 3 and len(year) == 4 and month.lower() in names + short:
            index = names.index(month.lower()) if month.lower() in names else short.index(month.lower())
            parts = year, str(index + 1), day[:-1]
    if parts is None or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    y, m, d = (int(p) for p in parts)
    if not (1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _cents(text):
    """Whole cents of an amount ("$", "USD", commas and spaces dropped; then digits with at most
    two decimals, above zero), else None."""
    rest = "".join(c for c in text.replace("USD", "") if c not in "$, ")
    whole, _, frac = rest.partition(".")
    if not (whole + frac) or any(not (p == "" or (p.isascii() and p.isdigit())) for p in (whole, frac)):
        return None
    if len(frac) > 2:
        return None
    cents = int(whole or "0") * 100 + int((frac + "00")[:2])
    return cents if cents > 0 else None


def _value(column, text):
    """(reject reason, stored value) of one trimmed, non-blank field."""
    if column.endswith("_id"):
        return (None, int(text)) if text.isascii() and text.isdigit() else ("bad_value", None)
    if column == "full_name":
        return None, text
    if column == "email":
        return None, text.lower()
    if column == "country":
        return (None, text.upper()) if len(text) == 2 and text.isascii() and text.isalpha() else ("bad_value", None)
    if column == "amount":
        cents = _cents(text)
        return (None, cents) if cents else ("bad_amount", None)
    if column in ("frequency", "method"):
        allowed = FREQUENCIES if column == "frequency" else METHODS
        return (None, text.lower()) if text.lower() in allowed else ("bad_value", None)
    iso = _iso_date(text)
    return (None, iso) if iso else ("bad_date", None)


def _import(exports):
    """The tables and rejects the opening's rules give for these exports (bytes by file name)."""
    tables, emails, rejects = {"donors": {}, "pledges": {}, "payments": {}}, set(), []
    for name, table, encoding, ending, columns in FILES:
        lines = exports[name].decode(encoding).split(ending)
        if lines.pop() != "" or any("\r" in line or "\n" in line for line in lines):
            raise ValueError(f"{name}: line endings are not all {ending!r}")
        for number, line in enumerate(lines[1:], start=2):
            if line == "":
                continue
            fields = [f.strip() for f in next(csv.reader([line]))]
            reason, values = None, []
            if len(fields) != len(columns) or "" in fields:
                reason = "missing_value"
            for column, text in zip(columns, fields):
                if reason:
                    break
                reason, value = _value(column, text)
                values.append(value)
            if reason is None and values[0] in tables[table]:
                reason = "duplicate_key"
            if reason is None and table == "donors" and values[2] in emails:
                reason = "duplicate_email"
            if reason is None and table == "pledges" and values[1] not in tables["donors"]:
                reason = "unknown_donor"
            if reason is None and table == "payments" and values[1] not in tables["pledges"]:
                reason = "unknown_pledge"
            if reason:
                rejects.append([name, number, reason])
                continue
            tables[table][values[0]] = values
            if table == "donors":
                emails.add(values[2])
    return {table: [rows[key] for key in sorted(rows)] for table, rows in tables.items()}, sorted(rejects)


def _planted(files):
    """What the rows were made to be: (tables, rejects) in _import's shape."""
    tables, rejects = {}, []
    for name, table, _encoding, _ending, _columns in FILES:
        kept = {}
        for number, row in enumerate(files[name], start=2):
            if row is None:
                continue
            if row["want"]:
                rejects.append([name, number, row["want"]])
            else:
                kept[row["clean"][0]] = row["clean"]
        tables[table] = [kept[key] for key in sorted(kept)]
    return tables, sorted(rejects)


def generate(rng):
    donor_rows, donors = _donors(rng)
    pledge_rows, pledges = _pledges(rng, donors)
    payment_rows = _payments(rng, pledges)
    rows = {"donors.csv": donor_rows, "pledges.csv": pledge_rows, "payments.csv": payment_rows}
    exports = {}
    for name, _table, encoding, ending, columns in FILES:
        text = _csv(columns, rows[name], ending)
        exports[name] = text.encode("utf-8-sig" if encoding == "utf-8-sig" else encoding)
    tables, rejects = _import(exports)
    if (tables, rejects) != _planted(rows):
        planted_tables, planted_rejects = _planted(rows)
        raise ValueError(f"csv-to-sqlite generator disagrees with its rules: rejects planted only "
                         f"{[r for r in planted_rejects if r not in rejects]}, found only "
                         f"{[r for r in rejects if r not in planted_rejects]}; tables equal: {tables == planted_tables}")
    return {f"exports/{name}": data for name, data in exports.items()}, {**tables, "rejects": rejects}
