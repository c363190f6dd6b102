"""The in-container end of the shell channel: a tiny stdlib-only Python server.

The host starts it once per container (``python3 -u -c <this file's source>``, as the agent's
user) over an attached exec socket and then sends JSON lines, one request at a time; every reply
is one JSON line. Running each command in a child process of this driver, rather than typing it
into a long-lived shell, is what makes the channel robust: a command cannot read the protocol
(stdin is /dev/null), cannot spoof an end marker, and binary output is decoded with replacement.

Why the details matter (see shared/SANDBOX-NOTES.md):
- We wait for the command's *exit* (pidfd), not for EOF on its pipes: ``sleep 300 &`` keeps the
  pipes open long after the command finished.
- Each command starts a new session, and a timeout kills that whole process group.
- After every command we kill every other process of our uid (``kill(-1, SIGKILL)``) and wait until
  none is left, because ``setsid cmd &`` escapes a process-group kill and a fork bomb leaves
  processes holding the pids limit. A new driver does the same before its first answer: the
  command that killed its predecessor (``kill -9 -1`` spares the caller) must not outlive it.
- The driver makes itself non-dumpable, so a command (same uid) cannot ptrace it or open its
  /proc files to steer it into skipping that cleanup.

Speed (measured on a 2-core VM, where fork+exec of bash costs ~2.5 ms and is most of a command):
a bash command line normally runs in a *warm shell*, a ``bash -c WARM_BOOT`` started ahead of
time, right after the previous reply went out, so no agent code exists while it waits. It blocks
reading its command from a pipe only the driver can write, then ``eval``s it; see
:data:`WARM_BOOT` for what that shell does to look like ``bash -c CMD``. It is used only where it
is exact: a string command, no extra env, the default cwd. Anything else (argv lists, env, cwd)
kills the warm shell first, so that no idle shell ever shares the container with agent code,
and is spawned cold, as before.

This file is read as text by the host and must import nothing outside the standard library.
"""

import base64
import io
import json
import os
import select
import signal
import subprocess
import sys
import tarfile
import time

MAX_READ = 64 * 1024 * 1024
CLEANUP_DEADLINE_S = 10.0
CHUNK = 65536

# The environment and folder every command starts from, read once (copying os.environ per
# command cost ~0.07 ms); a request's env is laid over BASE_ENV.
BASE_ENV = dict(os.environ)
HOME_CWD = os.getcwd()

# What the warm shell runs, as one line so that $LINENO and "line N" in error messages count the
# command's own lines. It reads until EOF (``read -N`` reads in 4 KiB chunks; ``-d ''`` would
# read byte by byte), checks the trailing END mark so a half-written command never runs, closes
# the pipe so the command cannot see it, restores what ``bash -c CMD`` would show
# (BASH_EXECUTION_STRING, SECONDS from 0, ``$_``), and unsets its variable inside the eval.
# Known differences from a cold ``bash -c CMD``, all cosmetic: /proc/$$/cmdline shows this line;
# a syntax error says "bash: eval: line N" instead of "bash: -c: line N"; a single command killed
# by a signal (OOM) gets bash's "Killed" notice on stderr, as a multi-command line already does;
# PIPESTATUS is set. DockerSandboxConfig(warm_shell=False) turns the warm shell off.
END = "\x1e"
WARM_BOOT = (
    'IFS= read -r -N 2147483647 __c <&{fd}; exec {fd}<&-; '
    '[ "${{__c: -1}}" = $\'\\x1e\' ] || exit 125; __c=${{__c%?}}; '
    'BASH_EXECUTION_STRING=$__c; SECONDS=0; eval "unset -v __c; : bash; $__c"'
)


def _set_non_dumpable():
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
    except Exception:  # an image without ctypes: the cleanup still runs, only unguarded
        pass


def _others_of_my_uid():
    """Processes ``kill(-1)`` reaches, zombies included; signal 0 asks without sending anything.

    Asking kill() rather than reading owners from /proc also sees a process that made itself
    non-dumpable (its /proc entry then belongs to root).
    """
    me, found = os.getpid(), []
    for name in os.listdir("/proc"):
        if name.isdigit() and name != "1" and int(name) != me:
            try:
                os.kill(int(name), 0)
                found.append(int(name))
            except OSError:  # gone, or not ours
                pass
    return found


def _kill_leftovers():
    """Kill every other process of this uid and wait until they are gone (reaped by init).

    The usual case (nothing left) costs one kill and one /proc scan; killed processes are
    usually reaped within a fraction of a millisecond, so the wait starts at 0.2 ms and backs off.
    """
    deadline = time.monotonic() + CLEANUP_DEADLINE_S
    pause = 0.0002
    while True:
        try:
            os.kill(-1, signal.SIGKILL)  # every process we may signal, except ourselves
        except ProcessLookupError:  # no process at all besides us and init
            return
        if not _others_of_my_uid() or time.monotonic() > deadline:
            return
        time.sleep(pause)
        pause = min(pause * 2, 0.005)


def _popen(argv, cwd, env, pass_fds=()):
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=cwd, env=env, start_new_session=True, pass_fds=pass_fds)


def _spawn(argv, cwd, env):
    """Start a command; retry briefly when the pids limit is still full (EAGAIN after a bomb)."""
    for attempt in range(50):
        try:
            return _popen(argv, cwd, env)
        except BlockingIOError:
            _kill_leftovers()
            time.sleep(0.02 * (attempt + 1))
    raise OSError("could not start the command: process limit reached")


class WarmShell:
    """A ``bash -c WARM_BOOT`` waiting, in its own session, for its one command on ``self.ctl``."""

    enabled = True

    def __init__(self):
        r, self.ctl = os.pipe()  # both ends close-on-exec; pass_fds hands the read end to bash
        try:
            self.proc = _popen(["bash", "-c", WARM_BOOT.format(fd=r)], HOME_CWD, BASE_ENV, pass_fds=(r,))
        except BaseException:
            os.close(self.ctl)
            raise
        finally:
            os.close(r)

    def send(self, cmd):
        """Hand over the command; False (and the shell discarded) if it could not take it."""
        data = cmd.encode() + END.encode()
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self.ctl, view):]
            return True
        except OSError:  # the shell died while waiting
            self.discard()
            return False
        finally:
            if self.ctl >= 0:
                os.close(self.ctl)  # EOF: the shell stops reading and runs the command
                self.ctl = -1

    def discard(self):
        if self.ctl >= 0:
            os.close(self.ctl)  # EOF without the END mark: the shell exits without running anything
            self.ctl = -1
        self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


_warm = None


def ensure_warm():
    """Start the next command's shell, once the previous reply is out (off the critical path)."""
    global _warm
    if _warm is None and WarmShell.enabled:
        try:
            _warm = WarmShell()
        except OSError:  # pids limit still full: the next command starts cold
            _warm = None


def discard_warm():
    """Before any agent code runs outside the warm shell, no idle shell may be left waiting."""
    global _warm
    if _warm is not None:
        _warm.discard()
        _warm = None
        _kill_leftovers()


def _take_warm(cmd, cwd, extra_env):
    global _warm
    warm, _warm = _warm, None
    if warm is None:
        return None
    exact = (isinstance(cmd, str) and not extra_env and cwd in (None, HOME_CWD)
             and "\0" not in cmd and warm.proc.poll() is None)
    if exact:
        try:
            cmd.encode()  # lone surrogates cannot travel; the cold path reports them
        except UnicodeEncodeError:
            exact = False
    if exact and warm.send(cmd):
        return warm.proc
    _warm = warm
    discard_warm()
    return None


def op_exec(req):
    started = time.monotonic()
    cap = int(req.get("cap", 65536))
    timeout = float(req.get("timeout", 30.0))
    cmd = req["cmd"]
    extra_env = req.get("env") or {}
    cwd = req.get("cwd") or None
    proc = _take_warm(cmd, cwd, extra_env)
    if proc is None:
        argv = ["bash", "-c", cmd] if isinstance(cmd, str) else list(cmd)
        env = {**BASE_ENV, **extra_env} if extra_env else BASE_ENV
        try:
            proc = _spawn(argv, cwd, env)
        except (OSError, ValueError) as e:
            return {"exit_code": 127 if isinstance(e, FileNotFoundError) else 126, "stdout": "",
                    "stderr": str(e), "timed_out": False, "truncated": False,
                    "duration_s": time.monotonic() - started}

    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    bufs = {out_fd: bytearray(), err_fd: bytearray()}
    dropped = {out_fd: 0, err_fd: 0}
    poller = select.poll()
    for fd in bufs:
        os.set_blocking(fd, False)
        poller.register(fd, select.POLLIN)
    open_fds = set(bufs)
    pidfd = os.pidfd_open(proc.pid)
    poller.register(pidfd, select.POLLIN)

    def read_ready(fd):
        try:
            data = os.read(fd, CHUNK)
        except BlockingIOError:
            return
        if not data:
            poller.unregister(fd)
            open_fds.discard(fd)
            return
        room = max(cap - len(bufs[fd]), 0)
        bufs[fd] += data[:room]
        dropped[fd] += max(len(data) - room, 0)

    deadline = started + timeout
    exited = timed_out = False
    while not exited:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        for fd, _ in poller.poll(remaining * 1000 + 1):
            if fd == pidfd:
                exited = True
            else:
                read_ready(fd)
    poller.unregister(pidfd)
    os.close(pidfd)

    if timed_out:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
    exit_code = proc.wait()  # reaped first, so kill(-1) below finds only what it left behind
    _kill_leftovers()
    # Writers are dead: drain what they left in the pipes, up to EOF.
    drain_deadline = time.monotonic() + 2.0
    while open_fds and time.monotonic() < drain_deadline:
        for fd, _ in poller.poll(50):
            read_ready(fd)
    proc.stdout.close()
    proc.stderr.close()
    if exit_code < 0:  # killed by a signal: report it the way a shell does
        exit_code = 128 - exit_code
    if timed_out:
        exit_code = 124

    def text(fd):
        s = bufs[fd].decode("utf-8", errors="replace")
        if dropped[fd]:
            s += "\n[... output truncated: %d more bytes not shown ...]" % dropped[fd]
        return s

    return {"exit_code": exit_code, "stdout": text(out_fd), "stderr": text(err_fd),
            "timed_out": timed_out, "truncated": bool(dropped[out_fd] or dropped[err_fd]),
            "duration_s": time.monotonic() - started}


def op_read(req):
    with open(req["path"], "rb") as f:
        data = f.read(MAX_READ + 1)
    if len(data) > MAX_READ:
        raise ValueError("file larger than %d bytes" % MAX_READ)
    return {"data": base64.b64encode(data).decode()}


def op_write(req):
    path = req["path"]
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    with open(path, "wb") as f:
        f.write(base64.b64decode(req["data"]))
    if req.get("mode") is not None:
        os.chmod(path, int(req["mode"]))
    return {}


def op_untar(req):
    os.makedirs(req["dest"], exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(base64.b64decode(req["data"]))) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(req["dest"], filter="data")
        else:
            tar.extractall(req["dest"])
    return {}


def op_tar(req):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.add(req["src"], arcname=".")
    if buf.tell() > MAX_READ:
        raise ValueError("folder larger than %d bytes" % MAX_READ)
    return {"data": base64.b64encode(buf.getvalue()).decode()}


OPS = {"exec": op_exec, "read": op_read, "write": op_write, "untar": op_untar, "tar": op_tar,
       "hello": lambda req: {"pid": os.getpid(), "uid": os.getuid(), "warm": WarmShell.enabled}}


def main():
    WarmShell.enabled = "--no-warm" not in sys.argv[1:]
    _set_non_dumpable()
    _kill_leftovers()
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        req = {}
        try:
            req = json.loads(line)
            reply = OPS[req["op"]](req)
            reply.update(id=req.get("id"), ok=True)
        except Exception as e:  # the request failed, never the driver
            reply = {"id": req.get("id"), "ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        out.write(json.dumps(reply).encode() + b"\n")
        out.flush()
        ensure_warm()
    discard_warm()


if __name__ == "__main__":
    main()
