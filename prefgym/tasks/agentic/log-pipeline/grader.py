"""Grader for log-pipeline. Runs in /work after the episode; its checks are reported by prefgym's launcher.

The expected report is hard-coded from the pristine logs (an instance of the family, generate.py,
brings its own through grader_kit.params()). report.txt as the agent left it is graded
first; then report.sh is checked for shell-only tools and rerun from /work (only if the logs are
still byte-identical to the pristine ones, checked by hash) to see that it reproduces the report.
"""

import hashlib
import os
import re

WORK = os.getcwd()
REPORT = os.path.join(WORK, "report.txt")
SCRIPT = os.path.join(WORK, "report.sh")
SECTIONS = ["status_codes", "donate_post_failures", "unique_ips_per_utc_day"]
LOG_SHA256 = {
    "access.log": "adbf6a8c3f74743fac61b59c2a0cda3a8c8d04981103948e84c0c4fc22102e84",
    "access.log.1": "bee44db9a4ac973897c17d8def02120f205522733cce5153143898f1f685a575",
    "access.log.2.gz": "3ca3f633e5e7853b3dcaa098d3256388c96d0e42948db1616f678b8184f6652d",
    "access.log.3.gz": "a2071a5a206a32c08de0bbaf08d7e2149fec58a5f2f00890bb07847aa18456f7",
}
EXPECTED = {
    "status_codes": [
        ("200", "1594"), ("201", "37"), ("301", "32"), ("302", "91"), ("304", "98"), ("400", "24"),
        ("402", "4"), ("403", "7"), ("404", "133"), ("405", "13"), ("409", "5"), ("422", "10"),
        ("429", "9"), ("500", "38"), ("502", "8"), ("503", "11"),
    ],
    "donate_post_failures": [
        ("/donate/confirm", "14"), ("/donate", "11"), ("/donate/monthly", "9"),
        ("/donate/gift-aid", "6"), ("/donate/one-off", "6"),
    ],
    "unique_ips_per_utc_day": [
        ("2025-02-24", "98"), ("2025-02-25", "104"), ("2025-02-26", "117"), ("2025-02-27", "105"),
        ("2025-02-28", "105"), ("2025-03-01", "105"), ("2025-03-02", "94"), ("2025-03-03", "20"),
    ],
}
FORBIDDEN = re.compile(r"\b(python[0-9.]*|perl|ruby)\b", re.IGNORECASE)


def parse_report(text):
    """{section: [(key, count), ...]} and the section names in file order; raises on text outside sections."""
    sections, order, current = {}, [], None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        m = re.fullmatch(r"\[([A-Za-z0-9_]+)\]", line)
        if m:
            current = m.group(1)
            if current in sections:
                raise ValueError(f"section [{current}] appears twice")
            sections[current] = []
            order.append(current)
            continue
        if current is None:
            raise ValueError(f"line {n} is outside any section: {line!r}")
        parts = line.split()
        # a line that is not "KEY COUNT" stays in its section as is, failing only that section
        sections[current].append((parts[0], parts[1]) if len(parts) == 2 else (line, None))
    return sections, order


_cache = {}


def report():
    if "error" in _cache:
        raise _cache["error"]
    if "report" not in _cache:
        try:
            with open(REPORT, encoding="utf-8", errors="replace") as f:
                _cache["report"] = parse_report(f.read())
        except Exception as exc:
            _cache["error"] = exc
            raise
    return _cache["report"]


def section(name):
    sections, _order = report()
    if name not in sections:
        raise ValueError(f"no [{name}] section")
    return sections[name]


from grader_kit import check, params, run_agent  # copied beside this file by prefgym

INSTANCE = params()  # an instance of the family (generate.py): its own logs and report
if INSTANCE:
    EXPECTED = {k: [tuple(row) for row in v] for k, v in INSTANCE["expected"].items()}
    LOG_SHA256 = INSTANCE["log_sha256"]


@check("report_layout", weight=0.5)
def _():
    sections, order = report()
    bad = [k for s in order for k, v in sections[s] if v is None]
    ok = order == SECTIONS and all(sections[s] for s in SECTIONS) and not bad
    if bad:
        return False, f"lines that are not 'KEY COUNT': {bad[:4]}"
    return ok, f"sections={order} sizes={[len(sections[s]) for s in order]}"


@check("status_codes", weight=2.0)
def _():
    got = section("status_codes")
    exp = EXPECTED["status_codes"]
    if got == exp:
        return True, f"{len(got)} status codes match"
    diff = [f"{k}: {dict(got).get(k)} (expected {v})" for k, v in exp if dict(got).get(k) != v]
    extra = [k for k, _ in got if k not in dict(exp)]
    return False, f"differences: {diff[:6]} extra={extra[:4]} order_ok={[k for k, _ in got] == sorted(k for k, _ in got)}"


@check("donate_failures_paths")
def _():
    got = [p for p, _ in section("donate_post_failures")]
    exp = [p for p, _ in EXPECTED["donate_post_failures"]]
    return (len(got) == len(exp) and set(got) == set(exp)), f"paths={got}"


@check("donate_failures_ranked")
def _():
    got = section("donate_post_failures")
    return got == EXPECTED["donate_post_failures"], f"got={got}"


@check("utc_days")
def _():
    got = [d for d, _ in section("unique_ips_per_utc_day")]
    exp = [d for d, _ in EXPECTED["unique_ips_per_utc_day"]]
    return got == exp, f"days={got}"


@check("unique_ips_per_day", weight=2.0)
def _():
    got = section("unique_ips_per_utc_day")
    return got == EXPECTED["unique_ips_per_utc_day"], f"got={got}"


def run_script(timeout=30):
    """bash report.sh from /work as the agent's user, killed (with anything it left) at the limit."""
    code, _out, err = run_agent(["bash", "report.sh"], cwd=WORK, timeout=timeout)
    return code, err[-20_000:]


@check("report_sh_reproduces")
def _():
    with open(SCRIPT, encoding="utf-8", errors="replace") as f:
        code = "\n".join(ln for ln in f.read().splitlines() if not ln.lstrip().startswith("#"))
    bad = sorted({m.group(1).lower() for m in FORBIDDEN.finditer(code)})
    if bad:
        return False, f"report.sh uses {bad}"
    tampered = []
    for name, digest in LOG_SHA256.items():
        try:
            with open(os.path.join(WORK, "logs", name), "rb") as f:
                if hashlib.sha256(f.read()).hexdigest() != digest:
                    tampered.append(name)
        except OSError:
            tampered.append(name)
    if tampered:
        return False, f"logs changed or missing, cannot rerun report.sh: {tampered}"
    if os.path.exists(REPORT):
        os.replace(REPORT, REPORT + ".graded")
    code, stderr = run_script()
    with open(REPORT, encoding="utf-8", errors="replace") as f:
        sections, order = parse_report(f.read())
    ok = order == SECTIONS and all(sections.get(s) == EXPECTED[s] for s in SECTIONS)
    wrong = [s for s in SECTIONS if sections.get(s) != EXPECTED[s]]
    return ok, f"exit={code} sections={order} wrong={wrong} stderr={stderr[-200:]!r}"
