"""Instance N of fix-receipts: the receipts package with its own planted bugs, its own tests and data.

The package keeps its three modules, its functions and their signatures. What varies: which bugs are
planted (two or three from BUGS, each breaking behaviour the opening states), how the code around
them is written (each function has several natural correct styles, so the bugs cannot be found by
diffing against the shipped files), the tax year, and the data of the visible and hidden tests.

Every instance keeps the two traps of the shipped task: a year-boundary bug in in_tax_year (31
December or 1 January left out, or a datetime that crashes the date comparison) and a rounding bug
in money.py (float formatting, banker's rounding, a Decimal built from a float's binary expansion).
A third bug, in six instances out of ten, is any other one of the bank; half the time the visible
tests are then chosen so that they do not show it (the opening states the behaviour it breaks, so
reading the code against the opening finds it; a crash on datetimes and the format_usd rounding
bugs are always shown). The visible tests show every other planted bug.

``Model`` is this file's own implementation of the intended behaviour: it computes every expected
answer; switched to one bug, it says which test assertions that bug breaks. The hidden cases (in
params, run by the grader) cover every bug of the bank, and every check group fails on the package
as planted, so an agent that does nothing scores 0. solution.sh writes a correct package of its own.
"""

import json
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
BUGS = {
    "dec31_excluded": "in_tax_year leaves out 31 December",
    "jan1_excluded": "in_tax_year leaves out 1 January",
    "datetime_unparsed": "parse_date returns a datetime as is, so comparing it with a date raises",
    "float_formatting": "format_usd rounds through a float (2.675 shows as $2.67, 0.125 as $0.12)",
    "half_even": "format_usd rounds half to even (0.125 shows as $0.12)",
    "float_repr": "to_decimal builds a float's Decimal from its binary expansion, not its repr",
    "thousands_once": "format_usd puts only one thousands separator ($1000,000.00)",
    "benefit_not_floored": "deductible_amount goes below zero (or takes the absolute value)",
    "totals_mix_years": "donor_totals counts the gifts of earlier years too",
    "per_gift_rounding": "donor_totals rounds each gift to the cent before adding (totals not exact)",
    "benefit_key": "donor_totals reads the benefit under the wrong key, so it is never subtracted",
}
YEAR_BUGS = ["dec31_excluded", "jan1_excluded", "datetime_unparsed"]
ROUNDING_BUGS = ["float_formatting", "half_even", "float_repr"]
EXCLUSIVE = [{"float_formatting", "half_even"}]  # both rewrite format_usd's rounding line
SHOWN_ALWAYS = {"datetime_unparsed", "float_formatting", "half_even"}  # never the unshown third bug
NAMES = ["Ada", "Ben", "Cleo", "Dev", "Esme", "Femi", "Gus", "Hana", "Iris", "Jon", "Kai", "Lea", "Milo", "Nia",
         "Otto", "Pia", "Quinn", "Raj", "Sian", "Theo", "Uma", "Vik", "Wren", "Yas", "Zoe"]
ERROR = "<raises>"


# ---------------------------------------------------------------------------------------- the model

class Model:
    """What the package does: as intended with no bug, or with the bugs named in ``bugs``."""

    def __init__(self, bugs=(), floor="none"):
        self.bugs, self.floor = frozenset(bugs), floor

    def to_decimal(self, value):
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int):
            return Decimal(value)
        if isinstance(value, float):
            return Decimal(value) if "float_repr" in self.bugs else Decimal(repr(value))
        return Decimal(value.strip().replace("$", "").replace(",", "").replace(" ", ""))

    def format_usd(self, value):
        exact = self.to_decimal(value)
        if "float_formatting" in self.bugs:
            digits = f"{abs(float(exact)):.2f}"
        else:
            mode = ROUND_HALF_EVEN if "half_even" in self.bugs else ROUND_HALF_UP
            digits = f"{abs(exact).quantize(CENT, rounding=mode):f}"
        whole, cents = digits.split(".")
        if "thousands_once" in self.bugs:
            grouped = whole if len(whole) <= 3 else whole[:-3] + "," + whole[-3:]
        else:
            grouped = whole[:(len(whole) - 1) % 3 + 1]
            for i in range((len(whole) - 1) % 3 + 1, len(whole), 3):
                grouped += "," + whole[i:i + 3]
        return ("-" if exact < 0 else "") + "$" + grouped + "." + cents

    @staticmethod
    def calendar_date(value):
        if isinstance(value, datetime):
            return value.date()
        return value if isinstance(value, date) else date.fromisoformat(value[:10])

    def in_tax_year(self, value, year):
        if isinstance(value, datetime) and "datetime_unparsed" in self.bugs:
            raise TypeError("can't compare datetime.datetime to datetime.date")
        d = self.calendar_date(value)
        if d.year != year:
            return False
        if (d.month, d.day) == (12, 31) and "dec31_excluded" in self.bugs:
            return False
        return not ((d.month, d.day) == (1, 1) and "jan1_excluded" in self.bugs)

    def deductible_amount(self, amount, benefit):
        value = self.to_decimal(amount) - self.to_decimal(benefit)
        if "benefit_not_floored" in self.bugs:
            return abs(value) if self.floor == "abs" else value
        return value if value > 0 else Decimal(0)

    def donor_totals(self, gifts, year):
        totals = {}
        for gift in gifts:
            if "totals_mix_years" in self.bugs:
                if self.calendar_date(gift["date"]).year > year:
                    continue
            elif not self.in_tax_year(gift["date"], year):
                continue
            amount = self.deductible_amount(gift["amount"], 0 if "benefit_key" in self.bugs else gift.get("benefit", 0))
            if "per_gift_rounding" in self.bugs:
                amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
            totals[gift["donor"]] = totals.get(gift["donor"], Decimal(0)) + amount
        return totals

    def receipt_line(self, donor, total):
        return f"{donor}: {self.format_usd(total)} tax-deductible"

    def receipt_lines(self, gifts, year):
        totals = self.donor_totals(gifts, year)
        return [self.receipt_line(donor, totals[donor]) for donor in sorted(totals)]

    def outcome(self, func, args):
        try:
            return getattr(self, func)(*args)
        except Exception:
            return ERROR


# ---------------------------------------------------------------------------------------- amounts and dates

def _ties(rng, n, *, below=False, even=False, odd=False, ints=(0, 99)):
    """``n`` distinct amounts "i.cc5" (exactly half a cent): ``below`` when the float nearest is under
    the half (float formatting rounds it down), ``even``/``odd`` by the cent digit (half-even rounds
    an even one down)."""
    found = []
    while len(found) < n:
        text = f"{rng.randint(*ints)}.{rng.randint(0, 99):02d}5"
        cent = int(text[-2])
        if text in found or repr(float(text)) != text or (even and cent % 2) or (odd and not cent % 2):
            continue
        if below and not Decimal(float(text)) < Decimal(text):
            continue
        if even and Decimal(float(text)) > Decimal(text):  # float formatting must get it wrong too
            continue
        found.append(text)
    return found


def _plain(rng, low, high):
    """A whole-cents amount as "123.45" text."""
    return f"{rng.randint(low, high)}.{rng.choice([0, 0, 25, 50, 75, rng.randint(1, 99)]):02d}"


def _dollars(text):
    whole, cents = text.split(".")
    return f"${int(whole):,}.{cents}"


def _day(rng, year):
    """A date strictly inside ``year`` (neither 1 January nor 31 December)."""
    return date(year, rng.randint(2, 11), rng.randint(1, 28))


# ---------------------------------------------------------------------------------------- the package's code

def _pick_bugs(rng):
    """Two or three bugs: one year boundary, one rounding, maybe one more; and the one the visible
    tests leave out (None when they show them all)."""
    bugs = [rng.choice(YEAR_BUGS), rng.choice(ROUNDING_BUGS)]
    unshown = None
    if rng.random() < 0.6:
        hide = rng.random() < 0.5
        pool = [b for b in BUGS if b not in bugs and not any({b, c} <= e for c in bugs for e in EXCLUSIVE)
                and not (hide and b in SHOWN_ALWAYS)]
        bugs.append(rng.choice(pool))
        unshown = bugs[-1] if hide else None
    return bugs, unshown


def _pick_style(rng, bugs):
    bounded = any(b in bugs for b in YEAR_BUGS)  # these bugs live in a comparison of dates
    return {
        "numbers": rng.choice(["str", "repr"]),
        "strings": rng.choice(["chain", "loop"]),
        "float_note": rng.random() < 0.5,
        "rounding": rng.choice(["quantize", "localcontext"]),
        "float_rounding": rng.choice(["float", "round"]),
        "even_rounding": rng.choice(["quantize", "round"]),
        "repr_bug": rng.choice(["plain", "comment"]),
        "grouping": rng.choice(["builtin", "loop"]),
        "thousands_bug": rng.choice(["if", "slice"]),
        "parse": rng.choice(["fromisoformat", "strptime"]),
        "year_check": rng.choice(["closed", "half_open"] + ([] if bounded else ["year"])),
        "floor": rng.choice(["conditional", "max", "if_negative"]),
        "floor_bug": rng.choice(["none", "abs"]),
        "totals": rng.choice(["loop", "defaultdict"]),
        "mix": rng.choice(["year", "date"]),
        "benefit_key": rng.choice(["benefit_value", "fair_market_value"]),
        "line": rng.choice(["fstring", "format"]),
        "lines": rng.choice(["comprehension", "loop"]),
    }


def _money_py(bugs, s):
    imports = {"Decimal", "InvalidOperation"}
    if "float_repr" in bugs:
        numbers = "    if isinstance(value, (int, float)):\n        return Decimal(value)" + (
            "  # exact: Decimal takes numbers directly\n" if s["repr_bug"] == "comment" else "\n")
    elif s["numbers"] == "str":
        numbers = "    if isinstance(value, (int, float)):\n        return Decimal(str(value))\n"
    else:
        numbers = ("    if isinstance(value, int):\n        return Decimal(value)\n"
                   "    if isinstance(value, float):\n        return Decimal(repr(value))\n")
    if s["strings"] == "chain":
        strings = ('        cleaned = value.strip().replace("$", "").replace(",", "").replace(" ", "")\n'
                   "        try:\n            return Decimal(cleaned)\n")
    else:
        strings = ('        text = value.strip()\n        for symbol in ("$", ",", " "):\n'
                   '            text = text.replace(symbol, "")\n        try:\n            return Decimal(text)\n')
    note = ('\n\n    Floats go through str() so that 2.675 becomes Decimal("2.675"), not its binary expansion.\n    '
            if s["float_note"] else "")
    if "float_formatting" in bugs:
        rounding = ("    amount = float(to_decimal(value))\n" if s["float_rounding"] == "float"
                    else "    amount = round(float(to_decimal(value)), 2)\n")
    elif "half_even" in bugs:
        rounding = ("    amount = to_decimal(value).quantize(CENT)\n" if s["even_rounding"] == "quantize"
                    else "    amount = round(to_decimal(value), 2)\n")
    elif s["rounding"] == "quantize":
        imports.add("ROUND_HALF_UP")
        rounding = "    amount = to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)\n"
    else:
        imports |= {"ROUND_HALF_UP", "localcontext"}
        rounding = ("    with localcontext() as ctx:\n        ctx.rounding = ROUND_HALF_UP\n"
                    "        amount = to_decimal(value).quantize(CENT)\n")
    if "thousands_once" in bugs and s["thousands_bug"] == "if":
        output = ('    sign = "-" if amount < 0 else ""\n    whole, cents = f"{abs(amount):.2f}".split(".")\n'
                  '    if len(whole) > 3:\n        whole = whole[:-3] + "," + whole[-3:]\n'
                  '    return f"{sign}${whole}.{cents}"\n')
    elif "thousands_once" in bugs:
        output = ('    text = f"{abs(amount):.2f}"\n    if abs(amount) >= 1000:\n'
                  '        text = text[:-6] + "," + text[-6:]\n    return ("-$" if amount < 0 else "$") + text\n')
    elif s["grouping"] == "builtin":
        output = '    if amount < 0:\n        return f"-${-amount:,.2f}"\n    return f"${amount:,.2f}"\n'
    else:
        output = ('    sign = "-" if amount < 0 else ""\n    whole, cents = f"{abs(amount):.2f}".split(".")\n'
                  "    groups = []\n    while len(whole) > 3:\n        groups.insert(0, whole[-3:])\n"
                  "        whole = whole[:-3]\n"
                  '    return sign + "$" + ",".join([whole] + groups) + "." + cents\n')
    order = ["ROUND_HALF_UP", "Decimal", "InvalidOperation", "localcontext"]
    return (
        '"""Money helpers. Amounts are handled as Decimal; cents are rounded half-up (0.125 -> 0.13)."""\n\n'
        f"from decimal import {', '.join(n for n in order if n in imports)}\n\n"
        'CENT = Decimal("0.01")\n\n\n'
        "def to_decimal(value) -> Decimal:\n"
        f'    """Turn an int, float, Decimal or string such as "$1,250.50" into a Decimal.{note}"""\n'
        "    if isinstance(value, Decimal):\n        return value\n"
        '    if isinstance(value, bool):\n        raise TypeError("a boolean is not an amount")\n'
        f"{numbers}"
        "    if isinstance(value, str):\n"
        f"{strings}"
        "        except InvalidOperation:\n"
        '            raise ValueError(f"not an amount: {value!r}") from None\n'
        '    raise TypeError(f"not an amount: {value!r}")\n\n\n'
        "def format_usd(value) -> str:\n"
        '    """Format an amount as US dollars with thousands separators, rounded half-up to the cent.\n\n'
        "    >>> format_usd(\"1234.5\")\n    '$1,234.50'\n    \"\"\"\n"
        f"{rounding}{output}"
    )


def _deductible_py(bugs, s):
    first, second = ("date", "datetime") if "datetime_unparsed" in bugs else ("datetime", "date")
    convert = {"datetime": "        return value.date()\n", "date": "        return value\n"}
    parse = ("    return date.fromisoformat(str(value).strip()[:10])\n" if s["parse"] == "fromisoformat"
             else '    return datetime.strptime(str(value).strip()[:10], "%Y-%m-%d").date()\n')
    low = "<" if "jan1_excluded" in bugs else "<="
    if s["year_check"] == "year":
        check = "    return parse_date(gift_date).year == year\n"
    elif s["year_check"] == "closed":
        high = "<" if "dec31_excluded" in bugs else "<="
        check = ("    d = parse_date(gift_date)\n    start = date(year, 1, 1)\n    end = date(year, 12, 31)\n"
                 f"    return start {low} d {high} end\n")
    else:
        end = "date(year, 12, 31)" if "dec31_excluded" in bugs else "date(year + 1, 1, 1)"
        check = f"    d = parse_date(gift_date)\n    return date(year, 1, 1) {low} d < {end}\n"
    subtract = "to_decimal(amount) - to_decimal(benefit_value)"
    if "benefit_not_floored" in bugs:
        floor = f"    return abs({subtract})\n" if s["floor_bug"] == "abs" else f"    return {subtract}\n"
    elif s["floor"] == "conditional":
        floor = f'    value = {subtract}\n    return value if value > 0 else Decimal("0")\n'
    elif s["floor"] == "max":
        floor = f'    return max({subtract}, Decimal("0"))\n'
    else:
        floor = f'    value = {subtract}\n    if value < 0:\n        return Decimal("0")\n    return value\n'
    return (
        '"""Which gifts count for a tax year, and how much of each is tax-deductible."""\n\n'
        "from datetime import date, datetime\nfrom decimal import Decimal\n\n"
        "from receipts.money import to_decimal\n\n\n"
        "def parse_date(value) -> date:\n"
        '    """Accept a date, a datetime or an ISO string ("2025-12-31")."""\n'
        f"    if isinstance(value, {first}):\n{convert[first]}"
        f"    if isinstance(value, {second}):\n{convert[second]}"
        f"{parse}\n\n"
        "def in_tax_year(gift_date, year: int) -> bool:\n"
        '    """True when the gift falls in calendar year ``year`` (1 January to 31 December inclusive)."""\n'
        f"{check}\n\n"
        "def deductible_amount(amount, benefit_value=0) -> Decimal:\n"
        '    """The gift less the fair market value of anything the donor received; never below zero."""\n'
        f"{floor}"
    )


def _report_py(bugs, s):
    key = s["benefit_key"] if "benefit_key" in bugs else "benefit"
    amount = f'deductible_amount(gift["amount"], gift.get("{key}", 0))'
    if "per_gift_rounding" in bugs:
        amount += ".quantize(CENT, rounding=ROUND_HALF_UP)"
    mixed = "totals_mix_years" in bugs
    if mixed and s["mix"] == "year":
        keep = 'parse_date(gift["date"]).year <= year'
        skip = 'parse_date(gift["date"]).year > year'
    elif mixed:
        keep = 'parse_date(gift["date"]) <= date(year, 12, 31)'
        skip = 'parse_date(gift["date"]) > date(year, 12, 31)'
    else:
        keep, skip = 'in_tax_year(gift["date"], year)', 'not in_tax_year(gift["date"], year)'
    if s["totals"] == "loop":
        body = ("    totals = {}\n    for gift in gifts:\n"
                f"        if {skip}:\n            continue\n"
                '        donor = gift["donor"]\n'
                f"        amount = {amount}\n"
                '        totals[donor] = totals.get(donor, Decimal("0")) + amount\n    return totals\n')
    else:
        body = ("    totals = defaultdict(Decimal)\n    for gift in gifts:\n"
                f"        if {keep}:\n"
                f"            amount = {amount}\n"
                '            totals[gift["donor"]] += amount\n    return dict(totals)\n')
    line = ('    return f"{donor}: {format_usd(total)} tax-deductible"\n' if s["line"] == "fstring"
            else '    return "{}: {} tax-deductible".format(donor, format_usd(total))\n')
    if s["lines"] == "comprehension":
        lines = ("    totals = donor_totals(gifts, year)\n"
                 "    return [receipt_line(donor, totals[donor]) for donor in sorted(totals)]\n")
    else:
        lines = ("    lines = []\n    for donor, total in sorted(donor_totals(gifts, year).items()):\n"
                 "        lines.append(receipt_line(donor, total))\n    return lines\n")
    head = ["from collections import defaultdict"] if s["totals"] == "defaultdict" else []
    if mixed and s["mix"] == "date":
        head.append("from datetime import date")
    head.append("from decimal import ROUND_HALF_UP, Decimal" if "per_gift_rounding" in bugs else "from decimal import Decimal")
    used = ["deductible_amount", "parse_date" if mixed else "in_tax_year"]
    money = "CENT, format_usd" if "per_gift_rounding" in bugs else "format_usd"
    return (
        '"""Per-donor totals and the lines printed on year-end receipts."""\n\n'
        + "\n".join(head) + "\n\n"
        f"from receipts.deductible import {', '.join(sorted(used))}\n"
        f"from receipts.money import {money}\n\n\n"
        "def donor_totals(gifts, year: int) -> dict:\n"
        '    """Sum the deductible amount of each donor\'s gifts in ``year``.\n\n'
        '    ``gifts`` is an iterable of dicts with keys "donor", "amount", "date" and optionally\n'
        '    "benefit" (fair market value received). Returns {donor: Decimal total}; donors with no gift\n'
        '    in the year are left out.\n    """\n'
        f"{body}\n\n"
        "def receipt_line(donor: str, total) -> str:\n"
        f"{line}\n\n"
        "def receipt_lines(gifts, year: int) -> list:\n"
        '    """One receipt line per donor with gifts in ``year``, sorted by donor name."""\n'
        f"{lines}"
    )


def package(bugs, style):
    """The files of the receipts package with ``bugs`` planted, written in ``style``."""
    return {"receipts/money.py": _money_py(bugs, style), "receipts/deductible.py": _deductible_py(bugs, style),
            "receipts/report.py": _report_py(bugs, style)}


# ---------------------------------------------------------------------------------------- values in tests and params

def _source(v):
    """``v`` as a Python literal in the visible tests."""
    if isinstance(v, bool) or isinstance(v, int):
        return repr(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, Decimal):
        return f'Decimal("{v}")'
    if isinstance(v, datetime):
        return f"datetime({v.year}, {v.month}, {v.day}, {v.hour}, {v.minute})"
    if isinstance(v, date):
        return f"date({v.year}, {v.month}, {v.day})"
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_source(k)}: {_source(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def _tagged(v):
    """``v`` as [kind, text] in params: the grader rebuilds the very type (a float, a date, …)."""
    for kind, t in (("datetime", datetime), ("date", date), ("decimal", Decimal), ("float", float), ("str", str)):
        if isinstance(v, t):
            return [kind, v.isoformat() if kind in ("date", "datetime") else (repr(v) if kind == "float" else str(v))]
    if isinstance(v, int) and not isinstance(v, bool):
        return ["int", str(v)]
    raise TypeError(type(v))


def _tagged_gifts(gifts):
    return [{k: (v if k == "donor" else _tagged(v)) for k, v in g.items()} for g in gifts]


def _cents(d):
    """A total as the tests write it: at least two decimals ("140.00")."""
    return d.quantize(CENT) if d.as_tuple().exponent > -2 else d


# ---------------------------------------------------------------------------------------- the visible tests


def _visible_gifts(rng, year, names):
    """Candidates for TestReport.GIFTS, each there to show one kind of bug."""
    a, b, c = names
    amount = rng.randint(150, 400)
    return [
        {"donor": a, "amount": _plain(rng, 50, 300), "date": _day(rng, year).isoformat()},
        {"donor": a, "amount": _plain(rng, 10, 90), "date": f"{year}-12-31"},
        {"donor": b, "amount": f"{amount}.00", "date": _day(rng, year).isoformat(),
         "benefit": f"{rng.randint(20, amount // 2)}.00"},
        {"donor": b, "amount": _plain(rng, 10, 60), "date": f"{year + 1}-01-01"},
        {"donor": c, "amount": _plain(rng, 20, 120), "date": f"{year}-01-01"},
        {"donor": rng.choice([a, c]), "amount": _plain(rng, 100, 900),
         "date": rng.choice([f"{year - 1}-12-31", _day(rng, year - 1).isoformat()])},
        {"donor": c, "amount": "60.00", "date": _day(rng, year).isoformat(), "benefit": _ties(rng, 1, ints=(5, 40))[0]},
        {"donor": a, "amount": f"{rng.randint(20, 60)}.00", "date": _day(rng, year).isoformat(),
         "benefit": f"{rng.randint(70, 120)}.00"},
    ]


def _visible_tests(rng, year, names, bugs, unshown, floor):
    """The visible test module: the shipped one's tests on this instance's data, less every assertion
    the unshown bug would break; each other planted bug breaks at least one that is left."""
    correct = Model()
    hider = Model([unshown], floor) if unshown else None

    def kept(func, args):
        return hider is None or hider.outcome(func, args) == correct.outcome(func, args)

    given = rng.randint(60, 400)
    mid = _day(rng, year)
    first = rng.choice([f"{year}-01-01", date(year, 1, 1)])
    last = rng.choice([f"{year}-12-31", date(year, 12, 31)])
    cases = {  # (test class, method) -> [(function, args)]
        ("TestMoney", "test_to_decimal_strips_symbols"): [
            ("to_decimal", (_dollars(_plain(rng, 1000, 9999)),)), ("to_decimal", (float(_ties(rng, 1, below=True)[0]),))],
        ("TestMoney", "test_format_thousands"): [
            ("format_usd", (rng.choice([float(f"{rng.randint(1000, 9999)}.{rng.choice([5, 25, 75])}"),
                                        _plain(rng, 1000, 9999)]),)),
            ("format_usd", (rng.choice([str(rng.randint(1, 9) * 1_000_000), f"{rng.randint(1_000_000, 9_999_999)}.50",
                                        Decimal(_plain(rng, 1_000_000, 99_999_999))]),))],
        ("TestMoney", "test_format_rounds_half_up"): [
            ("format_usd", (float(_ties(rng, 1, below=True)[0]),)), ("format_usd", (Decimal(_ties(rng, 1, even=True)[0]),))],
        ("TestDeductible", "test_benefit_is_subtracted"): [("deductible_amount", (given, rng.randint(5, given // 2)))],
        ("TestDeductible", "test_never_negative"): [("deductible_amount", (given // 3, given))],
        ("TestDeductible", "test_mid_year"): [
            ("in_tax_year", (mid, year)), ("in_tax_year", (_day(rng, year - 1).isoformat(), year))],
        ("TestDeductible", "test_first_day_of_year_counts"): [("in_tax_year", (first, year))],
        ("TestDeductible", "test_last_day_of_year_counts"): [("in_tax_year", (last, year))],
        ("TestDeductible", "test_accepts_datetime"): [
            ("in_tax_year", (datetime(year, mid.month, mid.day, rng.randint(8, 20), rng.choice([0, 15, 30, 45])), year))],
        ("TestReport", "test_totals"): [],  # on GIFTS, below
        ("TestReport", "test_line"): [("receipt_line", (names[0], Decimal(str(rng.randint(20, 999)))))],
        ("TestReport", "test_lines_sorted"): [],
    }
    cases = {k: [(f, a) for f, a in v if kept(f, a)] for k, v in cases.items()}
    gifts = []
    for gift in _visible_gifts(rng, year, names):
        if kept("donor_totals", (gifts + [gift], year)) and kept("receipt_lines", (gifts + [gift], year)):
            gifts.append(gift)
    gifts.sort(key=lambda g: (g["donor"], g["date"]))
    cases[("TestReport", "test_totals")] = [("donor_totals", (gifts, year))]
    cases[("TestReport", "test_lines_sorted")] = [("receipt_lines", (gifts, year))]
    for bug in bugs:
        if bug != unshown:
            shows = Model([bug], floor)
            if not any(shows.outcome(f, a) != correct.outcome(f, a) for v in cases.values() for f, a in v):
                raise AssertionError(f"the visible tests do not show {bug}")
    return _render_visible(cases, gifts, year, correct)


def _render_visible(cases, gifts, year, correct):
    out = ["import unittest", "from datetime import date, datetime", "from decimal import Decimal", "",
           "from receipts import (", "    deductible_amount,", "    donor_totals,", "    format_usd,",
           "    in_tax_year,", "    receipt_line,", "    receipt_lines,", "    to_decimal,", ")", ""]
    current = None
    for (cls, method), calls in cases.items():
        if not calls:
            continue
        if cls != current:
            out += ["", f"class {cls}(unittest.TestCase):"]
            current = cls
            if cls == "TestReport":
                out.append("    GIFTS = [")
                out += [f"        {_source(g)}," for g in gifts]
                out += ["    ]", ""]
        out.append(f"    def {method}(self):")
        for func, args in calls:
            expected = correct.outcome(func, args)
            shown = ", ".join("self.GIFTS" if a is gifts else _source(a) for a in args)
            call = f"{func}({shown})"
            if isinstance(expected, bool):
                out.append(f"        self.assert{expected}({call})")
            elif isinstance(expected, (list, dict)):
                out += ["        self.assertEqual(", f"            {call},", "            " + "[{"[isinstance(expected, dict)]]
                out += [f"                {_source(line)}," for line in expected] if isinstance(expected, list) else [
                    f"                {_source(k)}: {_source(_cents(v))}," for k, v in sorted(expected.items())]
                out += ["            " + "]}"[isinstance(expected, dict)] + ",", "        )"]
            else:
                out.append(f"        self.assertEqual({call}, {_source(expected)})")
        out.append("")
    out += ["", 'if __name__ == "__main__":', "    unittest.main()", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------- the hidden cases

def _hidden_gifts(rng, year, names):
    """Gifts for the hidden totals and receipt lines: each bug of the bank changes their result."""
    amount = rng.randint(200, 800)
    pair = _ties(rng, 2, ints=(1, 60))
    return [
        # the last day of the year with a benefit, and of the year before (not this year)
        {"donor": names[0], "amount": f"{amount}.00", "date": f"{year}-12-31", "benefit": f"{rng.randint(20, amount // 2)}.00"},
        {"donor": names[0], "amount": _plain(rng, 500, 999), "date": f"{year - 1}-12-31"},
        # 1 January, as a date
        {"donor": names[1], "amount": rng.randint(20, 150), "date": date(year, 1, 1)},
        # more than a million, in dollars with separators, dated by a datetime
        {"donor": names[2], "amount": _dollars(_plain(rng, 1_000_000, 4_000_000)),
         "date": datetime(year, rng.randint(2, 11), rng.randint(1, 28), rng.randint(8, 20), 30)},
        # a float just under half a cent in binary, alone
        {"donor": names[3], "amount": float(_ties(rng, 1, below=True, ints=(1, 400))[0]), "date": _day(rng, year).isoformat()},
        # an exact half cent with an even cent digit (half-even rounds it down)
        {"donor": names[4], "amount": _ties(rng, 1, even=True, ints=(1, 400))[0], "date": _day(rng, year)},
        # two half cents: exact, the total is whole cents; rounded gift by gift, a cent more
        {"donor": names[5], "amount": pair[0], "date": _day(rng, year).isoformat()},
        {"donor": names[5], "amount": pair[1], "date": datetime(year, 12, 31, 23, 59)},
        # a benefit worth more than the gift counts 0, beside gifts with a smaller benefit
        {"donor": names[6], "amount": rng.randint(20, 80), "date": _day(rng, year).isoformat(), "benefit": rng.randint(90, 150)},
        {"donor": names[6], "amount": f"{amount // 2}.00", "date": _day(rng, year).isoformat(), "benefit": f"{amount // 8}.00"},
        # only next year's gift: no line this year
        {"donor": names[7], "amount": _plain(rng, 10, 200), "date": f"{year + 1}-01-01"},
    ]


def _hidden_cases(rng, year, names):
    """Hidden cases by check group: [(function, args)], with an expected outcome each."""
    other = year - rng.randint(1, 3)
    tax_year = [(f"{year}-12-31", year), (date(year, 12, 31), year), (datetime(year, 12, 31, 23, 59), year),
                (f"{year}-01-01", year), (date(year, 1, 1), year), (datetime(year, 1, 1, 0, 5), year),
                (f"{other}-12-31", other), (f"{other}-01-01", other), (date(other, 12, 31), year),
                (f"{year - 1}-12-31", year), (date(year + 1, 1, 1), year), (f"{year + 1}-01-01", year),
                (datetime(year, 1, 1, 9, 0), year - 1), (_day(rng, year).isoformat(), year),
                (datetime(year, rng.randint(2, 11), rng.randint(1, 28), 12, 0), year), (_day(rng, other), year)]
    if year % 4 == 0:
        tax_year.append((date(year, 2, 29), year))
    rng.shuffle(tax_year)
    below = _ties(rng, 3, below=True, ints=(0, 999))
    even = _ties(rng, 3, even=True, ints=(0, 999))
    rounding = (
        [("format_usd", (float(t),)) for t in below[:2]]
        + [("format_usd", (Decimal(even[0]),)), ("format_usd", (even[1],)), ("format_usd", ("0.005",))]
        + [("format_usd", (Decimal(_ties(rng, 1, odd=True)[0]),)),
           ("format_usd", (f"{rng.randint(1_000_000, 9_999_999)}.{rng.randint(0, 99):02d}5",)),
           ("format_usd", (Decimal(rng.randint(1, 9) * 10 ** rng.randint(9, 11)),)),
           ("format_usd", (rng.randint(1_000_000, 99_999_999),)),
           ("format_usd", (f"${rng.randint(1000, 9999):,}.{rng.randint(0, 99):02d}49",)),
           ("format_usd", (0,)), ("format_usd", (float(f"{rng.randint(1000, 9999)}.5"),)),
           ("format_usd", (_plain(rng, 1, 999),))]
        + [("to_decimal", (float(below[2]),)), ("to_decimal", (float(_plain(rng, 1, 99)),)),
           ("to_decimal", (_dollars(_plain(rng, 1000, 99999)),)), ("to_decimal", (rng.randint(1, 999),))]
    )
    rng.shuffle(rounding)
    amount = rng.randint(40, 400)
    deductible = [(amount, rng.randint(1, amount - 1)), (str(amount), str(amount + rng.randint(1, 50))),
                  (Decimal(amount), Decimal(amount)), (f"{amount}.00", 0), (float(_plain(rng, 1, 9)), float(_plain(rng, 0, 0))),
                  (Decimal(_plain(rng, 10, 99)), Decimal(_plain(rng, 100, 200)))]
    totals_gifts = _hidden_gifts(rng, year, names[:8])
    lines_gifts = _hidden_gifts(rng, year, names[8:16])
    for gifts in (totals_gifts, lines_gifts):
        rng.shuffle(gifts)
    return {
        "tax_year": [("in_tax_year", args) for args in tax_year],
        "rounding": rounding,
        "totals": [("deductible_amount", args) for args in deductible]
                  + [("donor_totals", (totals_gifts, year)), ("donor_totals", (totals_gifts, year - 1))],
        "lines": [("receipt_lines", (lines_gifts, year)),
                  ("receipt_line", (names[16], Decimal(_ties(rng, 1, even=True)[0]))),
                  ("receipt_line", (names[17], Decimal(_plain(rng, 1_000_000, 9_999_999))))],
    }


def _hidden_params(groups):
    """The hidden cases as params: tagged inputs and the expected outcome of each."""
    correct = Model()
    out = {}
    for group, calls in groups.items():
        rows = []
        for func, args in calls:
            expected = correct.outcome(func, args)
            if func in ("donor_totals", "receipt_lines"):
                row = {"gifts": _tagged_gifts(args[0]), "year": args[1]}
            else:
                row = {"args": [a if isinstance(a, int) and func == "in_tax_year" else _tagged(a) for a in args]}
            if isinstance(expected, dict):
                expected = {k: str(v) for k, v in sorted(expected.items())}
            elif isinstance(expected, Decimal):
                expected = str(expected)
            rows.append(dict(row, func=func, expected=expected))
        out[group] = rows
    return out


def _check_coverage(groups, bugs, floor):
    """Every bug of the bank fails some hidden group; the planted year bug fails the tax-year,
    totals and lines groups, the planted rounding bug the rounding and lines groups (so, with the
    visible tests failing, the package as planted fails every check)."""
    correct = Model()

    def fails(model, group):
        return any(model.outcome(f, a) != correct.outcome(f, a) for f, a in groups[group])

    for bug in BUGS:
        for variant in ("none", "abs"):
            if not any(fails(Model([bug], variant), g) for g in groups):
                raise AssertionError(f"no hidden case fails {bug}")
    need = {"tax_year", "totals", "lines"} if bugs[0] in YEAR_BUGS else set()
    for group in need | {"rounding", "lines"}:
        if not any(fails(Model([bug], floor), group) for bug in bugs[:2]):
            raise AssertionError(f"the planted bugs leave hidden group {group} passing")


def generate(rng):
    year = rng.randint(2019, 2028)
    bugs, unshown = _pick_bugs(rng)
    style = _pick_style(rng, bugs)
    names = rng.sample(NAMES, 21)
    visible = _visible_tests(rng, year, names[:3], bugs, unshown, style["floor_bug"])
    groups = _hidden_cases(rng, year, names[3:])
    _check_coverage(groups, bugs, style["floor_bug"])
    files = dict(package(bugs, style), **{"tests/test_receipts.py": visible})
    params = {"year": year, "planted": bugs, "unshown": unshown, "visible_tests": visible,
              "hidden": _hidden_params(groups)}
    return files, params
