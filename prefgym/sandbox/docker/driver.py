"""The in-container end of the shell channel: a tiny stdlib-only Python server.

The host starts it once per container (``python3 -u -c <this file's source>``, as the agent's
user) over an attached exec socket and then sends JSON lines, one request at a time; every reply
is one JSON line. Running each command in a child process of this driver, rather than typing it
into a long-lived shell, is what makes the channel robust: a command cannot read the protocol
(stdin is /dev/null), cannot spoof an end marker, and binary output is decoded with replacement.

Why the details matter (see shared/SANDBOX-NOTES.md):
- We wait for the command's *exit* (pidfd), not for EOF on its pipes: ``sleep 300 &`` keeps the
  pipes open long after the command finished.
- After every command we kill every other process of our uid (``kill(-1, SIGKILL)``) and wait until
  none is left, because ``setsid cmd &`` escapes a process-group kill and a fork bomb leaves
  processes holding the pids limit.

This file is read as text by the host and must import nothing outside the standard library.
"""

import base64
import io
import json
import os
import selectors
import signal
import subprocess
import sys
import tarfile
import time

MAX_READ = 64 * 1024 * 1024
CLEANUP_DEADLINE_S = 10.0


def _others_of_my_uid():
    me, uid, found = os.getpid(), os.getuid(), []
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != me:
            try:
                if os.stat("/proc/" + name).st_uid == uid:
                    found.append(int(name))
            except OSError:
                pass
    return found


def _kill_leftovers(child):
    """Kill every other process of this uid and wait until they are gone (reaped by init)."""
    deadline = time.monotonic() + CLEANUP_DEADLINE_S
    while True:
        try:
            os.kill(-1, signal.SIGKILL)  # every process we may signal, except ourselves
        except ProcessLookupError:
            pass
        if child is not None:
            child.poll()
        if not _others_of_my_uid() or time.monotonic() > deadline:
            return
        time.sleep(0.005)


def _spawn(argv, cwd, env):
    """Start a command; retry briefly when the pids limit is still full (EAGAIN after a bomb)."""
    for attempt in range(50):
        try:
            return subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                cwd=cwd, env=env, start_new_session=True,
            )
        except BlockingIOError:
            _kill_leftovers(None)
            time.sleep(0.02 * (attempt + 1))
    raise OSError("could not start the command: process limit reached")


def op_exec(req):
    started = time.monotonic()
    cap = int(req.get("cap", 65536))
    timeout = float(req.get("timeout", 30.0))
    cmd = req["cmd"]
    argv = ["bash", "-c", cmd] if isinstance(cmd, str) else list(cmd)
    env = dict(os.environ)
    env.update(req.get("env") or {})
    try:
        proc = _spawn(argv, req.get("cwd") or None, env)
    except (OSError, ValueError) as e:
        return {"exit_code": 127 if isinstance(e, FileNotFoundError) else 126, "stdout": "",
                "stderr": str(e), "timed_out": False, "truncated": False,
                "duration_s": time.monotonic() - started}

    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    bufs = {out_fd: bytearray(), err_fd: bytearray()}
    dropped = {fd: 0 for fd in bufs}
    sel = selectors.DefaultSelector()
    for fd in bufs:
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ)
    pidfd = os.pidfd_open(proc.pid)
    sel.register(pidfd, selectors.EVENT_READ)

    def read_ready(fd):
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return
        if not data:
            sel.unregister(fd)
            return
        room = cap - len(bufs[fd])
        bufs[fd] += data[:max(room, 0)]
        dropped[fd] += max(len(data) - max(room, 0), 0)

    deadline = started + timeout
    exited = timed_out = False
    while not exited:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        for key, _ in sel.select(remaining):
            if key.fd == pidfd:
                exited = True
            else:
                read_ready(key.fd)
    sel.unregister(pidfd)
    os.close(pidfd)

    if timed_out:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
    _kill_leftovers(proc)
    # Writers are dead: drain what they left in the pipes, up to EOF.
    drain_deadline = time.monotonic() + 2.0
    while sel.get_map() and time.monotonic() < drain_deadline:
        for key, _ in sel.select(0.05):
            read_ready(key.fd)
    sel.close()
    exit_code = proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    if exit_code < 0:  # killed by a signal: report it the way a shell does
        exit_code = 128 - exit_code
    if timed_out:
        exit_code = 124

    def text(fd):
        s = bytes(bufs[fd]).decode("utf-8", errors="replace")
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
       "hello": lambda req: {"pid": os.getpid(), "uid": os.getuid()}}


def main():
    out = sys.stdout
    for line in sys.stdin.buffer:
        req = {}
        try:
            req = json.loads(line)
            reply = OPS[req["op"]](req)
            reply.update(id=req.get("id"), ok=True)
        except Exception as e:  # the request failed, never the driver
            reply = {"id": req.get("id"), "ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
