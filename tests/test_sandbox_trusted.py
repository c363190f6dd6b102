"""Trusted commands (graders) and faults from outside, against real containers.

A trusted command must run after the agent is gone, as another user, from a folder the agent
cannot reach, with nothing of the agent's environment; and a container that is killed or frozen
from outside must end in a SandboxError (an infra error for the runner), never in an answer.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from prefgym.sandbox import SandboxError
from prefgym.sandbox.docker import DockerSandbox, DockerSandboxConfig, engine
from prefgym.sandbox.docker.config import PRIVATE_DIR

from conftest import TEST_RUN

PROBE = r"""
import json, os, sys
me = os.path.dirname(os.path.abspath(sys.argv[0]))
procs = []
for pid in os.listdir("/proc"):
    try:
        with open(f"/proc/{pid}/status") as f:
            uid = next(l for l in f if l.startswith("Uid:")).split()[1]
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            procs.append([uid, f.read().replace(b"\0", b" ").decode()[:80]])
    except (OSError, StopIteration):
        pass
status = dict(l.split(":", 1) for l in open("/proc/self/status") if ":" in l)
print(json.dumps({"uid": os.getuid(), "cap": status["CapEff"].strip(), "env": dict(os.environ), "cwd": os.getcwd(),
                  "folder": me, "folder_mode": oct(os.stat(me).st_mode & 0o777), "data": open(os.path.join(me, "data.txt")).read(),
                  "agent_procs": [p for p in procs if p[0] == "1000"], "path": sys.path, "flags": [sys.flags.isolated, sys.flags.no_site]}))
"""


async def test_a_trusted_command_runs_alone_as_another_user_from_a_private_folder(sandbox):
    await sandbox.exec("setsid nohup sleep 300 >/dev/null 2>&1 & (setsid sleep 301 &) ; echo planted > /work/x")
    assert "sleep 300" in (await sandbox.exec("ps -eo args")).stdout
    r = await sandbox.exec_trusted(["python3", "-I", "-S", "{private}/probe.py"],
                                   files={"probe.py": PROBE.encode(), "data.txt": b"secret-42"},
                                   env={"PATH": "/usr/bin:/bin", "HOME": "{private}"}, cwd="/work", timeout=30)
    assert r.exit_code == 0, r.stderr
    got = json.loads(r.stdout)
    assert got["uid"] == 0 and got["cap"] != "0" * 16
    assert got["agent_procs"] == []  # every process of the agent's user was gone before it started
    assert got["folder"].startswith(PRIVATE_DIR + "/") and len(got["folder"]) > len(PRIVATE_DIR) + 20
    assert got["folder_mode"] == "0o700" and got["data"] == "secret-42"
    env = {k: v for k, v in got["env"].items() if k != "LC_CTYPE"}  # python may coerce the C locale itself
    assert env == {"PATH": "/usr/bin:/bin", "HOME": got["folder"]}  # exactly what was given
    assert got["cwd"] == "/work" and got["flags"] == [1, 1]
    assert not any(p in ("", "/work", "/tmp") or p.startswith(("/work/", "/tmp/")) for p in got["path"]), got["path"]
    with pytest.raises(SandboxError, match="sealed"):
        await sandbox.exec("echo too late")


async def test_the_agent_cannot_reach_the_private_folder(sandbox):
    r = await sandbox.exec(f"ls {PRIVATE_DIR}; touch {PRIVATE_DIR}/x; stat -c %a:%u {PRIVATE_DIR}")
    assert "Permission denied" in r.stderr and r.stdout.strip().endswith("700:0")


async def test_a_trusted_command_that_hangs_is_killed_at_its_limit(sandbox):
    r = await sandbox.exec_trusted(["sh", "-c", "sleep 60 & sleep 60"], files={}, timeout=1)
    assert r.timed_out and r.exit_code == 124


async def _paused_or_killed(how: str) -> str:
    sb = await DockerSandbox.create(DockerSandboxConfig(request_grace_s=1.0), run_id=TEST_RUN)
    try:
        assert (await sb.exec("echo up")).stdout.strip() == "up"
        cid = sb.container_id

        async def outside():
            await asyncio.sleep(0.5)
            await asyncio.to_thread(getattr(engine.client().api, how), cid)

        hit = asyncio.create_task(outside())
        with pytest.raises(SandboxError) as caught:
            await sb.exec("sleep 3; echo done", timeout=2)
        await hit
        return str(caught.value)
    finally:
        if how == "pause":
            engine.client().api.unpause(sb.container_id)
        await sb.close()


async def test_a_container_killed_from_outside_is_a_sandbox_error(docker_ready):
    assert "stopped or removed from outside" in await _paused_or_killed("kill")


async def test_a_container_frozen_from_outside_is_a_sandbox_error(docker_ready):
    assert "no answer within 3s" in await _paused_or_killed("pause")
