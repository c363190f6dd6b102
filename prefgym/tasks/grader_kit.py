"""What every grader shares, copied into the container beside it (``from grader_kit import check, checks``).

A grader is a standalone script run with the container's own python3 after the episode, so it
cannot import prefgym; this one small module is copied next to it instead of being pasted into
each. ``@check(name, weight)`` runs a function at once and records a check: a function that
returns a bool or ``(bool, detail)``; one that raises (a missing or malformed output) is a
failed check, never a crashed grader. ``report()`` prints the line prefgym reads.
"""

import json

checks = []


def check(name, weight=1.0):
    def wrap(fn):
        try:
            result = fn()
            passed, detail = result if isinstance(result, tuple) else (bool(result), "")
        except Exception as exc:  # a missing or malformed output fails the check, never the grader
            passed, detail = False, f"{type(exc).__name__}: {exc}"[:300]
        checks.append({"name": name, "passed": bool(passed), "weight": float(weight), "detail": str(detail)[:500]})
        return fn

    return wrap


def report():
    print(json.dumps({"checks": checks}))


def unittest_checks(package, sources, groups, timeout=20):
    """One check per group of tests, run against the agent's ``package`` in the working directory.

    ``sources`` maps a test module name to its text (pristine copies kept in the grader, so edits
    to the visible tests gain nothing); ``groups`` lists ``(check name, module, class or None)``.
    Each group runs in its own subprocess with a timeout; a package that cannot be imported fails
    every check at once instead of timing out on each.
    """
    import os
    import subprocess
    import sys
    import tempfile

    workdir = os.getcwd()
    env = dict(os.environ, PYTHONPATH=workdir, PYTHONDONTWRITEBYTECODE="1")
    problem = None
    try:
        tmp = tempfile.mkdtemp(prefix=f"prefgym-{package}-")
        for module, text in sources.items():
            with open(os.path.join(tmp, f"{module}.py"), "w") as f:
                f.write(text)
        probe = subprocess.run([sys.executable, "-c", f"import {package}"], cwd=tmp, env=env,
                               capture_output=True, text=True, timeout=20)
        if probe.returncode != 0:
            problem = f"import {package} failed: " + (probe.stderr or "").strip()[-400:]
    except Exception as exc:
        problem = f"could not set the tests up: {type(exc).__name__}: {exc}"
    for name, module, cls in groups:
        if problem is not None:
            checks.append({"name": name, "passed": False, "weight": 1.0, "detail": problem[:500]})
            continue
        target = module if cls is None else f"{module}.{cls}"
        try:
            proc = subprocess.run([sys.executable, "-m", "unittest", "-v", target], cwd=tmp, env=env,
                                  capture_output=True, text=True, timeout=timeout)
            out = (proc.stdout or "") + (proc.stderr or "")
            passed = proc.returncode == 0 and "Ran 0 tests" not in out and "\nRan " in out and "\nOK" in out
            if passed:
                detail = ([ln for ln in out.splitlines() if ln.startswith("Ran ")] or ["OK"])[-1]
            else:
                starts = [i for i in (out.find("FAIL:"), out.find("ERROR:")) if i >= 0]
                detail = (out[min(starts):] if starts else out.strip()[-600:])[:600]
        except Exception as exc:
            passed, detail = False, f"{type(exc).__name__}: {exc}"[:500]
        checks.append({"name": name, "passed": bool(passed), "weight": 1.0, "detail": detail})
