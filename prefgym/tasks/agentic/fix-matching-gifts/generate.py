"""Instance N of fix-matching-gifts: its own employers, tests and planted bugs.

What varies: the five employers (drawn from a pool: one dollar for dollar, one at 0.5, one at 2,
one at 1.5 or 0.75, one with a small cap), their caps and minimum gifts, the years, the sample
data/gifts.csv and data/policies.csv, the numbers and names in the visible tests, and the bugs.
Each instance plants three or four bugs from the bank below (at most one per place in the code,
each in one of a few phrasings) into the package as shipped. The bank breaks the opening's rules
1 to 3 in every way we could think of that looks like ordinary code: half-even, half-down or
float rounding, a float product, an exclusive minimum, a minimum tested on the match, employer
names compared with case or spaces, a cap that never resets, resets by fiscal or ISO year, is kept
per employer, per donor or per spelling of the employer, gifts applied in file order, by id, or
with same-date ties in the wrong order, the capping gift given 0 or all of its match, the cap
counted in gift dollars, totals by spelling or without the cap.

The traps of the shipped task (half-even rounding and an exclusive minimum, which the visible tests
catch, and a cap that never resets, which they do not) are kept in kind: one or two planted bugs
make a visible test fail (so "some of the tests now fail" stays true) and the others pass every
visible test, so an agent that only makes the tests pass is caught by the hidden cases. The
visible tests are built so that every bug the bank marks visible fails one of them and no other
does.

Hidden cases (inputs and answers, computed below with exact fractions, independently of the
package) go to the grader in params, grouped by rule; every group fails for each bug of the bank
it names, and the end-to-end group (a CSV-like export of string ids mixing all the cases) fails
for every bug of the bank. The grader has one check per group that holds a planted bug, one for all
groups together and one for the visible tests, so the package as planted fails every check.
"""

import math
import os
from datetime import date
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
# No name here hints at a ratio (the shipped Halfmoon Bakery and Double Bay Bank would mislead when drawn
# for another ratio); first words are distinct, as the visible tests name their policies by them.
EMPLOYERS = ["Acme Corp", "Granite Peak Outfitters", "Fernhill Pharmacy", "Northwind Logistics", "Quarry & Sons",
             "Brightwater Dental", "Kestrel Software", "Linden & Moss", "Orchard Street Books", "Pioneer Freight",
             "Redfern Health", "Silverline Energy", "Tamarind Foods", "Upland Mutual", "Vantage Print Co",
             "Willow Creek Farms", "Yellowfin Media", "Zephyr Airlines", "Cobalt Analytics", "Ember & Oak",
             "Harbor Light Insurance", "Ironbridge Partners", "Juniper Labs", "Maple Leaf Credit Union"]
UNKNOWN = ["Globex", "Initech", "Umbrella Ltd", "Stark Industries", "Wayne Holdings", "Tyrell Systems", "Hooli",
           "Vandelay Imports", "Cyberdyne", "Soylent Co"]

# ------------------------------------------------------------------------------------ the planted package
# Each place a bug can live is a marker in the shipped package; CORRECT is its right code, and a
# bug is a phrasing of one place (or two: the minimum test holds the product's marker).
DONOR = 'str(gift["donor"]).strip().casefold()'
PLAIN_IMPORT = "from decimal import Decimal, InvalidOperation"
MATCH = "    if policy is None or {test}:\n        return ZERO\n    return round_cents(<<PRODUCT>>)"
CAP = ("        remaining = policy.annual_cap - used.get(key, ZERO)\n"
       "        match = min(uncapped, max(remaining, ZERO))\n"
       "        used[key] = used.get(key, ZERO) + {spent}")
TOTALS = '''    gifts = list(gifts)
    by_id = {{g["id"]: g for g in gifts}}
    totals = {{}}
    for row in compute_matches(gifts, policies):
        gift = by_id[row["id"]]
        if parse_date(gift["date"]).year != year or row["match"] <= 0:
            continue
        employer = {employer}
        totals[employer] = totals.get(employer, ZERO) + row["match"]
    return totals'''

CORRECT = {
    "round": {"ROUND_IMPORT": "from decimal import ROUND_HALF_UP, Decimal, InvalidOperation",
              "ROUND_BODY": "    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)"},
    "product": {"PRODUCT": "amount * policy.ratio"},
    "min": {"MATCH": MATCH.format(test="amount < policy.min_gift")},
    "name": {"NAME_KEY": '    return " ".join(str(name or "").split()).casefold()'},
    "order": {"ORDER": '    ordered = sorted(gifts, key=lambda g: (parse_date(g["date"]), int(g["id"])))'},
    "key": {"KEY": f'        key = ({DONOR}, policy.employer, parse_date(gift["date"]).year)'},
    "cap": {"CAP": CAP.format(spent="match")},
    "totals": {"TOTALS": TOTALS.format(employer='find_policy(policies, gift.get("employer")).employer')},
}

BUGS = {  # name: (place, hidden test class that catches it, whether a visible test catches it, phrasings)
    "round_not_half_up": ("round", "HalfUpRounding", True, [
        {"ROUND_IMPORT": PLAIN_IMPORT, "ROUND_BODY": "    return to_decimal(value).quantize(CENT)"},
        {"ROUND_IMPORT": PLAIN_IMPORT, "ROUND_BODY": "    return round(to_decimal(value), 2)"},
        {"ROUND_IMPORT": "from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation",
         "ROUND_BODY": "    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_EVEN)"},
        {"ROUND_IMPORT": "from decimal import ROUND_HALF_DOWN, Decimal, InvalidOperation",
         "ROUND_BODY": "    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_DOWN)"}]),
    "round_through_float": ("round", "HalfUpRounding", True, [
        {"ROUND_IMPORT": PLAIN_IMPORT, "ROUND_BODY": "    return Decimal(str(round(float(to_decimal(value)), 2)))"},
        {"ROUND_IMPORT": PLAIN_IMPORT, "ROUND_BODY": '    return Decimal(f"{float(to_decimal(value)):.2f}")'}]),
    "float_product": ("product", "HalfUpRounding", False, [
        {"PRODUCT": "Decimal(float(amount) * float(policy.ratio))"},
        {"PRODUCT": "float(amount) * float(policy.ratio)"}]),
    "minimum_exclusive": ("min", "MinimumGiftBoundary", True, [
        {"MATCH": MATCH.format(test="amount <= policy.min_gift")},
        {"MATCH": MATCH.format(test="policy.min_gift >= amount")},
        {"MATCH": MATCH.format(test="not amount > policy.min_gift")}]),
    "minimum_on_match": ("min", "MinimumGiftBoundary", False, [
        {"MATCH": "    if policy is None:\n        return ZERO\n    match = round_cents(<<PRODUCT>>)\n"
                  "    if match < policy.min_gift:\n        return ZERO\n    return match"},
        {"MATCH": MATCH.format(test="<<PRODUCT>> < policy.min_gift")}]),
    "names_case_sensitive": ("name", "EmployerNames", True, [
        {"NAME_KEY": '    return " ".join(str(name or "").split())'},
        {"NAME_KEY": '    return str(name or "").strip()'}]),
    "names_untrimmed": ("name", "EmployerNames", True, [
        {"NAME_KEY": '    return str(name or "").casefold()'},
        {"NAME_KEY": '    return str(name or "").lower()'}]),
    "file_order": ("order", "DateOrder", True, [
        {"ORDER": "    ordered = list(gifts)"},
        {"ORDER": "    ordered = gifts"}]),
    "id_order": ("order", "DateOrder", True, [
        {"ORDER": '    ordered = sorted(gifts, key=lambda g: int(g["id"]))'}]),
    "tie_order": ("order", "DateOrder", False, [
        {"ORDER": '    ordered = sorted(gifts, key=lambda g: parse_date(g["date"]))'},
        {"ORDER": '    ordered = sorted(gifts, key=lambda g: (g["date"], g["id"]))'},
        {"ORDER": '    ordered = sorted(gifts, key=lambda g: (parse_date(g["date"]), str(g["id"])))'}]),
    "cap_never_resets": ("key", "CapResetsEachCalendarYear", False, [
        {"KEY": f"        key = ({DONOR}, policy.employer)"},
        {"KEY": f"        key = (policy.employer, {DONOR})"}]),
    "cap_wrong_year": ("key", "CapResetsEachCalendarYear", False, [
        {"KEY": '        day = parse_date(gift["date"])\n'
                f"        key = ({DONOR}, policy.employer, day.year if day.month < 7 else day.year + 1)"},
        {"KEY": f'        key = ({DONOR}, policy.employer, parse_date(gift["date"]).isocalendar()[0])'}]),
    "cap_per_employer": ("key", "CapPerDonorAndEmployer", True, [
        {"KEY": '        key = (policy.employer, parse_date(gift["date"]).year)'}]),
    "cap_per_donor": ("key", "CapPerDonorAndEmployer", False, [
        {"KEY": f'        key = ({DONOR}, parse_date(gift["date"]).year)'}]),
    "cap_per_spelling": ("key", "EmployerNames", False, [
        {"KEY": f'        key = ({DONOR}, gift["employer"], parse_date(gift["date"]).year)'},
        {"KEY": f'        key = ({DONOR}, str(gift["employer"]).strip(), parse_date(gift["date"]).year)'},
        {"KEY": f'        key = ({DONOR}, str(gift["employer"]).lower(), parse_date(gift["date"]).year)'}]),
    "capping_gift_gets_zero": ("cap", "PartialMatchAtCap", True, [
        {"CAP": "        remaining = policy.annual_cap - used.get(key, ZERO)\n"
                "        match = uncapped if uncapped <= remaining else ZERO\n"
                "        used[key] = used.get(key, ZERO) + match"},
        {"CAP": "        if used.get(key, ZERO) + uncapped > policy.annual_cap:\n            match = ZERO\n"
                "        else:\n            match = uncapped\n        used[key] = used.get(key, ZERO) + match"}]),
    "capping_gift_gets_all": ("cap", "PartialMatchAtCap", True, [
        {"CAP": "        match = uncapped if used.get(key, ZERO) < policy.annual_cap else ZERO\n"
                "        used[key] = used.get(key, ZERO) + match"}]),
    "cap_counts_gifts": ("cap", "PartialMatchAtCap", False, [
        {"CAP": CAP.format(spent='to_decimal(gift["amount"])')}]),
    "totals_by_spelling": ("totals", "EmployerNames", False, [
        {"TOTALS": TOTALS.format(employer='str(gift["employer"]).strip()')},
        {"TOTALS": TOTALS.format(employer='gift["employer"]')}]),
    "totals_uncapped": ("totals", "EmployerTotals", False, [
        {"TOTALS": '''    totals = {}
    for gift in gifts:
        policy = find_policy(policies, gift.get("employer"))
        if policy is None or parse_date(gift["date"]).year != year:
            continue
        match = match_for_gift(gift["amount"], policy)
        if match > 0:
            totals[policy.employer] = totals.get(policy.employer, ZERO) + match
    return totals'''}]),
}

# The code of the shipped package that each marker stands for (its bugs and the right code around them).
SHIPPED = {
    "money.py": [("from decimal import Decimal, InvalidOperation", "<<ROUND_IMPORT>>"),
                 ("    return to_decimal(value).quantize(CENT)", "<<ROUND_BODY>>")],
    "policy.py": [('    return " ".join(str(name or "").split()).casefold()', "<<NAME_KEY>>")],
    "engine.py": [("    if policy is None or amount <= policy.min_gift:\n        return ZERO\n"
                   "    return round_cents(amount * policy.ratio)", "<<MATCH>>"),
                  (CORRECT["order"]["ORDER"], "<<ORDER>>"),
                  (f"        key = ({DONOR}, policy.employer)", "<<KEY>>"),
                  (CAP.format(spent="match"), "<<CAP>>"),
                  (CORRECT["totals"]["TOTALS"], "<<TOTALS>>")],
}
CHECK_NAMES = {"HalfUpRounding": "hidden_half_up_rounding", "MinimumGiftBoundary": "hidden_minimum_gift_boundary",
               "EmployerNames": "hidden_employer_names", "CapResetsEachCalendarYear": "hidden_cap_resets_each_year",
               "CapPerDonorAndEmployer": "hidden_cap_per_donor_and_employer", "DateOrder": "hidden_date_order",
               "PartialMatchAtCap": "hidden_partial_match_at_cap", "EmployerTotals": "hidden_employer_totals"}


def _plant(rng):
    """Three or four bugs, one or two of which a visible test catches, at most one per place, each
    in one of its phrasings: ``[(bug, phrasing number)]``."""
    n = rng.choice([3, 3, 4])
    k = rng.choice([1, 2])
    chosen, places = [], set()
    for visible, count in ((True, k), (False, n - k)):
        pool = [b for b in BUGS if BUGS[b][2] == visible]
        for bug in rng.sample(pool, len(pool)):
            if count and BUGS[bug][0] not in places:
                chosen.append((bug, rng.randrange(len(BUGS[bug][3]))))
                places.add(BUGS[bug][0])
                count -= 1
    return chosen


def _package(planted):
    """The package's three modules with the ``planted`` bugs (``[(bug, phrasing number)]``) in them."""
    fragments = {}
    for code in CORRECT.values():
        fragments.update(code)
    for bug, phrasing in planted:
        fragments.update(BUGS[bug][3][phrasing])
    files = {}
    for name, replacements in SHIPPED.items():
        with open(os.path.join(HERE, "files", "matching", name), encoding="utf-8") as f:
            text = f.read()
        for old, marker in replacements:
            if text.count(old) != 1:
                raise RuntimeError(f"{name}: the shipped code changed: {old!r}")
            text = text.replace(old, marker)
        for _ in range(2):  # a fragment may hold another's marker (the minimum test holds the product)
            for marker, code in fragments.items():
                text = text.replace(f"<<{marker}>>", code)
        if "<<" in text:
            raise RuntimeError(f"{name}: a marker is left")
        files[f"matching/{name}"] = text
    return files


# ------------------------------------------------------------------------------------ the rules, exactly
# Amounts as Fractions, matches in integer cents: an implementation that shares nothing with the
# package's Decimal code, so the oracle passing shows both agree.

def _amount(value):
    text = repr(value) if isinstance(value, float) else str(value)
    return Fraction(text.strip().replace("$", "").replace(",", ""))


def _half_up(x):
    return math.floor(x * 100 + Fraction(1, 2))


def _money(cents):
    return f"{cents // 100}.{cents % 100:02d}"


def _lookup(policies, employer):
    wanted = str(employer).strip().lower()
    return next((p for p in policies if p["name"].lower() == wanted), None) if wanted else None


def _uncapped(amount, policy):
    a = _amount(amount)
    return 0 if a * 100 < policy["min"] else _half_up(a * policy["ratio"])


def _matches(gifts, policies):
    """Cents matched for each gift, in the order of ``gifts``."""
    order = sorted(range(len(gifts)), key=lambda i: (date.fromisoformat(gifts[i]["date"]), int(gifts[i]["id"])))
    used, out = {}, [0] * len(gifts)
    for i in order:
        gift = gifts[i]
        policy = _lookup(policies, gift["employer"])
        if policy is None:
            continue
        key = (gift["donor"], policy["name"], gift["date"][:4])
        out[i] = min(_uncapped(gift["amount"], policy), policy["cap"] - used.get(key, 0))
        used[key] = used.get(key, 0) + out[i]
    return out


def _totals(gifts, policies, year):
    totals = {}
    for gift, cents in zip(gifts, _matches(gifts, policies)):
        if cents and int(gift["date"][:4]) == year:
            name = _lookup(policies, gift["employer"])["name"]
            totals[name] = totals.get(name, 0) + cents
    return totals


# ------------------------------------------------------------------------------------ cases

def _policies(rng):
    names = rng.sample(EMPLOYERS, 5)
    roles = [("one", "1", [500, 750, 1000, 1200, 1500, 2000], [10, 20, 25, 30, 50]),
             ("half", "0.5", [250, 300, 400, 500, 600], [5, 10, 15, 20]),
             ("double", "2", [1000, 1500, 2000, 3000, 4000], [25, 40, 50, 75, 100]),
             ("odd", rng.choice(["1.5", "0.75"]), [900, 1200, 1500, 1800], [50, 60, 75, 100]),
             ("small", "1", [150, 200, 250, 300], [10, 15, 20])]
    return {role: {"name": name, "ratio": Fraction(ratio), "ratio_text": ratio, "cap": rng.choice(caps) * 100,
                   "min": rng.choice(mins) * 100} for name, (role, ratio, caps, mins) in zip(names, roles)}


def _spellings(name):
    """The canonical name and two re-typings that differ from it and from each other raw, stripped and lower-cased."""
    return [name, name.upper() + " ", "  " + name.lower()]


def _day(rng, year, first_month=1, last_month=12):
    return date(year, rng.randint(first_month, last_month), rng.randint(1, 28)).isoformat()


def _days(rng, year, count, first_month=1, last_month=12):
    """``count`` distinct sorted days of ``year`` within the months given."""
    days = set()
    while len(days) < count:
        days.add(_day(rng, year, first_month, last_month))
    return sorted(days)


def _tie(rng):
    """An amount with three decimals, the last a 5: a tie at the cent."""
    return f"{rng.randint(0, 2999)}.{rng.randint(0, 99):02d}5"


def _float_low(rng):
    """A tie whose float lies below it (so rounding the float loses the half cent), and reads back the same."""
    while True:
        text = _tie(rng)
        if repr(float(text)) == text and Fraction(float(text)) < Fraction(text):
            return text


def _even_tie_cents(rng, policy, low=None, high=None):
    """Odd cents of a gift whose exact match at ratio 0.5 is a tie with an even cent before the 5."""
    low = max(low or 0, policy["min"]) // 4 + 1
    high = (high or policy["cap"]) // 4
    return 4 * rng.randint(low, high) + 1


def _float_product_cents(rng, policy, low, high):
    """Cents of a gift whose exact match is a tie that a float product (as a float or through str) loses."""
    while True:
        cents = rng.randint(max(low, policy["min"]), high)
        exact = Fraction(cents, 100) * policy["ratio"]
        product = float(Fraction(cents, 100)) * float(policy["ratio"])
        if (exact * 1000).denominator == 1 and exact * 1000 % 10 == 5 and Fraction(product) < exact \
                and Fraction(repr(product)) < exact:
            return cents


def _iso_pair(rng, year):
    """Two days of different calendar years in one ISO year, the first of them near New Year."""
    options = [d for y in range(year - 1, year + 2) for d in
               (date(y, 12, 29), date(y, 12, 30), date(y, 12, 31), date(y + 1, 1, 1), date(y + 1, 1, 2),
                date(y + 1, 1, 3)) if d.isocalendar()[0] != d.year]
    day = rng.choice(options)
    other = date(day.year + 1, 1, rng.randint(10, 25)) if day.month == 12 else date(day.year - 1, 12, rng.randint(1, 20))
    return sorted([day.isoformat(), other.isoformat()])


class Cases:
    """Hidden cases for one instance: each method returns the gifts (or calls) of one scenario."""

    def __init__(self, rng, roles, year):
        self.rng, self.roles, self.year = rng, roles, year
        self.policies = list(roles.values())
        self.next_id = rng.randint(1, 40)
        self.donors = iter(rng.sample(range(100, 1000), 200))

    def donor(self):
        return f"D{next(self.donors)}"

    def gift(self, donor, employer, amount, day):
        self.next_id += 1
        return {"id": self.next_id, "donor": donor, "employer": employer, "amount": amount, "date": day}

    def index(self, policy):
        return self.policies.index(policy)

    def compute(self, note, gifts):
        return {"kind": "compute_matches", "note": note, "args": [gifts],
                "want": [[g["id"], _money(c)] for g, c in zip(gifts, _matches(gifts, self.policies))]}

    def totals(self, note, gifts, year):
        return {"kind": "employer_totals", "note": note, "args": [gifts, year],
                "want": {k: _money(v) for k, v in _totals(gifts, self.policies, year).items()}}

    def match(self, note, amount, policy):
        return {"kind": "match_for_gift", "note": note, "args": [amount, self.index(policy)],
                "want": _money(_uncapped(amount, policy))}

    # ---- scenarios, each a list of gifts of fresh donors

    def even_tie(self):
        """A match at 0.5 that is a tie with an even cent: half-even and half-down round it down."""
        half = self.roles["half"]
        return [self.gift(self.donor(), half["name"], _money(_even_tie_cents(self.rng, half)), _day(self.rng, self.year))]

    def float_product(self):
        odd = self.roles["odd"]
        cents = _float_product_cents(self.rng, odd, odd["min"], odd["cap"] * 2 // 3)
        return [self.gift(self.donor(), odd["name"], _money(cents), _day(self.rng, self.year))]

    def float_tie(self):
        """A match at 0.5 that is a tie whose float lies below it: rounding the float loses it."""
        half = self.roles["half"]
        while True:
            cents = 2 * self.rng.randint(half["min"] // 2 + 1, half["cap"] // 2) + 1
            exact = Fraction(cents, 200)
            if Fraction(float(exact)) < exact:
                return [self.gift(self.donor(), half["name"], _money(cents), _day(self.rng, self.year))]

    def minimums(self):
        """Gifts of exactly the minimum (matched) and a cent below it (not), at every ratio."""
        gifts = []
        for role in ("one", "half", "double", "odd"):
            policy = self.roles[role]
            gifts.append(self.gift(self.donor(), policy["name"], _money(policy["min"]), _day(self.rng, self.year)))
            gifts.append(self.gift(self.donor(), policy["name"], _money(policy["min"] - 1), _day(self.rng, self.year)))
        return gifts

    def spellings(self, role="one"):
        """One donor, one employer under three spellings in a year: one cap, the third gift partial."""
        policy, donor = self.roles[role], self.donor()
        part = policy["cap"] * 2 // 500 * 100  # 40% of the cap, whole dollars
        days = _days(self.rng, self.year, 3, 2, 11)
        names = self.rng.sample(_spellings(policy["name"]), 3)
        return [self.gift(donor, name, _money(part), day) for name, day in zip(names, days)]

    def new_year(self):
        """The cap used up on 31 December starts fresh on 1 January, and stays used all year."""
        one, donor = self.roles["one"], self.donor()
        y, small = self.year, max(one["min"], 5000)
        return [self.gift(donor, one["name"], _money(one["cap"]), f"{y}-12-31"),
                self.gift(donor, one["name"], _money(one["cap"]), f"{y + 1}-01-01"),
                self.gift(donor, one["name"], _money(small), f"{y + 1}-12-31"),
                self.gift(donor, one["name"], _money(self.rng.randint(one["min"] // 100 + 1, one["cap"] // 100) * 100),
                          f"{y + 2}-01-01")]

    def partial_each_year(self):
        small, donor = self.roles["small"], self.donor()
        part = small["cap"] * 4 // 500 * 100  # 80% of the cap
        days = (_days(self.rng, self.year, 2, 10, 12) + _days(self.rng, self.year + 1, 2, 1, 4))
        return [self.gift(donor, small["name"], _money(part), day) for day in days]

    def iso_year(self):
        one, donor = self.roles["one"], self.donor()
        return [self.gift(donor, one["name"], _money(one["cap"]), day) for day in _iso_pair(self.rng, self.year)]

    def one_calendar_year(self):
        """Spring and autumn of one year share the cap (a fiscal year would not)."""
        double, donor = self.roles["double"], self.donor()
        return [self.gift(donor, double["name"], _money(double["cap"] // 2), _day(self.rng, self.year, 2, 5)),
                self.gift(donor, double["name"], _money(double["cap"] // 4), _day(self.rng, self.year, 8, 11))]

    def two_donors(self):
        double = self.roles["double"]
        days = _days(self.rng, self.year, 2, 3, 9)
        return [self.gift(self.donor(), double["name"], _money(double["cap"] // 2), day) for day in days]

    def two_employers(self):
        one, half, donor = self.roles["one"], self.roles["half"], self.donor()
        days = _days(self.rng, self.year, 3, 2, 10)
        return [self.gift(donor, one["name"], _money(one["cap"]), days[0]),
                self.gift(donor, half["name"], _money(half["cap"] * 2), days[1]),
                self.gift(donor, one["name"], _money(max(one["min"], 2000)), days[2])]

    def later_first(self):
        """The later gift comes first in the file and has the lower id."""
        one, donor = self.roles["one"], self.donor()
        early, late = _days(self.rng, self.year, 2)
        first = self.gift(donor, one["name"], _money(one["cap"] * 9 // 1000 * 100), late)
        second = self.gift(donor, one["name"], _money(one["cap"] * 3 // 1000 * 100), early)
        return [first, second]

    def same_day(self):
        """Two gifts on one day, the higher id first in the file, whose order decides the match."""
        small, donor, day = self.roles["small"], self.donor(), _day(self.rng, self.year)
        low = self.rng.randint(2, 9)
        high = self.rng.randint(10, 10 * low - 1)  # a lower first digit: "10" < "9" as text
        return [{"id": str(high), "donor": donor, "employer": small["name"], "amount": _money(small["cap"] * 7 // 1000 * 100),
                 "date": day},
                {"id": str(low), "donor": donor, "employer": small["name"], "amount": _money(small["cap"] * 6 // 1000 * 100),
                 "date": day}]

    def same_day_numbers(self):
        """The same with int ids: the higher one first in the file."""
        one, donor, day = self.roles["one"], self.donor(), _day(self.rng, self.year)
        low = self.gift(donor, one["name"], _money(one["cap"] * 6 // 1000 * 100), day)
        high = self.gift(donor, one["name"], _money(one["cap"] * 7 // 1000 * 100), day)
        return [high, low]

    def capping_gift(self):
        one, donor = self.roles["one"], self.donor()
        days = _days(self.rng, self.year, 3)
        amounts = [one["cap"] * 6 // 1000 * 100, one["cap"] * 6 // 1000 * 100, max(one["min"], one["cap"] // 10)]
        return [self.gift(donor, one["name"], _money(a), d) for a, d in zip(amounts, days)]

    def cap_in_matched_dollars(self, role):
        """At 0.5 the gifts pass the cap long before the matches do; at 2 the matches pass it first."""
        policy, donor = self.roles[role], self.donor()
        gift = policy["cap"] * 6 // 5 if role == "half" else policy["cap"] * 3 // 10
        return [self.gift(donor, policy["name"], _money(gift), d) for d in _days(self.rng, self.year, 2)]

    def no_policy(self):
        return [self.gift(self.donor(), self.rng.choice(UNKNOWN), "150.00", _day(self.rng, self.year)),
                self.gift(self.donor(), "", "75.50", _day(self.rng, self.year))]


def _hidden(rng, roles, year):
    c = Cases(rng, roles, year)
    one, half, double, odd, small = (roles[r] for r in ("one", "half", "double", "odd", "small"))
    classes = {}

    def rounded(note, value):
        return {"kind": "round_cents", "note": note, "args": [value], "want": _money(_half_up(_amount(value)))}

    dollars = _even_tie_cents(rng, half, low=100000, high=900000)
    classes["HalfUpRounding"] = [
        rounded("the opening's example", "0.005"), rounded("the opening's example", "12.625"),
        *[rounded("a tie with an even cent", f"{rng.randint(0, 2999)}.{rng.randint(0, 9)}{rng.choice('02468')}5")
          for _ in range(2)],
        rounded("a tie whose float is below it", _float_low(rng)), rounded("a tie whose float is below it", _float_low(rng)),
        rounded("a float that reads as a tie", float(_float_low(rng))),
        rounded("just under a tie", _tie(rng)[:-1] + "49"),
        rounded("a whole number", str(rng.randint(1, 999))), rounded("an int", rng.randint(1, 999)),
        c.match("half a tie with an even cent", _money(_even_tie_cents(rng, half)), half),
        c.match("a product that a float loses", _money(_float_product_cents(rng, odd, odd["min"], odd["cap"])), odd),
        c.match("dollars with a thousands comma", f"${dollars // 100:,}.{dollars % 100:02d}", half),
        c.compute("ties matched", c.even_tie() + c.float_product() + c.float_tie()),
    ]

    minimum = []
    for policy in c.policies:
        least = policy["min"]
        exact = rng.choice([_money(least), str(least // 100), least // 100, f"${_money(least)}"])
        minimum += [c.match(f"exactly the minimum of {policy['name']}", exact, policy),
                    c.match(f"a cent below the minimum of {policy['name']}", _money(least - 1), policy)]
    donor, days = c.donor(), _days(rng, year, 2)
    minimum.append(c.compute("minimum in compute_matches", [c.gift(donor, "  " + small["name"].lower(), _money(small["min"]), days[0]),
                                                             c.gift(donor, small["name"], _money(small["min"] - 1), days[1])]))
    classes["MinimumGiftBoundary"] = minimum

    unknown = rng.sample(UNKNOWN, 2)
    names = [{"kind": "find_policy", "note": "re-typed name", "args": [spelled], "want": c.index(p)}
             for p in rng.sample(c.policies, 3)
             for spelled in (f"  {p['name'].upper()} ", f"{p['name'].lower()}  ", f" {p['name'].swapcase()}")]
    names += [{"kind": "find_policy", "note": "no such employer", "args": [q], "want": None}
              for q in (unknown[0], f" {unknown[1].lower()} ", "", "   ")]
    spelled = c.spellings("one") + c.spellings("small")
    names += [c.compute("one cap across spellings", spelled),
              c.totals("totals by employer, not spelling", spelled + c.spellings("half"), year)]
    classes["EmployerNames"] = names

    classes["CapResetsEachCalendarYear"] = [c.compute("1 January starts a new cap", c.new_year()),
                                            c.compute("partial in each year", c.partial_each_year()),
                                            c.compute("the calendar year, not the ISO year", c.iso_year()),
                                            c.compute("spring and autumn of one year", c.one_calendar_year())]
    classes["CapPerDonorAndEmployer"] = [c.compute("each donor has a cap", c.two_donors()),
                                         c.compute("each employer has a cap", c.two_employers())]
    classes["DateOrder"] = [c.compute("later gift first in the file", c.later_first()),
                            c.compute("same day, text ids", c.same_day()),
                            c.compute("same day, higher id first", c.same_day_numbers())]
    classes["PartialMatchAtCap"] = [c.compute("the capping gift gets the rest", c.capping_gift()),
                                    c.compute("the cap counts matched dollars at 0.5", c.cap_in_matched_dollars("half")),
                                    c.compute("the cap counts matched dollars at 2", c.cap_in_matched_dollars("double"))]
    capped = c.capping_gift() + c.cap_in_matched_dollars("half") + c.two_donors()
    for policy in c.policies:  # every employer with a gift that year has a positive total
        capped.append(c.gift(c.donor(), policy["name"], _money(max(policy["min"], 5000)), _day(rng, year)))
    capped += c.no_policy() + [c.gift(c.donor(), one["name"], _money(one["cap"]), _day(rng, year + 1))]
    classes["EmployerTotals"] = [c.totals(f"totals for {year}", capped, year),
                                 c.totals(f"totals for {year + 1}", capped, year + 1)]
    classes["EndToEnd"] = _end_to_end(rng, c, year)
    return {"policies": [[p["name"], p["ratio_text"], _money(p["cap"]), _money(p["min"])] for p in c.policies],
            "classes": classes}


def _end_to_end(rng, c, year):
    """Every scenario at once, as a CSV export would give them: string ids, in a shuffled file order
    that keeps each scenario's own order; the same-day pair keeps its ids ("10" before "9")."""
    later, earlier = pair = c.later_first()
    scenarios = [c.even_tie(), c.float_product(), c.float_tie(), c.minimums(), c.spellings("one"),
                 c.spellings("small"), c.new_year(), c.partial_each_year(), c.iso_year(), c.one_calendar_year(),
                 c.two_donors(), c.two_employers(), pair, c.capping_gift(),
                 c.cap_in_matched_dollars("half"), c.cap_in_matched_dollars("double"), c.no_policy()]
    for y in (year, year + 1):
        scenarios += [[c.gift(c.donor(), p["name"], _money(max(p["min"], 5000)), _day(rng, y))] for p in c.policies]
    tie = c.same_day()
    gifts = []
    queues = [list(s) for s in scenarios]
    while queues:
        queue = rng.choice(queues)
        gifts.append(queue.pop(0))
        if not queue:
            queues.remove(queue)
    taken = {int(g["id"]) for g in tie}
    ids = rng.sample([i for i in range(1, len(gifts) + 40) if i not in taken], len(gifts))
    for gift, number in zip(gifts, ids):
        gift["id"] = str(number)
        cents = _amount(gift["amount"]) * 100
        if cents >= 100000 and rng.random() < 0.3:
            gift["amount"] = f"${int(cents) // 100:,}.{int(cents) % 100:02d}"
    if int(later["id"]) > int(earlier["id"]):
        later["id"], earlier["id"] = earlier["id"], later["id"]
    spot = rng.randint(0, len(gifts))
    gifts[spot:spot] = tie
    return [c.compute("every rule at once", gifts), c.totals(f"totals for {year}", gifts, year),
            c.totals(f"totals for {year + 1}", gifts, year + 1)]


# ------------------------------------------------------------------------------------ visible tests and data

VISIBLE = '''import unittest
from decimal import Decimal

from matching import Policy, compute_matches, find_policy, match_for_gift, round_cents, to_decimal

<<ONE>> = Policy("<<ONE_NAME>>", Decimal("1"), Decimal("<<ONE_CAP>>"), Decimal("<<ONE_MIN>>"))
<<HALF>> = Policy("<<HALF_NAME>>", Decimal("0.5"), Decimal("<<HALF_CAP>>"), Decimal("<<HALF_MIN>>"))
<<DOUBLE>> = Policy("<<DOUBLE_NAME>>", Decimal("2"), Decimal("<<DOUBLE_CAP>>"), Decimal("<<DOUBLE_MIN>>"))
POLICIES = [<<ONE>>, <<HALF>>, <<DOUBLE>>]


class TestMoney(unittest.TestCase):
    def test_to_decimal(self):
        self.assertEqual(to_decimal("<<DOLLARS>>"), Decimal("<<DOLLARS_PLAIN>>"))
        self.assertEqual(to_decimal(<<FLOAT>>), Decimal("<<FLOAT>>"))

    def test_round_cents_plain(self):
        self.assertEqual(round_cents("<<DOWN>>"), Decimal("<<DOWN_CENTS>>"))
        self.assertEqual(round_cents("<<UP>>"), Decimal("<<UP_CENTS>>"))

    def test_round_cents_half_up(self):
        self.assertEqual(round_cents("<<TIE>>"), Decimal("<<TIE_CENTS>>"))


class TestPolicies(unittest.TestCase):
    def test_find_policy_ignores_case_and_spaces(self):
        self.assertIs(find_policy(POLICIES, "  <<ONE_LOWER>> "), <<ONE>>)
        self.assertIsNone(find_policy(POLICIES, "<<UNKNOWN>>"))
        self.assertIsNone(find_policy(POLICIES, ""))


class TestMatchForGift(unittest.TestCase):
    def test_dollar_for_dollar(self):
        self.assertEqual(match_for_gift("<<PLAIN>>", <<ONE>>), Decimal("<<PLAIN>>"))

    def test_double(self):
        self.assertEqual(match_for_gift("<<TWICE>>", <<DOUBLE>>), Decimal("<<TWICE_MATCH>>"))

    def test_below_minimum(self):
        self.assertEqual(match_for_gift("<<BELOW>>", <<ONE>>), Decimal("0"))

    def test_minimum_gift_qualifies(self):
        self.assertEqual(match_for_gift("<<ONE_MIN>>", <<ONE>>), Decimal("<<ONE_MIN>>"))

    def test_half_ratio(self):
        self.assertEqual(match_for_gift("<<HALVED>>", <<HALF>>), Decimal("<<HALVED_MATCH>>"))


class TestComputeMatches(unittest.TestCase):
    def test_partial_match_at_cap(self):
        gifts = [
            {"id": 1, "donor": "D1", "employer": "<<ONE_NAME>>", "amount": "<<P1>>", "date": "<<PD1>>"},
            {"id": 2, "donor": "D1", "employer": "<<ONE_NAME>>", "amount": "<<P2>>", "date": "<<PD2>>"},
            {"id": 3, "donor": "D1", "employer": "<<ONE_NAME>>", "amount": "<<P3>>", "date": "<<PD3>>"},
        ]
        got = [r["match"] for r in compute_matches(gifts, POLICIES)]
        self.assertEqual(got, [Decimal("<<P1>>"), Decimal("<<P2_MATCH>>"), Decimal("0.00")])

    def test_applied_in_date_order(self):
        gifts = [
            {"id": <<LATE_ID>>, "donor": "D2", "employer": "<<ONE_NAME>>", "amount": "<<LATE>>", "date": "<<LATE_DAY>>"},
            {"id": <<EARLY_ID>>, "donor": "D2", "employer": "<<ONE_NAME>>", "amount": "<<EARLY>>", "date": "<<EARLY_DAY>>"},
        ]
        got = {r["id"]: r["match"] for r in compute_matches(gifts, POLICIES)}
        self.assertEqual(got, {<<LATE_ID>>: Decimal("<<LATE_MATCH>>"), <<EARLY_ID>>: Decimal("<<EARLY>>")})

    def test_caps_are_per_donor(self):
        gifts = [
            {"id": 1, "donor": "D1", "employer": "<<ONE_NAME>>", "amount": "<<ONE_CAP>>", "date": "<<CD1>>"},
            {"id": 2, "donor": "D2", "employer": "<<ONE_NAME>>", "amount": "<<ONE_CAP>>", "date": "<<CD2>>"},
        ]
        got = [r["match"] for r in compute_matches(gifts, POLICIES)]
        self.assertEqual(got, [Decimal("<<ONE_CAP>>"), Decimal("<<ONE_CAP>>")])

    def test_no_policy_no_match(self):
        gifts = [{"id": 1, "donor": "D1", "employer": "", "amount": "<<NONE>>", "date": "<<ND>>"}]
        self.assertEqual(compute_matches(gifts, POLICIES)[0]["match"], Decimal("0"))


if __name__ == "__main__":
    unittest.main()
'''


def _visible(rng, roles, year):
    """The shipped tests with this instance's employers and numbers. Every bug the bank marks as
    visible fails one of them; the others pass them all: the policies here are the ratio-1 one for
    minimums and caps, all dates are between February and June of one year (no cap year, fiscal or
    ISO, can differ), no two gifts share a day, and every rounding or halving is exact in binary."""
    one, half, double = roles["one"], roles["half"], roles["double"]
    cap = one["cap"]
    while True:
        floating = f"{rng.randint(1, 99)}.{rng.randint(0, 99):02d}{rng.randint(1, 9)}"
        if repr(float(floating)) == floating:
            break
    dollars = rng.randint(100000, 999999)
    down = f"{rng.randint(1, 999)}.{rng.randint(0, 99):02d}4"
    up = f"{rng.randint(1, 999)}.{rng.randint(0, 99):02d}6"
    tie = f"{rng.randint(1, 999)}.{rng.choice(['125', '625'])}"
    halved = 100 * (2 * rng.randint(half["min"] // 100 + 1, half["cap"] // 200)) + 25
    twice = rng.randint(double["min"], double["cap"] // 2)
    first = rng.randint(4, 8) * cap // 10
    second = cap - first + rng.randint(1, 4) * cap // 10
    early = rng.randint(3, 5)
    early, late = early * cap // 10, rng.randint(max(7, 11 - early), 9) * cap // 10  # more than the cap together
    late_id = rng.randint(1, 30)
    partial_days = _days(rng, year, 3, 2, 6)
    order_days, cap_days = _days(rng, year, 2, 2, 6), _days(rng, year, 2, 2, 6)
    ident = {role: roles[role]["name"].split()[0].upper() for role in ("one", "half", "double")}
    values = {
        "ONE": ident["one"], "HALF": ident["half"], "DOUBLE": ident["double"],
        "ONE_NAME": one["name"], "ONE_CAP": _money(cap), "ONE_MIN": _money(one["min"]), "ONE_LOWER": one["name"].lower(),
        "HALF_NAME": half["name"], "HALF_CAP": _money(half["cap"]), "HALF_MIN": _money(half["min"]),
        "DOUBLE_NAME": double["name"], "DOUBLE_CAP": _money(double["cap"]), "DOUBLE_MIN": _money(double["min"]),
        "DOLLARS": f"${dollars // 100:,}.{dollars % 100:02d}", "DOLLARS_PLAIN": _money(dollars), "FLOAT": floating,
        "DOWN": down, "DOWN_CENTS": _money(_half_up(_amount(down))), "UP": up, "UP_CENTS": _money(_half_up(_amount(up))),
        "TIE": tie, "TIE_CENTS": _money(_half_up(_amount(tie))), "UNKNOWN": rng.choice(UNKNOWN),
        "PLAIN": _money(rng.randint(one["min"] + 100, cap)), "TWICE": _money(twice), "TWICE_MATCH": _money(2 * twice),
        "BELOW": _money(one["min"] - 1), "HALVED": _money(halved), "HALVED_MATCH": _money(_uncapped(_money(halved), half)),
        "P1": _money(first), "P2": _money(second), "P2_MATCH": _money(cap - first),
        "P3": _money(max(one["min"], cap // 10)), "PD1": partial_days[0], "PD2": partial_days[1], "PD3": partial_days[2],
        "LATE_ID": str(late_id), "EARLY_ID": str(late_id + 1), "LATE": _money(late), "EARLY": _money(early),
        "LATE_MATCH": _money(cap - early), "LATE_DAY": order_days[1], "EARLY_DAY": order_days[0],
        "CD1": cap_days[0], "CD2": cap_days[1], "NONE": _money(rng.randint(one["min"], cap)), "ND": _day(rng, year, 2, 6),
    }
    text = VISIBLE
    for marker, value in values.items():
        text = text.replace(f"<<{marker}>>", value)
    return text


def _sample_data(rng, roles, year):
    """data/policies.csv and data/gifts.csv: two years of gifts from a dozen donors, re-typed names,
    unknown and blank employers, gifts at, below and far above the minimums."""
    policies = list(roles.values())
    rows = ["employer,ratio,annual_cap,min_gift"]
    rows += [f"{p['name']},{p['ratio_text']},{_money(p['cap'])},{_money(p['min'])}" for p in rng.sample(policies, 5)]
    days = sorted(_day(rng, y) for y in (year, year + 1) for _ in range(rng.randint(15, 20)))
    gifts = ["id,donor,employer,amount,date"]
    for number, day in enumerate(days, 1):
        if rng.random() < 0.2:
            employer, least = rng.choice(["", "", *UNKNOWN[:3]]), 2500
        else:
            policy = rng.choice(policies)
            employer, least = rng.choice([policy["name"], policy["name"], *_spellings(policy["name"])[1:]]), policy["min"]
        amount = rng.choice([least, least - 1, 1000, 1235, 2000, 5000, 7550, 9999, 10000, 15000, 100000])
        gifts.append(f"{number},D{rng.randint(1, 12):03d},{employer},{_money(amount)},{day}")
    return {"data/policies.csv": "\n".join(rows) + "\n", "data/gifts.csv": "\n".join(gifts) + "\n"}


def generate(rng):
    year = rng.randint(2022, 2026)
    roles = _policies(rng)
    planted = _plant(rng)
    bugs = [bug for bug, _ in planted]
    files = _package(planted)
    visible = _visible(rng, roles, year)
    files.update(_sample_data(rng, roles, year))
    files["tests/test_matching.py"] = visible
    classes = sorted({BUGS[b][1] for b in bugs}, key=list(CHECK_NAMES).index)
    checks = [["visible_tests_pass", "visible_tests", None]]
    checks += [[CHECK_NAMES[cls], "hidden_tests", cls] for cls in classes]
    checks.append(["hidden_all_cases", "hidden_tests", None])
    return files, {"bugs": bugs, "checks": checks, "visible_tests": visible, "hidden": _hidden(rng, roles, year)}
