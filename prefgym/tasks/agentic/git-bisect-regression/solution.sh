#!/usr/bin/env bash
# Reference solution for git-bisect-regression: clone, bisect (skipping commits that do not run),
# record the first bad commit, then rewrite the year test that commit added (whatever its form:
# it gets a date, a datetime or the date's text) as "the gift's calendar year is the year", in a
# new commit on main that also adds a test for 31 December with and without a time of day.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
cd /work
git clone -q receipts.bundle repo
cd repo
cat > /tmp/bisect-check.sh <<'SH'
#!/usr/bin/env bash
# 0 = good, 1 = bad, 125 = skip (this commit does not run at all)
out=$(python3 receipts.py data/gifts.csv 2024 2>/dev/null) || exit 125
grep -qxF 'Dana Whitfield: $1,300.00' <<<"$out"
SH
chmod +x /tmp/bisect-check.sh
git bisect start main v1.0
git bisect run /tmp/bisect-check.sh
bad=$(git rev-parse refs/bisect/bad)
echo "$bad" > /work/bad_commit.txt
git bisect reset
git show --stat --format='%H %s' "$bad"
# The functions of (something, year) that the bad commit added: the faulty year test.
git show "$bad" -- receipts.py | sed -n 's/^+def \([A-Za-z_][A-Za-z0-9_]*\)([a-z_]*, year):$/\1/p' > /tmp/year-helpers.txt
cat /tmp/year-helpers.txt
python3 - /tmp/year-helpers.txt <<'PY'
import ast
import sys
from pathlib import Path

names = Path(sys.argv[1]).read_text().split()
assert names, "the bad commit added no function of (something, year)"
p = Path("receipts.py")
lines = p.read_text().splitlines(keepends=True)
funcs = [n for n in ast.parse("".join(lines)).body if isinstance(n, ast.FunctionDef) and n.name in names]
assert funcs, f"{names} are no longer in receipts.py"
for node in sorted(funcs, key=lambda n: -n.lineno):  # bottom up, so line numbers above stay right
    arg = node.args.args[0].arg
    lines[node.lineno - 1:node.end_lineno] = [
        f"def {node.name}({arg}, year):\n",
        f'    """True when {arg} (a date, a datetime or ISO date text) is in calendar year year,\n',
        '    31 December and times of day included."""\n',
        f"    day = parse_date({arg}) if isinstance({arg}, str) else {arg}\n",
        "    return day.year == year\n",
    ]
p.write_text("".join(lines))
t = Path("tests/test_receipts.py")
src = t.read_text()
tail = '\n\nif __name__ == "__main__":\n'
assert tail in src, "unexpected layout of tests/test_receipts.py"
t.write_text(src.replace(tail, '''
    def test_year_end_counts(self):
        gifts = [{"donor": "Ada", "email": "ada@example.com", "amount": "10.00", "date": "2024-12-31"},
                 {"donor": "Ada", "email": "ada@example.com", "amount": "5.00", "date": "2024-12-31T23:59:00"},
                 {"donor": "Ada", "email": "ada@example.com", "amount": "1.00", "date": "2025-01-01"}]
        self.assertEqual(receipts.totals_for_year(gifts, 2024), {"Ada": Decimal("15.00")})
''' + tail, 1))
PY
python3 -m unittest
python3 receipts.py data/gifts.csv 2024 | tee /tmp/receipts-2024.txt
grep -qxF 'Dana Whitfield: $1,300.00' /tmp/receipts-2024.txt
git commit -q -am "Count gifts dated 31 December, with or without a time, in their tax year"
git status --short
git log --oneline -3
