"""The first code of a grading run, in the container: stdlib only, started as ``python3 -I -S``.

prefgym writes this file, the task's grader, grader_kit.py and a nonce into a private folder
(``sys.argv[1]``, random name, root's, 0700) and runs this as the sandbox's trusted user after
the agent's processes are gone. ``-I -S`` keeps out user site-packages, every PYTHON* variable and
the current and script folders from the module path, so no file of the agent's is imported.

The grade is one line, ``PREFGYM-GRADE <nonce> {"checks": [...]}``, written on a copy of stdout
taken before the grader starts; the grader's own stdout is sent to stderr. The nonce comes from a
file only the trusted user can read, never from the command line (which /proc shows to every
user), so text the grader echoes from the agent's work cannot pass for a grade.
"""

import json
import os
import runpy
import sys
import traceback


def main():
    private = sys.argv[1]
    for sub in ("home", "tmp"):
        os.makedirs(os.path.join(private, sub), mode=0o700, exist_ok=True)
    with open(os.path.join(private, "nonce")) as f:
        nonce = f.read().strip()
    os.remove(os.path.join(private, "nonce"))
    result = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.path.insert(0, private)
    import grader_kit

    error = None
    try:
        runpy.run_path(os.path.join(private, "grader.py"), run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            error = f"the grader exited with {exc.code!r}"
    except BaseException:
        error = "the grader crashed: " + traceback.format_exc()[-1500:]
    result.write(f"PREFGYM-GRADE {nonce} " + json.dumps({"checks": grader_kit.checks, "error": error}) + "\n")
    result.flush()


if __name__ == "__main__":
    main()
