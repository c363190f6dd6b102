"""Grader for git-bisect-regression. Runs in /work after the episode; its checks are reported by prefgym's launcher.

The commit hashes below are those of the repository shipped as files/receipts.bundle (built at
task-writing time with fixed names and dates); an instance of the family (generate.py) brings its
own history, hence its own hashes and the 2024 receipt of its sample data, through
grader_kit.params(). The year-end, feature and unit-test probes serve every instance: every
history ends with the same features, only their order, the data and the form of the bug vary.
The fixed code is taken from the commit at HEAD (git archive), never from the working tree, and
the repository's own tests are run from the pristine copies embedded here (less the test of the
year helper, which the faulty commit itself added, so that reverting that commit is an
acceptable fix), so editing or deleting tests in the repository changes nothing. git reads a
private copy of the agent's .git with prefgym's own config, and the agent's code (receipts.py at
HEAD) runs only as the agent's user (grader_kit).
"""

import io
import os
import shutil
import tarfile

REPO = os.path.join(os.getcwd(), "repo")
BAD = "4b74b77939788ee7e418890772252af3ecedd57a"
TIP = "f1c9b5af470a2c21b8d933db8cea2e41828dec22"

TEST_RECEIPTS = r'''import unittest
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
    def test_parse_date(self):
        self.assertEqual(receipts.parse_date("2024-03-01"), date(2024, 3, 1))
        self.assertEqual(receipts.parse_date("2024-03-01T18:30:00"), date(2024, 3, 1))

    def test_totals_for_year(self):
        self.assertEqual(receipts.totals_for_year(GIFTS, 2024),
                         {"Ada": Decimal("140.00"), "Ben": Decimal("250.00")})

    def test_other_year(self):
        self.assertEqual(receipts.totals_for_year(GIFTS, 2023), {"Ben": Decimal("10.00")})

    def test_thousands_separators(self):
        gifts = [{"donor": "Cy", "email": "cy@example.com", "amount": "1,250.00", "date": "2024-02-02"}]
        self.assertEqual(receipts.totals_for_year(gifts, 2024), {"Cy": Decimal("1250.00")})

    def test_format_rounds_half_up(self):
        from money import format_usd
        self.assertEqual(format_usd("2.675"), "$2.68")
        self.assertEqual(format_usd("1234.5"), "$1,234.50")


if __name__ == "__main__":
    unittest.main()
'''

YEAR_END_CSV = """donor,email,amount,date
Ava Stone,ava@example.com,100.00,2024-12-31
Ava Stone,ava@example.com,50.00,2024-01-01
Ava Stone,ava@example.com,999.00,2025-01-01
Ava Stone,ava@example.com,888.00,2023-12-31
Ben Ode,ben@example.com,"1,000.00",2024-12-31T23:59:00
Cal Reyes,cal@example.com,20.00,2024-12-31 08:00
Dee Lam,dee@example.com,30.00,2024-06-15
Eli Novak,eli@example.com,12.50,2028-12-31
Eli Novak,eli@example.com,7.50,2028-02-29
"""

YEAR_END_EXPECTED = {
    "2024": ["Ava Stone: $150.00", "Ben Ode: $1,000.00", "Cal Reyes: $20.00", "Dee Lam: $30.00",
             "Total: $1,200.00"],
    "2025": ["Ava Stone: $999.00", "Total: $999.00"],
    "2023": ["Ava Stone: $888.00", "Total: $888.00"],
    "2028": ["Eli Novak: $20.00", "Total: $20.00"],
}

SAMPLE_EXPECTED_2024 = ["Dana Whitfield: $1,300.00", "Grace Liu: $1,350.00", "Ines Moreau: $80.00",
                        "Omar Haddad: $150.00", "Samuel Boateng: $625.50", "Total: $3,505.50"]

FEATURES_CSV = """donor,email,amount,date
Zoe Park,zoe@example.com,20.00,2024-04-04
  Al  Brandt ,al@example.com,"$1,000.10",2024-11-30T10:00:00
Zoe Park,zoe@example.com,5.005,2024-06-06
Mia Chen,mia@example.com,,2024-07-07
"""

# copied beside this file by prefgym
from grader_kit import check, git_reader, params, run_agent, shared_dir, unittest_result

INSTANCE = params()  # an instance of the family (generate.py): its own history and sample data
if INSTANCE:
    BAD, TIP, SAMPLE_EXPECTED_2024 = INSTANCE["bad"], INSTANCE["tip"], INSTANCE["sample_2024"]


_git = []


def git(*args, check_rc=True):
    """git on the agent's repository, through a private copy of its .git (grader_kit.git_reader)."""
    if not _git:
        _git.append(git_reader(REPO))
    return _git[0](*args, check_rc=check_rc)


_state = {}


def head_state():
    """(on_main, head, has_new_commit) computed once; raises if the repository is unusable.

    has_new_commit: HEAD descends from the original tip (history kept) and changes some file.
    """
    if "error" in _state:
        raise _state["error"]
    if "value" not in _state:
        try:
            if not os.path.isdir(REPO):
                raise FileNotFoundError("/work/repo does not exist")
            ref = git("symbolic-ref", "-q", "HEAD", check_rc=False).stdout.decode().strip()
            head = git("rev-parse", "--verify", "HEAD^{commit}").stdout.decode().strip()
            has_tip = git("cat-file", "-e", TIP + "^{commit}", check_rc=False).returncode == 0
            descends = has_tip and git("merge-base", "--is-ancestor", TIP, head, check_rc=False).returncode == 0
            changed = descends and git("diff", "--quiet", TIP, head, "--", check_rc=False).returncode == 1
            _state["value"] = (ref == "refs/heads/main", head, descends and head != TIP and changed)
        except Exception as exc:
            _state["error"] = exc
            raise
    return _state["value"]


_tree = {}


def head_tree():
    """A temporary folder holding the files of the commit at HEAD."""
    if "error" in _tree:
        raise _tree["error"]
    if "path" not in _tree:
        try:
            _on_main, head, _new = head_state()
            data = git("archive", "--format=tar", head).stdout
            tmp = shared_dir("prefgym-bisect-")
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                for member in tar.getmembers():  # regular files and folders only, inside tmp
                    parts = member.name.split("/")
                    if member.name.startswith("/") or ".." in parts:
                        continue
                    target = os.path.join(tmp, *parts)
                    if member.isdir():
                        os.makedirs(target, exist_ok=True)
                    elif member.isfile():
                        os.makedirs(os.path.dirname(target), exist_ok=True)
                        with open(target, "wb") as out:
                            out.write(tar.extractfile(member).read())
            _tree["path"] = tmp
        except Exception as exc:
            _tree["error"] = exc
            raise
    return _tree["path"]


_timed_out = []


def run_cli(tree, csv_text, *args):
    """Run receipts.py from the HEAD tree as the agent's user; after one run hangs, later runs fail at
    once (grader time limit)."""
    if _timed_out:
        raise TimeoutError("an earlier run of receipts.py timed out")
    tmp = shared_dir("prefgym-bisect-data-")
    try:
        path = os.path.join(tmp, "gifts.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(csv_text)
        try:
            code, out, err = run_agent(["python3", "receipts.py", path, *args], cwd=tree, timeout=10)
        except TimeoutError:
            _timed_out.append(args)
            raise
        return code, [ln.rstrip() for ln in out.splitlines() if ln.strip()], err
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@check("bad_commit_identified", weight=2.0)
def _():
    with open(os.path.join(os.getcwd(), "bad_commit.txt"), encoding="utf-8-sig") as f:
        got = f.read().strip().lower()
    return got == BAD, f"bad_commit.txt holds {got[:60]!r}"


@check("fix_committed_on_main_history_kept")
def _():
    on_main, head, new = head_state()
    if not on_main:
        return False, "HEAD is not on branch main"
    if not new:
        return False, f"HEAD {head[:12]} is not a new commit changing files on top of the original main ({TIP[:12]})"
    return True, f"HEAD {head[:12]} descends from {TIP[:12]}"


@check("year_end_gifts_counted_at_head", weight=2.0)
def _():
    tree = head_tree()
    problems = []
    for year, expected in YEAR_END_EXPECTED.items():
        code, lines, err = run_cli(tree, YEAR_END_CSV, year)
        if code != 0 or lines != expected:
            problems.append(f"{year}: exit {code}, got {lines} expected {expected} {err.strip()[-150:]}")
    code, lines, err = run_cli(tree, open(os.path.join(tree, "data", "gifts.csv"), encoding="utf-8").read(), "2024") \
        if os.path.isfile(os.path.join(tree, "data", "gifts.csv")) else (1, [], "data/gifts.csv missing")
    if code != 0 or lines != SAMPLE_EXPECTED_2024:
        problems.append(f"sample 2024: exit {code}, got {lines} {err.strip()[-150:]}")
    return not problems, "; ".join(problems)[:500] or "all year boundaries right"


@check("later_changes_kept_at_head")
def _():
    _on_main, _head, new = head_state()
    if not new:
        return False, "no new commit on main"
    tree = head_tree()
    problems = []
    if _timed_out:
        raise TimeoutError("an earlier run of receipts.py timed out")
    passed, detail = unittest_result(TEST_RECEIPTS, None, ["receipts", "money"], path=tree, timeout=10)
    if not passed:
        problems.append("the repository's original tests fail: " + detail[-250:])
    code, lines, err = run_cli(tree, FEATURES_CSV, "2024", "--csv")
    if code != 0 or lines != ["donor,total", "Al Brandt,1000.10", "Zoe Park,25.01"]:
        problems.append(f"--csv: exit {code}, got {lines} {err.strip()[-120:]}")
    code, lines, err = run_cli(tree, FEATURES_CSV, "2024")
    if code != 0 or lines != ["Al Brandt: $1,000.10", "Zoe Park: $25.01", "Total: $1,025.11"]:
        problems.append(f"text: exit {code}, got {lines} {err.strip()[-120:]}")
    code, lines, err = run_cli(tree, FEATURES_CSV, "1999")
    if code != 2:
        problems.append(f"year 1999: exit {code}, expected 2")
    return not problems, "; ".join(problems)[:500] or "tests, --csv, grand total and year check all work"


@check("work_tree_clean_no_bisect")
def _():
    _on_main, _head, new = head_state()
    if not new:
        return False, "no new commit on main"
    status = git("status", "--porcelain", "--untracked-files=all").stdout.decode(errors="replace")
    gitdir = git("rev-parse", "--absolute-git-dir").stdout.decode().strip()
    busy = [n for n in ("BISECT_LOG", "BISECT_START", "MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD",
                        "rebase-merge", "rebase-apply") if os.path.exists(os.path.join(gitdir, n))]
    if status.strip():
        return False, "uncommitted or untracked files: " + status.strip()[:300]
    if busy:
        return False, "an operation is still in progress: " + ", ".join(busy)
    return True, "clean"


if "path" in _tree:
    shutil.rmtree(_tree["path"], ignore_errors=True)
