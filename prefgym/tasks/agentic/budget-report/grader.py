"""Grader for budget-report. Runs in /work after the episode; its checks are reported by prefgym's launcher.

Expected totals are hard-coded from the pristine expenses.csv, rates.csv and categories.json, so
edits the agent made to the inputs change nothing here. An instance of the family (generate.py)
brings its own through grader_kit.params().
"""

import json
import os
import re
from decimal import Decimal

BY_CATEGORY = {
    "salaries": "58444.02",
    "programs": "37788.69",
    "fundraising": "19892.37",
    "it": "9651.92",
    "office": "7262.97",
    "travel": "7207.45",
    "insurance": "1200.00",
    "licences": "1200.00",
    "other": "384.63",
    "uncategorised": "24.11",
}
BY_MONTH = {
    "2025-01": "19949.26",
    "2025-02": "25196.67",
    "2025-03": "24776.59",
    "2025-04": "23476.71",
    "2025-05": "29505.64",
    "2025-06": "20151.27",
}
TOTAL = "143056.15"
MD_HEADER = ["Category", "Total (USD)", "Share"]
MD_ROWS = [  # in the required order: total descending, ties by name A to Z
    ["salaries", "58,444.02", "40.9%"],
    ["programs", "37,788.69", "26.4%"],
    ["fundraising", "19,892.37", "13.9%"],
    ["it", "9,651.92", "6.7%"],
    ["office", "7,262.97", "5.1%"],
    ["travel", "7,207.45", "5.0%"],
    ["insurance", "1,200.00", "0.8%"],
    ["licences", "1,200.00", "0.8%"],
    ["other", "384.63", "0.3%"],
    ["uncategorised", "24.11", "0.0%"],
]
MD_TOTAL = ["Total", "143,056.15", "100.0%"]
CENT = Decimal("0.005")

from grader_kit import check, params  # copied beside this file by prefgym

INSTANCE = params()  # an instance of the family (generate.py): its own expenses and totals
if INSTANCE:
    BY_CATEGORY, BY_MONTH, TOTAL = INSTANCE["by_category"], INSTANCE["by_month"], INSTANCE["total"]
    MD_ROWS, MD_TOTAL = INSTANCE["md_rows"], INSTANCE["md_total"]


def report_json():
    with open(os.path.join(os.getcwd(), "report.json"), encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict):
        raise ValueError("report.json is not an object")
    return data


def number(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"not a JSON number: {v!r}")
    return Decimal(str(v))


def same_map(got, expected):
    if not isinstance(got, dict):
        raise ValueError(f"not an object: {type(got).__name__}")
    problems = []
    for k in sorted(set(got) | set(expected)):
        if k not in got:
            problems.append(f"{k}: missing")
        elif k not in expected:
            problems.append(f"{k}: unexpected")
        else:
            try:
                v = number(got[k])
                if abs(v - Decimal(expected[k])) >= CENT:
                    problems.append(f"{k}: {v} (expected {expected[k]})")
            except ValueError as exc:
                problems.append(f"{k}: {exc}")
    return not problems, "; ".join(problems)[:500] or f"{len(expected)} values match"


@check("json_total")
def _():
    v = number(report_json()["total"])
    return abs(v - Decimal(TOTAL)) < CENT, f"total={v} expected={TOTAL}"


@check("json_by_category", weight=2.0)
def _():
    return same_map(report_json()["by_category"], BY_CATEGORY)


@check("json_by_month", weight=2.0)
def _():
    return same_map(report_json()["by_month"], BY_MONTH)


SEPARATOR_CELL = re.compile(r"^:?-+:?$")


def md_table():
    """(header cells, data rows) of the first Markdown table in report.md."""
    with open(os.path.join(os.getcwd(), "report.md"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    block, started = [], False
    for ln in lines:
        s = ln.strip()
        if s.startswith("|"):
            started = True
            block.append(s)
        elif started:
            break
    if len(block) < 2:
        raise ValueError("no Markdown table in report.md")

    def cells(s):
        s = s[1:].removesuffix("|")
        return [c.strip() for c in s.split("|")]

    header, sep = cells(block[0]), cells(block[1])
    if not all(SEPARATOR_CELL.match(c) for c in sep):
        raise ValueError(f"second table row is not a separator: {block[1]!r}")
    return header, [cells(b) for b in block[2:]]


def unbold(cell):
    return cell.strip().strip("*_").strip()


@check("md_table_layout", weight=0.5)
def _():
    header, rows = md_table()
    ok = header == MD_HEADER and len(rows) == len(MD_ROWS) + 1 and all(len(r) == 3 for r in rows)
    return ok, f"header={header} rows={len(rows)} (expected {len(MD_ROWS) + 1}, the last being Total)"


@check("md_category_order")
def _():
    _header, rows = md_table()
    got = [unbold(r[0]) for r in rows[:-1]] if rows else []
    return got == [r[0] for r in MD_ROWS], f"order={got}"


@check("md_totals_and_shares")
def _():
    _header, rows = md_table()
    got = {unbold(r[0]): [unbold(c) for c in r[1:]] for r in rows[:-1] if r}
    bad = [f"{name}: {got.get(name)} (expected {[amount, share]})" for name, amount, share in MD_ROWS
           if got.get(name) != [amount, share]]
    return not bad, "; ".join(bad)[:500] or "all rows match"


@check("md_total_row", weight=0.5)
def _():
    _header, rows = md_table()
    last = [unbold(c) for c in rows[-1]] if rows else []
    return last == MD_TOTAL, f"last row={last}"
