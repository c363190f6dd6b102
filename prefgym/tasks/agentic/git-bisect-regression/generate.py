"""Instance N of git-bisect-regression: its own git history in receipts.bundle, with the traps of the shipped one.

The repository is the same small receipts tool, but its history is written here commit by commit
(git objects, an undeltified v2 pack and a v2 bundle, all with the standard library), so each
instance has its own hashes. What varies:

- the number of commits since v1.0 (16 to 26) and their order, authors, dates and messages, with a
  pool of filler commits (docs, licence, CI, Makefile, tests of older features, ...);
- where the regression lands, and the form of the bug in the year-filter helper it adds (its name
  varies too): ``< date(year, 12, 31)``; "days since 1 January < 365" (2024 is a leap year); an
  exclusive last day computed with timedelta; datetimes compared with ``datetime(year, 12, 31)``
  (midnight); ISO texts compared as strings with ``"YYYY-12-31"``. The last two drop only gifts
  dated 31 December *with a time of day*, so in those instances Dana's gift has one and v1.0
  already accepted times; otherwise the time-of-day support may come before or after v1.0;
- where the two-commit broken-import window (the half-finished money module) lands: before or
  after the regression, never on it or on the commit that fixes the import, so bisect (skipping
  what does not run) names exactly one commit;
- where the later features the fix must keep (--csv, the grand total, the implausible-year check)
  land: all after v1.0, at least one after the regression, so restoring an old receipts.py loses one;
- the other donors in data/gifts.csv. Dana Whitfield keeps the opening's facts in every instance:
  $550.00 in 2024 outside December, $750.00 dated 31 December 2024, so the tool now prints $550.00
  and v1.0 printed $1,300.00; others give on 31 December (with and without a time), 30 December,
  1 January, and just outside the year (31 December 2023, 1 January 2025).

params: the bad commit's and the tip's hashes, and the 2024 receipt lines of the sample data
(summed here from the generated gifts by calendar year, not by running the tool).
"""

import hashlib
import struct
import zlib
from decimal import Decimal

TZ = "+0100"
AUTHORS = ["Priya Raman", "Tom Okafor", "Lena Vogel", "Marcus Bell", "Aiko Sato", "Jonas Berg", "Fatima Noor",
           "Diego Alvarez", "Chloe Martin", "Sam Ortiz"]
DONORS = ["Grace Liu", "Omar Haddad", "Ines Moreau", "Samuel Boateng", "Hana Kobayashi", "Rafael Costa",
          "Mei Chen", "Arjun Patel", "Nora Lindqvist", "Kofi Mensah", "Elena Petrova", "Lucas Martin",
          "Amira Saleh", "Jonah Fischer", "Beatriz Souza", "Tariq Aziz"]
DOMAINS = ["example.com", "example.org", "example.net"]
AMOUNTS = ["20.00", "25.00", "40.00", "45.50", "60.00", "75.00", "100.00", "120.00", "125.50", "150.00",
           "200.00", "250.00", "310.25", "500.00", "640.00", "999.99", "1200.00", "2500.00"]
HELPERS = ["in_tax_year", "in_year", "is_in_tax_year", "within_tax_year", "falls_in_year"]
DANA_SPLITS = [["550.00"], ["250.00", "300.00"], ["200.00", "350.00"], ["100.00", "450.00"], ["150.00", "400.00"],
               ["125.00", "425.00"], ["50.00", "200.00", "300.00"], ["100.00", "200.00", "250.00"]]

# ------------------------------------------------------------------------------------------- git objects


class Repo:
    """Git objects by hash, in the order first written; each ``commit`` snapshots a whole tree."""

    def __init__(self):
        self.objects = {}

    def put(self, kind, body):
        sha = hashlib.sha1(f"{kind} {len(body)}\0".encode() + body).hexdigest()
        self.objects.setdefault(sha, (kind, body))
        return sha

    def tree(self, files):
        """The tree of ``files`` (path → bytes); git orders entries by name, a folder's name as 'name/'."""
        entries, folders = [], {}
        for path, content in files.items():
            head, _, rest = path.partition("/")
            if rest:
                folders.setdefault(head, {})[rest] = content
            else:
                entries.append((head.encode(), b"100644", self.put("blob", content)))
        for name, sub in folders.items():
            entries.append((name.encode() + b"/", b"40000", self.tree(sub)))
        body = b"".join(mode + b" " + name.rstrip(b"/") + b"\0" + bytes.fromhex(sha)
                        for name, mode, sha in sorted(entries))
        return self.put("tree", body)

    def commit(self, files, parent, who, when, message):
        name, email = who
        lines = [f"tree {self.tree(files)}"] + ([f"parent {parent}"] if parent else [])
        lines += [f"author {name} <{email}> {when} {TZ}", f"committer {name} <{email}> {when} {TZ}", "", message]
        return self.put("commit", ("\n".join(lines) + "\n").encode())

    def bundle(self, refs):
        """A v2 bundle of every object: header, the refs (no prerequisites), then one pack."""
        codes = {"commit": 1, "tree": 2, "blob": 3}
        pack = bytearray(b"PACK" + struct.pack(">II", 2, len(self.objects)))
        for kind, body in self.objects.values():
            size, byte = len(body) >> 4, (codes[kind] << 4) | (len(body) & 0x0F)
            while size:
                pack.append(byte | 0x80)
                byte, size = size & 0x7F, size >> 7
            pack.append(byte)
            pack += zlib.compress(body, 9)
        pack += hashlib.sha1(pack).digest()
        header = "# v2 git bundle\n" + "".join(f"{sha} {ref}\n" for ref, sha in refs) + "\n"
        return header.encode() + bytes(pack)


# ------------------------------------------------------------------------------------------- the tool's files
# Each file is rendered from the project's state (which features have landed), so a commit is a
# change of state, and the shipped history is one path through it.


def _docstring(s):
    usage = "usage: python3 receipts.py GIFTS.csv YEAR" + (" [--csv]" if s["csv"] else "")
    dates = "(date as YYYY-MM-DD, optionally\nfollowed by a time). Prints one line per\n" if s["time"] \
        else "(date as YYYY-MM-DD). Prints one line per\n"
    what = "donor with the total of their gifts in calendar year YEAR"
    if s["csv"]:
        what += ", sorted by name; with --csv, prints\ndonor,total rows instead"
        what += " (no grand total)" if s["csv_help"] else ""
    return f'"""Print year-end donation receipts from a gifts CSV.\n\n{usage}\n\nGIFTS.csv has the columns ' \
           f'donor,email,amount,date {dates}{what}.\n"""\n'


def _helper(s):
    """The year test the faulty commit adds (with the bug of its form), and how totals_for_year calls it."""
    form, name = s["bug"]["form"], s["bug"]["name"]
    doc = '    """True when {} falls in the tax year: 1 January to 31 December of year."""\n'
    if form == "exclusive_end":
        code = (f"def {name}(day, year):\n" + doc.format("day") +
                "    return date(year, 1, 1) <= day < date(year, 12, 31)\n")
        return code, f'{name}(parse_date(gift["date"]), year)'
    if form == "days_365":
        code = (f"def {name}(day, year):\n"
                '    """True when day is one of the days of the tax year, counted from 1 January."""\n'
                "    return 0 <= (day - date(year, 1, 1)).days < 365\n")
        return code, f'{name}(parse_date(gift["date"]), year)'
    if form == "last_day_exclusive":
        code = (f"def {name}(day, year):\n" + doc.format("day") +
                "    first, last = date(year, 1, 1), date(year + 1, 1, 1) - timedelta(days=1)\n"
                "    return first <= day < last\n")
        return code, f'{name}(parse_date(gift["date"]), year)'
    if form == "datetime_midnight":
        code = ("def gift_time(text):\n"
                '    """When a gift was made: its date, at midnight unless the export gives a time of day."""\n'
                "    return datetime.fromisoformat(text.strip())\n\n\n"
                f"def {name}(moment, year):\n" + doc.format("moment") +
                "    return datetime(year, 1, 1) <= moment <= datetime(year, 12, 31)\n")
        return code, f'{name}(gift_time(gift["date"]), year)'
    assert form == "string_compare", form
    code = (f"def {name}(text, year):\n"
            '    """True when an ISO date falls in the tax year (ISO dates sort as text, so compare the text)."""\n'
            '    return f"{year}-01-01" <= text.strip() <= f"{year}-12-31"\n')
    return code, f'{name}(gift["date"], year)'


def _receipts_py(s):
    out = ["#!/usr/bin/env python3\n", _docstring(s), "\nimport csv\nimport sys\n"]
    form = (s["bug"] or {}).get("form")
    extra = {"datetime_midnight": ", datetime", "last_day_exclusive": ", timedelta"}.get(form, "")
    out.append(f"from datetime import date{extra}\nfrom decimal import Decimal\n")
    if s["money"]:
        names = ["format_usd"] + (["parse_amount"] if s["money"] >= 3 else []) + (["round_cents"] if s["csv"] else [])
        out.append(f"\nfrom money import {', '.join(names)}\n")
    if s["version"]:
        out.append(f'\n__version__ = "{s["version"]}"\n')
    load_doc = '    """The gifts in the CSV at path, as dicts keyed by column name."""\n' if s["docstrings"] else ""
    date_doc = '    """The day of a gift from its ISO date text."""\n' if s["docstrings"] else ""
    out.append(f'\n\ndef load_gifts(path):\n{load_doc}    with open(path, newline="", encoding="utf-8") as f:\n'
               "        return list(csv.DictReader(f))\n")
    cut = "[:10]" if s["time"] else ""
    out.append(f"\n\ndef parse_date(text):\n{date_doc}    return date.fromisoformat(text.strip(){cut})\n")
    keep = 'parse_date(gift["date"]).year != year'
    if s["bug"]:
        code, call = _helper(s)
        out.append("\n\n" + code)
        keep = "not " + call
    out.append("\n\ndef totals_for_year(gifts, year):\n    totals = {}\n    for gift in gifts:\n")
    if s["blank"]:
        out.append('        if not (gift.get("amount") or "").strip():\n'
                   "            print(f\"warning: skipping a gift with no amount from {gift.get('donor')}\", "
                   "file=sys.stderr)\n            continue\n")
    donor = '" ".join(gift["donor"].split())' if s["trim"] else 'gift["donor"]'
    amount = ('parse_amount(gift["amount"])' if s["money"] >= 3 else
              'Decimal(gift["amount"].strip().replace(",", ""))' if s["thousands"] else
              'Decimal(gift["amount"].strip())')
    out.append(f"        if {keep}:\n            continue\n        donor = {donor}\n"
               f'        totals[donor] = totals.get(donor, Decimal("0")) + {amount}\n    return totals\n')
    argv = "args" if s["csv"] else "argv"
    out.append("\n\ndef main(argv):\n")
    if s["csv"]:
        out.append('    as_csv = "--csv" in argv\n    args = [a for a in argv if a != "--csv"]\n')
    out.append(f"    if len({argv}) != 2:\n        print(__doc__.strip(), file=sys.stderr)\n        return 2\n"
               f"    path, year = {argv}[0], int({argv}[1])\n")
    if s["year_check"]:
        out.append('    if year < 2000:\n'
                   '        print(f"error: {year} does not look like a tax year", file=sys.stderr)\n        return 2\n')
    if s["sorted"]:
        value = "format_usd(totals[donor])" if s["money"] else "${totals[donor]:,.2f}"
        out.append("    totals = totals_for_year(load_gifts(path), year)\n")
        if s["csv"]:
            out.append('    if as_csv:\n        writer = csv.writer(sys.stdout, lineterminator="\\n")\n'
                       '        writer.writerow(["donor", "total"])\n        for donor in sorted(totals):\n'
                       '            writer.writerow([donor, f"{round_cents(totals[donor]):.2f}"])\n        return 0\n')
        out.append(f'    for donor in sorted(totals):\n        print(f"{{donor}}: {{{value}}}")\n'
                   if s["money"] else f'    for donor in sorted(totals):\n        print(f"{{donor}}: {value}")\n')
        if s["total"]:
            out.append("    print(f\"Total: {format_usd(sum(totals.values(), Decimal('0')))}\")\n")
    else:
        value = "{format_usd(total)}" if s["money"] else "${total:,.2f}"
        out.append(f"    for donor, total in totals_for_year(load_gifts(path), year).items():\n"
                   f'        print(f"{{donor}}: {value}")\n')
    out.append('    return 0\n\n\nif __name__ == "__main__":\n    sys.exit(main(sys.argv[1:]))\n')
    return "".join(out)


MONEY_STUB = '''"""Money helpers for receipts."""

from decimal import Decimal

CENT = Decimal("0.01")


def format_dollars(value):
    return f"${Decimal(value):,.2f}"
'''

MONEY = '''"""Money helpers for receipts: exact decimals, rounded half-up to the cent."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def parse_amount(text):
    """"1,250.00" or "$1,250.00" -> Decimal("1250.00")."""
    return Decimal(str(text).strip().replace("$", "").replace(",", ""))


def round_cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_usd(value):
    """Dollars with thousands separators, rounded half-up: 2.675 -> $2.68."""
    return f"${round_cents(value):,.2f}"
'''

TEST_HEAD = '''import unittest
from datetime import date
from decimal import Decimal

import receipts

GIFTS = [
    {"donor": "Ada", "email": "ada@example.com", "amount": "100.00", "date": "2024-03-01"},
    {"donor": "Ada", "email": "ada@example.com", "amount": "40.00", "date": "2024-07-14"},
    {"donor": "Ben", "email": "ben@example.com", "amount": "250.00", "date": "2024-05-05"},
    {"donor": "Ben", "email": "ben@example.com", "amount": "10.00", "date": "2023-06-01"},
]


class TestReceipts(unittest.TestCase):
'''

TESTS = {  # test methods that commits append to tests/test_receipts.py
    "thousands": '''    def test_thousands_separators(self):
        gifts = [{"donor": "Cy", "email": "cy@example.com", "amount": "1,250.00", "date": "2024-02-02"}]
        self.assertEqual(receipts.totals_for_year(gifts, 2024), {"Cy": Decimal("1250.00")})
''',
    "money": '''    def test_format_rounds_half_up(self):
        from money import format_usd
        self.assertEqual(format_usd("2.675"), "$2.68")
        self.assertEqual(format_usd("1234.5"), "$1,234.50")
''',
    "trim": '''    def test_trims_donor_names(self):
        gifts = [{"donor": "  Ada   Lovelace ", "email": "ada@example.com", "amount": "5.00", "date": "2024-02-02"}]
        self.assertEqual(receipts.totals_for_year(gifts, 2024), {"Ada Lovelace": Decimal("5.00")})
''',
    "blank": '''    def test_skips_blank_amounts(self):
        gifts = [{"donor": "Ada", "email": "ada@example.com", "amount": " ", "date": "2024-02-02"},
                 {"donor": "Ada", "email": "ada@example.com", "amount": "5.00", "date": "2024-02-03"}]
        self.assertEqual(receipts.totals_for_year(gifts, 2024), {"Ada": Decimal("5.00")})
''',
    "year_check": '''    def test_refuses_implausible_year(self):
        self.assertEqual(receipts.main(["gifts.csv", "1999"]), 2)
''',
}


def _helper_test(bug):
    """The faulty commit's own test of its helper: it passes, because it never tries 31 December."""
    name, form = bug["name"], bug["form"]
    if form == "datetime_midnight":
        args = ['receipts.gift_time("2024-01-01")', 'receipts.gift_time("2024-06-30T12:00:00")',
                'receipts.gift_time("2023-12-31T23:59:00")', 'receipts.gift_time("2025-01-01")']
    elif form == "string_compare":
        args = ['"2024-01-01"', '"2024-06-30"', '"2023-12-31"', '"2025-01-01"']
    else:
        args = ["date(2024, 1, 1)", "date(2024, 6, 30)", "date(2023, 12, 31)", "date(2025, 1, 1)"]
    checks = ["assertTrue", "assertTrue", "assertFalse", "assertFalse"]
    return f"    def test_{name}(self):\n" + "".join(
        f"        self.{c}(receipts.{name}({a}, 2024))\n" for c, a in zip(checks, args))


def _tests_py(s):
    parse = '        self.assertEqual(receipts.parse_date("2024-03-01"), date(2024, 3, 1))\n'
    if s["time"]:
        parse += '        self.assertEqual(receipts.parse_date("2024-03-01T18:30:00"), date(2024, 3, 1))\n'
    methods = ["    def test_parse_date(self):\n" + parse,
               '''    def test_totals_for_year(self):
        self.assertEqual(receipts.totals_for_year(GIFTS, 2024),
                         {"Ada": Decimal("140.00"), "Ben": Decimal("250.00")})
''',
               '''    def test_other_year(self):
        self.assertEqual(receipts.totals_for_year(GIFTS, 2023), {"Ben": Decimal("10.00")})
''']
    methods += [_helper_test(s["bug"]) if key == "bug" else TESTS[key] for key in s["extra_tests"]]
    return TEST_HEAD + "\n".join(methods) + '\n\nif __name__ == "__main__":\n    unittest.main()\n'


def _readme(s):
    title = "# receipts" + (f" (version {s['version']})" if s["version"] else "")
    parts = [title, "A tiny tool that prints year-end donation receipts (one total per donor) from a CSV of gifts."]
    if "usage" in s["readme"]:
        text = ("## Usage\n\n    python3 receipts.py data/gifts.csv 2024\n\nprints one line per donor with the "
                "total of their gifts dated in 2024 (1 January to\n31 December)")
        text += (", sorted by name" if s["sorted"] else "") + (", and then the grand total" if s["total"] else "") + "."
        parts.append(text + (" Add `--csv` for donor,total rows." if s["csv"] and s["total"] else ""))
    if "data" in s["readme"]:
        parts.append("## Data\n\n`data/gifts.csv` has one row per gift: donor, email, amount and date "
                     "(YYYY-MM-DD" + (", optionally with a time of day" if s["time"] else "") +
                     ").\nThe email column is not used for receipts.")
    if s["tests"]:
        parts.append("Run the tests with `python3 -m unittest` from the repository root.")
    if "python" in s["readme"]:
        parts.append("It needs Python 3.9 or later and nothing outside the standard library.")
    return "\n\n".join(parts) + "\n"


STATIC = {
    ".gitignore": "__pycache__/\n*.pyc\n",
    "tests/test_cli.py": '''import io
import os
import tempfile
import unittest
from contextlib import redirect_stdout

import receipts

CSV = """donor,email,amount,date
Zoe Park,zoe@example.com,20.00,2024-04-04
Al Brandt,al@example.com,"1,000.10",2024-05-05
Zoe Park,zoe@example.com,5.005,2024-06-06
"""


class TestCli(unittest.TestCase):
    def run_main(self, *args):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "gifts.csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write(CSV)
            out = io.StringIO()
            with redirect_stdout(out):
                code = receipts.main([path, *args])
        return code, out.getvalue()

    def test_text_output(self):
        code, out = self.run_main("2024")
        self.assertEqual(code, 0)
        self.assertEqual(out.splitlines(), ["Al Brandt: $1,000.10", "Zoe Park: $25.01", "Total: $1,025.11"])

    def test_csv_output(self):
        code, out = self.run_main("2024", "--csv")
        self.assertEqual(code, 0)
        self.assertEqual(out.splitlines(), ["donor,total", "Al Brandt,1000.10", "Zoe Park,25.01"])


if __name__ == "__main__":
    unittest.main()
''',
    "CHANGELOG.md": "# Changelog\n\n## 1.0\n\n- One receipt line per donor for a calendar year, from a gifts CSV.\n",
    "LICENSE": "MIT License\n\nCopyright (c) 2025 The receipts volunteers\n\nPermission is hereby granted, free of "
               "charge, to any person obtaining a copy of this software, to deal in the\nsoftware without "
               "restriction, subject to the condition that this notice is included in all copies.\n\nTHE SOFTWARE "
               "IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND.\n",
    "CONTRIBUTING.md": "# Contributing\n\nKeep changes small, add a test for each fix, and run `python3 -m unittest` "
                       "before pushing.\nReceipts go to donors: never commit real donor data.\n",
    ".editorconfig": "root = true\n\n[*]\nend_of_line = lf\ninsert_final_newline = true\n\n[*.py]\n"
                     "indent_style = space\nindent_size = 4\n",
    "Makefile": ".PHONY: test\n\ntest:\n\tpython3 -m unittest\n",
    ".github/workflows/tests.yml": "name: tests\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                                   "    steps:\n      - uses: actions/checkout@v4\n      - run: python3 -m unittest\n",
}


def _snapshot(s, data):
    files = {"README.md": _readme(s), "receipts.py": _receipts_py(s)}
    if s["data"]:
        files["data/gifts.csv"] = data
    if s["tests"]:
        files["tests/__init__.py"] = ""
        files["tests/test_receipts.py"] = _tests_py(s)
    if s["money"] >= 2:
        files["money.py"] = MONEY_STUB if s["money"] == 2 else MONEY
    files.update({name: STATIC[name] for name in s["static"]})
    return {path: text.encode() for path, text in files.items()}


# ------------------------------------------------------------------------------------------- commits
# Each step: what it changes in the state, and messages to choose from.


def _set(**changes):
    def apply(s):
        s.update(changes)
    return apply


def _test(key, **changes):
    def apply(s):
        s.update(changes)
        s["extra_tests"].append(key)
    return apply


def _add(name):
    return lambda s: s["static"].append(name)


def _readme_part(name):
    return lambda s: s["readme"].append(name)


STEPS = {
    "init": (_set(), ["Initial receipts tool"]),
    "data": (_set(data=True), ["Add sample gifts data", "Add a sample gifts file"]),
    "unit_tests": (_set(tests=True), ["Add unit tests", "Add a first set of unit tests"]),
    "time": (_set(time=True), ["Accept dates with a time of day", "Ignore the time of day in gift dates",
                               "Allow timestamps like 2024-03-01T18:30:00 in the date column"]),
    "release_1_0": (_set(version="1.0"), ["Release 1.0"]),
    "thousands": (_test("thousands", thousands=True), ["Accept amounts with thousands separators",
                                                       "Allow commas in amounts such as 1,250.00"]),
    "sorted": (_set(sorted=True), ["Sort receipt lines by donor name", "Print donors in alphabetical order"]),
    "trim": (_set(trim=True), ["Trim stray whitespace in donor names", "Normalise spaces in donor names"]),
    "blank": (_set(blank=True), ["Skip gifts with a blank amount instead of crashing",
                                 "Warn about and skip gifts with no amount"]),
    "year_check": (_set(year_check=True), ["Refuse implausible years with a clear error",
                                           "Reject years before 2000 instead of printing nothing"]),
    "money1": (_set(money=1), ["WIP: move money formatting into its own module",
                               "WIP: start moving money handling out of receipts.py"]),
    "money2": (_set(money=2), ["Add money module", "Add money.py"]),
    "money3": (_test("money", money=3), ["Finish the money module: parse amounts and round half-up to the cent",
                                         "Complete money.py: parse_amount, round_cents, format_usd"]),
    "csv": (_set(csv=True), ["Add a --csv output option", "Add --csv to print donor,total rows"]),
    "total": (_set(total=True), ["Print a grand total after the receipt lines", "Add a grand total line"]),
    "readme_usage": (_readme_part("usage"), ["Document usage in the README", "Explain how to run it in the README"]),
    "readme_data": (_readme_part("data"), ["Describe the gifts CSV columns in the README",
                                           "Document the data file format"]),
    "readme_python": (_readme_part("python"), ["Note the Python version in the README",
                                               "Mention the Python requirement in the README"]),
    "gitignore": (_add(".gitignore"), ["Add a .gitignore for Python caches", "Ignore __pycache__ folders"]),
    "test_cli": (_add("tests/test_cli.py"), ["Add tests for the command line", "Test the text and --csv output"]),
    "csv_help": (_set(csv_help=True), ["Clarify the --csv help text", "Say in the usage text that --csv has no total"]),
    "changelog": (_add("CHANGELOG.md"), ["Add a CHANGELOG", "Start a changelog"]),
    "license": (_add("LICENSE"), ["Add an MIT licence", "License the tool under MIT"]),
    "contributing": (_add("CONTRIBUTING.md"), ["Add contributing notes", "Write down how we work on this"]),
    "editorconfig": (_add(".editorconfig"), ["Add an .editorconfig", "Add editor settings for 4-space Python"]),
    "makefile": (_add("Makefile"), ["Add a Makefile with a test target", "Add make test"]),
    "ci": (_add(".github/workflows/tests.yml"), ["Run the tests on every push", "Add a CI workflow for the tests"]),
    "docstrings": (_set(docstrings=True), ["Add docstrings to load_gifts and parse_date", "Document two helpers"]),
    "test_trim": (_test("trim"), ["Add a test for donor name trimming", "Test that donor names are tidied"]),
    "test_blank": (_test("blank"), ["Add a test for gifts without an amount", "Test skipping blank amounts"]),
    "test_year_check": (_test("year_check"), ["Add a test for the year check", "Test that 1999 is refused"]),
}
BAD_MESSAGES = ["Refactor year filtering into {0} {1}() helper", "Move the tax-year check into {1}()",
                "Extract {1}() from totals_for_year", "Tidy the year filter: {1}()"]  # {0}: "a" or "an"
BAD_MESSAGES_BY_FORM = {"datetime_midnight": ["Compare gift times with the tax year bounds in {1}()"],
                        "string_compare": ["Filter gifts by comparing ISO dates in {1}()"]}
# step → steps that must come before it, after v1.0 ("window": the three money commits, kept together)
AFTER = {"window": ["thousands"], "csv": ["window", "sorted"], "total": ["window", "sorted"],
         "test_cli": ["csv", "total"], "csv_help": ["csv", "total"], "test_trim": ["trim"], "test_blank": ["blank"],
         "test_year_check": ["year_check"]}
CORE = ["thousands", "sorted", "trim", "blank", "year_check", "window", "bad", "csv", "total"]
FILLERS = ["readme_usage", "readme_data", "readme_python", "gitignore", "test_cli", "csv_help", "changelog", "license",
           "contributing", "editorconfig", "makefile", "ci", "docstrings", "test_trim", "test_blank", "test_year_check"]


def _order(rng, steps, window_first):
    """A random order of ``steps`` (the window as one unit) obeying AFTER, with the window on the
    chosen side of the bad commit, the bad commit neither among the first two nor the last two,
    and at least one of --csv, the grand total and the year check after it."""
    while True:
        left, order = list(steps), []
        while left:
            ready = [k for k in left if all(d in order for d in AFTER.get(k, []))]
            pick = rng.choice(ready)
            order.append(pick)
            left.remove(pick)
        bad, window = order.index("bad"), order.index("window")
        flat = [k for k in order for _ in range(3 if k == "window" else 1)]
        at = flat.index("bad")
        if (window < bad) == window_first and 2 <= at < len(flat) - 2 and \
                any(order.index(k) > bad for k in ("csv", "total", "year_check")):
            return [k if k != "window" else f"money{i}" for k in order for i in ((1, 2, 3) if k == "window" else (0,))]


def _when(rng, count):
    """Commit times (seconds since the epoch) from early 2025 on, hours to a day and a half apart."""
    t = 1736150400 + rng.randint(0, 35) * 86400 + rng.randint(7 * 60, 11 * 60) * 60  # 2025-01-06 on, 07:00-11:00 UTC
    times = []
    for _ in range(count):
        times.append(t)
        t += rng.randint(3 * 60, 36 * 60) * 60
    return times


def history(plan, data):
    """(bundle bytes, commit hashes in order) of ``plan``: its "steps", a list of (step, message,
    (name, email), time) from "init" on, the index "v1" of the commit tagged v1.0, the "bug" the
    step "bad" brings in and the "version" the step "release" sets."""
    repo, parent, hashes = Repo(), None, []
    s = {"time": False, "thousands": False, "sorted": False, "trim": False, "blank": False, "year_check": False,
         "money": 0, "bug": None, "csv": False, "total": False, "csv_help": False, "version": None,
         "docstrings": False, "data": False, "tests": False, "extra_tests": [], "static": [], "readme": []}
    for step, message, who, when in plan["steps"]:
        if step == "bad":
            s["bug"] = plan["bug"]
            s["extra_tests"].append("bug")
        elif step == "release":
            s["version"] = plan["version"]
        else:
            STEPS[step][0](s)
        parent = repo.commit(_snapshot(s, data), parent, who, when, message)
        hashes.append(parent)
    refs = [("refs/heads/main", parent), ("refs/tags/v1.0", hashes[plan["v1"]]), ("HEAD", parent)]
    return repo.bundle(refs), hashes


# ------------------------------------------------------------------------------------------- the gifts


def _gifts(rng, dana_timed, times):
    """Rows (donor, email, amount, date) of data/gifts.csv: Dana's facts fixed, the other donors drawn."""
    def day(months=(1, 11)):
        return f"2024-{rng.randint(*months):02d}-{rng.randint(1, 28):02d}"

    def timed(d):
        return d + rng.choice([f"T{rng.randint(8, 22):02d}:{rng.randint(0, 59):02d}:00",
                               f" {rng.randint(8, 22):02d}:{rng.randint(0, 59):02d}"])

    def maybe_timed(d):
        return timed(d) if times and rng.random() < 0.5 else d

    dana = ("Dana Whitfield", "dana.whitfield@example.com")
    split = rng.choice(DANA_SPLITS)
    rows = [(*dana, amount, d) for amount, d in zip(split, sorted(day() for _ in split))]
    rows.append((*dana, "750.00", timed("2024-12-31") if dana_timed else "2024-12-31"))
    others = []
    for name in rng.sample(DONORS, rng.randint(4, 6)):
        email = f"{name.split()[0].lower()}.{name.split()[1].lower()}@{rng.choice(DOMAINS)}"
        others.append((name, email))
        for _ in range(rng.randint(1, 2)):
            rows.append((name, email, rng.choice(AMOUNTS), day((1, 12))))
    a, b, c, d, e, f = (rng.choice(others) for _ in range(6))
    rows.append((*a, rng.choice(AMOUNTS), "2024-12-31"))  # the year's last day, as a plain date
    rows.append((*b, rng.choice(AMOUNTS), timed("2024-12-31") if times else "2024-12-31"))  # timed if times used
    rows.append((*c, rng.choice(AMOUNTS), "2024-12-30"))
    rows.append((*d, rng.choice(AMOUNTS), maybe_timed("2024-01-01")))
    outside = [(*e, rng.choice(AMOUNTS), maybe_timed("2025-01-01")),
               (*f, rng.choice(AMOUNTS), maybe_timed("2023-12-31"))]
    if rng.random() < 0.4:
        outside.append((*dana, rng.choice(["40.00", "100.00", "300.00"]), rng.choice(["2023-12-31", "2025-01-01"])))
    rows.sort(key=lambda r: r[3])
    if rng.random() < 0.5:  # out-of-year gifts listed last, as in the shipped file
        return rows + outside
    return sorted(rows + outside, key=lambda r: r[3])


def _csv(rows):
    return "donor,email,amount,date\n" + "".join(",".join(r) + "\n" for r in rows)


def _receipt_lines(rows, year):
    """The receipt lines a correct tool prints for ``year``: gifts summed by the year in their date."""
    totals = {}
    for donor, _email, amount, date in rows:
        if date[:4] == str(year):
            totals[donor] = totals.get(donor, Decimal("0")) + Decimal(amount)
    lines = [f"{donor}: ${totals[donor]:,.2f}" for donor in sorted(totals)]
    return lines + [f"Total: ${sum(totals.values(), Decimal('0')):,.2f}"]


# ------------------------------------------------------------------------------------------- an instance


def generate(rng):
    form = rng.choice(["exclusive_end", "days_365", "last_day_exclusive", "datetime_midnight", "string_compare"])
    bug = {"form": form, "name": rng.choice(HELPERS)}
    needs_time = form in ("datetime_midnight", "string_compare")  # these drop only gifts with a time
    time_first = needs_time or rng.random() < 0.35  # time of day accepted already at v1.0
    rows = _gifts(rng, dana_timed=needs_time or (time_first and rng.random() < 0.5), times=time_first)

    pre = ["init"] + (["time", "data", "unit_tests"] if time_first else ["data", "unit_tests"])
    if rng.random() < 0.4:
        pre.append("release_1_0")
    count = rng.randint(16, 26)  # commits since v1.0, the release at the tip included
    core = CORE + ([] if time_first else ["time"])
    fillers = rng.sample(FILLERS, count - 1 - (len(core) + 2))
    post = _order(rng, core + fillers, window_first=rng.random() < 0.5) + ["release"]

    people = [(n, f"{n.split()[0].lower()}@volunteers.example.org") for n in rng.sample(AUTHORS, rng.randint(3, 4))]
    version = f"1.{rng.randint(2, 6)}"
    steps = []
    for step, when in zip(pre + post, _when(rng, len(pre) + len(post))):
        if step == "bad":
            article = "an" if bug["name"][0] in "aeiou" else "a"
            message = rng.choice(BAD_MESSAGES + BAD_MESSAGES_BY_FORM.get(form, [])).format(article, bug["name"])
        elif step == "release":
            message = f"Release {version}"
        else:
            message = rng.choice(STEPS[step][1])
        steps.append((step, message, rng.choice(people), when))
    plan = {"steps": steps, "v1": len(pre) - 1, "bug": bug, "version": version}
    bundle, hashes = history(plan, _csv(rows))
    params = {"bad": hashes[len(pre) + post.index("bad")], "tip": hashes[-1],
              "sample_2024": _receipt_lines(rows, 2024)}
    return {"receipts.bundle": bundle}, params
