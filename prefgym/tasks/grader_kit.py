"""What every grader shares, copied beside it into its private folder (``from grader_kit import check``).

A grader runs after the episode as the sandbox's trusted user (root with a few capabilities),
after every process of the agent is gone, from a folder of a random name only that user can
enter, with ``python3 -I -S`` and an environment of prefgym's own (see prefgym/tasks/grading.py).
It reads the agent's work in /work as evidence, but it never runs the agent's code in its own
process, and never believes what the agent's code says about itself:

- ``run_agent`` runs a program of the agent's (its script, its CLI) as the agent's user, in a
  session of its own, with a clean environment; the grader gets back exit code and output bytes,
  and judges them itself. Everything the agent's user runs is killed when it returns.
- ``agent_modules`` imports the agent's Python package in such a child and lets the grader's own
  unittest cases call into it: only plain values (numbers, strings, dates, containers) come back,
  decoded into the grader's own objects, and compared by the grader with values the child never
  saw. An agent object that comes back is an opaque handle, equal only to itself, so an
  ``__eq__`` that always says yes, or a patched unittest, forges nothing.
- ``git`` reads a repository of the agent's from a private copy of its .git with prefgym's own
  minimal config: no hooks, fsmonitor, pager, filters, aliases or includes of the agent's run.

``@check(name, weight)`` runs a function at once and records a check: a function that returns a
bool or ``(bool, detail)``; one that raises (a missing or malformed output) is a failed check,
never a crashed grader. The launcher reports ``checks`` on a channel of its own when the grader
ends; a grader prints nothing it wants read.

This file must import nothing outside the standard library: it runs on the container's python3.
"""

import base64
import datetime
import decimal
import io
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

AGENT_UID = 1000
AGENT_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/work", "LANG": "C.UTF-8",
             "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"}
OUTPUT_CAP = 1_000_000

checks = []


def params(default=None):
    """This instance's expectations (a task family's instance N ≥ 1: ``params`` of its generate.py),
    from the grader's private folder; ``default`` for the task as shipped."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "params.json")
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def add(name, weight, passed, detail=""):
    checks.append({"name": name, "passed": bool(passed), "weight": float(weight), "detail": str(detail)[:500]})


def check(name, weight=1.0):
    def wrap(fn):
        try:
            result = fn()
            passed, detail = result if isinstance(result, tuple) else (bool(result), "")
        except Exception as exc:  # a missing or malformed output fails the check, never the grader
            passed, detail = False, f"{type(exc).__name__}: {exc}"[:300]
        add(name, weight, passed, detail)
        return fn

    return wrap


# ---------------------------------------------------------------------------------------- the agent's code

def kill_agent_processes():
    """Kill every live process of the agent's user until a few scans in a row find none (a fork
    bomb's children appear while their parents die; a zombie is dead already)."""
    clean, deadline = 0, time.monotonic() + 10
    while clean < 3 and time.monotonic() < deadline:
        found = 0
        for name in os.listdir("/proc"):
            try:
                with open(f"/proc/{name}/status") as f:
                    fields = dict(line.split(":", 1) for line in f if ":" in line)
                uids, state = fields["Uid"].split()[:2], fields["State"].strip()
            except (OSError, KeyError, ValueError):
                continue
            if str(AGENT_UID) in uids and not state.startswith("Z"):
                found += 1
                try:
                    os.kill(int(name), signal.SIGKILL)
                except OSError:
                    pass
        clean = 0 if found else clean + 1


def _agent_popen(argv, cwd, env, **kw):
    return subprocess.Popen(argv, cwd=cwd, env=dict(AGENT_ENV, **(env or {})), user=AGENT_UID, group=AGENT_UID,
                            extra_groups=[], start_new_session=True, **kw)


def run_agent(argv, cwd="/work", timeout=10.0, env=None):
    """Run ``argv`` as the agent's user; returns ``(exit code, stdout, stderr)`` as text.

    Output goes to files of the grader's (capped when read back), so a child that keeps a pipe
    open cannot stall the grader; at the time limit the whole session dies and TimeoutError is
    raised. ``cwd`` must be a folder the agent's user may enter (see ``shared_dir``).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = _agent_popen(argv, cwd, env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise TimeoutError(f"{' '.join(argv)} ran longer than {timeout:.0f} s") from None
        finally:
            kill_agent_processes()
            proc.wait()
        out.seek(0)
        err.seek(0)
        return (code, out.read(OUTPUT_CAP).decode("utf-8", "replace"),
                err.read(OUTPUT_CAP // 10).decode("utf-8", "replace"))


def shared_dir(prefix="prefgym-grader-"):
    """A fresh folder the grader owns and the agent's user may read but not change (for inputs the
    grader hands to the agent's code). Made after the agent's processes are gone, so no name of
    the agent's can be waiting there."""
    path = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    os.chmod(path, 0o755)
    return path


# ---------------------------------------------------------------------------------------- plain values
# What crosses between the grader and the agent's child: JSON, with tags for the types JSON lacks.
# Both ends use these two functions (the child is this very file run as a script, see serve()).
# The child's copy runs in the agent's process and is the agent's to rewrite, so only the
# grader's decoding matters: it builds nothing but the grader's own plain objects and handles.

_PLAIN = {
    "float": float, "decimal": decimal.Decimal, "date": datetime.date.fromisoformat,
    "datetime": datetime.datetime.fromisoformat, "bytes": base64.b64decode,
}


def encode(x, ref, depth=0):
    """``x`` as tagged JSON; ``ref(obj)`` gives the JSON of anything that is not a plain value.
    Subclasses of plain types are read through the base type's own methods, never their overrides."""
    if depth > 50:
        raise ValueError("nested too deep")
    if x is None or isinstance(x, bool):
        return x
    if isinstance(x, int):
        return int.__index__(x)
    if isinstance(x, str):
        return str.__str__(x)
    tagged = (
        (float, "float", float.__repr__), (decimal.Decimal, "decimal", decimal.Decimal.__str__),
        (datetime.datetime, "datetime", datetime.datetime.isoformat), (datetime.date, "date", datetime.date.isoformat),
        (bytes, "bytes", lambda b: base64.b64encode(bytes(b)).decode()),
        (datetime.timedelta, "timedelta", lambda t: [t.days, t.seconds, t.microseconds]),
    )
    for kind, tag, text in tagged:
        if isinstance(x, kind):
            return {"$": tag, "v": text(x)}
    if isinstance(x, list):
        return [encode(v, ref, depth + 1) for v in list.__iter__(x)]
    for kind, tag, items in ((tuple, "tuple", tuple.__iter__), (frozenset, "set", frozenset.__iter__),
                             (set, "set", set.__iter__)):
        if isinstance(x, kind):
            return {"$": tag, "v": [encode(v, ref, depth + 1) for v in items(x)]}
    if isinstance(x, dict):
        return {"$": "dict", "v": [[encode(k, ref, depth + 1), encode(v, ref, depth + 1)] for k, v in dict.items(x)]}
    return ref(x)


def decode(x, handle):
    """Tagged JSON back into plain objects; ``handle(number, type name)`` for a reference."""
    if x is None or type(x) in (bool, int, str):
        return x
    if type(x) is list:
        return [decode(v, handle) for v in x]
    if type(x) is not dict:
        raise ValueError(f"not a plain value: {type(x).__name__}")
    tag, v = x.get("$"), x.get("v")
    if tag == "ref":
        if type(x.get("id")) is not int:
            raise ValueError("a reference without a number")
        return handle(x["id"], str(x.get("type", "object"))[:80])
    if tag in _PLAIN:
        if type(v) is not str:
            raise ValueError(f"a {tag} that is not a string")
        return _PLAIN[tag](v)
    if tag == "tuple":
        return tuple(decode(w, handle) for w in v)
    if tag == "set":
        return {decode(w, handle) for w in v}
    if tag == "dict":
        return {decode(k, handle): decode(w, handle) for k, w in v}
    if tag == "timedelta":
        return datetime.timedelta(*[int(n) for n in v][:3])
    raise ValueError(f"unknown tag {tag!r}")


def serve(path):
    """The agent's child: import and call the agent's code under ``path`` as asked on stdin, answer
    on a copy of stdout (the agent's own prints go to /dev/null)."""
    import importlib
    import traceback

    reply = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.path.insert(0, path)
    refs, by_id = [], {}

    def ref(obj):
        if id(obj) not in by_id:
            by_id[id(obj)] = len(refs)
            refs.append(obj)
        return {"$": "ref", "id": by_id[id(obj)], "type": type(obj).__qualname__[:80]}

    def arg(x):
        return decode(x, lambda number, _type: refs[number])

    for line in sys.stdin:
        req = json.loads(line)
        try:
            op, target = req["op"], refs[req["ref"]] if "ref" in req else None
            if op == "import":
                out = importlib.import_module(req["name"])
            elif op == "getattr":
                out = getattr(target, req["name"])
            elif op == "call":
                out = target(*arg(req["args"]), **{k: arg(v) for k, v in req["kwargs"].items()})
            elif op == "getitem":
                out = target[arg(req["key"])]
            elif op == "list":
                out = list(target)
            else:
                out = len(target)
            answer = {"ok": encode(out, ref)}
        except BaseException as exc:
            answer = {"raise": [c.__name__ for c in type(exc).__mro__][:20], "msg": str(exc)[:300],
                      "where": traceback.format_exc()[-600:]}
        reply.write(json.dumps(answer) + "\n")
        reply.flush()


_served = []


def _served_copy():
    """This file where the agent's user may read it (the grader's own folder is closed to it)."""
    if not _served:
        folder = shared_dir("prefgym-kit-")
        shutil.copy(os.path.abspath(__file__), os.path.join(folder, "grader_kit.py"))
        os.chmod(os.path.join(folder, "grader_kit.py"), 0o644)
        _served.append(os.path.join(folder, "grader_kit.py"))
    return _served[0]


class AgentError(Exception):
    """Base of the exceptions the agent's code raised, rebuilt on the grader's side by name."""


def _rebuild_exception(names, msg, where):
    import builtins
    base = next((getattr(builtins, n) for n in names if isinstance(getattr(builtins, n, None), type)
                 and issubclass(getattr(builtins, n), BaseException)), Exception)
    if not issubclass(base, Exception):
        base = Exception
    cls = base if names and names[0] == base.__name__ else type(str(names[0])[:80], (AgentError, base), {})
    exc = cls(msg)
    exc.agent_traceback = where
    return exc


class Handle:
    """An object of the agent's, living in its child: equal only to itself, hashed by identity."""

    def __init__(self, session, ref, type_name):
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_type", type_name)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._session.request({"op": "getattr", "ref": self._ref, "name": name})

    def __call__(self, *args, **kwargs):
        enc = self._session.encode
        return self._session.request({"op": "call", "ref": self._ref, "args": [enc(a) for a in args],
                                      "kwargs": {k: enc(v) for k, v in kwargs.items()}})

    def __getitem__(self, key):
        return self._session.request({"op": "getitem", "ref": self._ref, "key": self._session.encode(key)})

    def __iter__(self):
        return iter(self._session.request({"op": "list", "ref": self._ref}))

    def __len__(self):
        return self._session.request({"op": "len", "ref": self._ref})

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return hash((id(self._session), self._ref))

    def __bool__(self):  # its truth would be the agent's __bool__ speaking: a real bool must come back
        raise TypeError(f"{self!r} is an agent object, not a bool")

    def __repr__(self):
        return f"<agent {self._type} #{self._ref}>"


class AgentSession:
    """One child of the agent's user that imports the agent's code from ``path`` and answers calls."""

    def __init__(self, path, timeout=10.0):
        self.timeout, self.handles, self.dead = timeout, {}, None
        self.proc = _agent_popen([sys.executable, "-I", _served_copy(), "serve", path], path, None,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.buffer = b""

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        kill_agent_processes()
        self.proc.wait()

    def encode(self, x):
        def ref(obj):
            if isinstance(obj, Handle) and obj._session is self:
                return {"$": "ref", "id": obj._ref}
            raise TypeError(f"cannot hand a {type(obj).__name__} to the agent's code")

        return encode(x, ref)

    def decode(self, x):
        def handle(number, type_name):
            if number not in self.handles:
                self.handles[number] = Handle(self, number, type_name)
            return self.handles[number]

        return decode(x, handle)

    def _readline(self, deadline):
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the agent's code did not answer within {self.timeout:.0f} s")
            if not select.select([fd], [], [], left)[0]:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise RuntimeError("the agent's code exited")
            self.buffer += chunk
            if len(self.buffer) > OUTPUT_CAP:
                raise RuntimeError("the agent's code answered more than a megabyte")
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line

    def request(self, req):
        if self.dead:
            raise RuntimeError(f"the agent's code stopped answering earlier ({self.dead})")
        try:
            self.proc.stdin.write((json.dumps(req) + "\n").encode())
            self.proc.stdin.flush()
            answer = json.loads(self._readline(time.monotonic() + self.timeout))
        except (OSError, ValueError, RuntimeError, TimeoutError) as exc:
            self.dead = f"{type(exc).__name__}: {exc}"
            kill_agent_processes()
            raise
        if type(answer) is not dict:
            raise ValueError("an answer that is not an object")
        if "raise" in answer:
            names = [str(n) for n in answer["raise"]] if type(answer["raise"]) is list else ["Exception"]
            raise _rebuild_exception(names or ["Exception"], str(answer.get("msg", ""))[:300],
                                     str(answer.get("where", ""))[-600:])
        return self.decode(answer.get("ok"))


class agent_modules:
    """``with agent_modules(["receipts"], "/work"):`` makes ``import receipts`` in the grader give
    a handle on the agent's module, imported in a fresh child of the agent's user."""

    def __init__(self, names, path="/work", timeout=10.0):
        self.names, self.path, self.timeout = list(names), path, timeout

    def __enter__(self):
        self.session = AgentSession(self.path, self.timeout)
        self.saved = {n: sys.modules.get(n) for n in self.names}
        try:
            for name in self.names:
                sys.modules[name] = self.session.request({"op": "import", "name": name})
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self.session

    def __exit__(self, *exc):
        for name, module in self.saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
        self.session.close()
        return False


def unittest_result(source, target, modules, path="/work", timeout=10.0):
    """Run the grader's own unittest ``source`` (a module's text) against the agent's ``modules``
    under ``path``; ``target`` names a test class or None for all. Returns ``(passed, detail)``."""
    try:
        with agent_modules(modules, path, timeout):
            namespace = {"__name__": "prefgym_grader_tests"}
            exec(compile(source, "<grader tests>", "exec"), namespace)
            module = type(sys)("prefgym_grader_tests")
            module.__dict__.update(namespace)
            loader = unittest.TestLoader()
            suite = loader.loadTestsFromName(target, module) if target else loader.loadTestsFromModule(module)
            stream = io.StringIO()
            result = unittest.TextTestRunner(stream=stream, verbosity=0).run(suite)
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"[:500]
    if result.testsRun and result.wasSuccessful():
        return True, f"{result.testsRun} tests pass"
    problems = result.failures + result.errors
    detail = problems[0][1].strip().splitlines()[-1] if problems else "no tests ran"
    return False, f"{len(problems)} of {result.testsRun} tests fail: {detail}"[:500]


def unittest_checks(sources, groups, modules, path="/work", timeout=10.0):
    """One check per ``(check name, module, test class or None)`` in ``groups``; ``sources`` maps
    a test module name to its text (pristine copies in the grader, so edits to the visible tests
    gain nothing). Each group gets a fresh child of the agent's code."""
    for name, module, cls in groups:
        add(name, 1.0, *unittest_result(sources[module], cls, modules, path, timeout))


# ---------------------------------------------------------------------------------------- git

def _not_plain(folder, names):
    """What a copy of .git leaves out: hooks, and anything neither a file, a folder nor a link (a
    FIFO would block the copy)."""
    import stat
    skip = {"hooks"}
    for name in names:
        try:
            mode = os.lstat(os.path.join(folder, name)).st_mode
        except OSError:
            skip.add(name)
            continue
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
            skip.add(name)
    return skip


def git_reader(worktree):
    """A ``git(*args)`` function reading the agent's repository at ``worktree`` safely.

    The repository's .git is copied to the grader's private temp folder with a config of
    prefgym's own (only the format keys kept) and no hooks, info/attributes, grafts or
    replace refs; system and global config are off and HOME is the grader's, so nothing of
    the agent's runs (fsmonitor, hooks, pager, filters, aliases, includes) or rewrites history.
    """
    dot_git = os.path.join(worktree, ".git")
    if os.path.isfile(dot_git):
        with open(dot_git, encoding="utf-8") as f:
            text = f.read().strip()
        if not text.startswith("gitdir:"):
            raise RuntimeError(f"{dot_git} is neither a folder nor a gitdir file")
        dot_git = os.path.join(worktree, text[len("gitdir:"):].strip())
    if not os.path.isdir(dot_git):
        raise FileNotFoundError(f"{worktree} is not a git repository")
    gitdir = os.path.join(tempfile.mkdtemp(prefix="prefgym-git-"), "git")
    shutil.copytree(dot_git, gitdir, symlinks=True, ignore=_not_plain)
    for name in ("info/attributes", "info/grafts", "config.worktree", "commondir"):
        if os.path.lexists(os.path.join(gitdir, name)):
            os.remove(os.path.join(gitdir, name))
    shutil.rmtree(os.path.join(gitdir, "refs", "replace"), ignore_errors=True)
    keep = []
    try:
        with open(os.path.join(gitdir, "config"), encoding="utf-8", errors="replace") as f:
            section = ""
            for line in f:
                stripped = line.strip().lower()
                if stripped.startswith("["):
                    section = stripped
                elif section == "[extensions]" and "=" in stripped and stripped.split("=")[0].strip() == "objectformat":
                    keep.append(f"[extensions]\n\tobjectformat = {stripped.split('=', 1)[1].strip()}\n")
    except OSError:
        pass
    version = 1 if keep else 0
    with open(os.path.join(gitdir, "config"), "w") as f:
        f.write(f"[core]\n\trepositoryformatversion = {version}\n\tbare = false\n" + "".join(keep))
    env = {"PATH": AGENT_ENV["PATH"], "HOME": os.environ.get("HOME", "/nonexistent"), "LANG": "C",
           "GIT_DIR": gitdir, "GIT_WORK_TREE": worktree, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_ATTR_NOSYSTEM": "1", "GIT_NO_REPLACE_OBJECTS": "1",
           "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0"}
    safety = ["-c", "safe.directory=*", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null",
              "-c", "core.pager=cat", "-c", "protocol.allow=never"]

    def git(*args, check_rc=True, timeout=30):
        proc = subprocess.run(["git", *safety, *args], capture_output=True, timeout=timeout, env=env,
                              stdin=subprocess.DEVNULL, cwd=worktree)
        if check_rc and proc.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace').strip()[:200]}")
        return proc

    git.gitdir = gitdir
    return git


if __name__ == "__main__" and sys.argv[1:2] == ["serve"]:
    serve(sys.argv[2])
