"""python3 -m matching GIFTS.csv POLICIES.csv [YEAR]: print each gift's match, then totals."""

import csv
import sys

from matching.engine import compute_matches, employer_totals, parse_date
from matching.policy import load_policies


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[0], newline="", encoding="utf-8") as f:
        gifts = list(csv.DictReader(f))
    policies = load_policies(argv[1])
    for row in compute_matches(gifts, policies):
        print(f"gift {row['id']}: match {row['match']:.2f}")
    year = int(argv[2]) if len(argv) == 3 else max(parse_date(g["date"]).year for g in gifts)
    for employer, total in sorted(employer_totals(gifts, policies, year).items()):
        print(f"{year} {employer}: {total:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
