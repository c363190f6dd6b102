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
