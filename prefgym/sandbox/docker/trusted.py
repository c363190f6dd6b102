"""The in-container end of a trusted command (a grader): run by the host as root, stdlib only.

Root in a prefgym container holds only CAP_KILL, CAP_SETUID, CAP_SETGID and the file capabilities
(DAC_READ_SEARCH, DAC_OVERRIDE, CHOWN, FOWNER); the agent's user never holds any (it is not root,
and no-new-privileges stops setuid binaries). That is what grading needs: kill every process of
the agent's user (which could otherwise run beside the grader and forge its output), run the
grader, let the grader start the agent's own code as the agent's user, and read (or set aside)
the agent's work whatever its file modes.

Steps, from one JSON object on stdin ``{"cmd", "env", "cwd", "timeout", "cap", "agent_uid",
"folder", "files"}`` (stdin, not argv: every user can read a process's argv in /proc):
0. Make ``folder`` (root's, 0700; its name is random) and write ``files`` into it (0600).
1. Kill every process whose real or effective uid is the agent's, and scan again until several
   scans in a row find none: a fork bomb's children appear while their parents die.
2. Run ``cmd`` with exactly ``env``, stdin on /dev/null, stdout and stderr on fresh pipes, in a new
   session; a timeout kills the session. Wait for its exit, not for EOF on the pipes.
3. Print one JSON line: exit code, both streams (capped, decoded with replacement), timed out,
   truncated. Nothing else writes to this exec's stdout: the command never held it.

This file is read as text by the host and must import nothing outside the standard library.
"""

import base64
import json
import os
import selectors
import signal
import subprocess
import sys
import time

SCANS_CLEAN = 3
DEADLINE_S = 10.0


def agent_pids(uid):
    """Live processes of ``uid`` (real or effective); a zombie is already dead, only not yet reaped."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/status" % name) as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
            real, effective = fields["Uid"].split()[:2]
            if uid in (int(real), int(effective)) and not fields["State"].strip().startswith("Z"):
                found.append(int(name))
        except (OSError, KeyError, ValueError):  # gone meanwhile
            pass
    return found


def kill_agent(uid):
    """Every process of the agent's user is gone when this returns (or the deadline passed: then the
    caller refuses to run the command)."""
    deadline, clean = time.monotonic() + DEADLINE_S, 0
    while clean < SCANS_CLEAN:
        pids = agent_pids(uid)
        clean = 0 if pids else clean + 1
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002 if pids else 0.0005)
    return True


def run(spec):
    cap = int(spec.get("cap", 1 << 20))
    started = time.monotonic()
    proc = subprocess.Popen(spec["cmd"], env=spec["env"], cwd=spec.get("cwd") or "/", stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    bufs = {proc.stdout: bytearray(), proc.stderr: bytearray()}
    dropped = {proc.stdout: 0, proc.stderr: 0}
    sel = selectors.DefaultSelector()
    for stream in bufs:
        sel.register(stream, selectors.EVENT_READ)
    pidfd = os.pidfd_open(proc.pid)
    sel.register(pidfd, selectors.EVENT_READ)
    deadline = started + float(spec.get("timeout", 120))
    exited_at = None
    timed_out = False
    while sel.get_map():
        now = time.monotonic()
        if exited_at is None and now >= deadline:
            timed_out = True
            break
        if exited_at is not None and now > exited_at + 2.0:  # a child of it holds the pipes: stop reading
            break
        for key, _ in sel.select(max((deadline - now) if exited_at is None else 0.5, 0.01)):
            if key.fileobj == pidfd:
                exited_at = time.monotonic()
                sel.unregister(pidfd)
                continue
            data = os.read(key.fileobj.fileno(), 65536)
            if not data:
                sel.unregister(key.fileobj)
                continue
            room = max(cap - len(bufs[key.fileobj]), 0)
            bufs[key.fileobj] += data[:room]
            dropped[key.fileobj] += len(data) - min(len(data), room)
    if timed_out:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
    code = proc.wait()
    os.close(pidfd)
    return {"exit_code": 124 if timed_out else (128 - code if code < 0 else code),
            "stdout": bytes(bufs[proc.stdout]).decode("utf-8", "replace"),
            "stderr": bytes(bufs[proc.stderr]).decode("utf-8", "replace"),
            "timed_out": timed_out, "truncated": bool(dropped[proc.stdout] or dropped[proc.stderr]),
            "duration_s": time.monotonic() - started}


def write_files(folder, files):
    os.mkdir(folder, 0o700)
    for rel, data in files.items():
        path = os.path.join(folder, rel)
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(base64.b64decode(data))


def main():
    spec = json.loads(sys.stdin.buffer.read())
    write_files(spec["folder"], spec.get("files") or {})
    if not kill_agent(int(spec["agent_uid"])):
        result = {"exit_code": 125, "stdout": "", "stderr": "the agent's processes could not all be killed",
                  "timed_out": False, "truncated": False, "duration_s": 0.0}
    else:
        result = run(spec)
        kill_agent(int(spec["agent_uid"]))  # what the grader started as the agent ends with it
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
