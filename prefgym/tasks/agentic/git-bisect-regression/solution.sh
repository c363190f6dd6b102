#!/usr/bin/env bash
# Reference solution for git-bisect-regression: clone, bisect (skipping commits that do not run),
# record the first bad commit, then fix the year boundary in a new commit on main.
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
git rev-parse refs/bisect/bad > /work/bad_commit.txt
git bisect reset
cat /work/bad_commit.txt
git show --stat --format='%H %s' "$(cat /work/bad_commit.txt)"
python3 - <<'PY'
from pathlib import Path
p = Path("receipts.py")
src = p.read_text()
old = "return date(year, 1, 1) <= day < date(year, 12, 31)"
assert old in src, "the buggy comparison is not where expected"
p.write_text(src.replace(old, "return date(year, 1, 1) <= day <= date(year, 12, 31)"))
t = Path("tests/test_receipts.py")
src = t.read_text()
old = "        self.assertFalse(receipts.in_tax_year(date(2025, 1, 1), 2024))\n"
t.write_text(src.replace(old, old + "        self.assertTrue(receipts.in_tax_year(date(2024, 12, 31), 2024))\n"))
PY
python3 -m unittest
python3 receipts.py data/gifts.csv 2024
git commit -q -am "Count gifts dated 31 December in their tax year"
git status --short
git log --oneline -3
