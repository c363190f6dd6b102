"""Instance N of merge-contacts: its own CRM export and newsletter export, with the traps of the shipped pair.

The people, emails, phones, cities, opt-out spellings, timestamps and offsets are drawn anew, and
the records are shuffled, but every instance plants the same situations as files/ (each one below
is a `_plant_*` function named after the trap it keeps), so it is as hard as instance 0:

- identity: emails re-typed (case, surrounding spaces), duplicates within the CRM and within the
  newsletter, a "+tag" address and a dotless address that are other contacts, records with no email;
- time: CRM New York local times where a naive reading (as UTC, or as wall-clock strings against the
  newsletter's) picks the wrong record, one across midnight and one across New Year; the fall-back
  morning's repeated hour read as daylight time decides a contact, as do times just before and
  just after the spring-forward gap; newsletter times in Z, +HH:MM, -HH:MM and a half-hour offset
  (+02:00, the opening's example, in every instance), one a second older than its CRM rival;
- ties: CRM against newsletter at the same instant (in Z and in an offset, one where the winning CRM
  value is blank), and a same-instant tie within each source (the later record wins);
- blanks: empty, only spaces, null and missing keys in the newer record, so they must not overwrite;
- phones: US/CA in 10 and 11 digits with every separator, GB and FR national numbers (with the
  country in lower case), "+" and "00" international ones, and invalid ones: wrong length, letters,
  an extension, another country's national number, a number in a record without a country; in
  newer records too, where a valid older phone must survive;
- opt-outs: every spelling of yes and no in the CRM, in several cases, and opt-outs in the older
  record of a contact as well as the newer.

The expected rows are computed by `_expected` from the files as written, with a New York clock,
an ISO parser, a phone normaliser and a per-field merge of its own (nothing from zoneinfo or
datetime.fromisoformat, which the reference solution uses).
"""

import csv
import io
import json
import re
import unicodedata
from datetime import date, datetime, timedelta

CRM_HEADER = ["contact_id", "first_name", "last_name", "email", "phone", "city", "country", "email_opt_out",
              "updated_at"]
NL_KEYS = ["email", "first_name", "last_name", "phone", "city", "country", "subscribed", "updated_at"]
FIELDS = ["first_name", "last_name", "phone", "city", "country"]

FIRST = ["Maria", "Tom", "Ana", "Lena", "Pierre", "Sam", "Grace", "Omar", "Ines", "Kwame", "Yuki", "Marta", "Lucia",
         "Ben", "Zoe", "Hannah", "Ravi", "Noah", "Chloe", "Fatima", "Oskar", "Dana", "Marco", "Aisha", "Liam", "Priya",
         "Jose", "Lea", "Andre", "Celine", "Helene", "Bjorn", "Rene", "Kate", "Alex", "Dan", "Nick", "Jo", "Rob", "Mei",
         "Tariq", "Sofia", "Ivan", "Nadia", "Emeka", "Ingrid", "Pablo", "Amara", "Kenji", "Elif"]
LAST = ["Gonzalez", "Okafor", "Silva", "Vogel", "Martin", "Lee", "Liu", "Haddad", "Moreau", "Mensah", "Tanaka",
        "Nowak", "Garcia", "Carter", "Dubois", "Costa", "Iyer", "Walsh", "Petrov", "Nasser", "Lindqvist", "Whitfield",
        "Rossi", "Bello", "Byrne", "Raman", "Schmidt", "Kowalski", "Fernandes", "Novak", "Kim", "Nguyen", "Osei",
        "Larsen", "Brennan", "Moretti", "Yilmaz", "Dlamini", "Sato", "Khan", "Lopez", "Muller", "Perez"]
ACCENTED = {"Maria": "María", "Ines": "Inès", "Zoe": "Zoë", "Chloe": "Chloé", "Lucia": "Lucía", "Jose": "José",
            "Lea": "Léa", "Andre": "André", "Celine": "Céline", "Helene": "Hélène", "Bjorn": "Björn", "Rene": "René",
            "Sofia": "Sofía", "Gonzalez": "González", "Garcia": "García", "Lopez": "López", "Muller": "Müller",
            "Perez": "Pérez"}
LONGER = {"Sam": "Samuel", "Tom": "Thomas", "Ben": "Benjamin", "Kate": "Katherine", "Alex": "Alexandra",
          "Dan": "Daniel", "Nick": "Nicholas", "Jo": "Joanna", "Rob": "Robert", "Liam": "William", "Mei": "Meiling"}
CITIES = {
    "US": ["New York", "Brooklyn", "Boston", "Cambridge", "Somerville", "Chicago", "Evanston", "Atlanta", "Denver",
           "Boulder", "Seattle", "Jersey City", "Philadelphia", "Austin", "Miami"],
    "CA": ["Toronto", "Ottawa", "Montréal", "Vancouver", "Calgary"],
    "GB": ["London", "Leeds", "Manchester", "Bristol", "Glasgow"],
    "FR": ["Paris", "Lyon", "Villeurbanne", "Marseille", "Lille", "Paris 11e"],
    "DE": ["Berlin", "Hamburg", "München"], "PL": ["Warsaw", "Kraków", "Poznań"], "ES": ["Madrid", "Barcelona", "Sevilla"],
    "IT": ["Rome", "Roma", "Milan", "Florence"], "IE": ["Dublin", "Dublin 2", "Cork", "Galway"],
    "SE": ["Stockholm", "Göteborg", "Malmö"], "JP": ["Tokyo", "Yokohama", "Osaka"], "IN": ["Chennai", "Bengaluru", "Mumbai"],
    "NG": ["Lagos", "Abuja", "Ibadan"], "PT": ["Lisbon", "Porto", "Braga"], "NL": ["Amsterdam", "Rotterdam", "Utrecht"],
    "AU": ["Sydney", "Melbourne", "Brisbane"], "MX": ["Mexico City", "Guadalajara", "Puebla"],
    "BR": ["São Paulo", "Rio de Janeiro", "Recife"],
}
AREA = {"US": ["212", "718", "917", "617", "312", "404", "303", "206", "415", "305", "512"],
        "CA": ["416", "613", "514", "604", "403"]}
# Countries the opening gives no national rule for: calling code, national trunk prefix, area
# codes, lengths of the remaining digit groups, and the separator of their national format.
OTHER = {
    "DE": ("49", "0", ["30", "40", "89"], [7], " "), "PL": ("48", "", ["22", "12", "61"], [3, 2, 2], " "),
    "ES": ("34", "", ["912", "933", "954"], [3, 3], " "), "IT": ("39", "", ["06", "02", "055"], [4, 4], " "),
    "IE": ("353", "0", ["1", "21", "91"], [3, 4], " "), "SE": ("46", "0", ["8"], [3, 3, 2], " "),
    "JP": ("81", "0", ["3", "6"], [4, 4], "-"), "IN": ("91", "", ["98765", "91234", "99887"], [5], " "),
    "NG": ("234", "0", ["803", "806", "812"], [3, 4], " "), "PT": ("351", "", ["21", "22"], [3, 4], " "),
    "NL": ("31", "0", ["20", "10"], [3, 4], " "), "AU": ("61", "0", ["2", "3"], [4, 4], " "),
    "MX": ("52", "", ["55", "33"], [4, 4], " "), "BR": ("55", "", ["11", "21"], [5, 4], " "),
}
NEGATIVE = ["-03:00", "-04:00", "-05:00", "-07:00", "-08:00"]
TAGS = ["news", "newsletter", "events", "donate", "gala", "list"]


# ---------------------------------------------------------------------------------------- the rules

def _transitions(year):
    """New York's daylight saving (US rules since 2007): from the second Sunday of March at 02:00
    local to the first Sunday of November at 02:00 local (daylight time)."""
    first_march = date(year, 3, 1)
    spring = first_march + timedelta(days=(6 - first_march.weekday()) % 7 + 7)
    first_november = date(year, 11, 1)
    fall = first_november + timedelta(days=(6 - first_november.weekday()) % 7)
    return datetime(spring.year, spring.month, spring.day, 2), datetime(fall.year, fall.month, fall.day, 2)


def _ny_to_utc(local):
    """A CRM local time as a UTC instant; the hour repeated in November is read as daylight time."""
    spring, fall = _transitions(local.year)
    if spring <= local < spring + timedelta(hours=1):
        raise ValueError(f"{local} does not exist in New York")
    daylight = spring + timedelta(hours=1) <= local < fall
    return local + timedelta(hours=4 if daylight else 5)


def _offset_minutes(offset):
    return 0 if offset == "Z" else (1 if offset[0] == "+" else -1) * (int(offset[1:3]) * 60 + int(offset[4:6]))


def _iso_to_utc(text):
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(Z|[+-]\d\d:\d\d)", text.strip())
    if not m:
        raise ValueError(f"not an ISO time: {text!r}")
    wall = datetime(*(int(g) for g in m.groups()[:6]))
    return wall - timedelta(minutes=_offset_minutes(m.group(7)))


def _e164(raw, country):
    """The opening's rule 4: the number in E.164, or "" when it cannot be converted."""
    s = "".join(ch for ch in (raw or "").strip() if ch not in " -.()")
    if s.startswith("00"):
        s = "+" + s[2:]
    digits = s[1:] if s.startswith("+") else s
    if not digits or not digits.isascii() or not digits.isdigit():
        return ""
    if s.startswith("+"):
        return s if 8 <= len(digits) <= 15 else ""
    if country in ("US", "CA") and (len(s) == 10 or len(s) == 11 and s[0] == "1"):
        return "+1" + s[-10:]
    if (country, len(s), s[0]) == ("GB", 11, "0"):
        return "+44" + s[1:]
    if (country, len(s), s[0]) == ("FR", 10, "0"):
        return "+33" + s[1:]
    return ""


def _text(value):
    return "" if value is None else str(value).strip()


def _crm_opted_out(token):
    token = token.strip().lower()
    if token not in ("yes", "y", "true", "1", "no", "n", "false", "0", ""):
        raise ValueError(f"unplanned opt-out spelling {token!r}")
    return token in ("yes", "y", "true", "1")


def _expected(crm_text, nl_text):
    """The merged rows, read back from the files as written: per contact and per field, the value
    of the record with the greatest (instant, is CRM, position in its file) among those where the
    field is not blank."""
    records = []  # (email, source, (instant, is_crm, position), values, opted_out)
    for pos, row in enumerate(csv.DictReader(io.StringIO(crm_text))):
        values = {k: _text(row[k]) for k in ("first_name", "last_name", "city")}
        values["country"] = _text(row["country"]).upper()
        values["phone"] = _e164(row["phone"], values["country"])
        instant = _ny_to_utc(datetime.strptime(row["updated_at"].strip(), "%Y-%m-%d %H:%M:%S"))
        records.append((_text(row["email"]).lower(), "crm", (instant, 1, pos), values,
                        _crm_opted_out(row["email_opt_out"])))
    for pos, rec in enumerate(json.loads(nl_text)["signups"]):
        if not isinstance(rec["subscribed"], bool):
            raise ValueError(f"unplanned subscribed value {rec['subscribed']!r}")
        values = {k: _text(rec.get(k)) for k in ("first_name", "last_name", "city")}
        values["country"] = _text(rec.get("country")).upper()
        values["phone"] = _e164(_text(rec.get("phone")), values["country"])
        records.append((_text(rec.get("email")).lower(), "newsletter", (_iso_to_utc(rec["updated_at"]), 0, pos),
                        values, not rec["subscribed"]))
    by_email = {}
    for rec in records:
        if rec[0]:
            by_email.setdefault(rec[0], []).append(rec)
    rows = []
    for email in sorted(by_email):
        recs = by_email[email]
        merged = []
        for field in FIELDS:
            present = [r for r in recs if r[3][field]]
            merged.append(max(present, key=lambda r: r[2])[3][field] if present else "")
        sources = ";".join(s for s in ("crm", "newsletter") if any(r[1] == s for r in recs))
        newest = max(r[2][0] for r in recs).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append([email, *merged, "yes" if any(r[4] for r in recs) else "no", sources, newest])
    return rows


# ---------------------------------------------------------------------------------------- the data

def _ascii(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _undotted(email):
    user, domain = email.split("@")
    return user.replace(".", "") + "@" + domain


def _iso(instant, offset):
    wall = instant + timedelta(minutes=_offset_minutes(offset))
    return wall.strftime("%Y-%m-%dT%H:%M:%S") + offset


class _Deck:
    """Deals every card once before any card twice, so each spelling appears in every instance."""

    def __init__(self, rng, cards):
        self.rng, self.cards, self.left = rng, cards, []

    def deal(self):
        if not self.left:
            self.left = self.rng.sample(self.cards, len(self.cards))
        return self.left.pop()


class _Instance:
    """The records of one instance as they are planted, and what keeps its people apart."""

    def __init__(self, rng):
        self.rng = rng
        self.crm, self.nl = [], []  # records in the order they were planted
        self.chains = []  # (source, records) that must keep this order in their file
        # names, emails without the dots of their user part (only the planted twin may share one), numbers
        self.names, self.undotted, self.numbers = set(), set(), set()
        self.yes = _Deck(rng, [rng.choice(["yes", "Yes", "YES"]), rng.choice(["y", "Y"]),
                               rng.choice(["TRUE", "True"]), "1"])
        self.no = _Deck(rng, [rng.choice(["no", "No", "NO"]), rng.choice(["N", "n"]),
                              rng.choice(["false", "False", "FALSE"]), "0", ""])

    # people ------------------------------------------------------------------------------------
    def person(self, country, accented=False):
        rng = self.rng
        while True:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            if accented and first not in ACCENTED and last not in ACCENTED:
                continue
            if accented or rng.random() < 0.3:
                first, last = ACCENTED.get(first, first), ACCENTED.get(last, last)
            local = rng.choice(["{f}.{l}", "{f}.{l}", "{i}.{l}", "{f}", "{f}{i2}", "{f}.{i2}"]).format(
                f=_ascii(first).lower(), l=_ascii(last).lower(), i=_ascii(first)[0].lower(), i2=_ascii(last)[0].lower())
            tld = {"GB": "co.uk", "US": "com", "CA": "ca"}.get(country, country.lower())
            email = f"{local}@{rng.choice(['example.org', 'example.com', 'example.net', 'example.' + tld])}"
            if (first, last) not in self.names and _undotted(email) not in self.undotted:
                self.names.add((first, last))
                self.undotted.add(_undotted(email))
                return {"first": first, "last": last, "email": email, "country": country,
                        "cities": rng.sample(CITIES[country], 2)}

    def retyped(self, email):
        """The same email as another system might have typed it: case and surrounding spaces."""
        rng = self.rng
        text = rng.choice([email.upper(), email.title(), email.capitalize()])
        return rng.choice(["", " "]) + text + rng.choice(["", " "])

    def variant_first(self, first):
        plain = _ascii(first)
        return plain if plain != first else ACCENTED.get(first) or LONGER.get(first) or first

    def variant_last(self, last):
        return last + self.rng.choice(["-", " "]) + self.rng.choice([n for n in LAST if n != last])

    def blank(self):
        return self.rng.choice(["", "  ", None])

    # phones ------------------------------------------------------------------------------------
    def _fresh(self, make):
        while True:
            groups = make()
            if "".join(groups) not in self.numbers:
                self.numbers.add("".join(groups))
                return groups

    def phone(self, country, form):
        """A valid number of `country` written in `form` (national, national11, plus or 00)."""
        rng = self.rng
        if country in AREA:
            a, b, c = self._fresh(lambda: [rng.choice(AREA[country]), "555", f"01{rng.randint(0, 99):02d}"])
            text = {"national": rng.choice(["({a}) {b}-{c}", "{a}-{b}-{c}", "{a}.{b}.{c}", "{a} {b} {c}", "{a}{b}{c}"]),
                    "national11": rng.choice(["1-{a}-{b}-{c}", "1{a}{b}{c}", "1 ({a}) {b}-{c}", "1.{a}.{b}.{c}"]),
                    "plus": rng.choice(["+1 {a} {b} {c}", "+1 ({a}) {b}-{c}", "+1-{a}-{b}-{c}", "+1{a}{b}{c}"]),
                    "00": rng.choice(["001 {a} {b} {c}", "001-{a}-{b}-{c}"])}[form].format(a=a, b=b, c=c)
        elif country == "GB":
            groups = self._fresh(lambda: rng.choice([["20", "7946", f"0{rng.randint(0, 999):03d}"],
                                                     ["7700", f"900{rng.randint(0, 999):03d}"],
                                                     ["113", "496", f"0{rng.randint(0, 999):03d}"],
                                                     ["161", "496", f"0{rng.randint(0, 999):03d}"]]))
            text = {"national": "0" + " ".join(groups), "plus": "+44 " + " ".join(groups),
                    "00": "0044 " + " ".join(groups)}[form]
        elif country == "FR":
            groups = self._fresh(lambda: [rng.choice("1234567")] + [f"{rng.randint(0, 99):02d}" for _ in range(4)])
            sep = rng.choice([" ", ".", "", "-"])
            text = {"national": "0" + groups[0] + sep + sep.join(groups[1:]), "plus": "+33 " + " ".join(groups),
                    "00": "0033 " + " ".join(groups)}[form]
        else:
            code, trunk, areas, lengths, sep = OTHER[country]
            groups = self._fresh(lambda: [rng.choice(areas)] + ["".join(str(rng.randint(0, 9)) for _ in range(n))
                                                                 for n in lengths])
            text = {"national": trunk + sep.join(groups), "plus": f"+{code} " + " ".join(groups),
                    "00": f"00{code} " + " ".join(groups)}[form]
        want_valid = form != "national" or country in ("US", "CA", "GB", "FR")
        assert bool(_e164(text, country)) == want_valid, (text, country, form)
        return text

    def bad_phone(self, country, kind):
        """A number of `country` that rule 4 cannot convert: wrong length, letters or an extension."""
        rng = self.rng
        if kind == "short":
            if country in AREA:
                area = rng.choice(AREA[country])
                text = rng.choice([f"555-01{rng.randint(0, 99):02d}", f"{area} 555 01{rng.randint(0, 9)}",
                                   f"({area}) 555-01{rng.randint(0, 99):02d}{rng.randint(0, 9)}"])
            elif country == "GB":
                text = f"020 7946 0{rng.randint(0, 99):02d}"
            else:
                pairs = " ".join(f"{rng.randint(0, 99):02d}" for _ in range(3))
                text = f"0{rng.choice('1234567')} {pairs} {rng.randint(0, 9)}"
        elif kind == "ext":
            text = self.phone(country, "national") + rng.choice([" x12", " x3", " ext. 204", " ext 7"])
        else:
            text = rng.choice([f"{rng.choice(AREA['US'])}-555-{rng.choice(['CALL', 'GIVE', 'HELP'])}",
                               "1-800-DONATE", "unknown"])
        assert not _e164(text, country), (text, country)
        return text

    # records -----------------------------------------------------------------------------------
    def crm_row(self, p, local, phone, opt_out, **override):
        row = {"first_name": p["first"], "last_name": p["last"], "email": p["email"], "phone": phone,
               "city": p["cities"][0], "country": p["country"], "email_opt_out": opt_out,
               "updated_at": local.strftime("%Y-%m-%d %H:%M:%S")}
        row.update(override)
        _ny_to_utc(local)  # a time that exists in New York
        self.crm.append(row)
        return row

    def nl_rec(self, p, instant, offset, phone, subscribed=True, **override):
        rec = {"email": p["email"], "first_name": p["first"], "last_name": p["last"], "phone": phone,
               "city": p["cities"][1], "country": p["country"], "subscribed": subscribed,
               "updated_at": _iso(instant, offset)}
        rec.update(override)
        self.nl.append(rec)
        return rec

    def local(self, months=range(1, 13), hours=range(24)):
        """A random New York local time away from the clock changes (those are planted on purpose)."""
        rng = self.rng
        while True:
            day = date(rng.randint(2022, 2025), rng.choice(months), rng.randint(1, 28))
            if all(day != t.date() for t in _transitions(day.year)):
                return datetime(day.year, day.month, day.day, rng.choice(hours), rng.randint(0, 59),
                                rng.choice([0, 0, rng.randint(0, 59)]))

    def two_times(self):
        """Two local times at least a few weeks apart, older first."""
        while True:
            a, b = sorted([self.local(), self.local()])
            if b - a > timedelta(days=20):
                return a, b

    def dst_day(self, which):
        spring, fall = _transitions(self.rng.randint(2022, 2025))
        return spring if which == "spring" else fall

    def minutes(self, lo, hi):
        return timedelta(minutes=self.rng.randint(lo, hi), seconds=self.rng.randint(0, 59))


# ---------------------------------------------------------------------------------------- the plants
# Each plants one contact (or a few) of the shipped kind; the comment names its counterpart in files/.

def _plant_time_zone_crm_wins(g):
    """maria.gonzalez, tom.okafor: the CRM record is newer as an instant, older if its local time
    were read as UTC; the loser differs in name, phone and city. Tom's is GB in lower case."""
    p = g.person("US", accented=g.rng.random() < 0.5)
    t = g.local(months=[1, 2, 12], hours=range(7, 20))
    g.crm_row(p, t, g.phone("US", "national"), g.no.deal())
    g.nl_rec(p, _ny_to_utc(t) - g.minutes(10, 280), "Z", g.phone("US", "plus"),
             first_name=g.variant_first(p["first"]),
             last_name=ACCENTED.get(p["last"], p["last"] + "-" + g.rng.choice(LAST)))
    p = g.person("GB")
    t = g.local(months=[5, 6, 7, 8, 9], hours=range(7, 20))
    g.crm_row(p, t, g.phone("GB", "national"), g.no.deal(), email=g.retyped(p["email"]), country="gb")
    g.nl_rec(p, _ny_to_utc(t) - g.minutes(10, 220), "Z", g.phone("GB", "national"), last_name=g.variant_last(p["last"]))


def _plant_old_opt_out_and_plus_tag(g):
    """ana, ana+news: the older CRM record opted out (with a phone of the wrong length), the newer
    newsletter one is subscribed; a +tag address of the same person is a contact of its own."""
    p = g.person("US")
    old, new = g.two_times()
    g.crm_row(p, old, g.bad_phone("US", "short"), g.yes.deal())
    g.nl_rec(p, _ny_to_utc(new), g.rng.choice(["Z", "+01:00"]), g.phone("US", "national"),
             last_name=g.variant_last(p["last"]), city=p["cities"][0])
    user, domain = p["email"].split("@")
    g.crm_row(dict(p, email=f"{user}+{g.rng.choice(TAGS)}@{domain}"), g.local(), "", g.no.deal())


def _plant_dotless_twin(g):
    """(new) first.last@ and firstlast@ are two contacts: one in each source, one of them opted out."""
    while True:
        p = g.person(g.rng.choice(["US", "GB", "FR", "DE"]))
        if "." in p["email"].split("@")[0]:
            break
    twin_p = dict(p, email=_undotted(p["email"]), cities=p["cities"][::-1])
    crm_p, nl_p = (p, twin_p) if g.rng.random() < 0.5 else (twin_p, p)
    g.crm_row(crm_p, g.local(), g.phone(p["country"], "plus"), g.no.deal())
    g.nl_rec(nl_p, _ny_to_utc(g.local()), "Z", g.phone(p["country"], "plus"), subscribed=False)


def _plant_invalid_newer_foreign_national(g):
    """lena.vogel: the newer CRM phone is another country's national number (blank); the older
    newsletter record has the valid one, and blank names and city (empty, spaces)."""
    country = g.rng.choice(["DE", "IE", "NL", "SE", "NG", "AU"])
    p = g.person(country)
    old, new = g.two_times()
    g.crm_row(p, new, g.phone(country, "national"), g.no.deal())
    g.nl_rec(p, _ny_to_utc(old), "+01:00", g.phone(country, "plus"), first_name="", last_name="  ", city="")


def _plant_spring_before_gap(g):
    """p.martin: 01:xx on the spring-forward morning is still standard time; the newsletter record
    (which opts out, with a blank phone) falls between that and the daylight reading. FR in lower case."""
    p = g.person("FR")
    t = g.dst_day("spring").replace(hour=1, minute=g.rng.randint(5, 59), second=g.rng.choice([0, 30]))
    g.crm_row(p, t, g.phone("FR", "national"), g.no.deal(), country="fr")
    g.nl_rec(p, _ny_to_utc(t) - g.minutes(1, 50), "+01:00", g.blank(), subscribed=False, email=g.retyped(p["email"]))


def _plant_spring_after_gap(g, blank):
    """hannah.costa: 03:xx on the spring-forward morning is daylight time, so the newsletter record
    minutes later (opting out, with a blank phone) is the newer one."""
    p = g.person("US")
    t = g.dst_day("spring").replace(hour=3, minute=g.rng.randint(0, 50), second=0)
    g.crm_row(p, t, g.phone("US", "national"), g.no.deal())
    g.nl_rec(p, _ny_to_utc(t) + g.minutes(1, 55), "Z", blank, subscribed=False)


def _plant_fall_back_ambiguous(g):
    """dana.w: 01:xx on the fall-back morning happens twice; the first (daylight) reading makes the
    newsletter record minutes later the newer one. Padded values, country in lower case, "1"-ish opt-out."""
    p = g.person("US")
    t = g.dst_day("fall").replace(hour=1, minute=g.rng.randint(0, 50), second=0)
    g.crm_row(p, t, g.phone("US", "plus"), g.yes.deal(), first_name=f"  {p['first']} ",
              city=f" {p['cities'][0]} ", country="us")
    g.nl_rec(p, _ny_to_utc(t) + g.minutes(1, 55), "Z", g.phone("US", "national"), last_name=g.variant_last(p["last"]))


def _plant_fall_back_unambiguous(g):
    """lucia.garcia: CRM only, on the fall-back day outside the repeated hour (00:xx daylight or
    02:xx standard), accented names, a "00" international phone."""
    p = g.person(g.rng.choice(["ES", "PT", "MX", "BR"]), accented=True)
    t = g.dst_day("fall").replace(hour=g.rng.choice([0, 2]), minute=g.rng.randint(0, 59), second=0)
    g.crm_row(p, t, g.phone(p["country"], "00"), g.no.deal())


def _plant_ties_with_crm(g):
    """sam.lee, ines.moreau, m.nowak, fatima: the same instant in both sources (in Z and in an
    offset), so the CRM wins; for one the CRM first name is blank, so the newsletter's stays; for
    one the newsletter record opts out."""
    rng = g.rng
    p = g.person(rng.choice(["CA", "US"]))
    t = g.local()
    g.crm_row(p, t, g.phone(p["country"], "national"), g.no.deal(), email=p["email"].upper())
    g.nl_rec(p, _ny_to_utc(t), "Z", g.phone(p["country"], "national"), first_name=g.variant_first(p["first"]))
    p = g.person("FR", accented=rng.random() < 0.5)
    t = g.local()
    g.crm_row(p, t, g.phone("FR", "national"), g.no.deal())
    g.nl_rec(p, _ny_to_utc(t), rng.choice(["+01:00", "+02:00", "+03:00", "-03:00"]), g.phone("FR", "plus"),
             first_name=g.variant_first(p["first"]))
    country = rng.choice(["PL", "IT", "DE", "IN"])
    p = g.person(country)
    t = g.local()
    g.crm_row(p, t, g.phone(country, "plus"), g.no.deal(), first_name=rng.choice(["", "  "]))
    g.nl_rec(p, _ny_to_utc(t), "Z", g.phone(country, "national"))
    p = g.person("US")
    t = g.local()
    number = g.phone("US", "national11")
    digits = "".join(ch for ch in number if ch.isdigit())
    g.crm_row(p, t, number, g.no.deal())
    g.nl_rec(p, _ny_to_utc(t), "Z", f"+1 {digits[1:4]} {digits[4:7]} {digits[7:]}", subscribed=False,
             email=p["email"].upper(), city=p["cities"][0])


def _plant_ties_within_a_source(g):
    """(new) two CRM rows, and two newsletter records (in different offsets), of one contact at the
    same instant: the later one in its file wins."""
    rng = g.rng
    p = g.person(rng.choice(["US", "GB", "FR", "SE"]))
    t = g.local()
    first = g.crm_row(p, t, g.phone(p["country"], "plus"), g.no.deal())
    second = g.crm_row(p, t, g.phone(p["country"], "plus"), g.no.deal(), email=g.retyped(p["email"]),
                       city=p["cities"][1])
    g.chains.append(("crm", [first, second]))
    p = g.person(rng.choice(["US", "CA", "IE", "JP"]))
    instant = _ny_to_utc(g.local())
    offsets = ["Z", rng.choice(["+01:00", "-05:00", "+09:00"])]
    rng.shuffle(offsets)
    first = g.nl_rec(p, instant, offsets[0], g.phone(p["country"], "plus"), city=p["cities"][0])
    second = g.nl_rec(p, instant, offsets[1], g.phone(p["country"], "plus"), email=g.retyped(p["email"]))
    g.chains.append(("nl", [first, second]))


def _plant_newer_nulls(g, phone_blank, city_blank):
    """grace.liu: the older CRM record opted out (11-digit phone); the newer newsletter record has
    a blank phone and city (null, empty or spaces) in a negative offset."""
    p = g.person("US")
    old, new = g.two_times()
    g.crm_row(p, old, g.phone("US", "national11"), g.yes.deal())
    g.nl_rec(p, _ny_to_utc(new), g.rng.choice(NEGATIVE), phone_blank, city=city_blank)


def _plant_crm_duplicate(g):
    """omar: two CRM rows of one contact, the newer (re-typed email) with a blank phone and another city."""
    p = g.person(g.rng.choice(["GB", "FR"]))
    old, new = g.two_times()
    first = g.crm_row(p, old, g.phone(p["country"], "plus"), g.no.deal())
    second = g.crm_row(p, new, g.rng.choice(["", " "]), g.no.deal(), email=g.retyped(p["email"]), city=p["cities"][1])
    g.chains.append(("crm", [first, second]))


def _plant_invalid_newer_phone(g):
    """kwame: the newer CRM phone has an extension or letters; the older newsletter one is valid."""
    p = g.person("US")
    old, new = g.two_times()
    g.nl_rec(p, _ny_to_utc(old), "Z", g.phone("US", "plus"), city=p["cities"][0])
    g.crm_row(p, new, g.bad_phone("US", g.rng.choice(["ext", "letters"])), g.no.deal())


def _plant_across_midnight_and_new_year(g):
    """yuki.tanaka, zoe.dubois: a late-evening CRM time is the next day (or year) in UTC, later
    than a newsletter record whose wall clock reads the next day; the loser's phone is a national
    number of another country (blank) or a valid one."""
    country, offset = g.rng.choice([("JP", "+09:00"), ("AU", "+11:00")])
    p = g.person(country)
    t = g.local(months=[1, 2, 12], hours=[22, 23])
    g.crm_row(p, t, g.phone(country, "plus"), g.no.deal())
    g.nl_rec(p, _ny_to_utc(t) - g.minutes(10, 59), offset, g.phone(country, "national"))
    p = g.person("FR", accented=True)
    t = datetime(g.rng.randint(2022, 2024), 12, 31, g.rng.randint(20, 23), g.rng.randint(0, 59))
    g.crm_row(p, t, g.phone("FR", "plus"), g.yes.deal())
    g.nl_rec(p, _ny_to_utc(t) - g.minutes(10, 200), "Z", g.phone("FR", "national"),
             first_name=g.variant_first(p["first"]), city=p["cities"][0])


def _plant_single_source_invalid(g):
    """ravi.iyer: a CRM-only contact whose phone is a national number of another country; (new) a
    single-record contact whose phone has the wrong number of digits."""
    country = g.rng.choice(["IN", "IT", "JP", "PL"])
    p = g.person(country)
    g.crm_row(p, g.local(), g.phone(country, "national"), g.no.deal())
    country = g.rng.choice(["US", "CA", "GB", "FR"])
    p = g.person(country)
    if g.rng.random() < 0.5:
        g.crm_row(p, g.local(), g.bad_phone(country, "short"), g.no.deal())
    else:
        g.nl_rec(p, _ny_to_utc(g.local()), "Z", g.bad_phone(country, "short"))


def _plant_crm_newer_by_little(g):
    """noah.walsh, marco.rossi: the CRM record is newer by minutes, by one second, in summer, against
    a newsletter record in +01:00 / +02:00 whose phone is its country's national number."""
    p = g.person(g.rng.choice(["IE", "PT", "NL"]))
    t = g.local(months=[6, 7, 8], hours=range(6, 20))
    g.crm_row(p, t, g.phone(p["country"], "plus"), g.yes.deal(), country=p["country"].lower())
    g.nl_rec(p, _ny_to_utc(t) - g.minutes(1, 170), "+01:00", g.phone(p["country"], "national"))
    p = g.person(g.rng.choice(["IT", "ES", "DE", "SE"]))
    t = g.local(months=[6, 7, 8], hours=range(6, 20))
    g.crm_row(p, t, g.phone(p["country"], "plus"), g.no.deal())
    g.nl_rec(p, _ny_to_utc(t) - timedelta(seconds=1), "+02:00", g.phone(p["country"], "national"))


def _plant_newer_crm_blank_city(g):
    """chloe.petrov: the newer CRM record has no city (a bare 10-digit phone); the older newsletter
    one has a null phone and the country in lower case."""
    p = g.person("US", accented=g.rng.random() < 0.5)
    old, new = g.two_times()
    digits = "".join(ch for ch in g.phone("US", "national") if ch.isdigit())
    g.crm_row(p, new, digits, g.no.deal(), city=g.rng.choice(["", "  "]))
    g.nl_rec(p, _ny_to_utc(old), "Z", None, country="us")


def _plant_missing_keys(g):
    """oskar: an old newsletter record with only email, subscribed (false) and updated_at."""
    p = g.person(g.rng.choice(["SE", "DE", "NL", "PL"]))
    old, new = g.two_times()
    g.crm_row(p, new, g.phone(p["country"], "plus"), g.no.deal())
    g.nl.append({"email": p["email"], "subscribed": False, "updated_at": _iso(_ny_to_utc(old), "Z")})


def _plant_newsletter_duplicate(g):
    """liam: two newsletter records; the first in the file is newer but has no country key, so its
    national number cannot be converted and the older record's (another number) stays."""
    p = g.person("US")
    old, new = g.two_times()
    newer = g.nl_rec(p, _ny_to_utc(new), g.rng.choice(NEGATIVE), g.phone("US", "national"), city=p["cities"][0])
    del newer["country"]
    older = g.nl_rec(p, _ny_to_utc(old), "Z", g.phone("US", "plus"), email=p["email"].capitalize(), city=None)
    g.chains.append(("nl", [newer, older]))


def _plant_newsletter_only(g):
    """new.donor, priya.raman: newsletter-only contacts, one in a half-hour offset."""
    p = g.person(g.rng.choice(["NG", "DE", "BR"]))
    g.nl_rec(p, _ny_to_utc(g.local()), g.rng.choice(["+01:00", "+02:00", "-03:00"]), g.phone(p["country"], "plus"))
    country, offset = g.rng.choice([("IN", "+05:30"), ("AU", "+09:30"), ("CA", "-03:30")])
    p = g.person(country)
    g.nl_rec(p, _ny_to_utc(g.local()), offset, g.phone(country, "plus" if country != "CA" else "national"))


def _plant_no_email(g):
    """ben.carter (CRM), "Nobody Known" (newsletter): records without an email are left out."""
    p = g.person("US")
    g.crm_row(p, g.local(), g.phone("US", "national"), g.no.deal(), email=g.rng.choice(["", "  "]))
    p = g.person("US")
    g.nl_rec(p, _ny_to_utc(g.local()), "Z", g.phone("US", "plus"), email=g.rng.choice(["", "   ", None]))


def _plant_plain(g):
    """A contact with nothing special, in one source or both (a few per instance, for variety)."""
    rng = g.rng
    p = g.person(rng.choice(list(CITIES)))
    forms = ["plus", "00"] + (["national", "national11"] if p["country"] in AREA else
                              ["national"] if p["country"] in ("GB", "FR") else [])
    old, new = g.two_times()
    where = rng.choice(["crm", "newsletter", "both"])
    if where != "newsletter":
        g.crm_row(p, old, g.phone(p["country"], rng.choice(forms)), g.yes.deal() if rng.random() < 0.2 else g.no.deal())
    if where != "crm":
        g.nl_rec(p, _ny_to_utc(new), rng.choice(["Z", "Z", "+01:00", "-05:00"]), g.phone(p["country"], rng.choice(forms)),
                 subscribed=rng.random() < 0.8)


def _ordered(rng, records, chains):
    """The records shuffled, except that each chain keeps its order."""
    keys = [rng.random() for _ in records]
    for chain in chains:
        slots = sorted(keys[i] for i in chain)
        for i, key in zip(chain, slots):
            keys[i] = key
    return [records[i] for i in sorted(range(len(records)), key=keys.__getitem__)]


def generate(rng):
    g = _Instance(rng)
    blanks = ["", "   ", None]  # the newer record's blank phone or city: each kind once
    rng.shuffle(blanks)
    _plant_time_zone_crm_wins(g)
    _plant_old_opt_out_and_plus_tag(g)
    _plant_dotless_twin(g)
    _plant_invalid_newer_foreign_national(g)
    _plant_spring_before_gap(g)
    _plant_spring_after_gap(g, blanks[0])
    _plant_fall_back_ambiguous(g)
    _plant_fall_back_unambiguous(g)
    _plant_ties_with_crm(g)
    _plant_ties_within_a_source(g)
    _plant_newer_nulls(g, blanks[1], blanks[2])
    _plant_crm_duplicate(g)
    _plant_invalid_newer_phone(g)
    _plant_across_midnight_and_new_year(g)
    _plant_single_source_invalid(g)
    _plant_crm_newer_by_little(g)
    _plant_newer_crm_blank_city(g)
    _plant_missing_keys(g)
    _plant_newsletter_duplicate(g)
    _plant_newsletter_only(g)
    _plant_no_email(g)
    for _ in range(rng.randint(2, 4)):
        _plant_plain(g)

    def chains(source, records):
        index = {id(r): i for i, r in enumerate(records)}
        return [[index[id(r)] for r in chain] for s, chain in g.chains if s == source]

    crm = _ordered(rng, g.crm, chains("crm", g.crm))
    nl = _ordered(rng, g.nl, chains("nl", g.nl))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CRM_HEADER)
    for i, row in enumerate(crm):
        writer.writerow([f"C{i + 1:03d}"] + [row[k] for k in CRM_HEADER[1:]])
    newest = max(_iso_to_utc(r["updated_at"]) for r in nl)
    exported = (newest + timedelta(days=rng.randint(3, 40))).strftime("%Y-%m-%dT09:00:00Z")
    signups = [{k: r[k] for k in NL_KEYS if k in r} for r in nl]
    nl_text = json.dumps({"exported_at": exported, "list": "Monthly newsletter", "signups": signups},
                         ensure_ascii=False, indent=2) + "\n"
    crm_text = out.getvalue()
    return {"crm_contacts.csv": crm_text, "newsletter_signups.json": nl_text}, {"rows": _expected(crm_text, nl_text)}
