"""The Docker sandbox against real containers: isolation, limits, and the shell channel's robustness.

Markers are built at run time (``$((40+2))`` → 42) so that an echoed command or a traceback
containing the literal can never make a broken sandbox look healthy.
"""

from __future__ import annotations

import time

import pytest

from prefgym.sandbox.docker import DockerSandbox, engine
from prefgym.sandbox.docker.config import LABEL_OWNER_PID, LABEL_RUN, TRUSTED_CAPS

from conftest import TEST_RUN


async def test_echo_runs_as_unprivileged_user_in_work(sandbox):
    r = await sandbox.exec("echo marker-$((40+2)); id -u; pwd")
    assert r.exit_code == 0
    assert r.stdout.split() == ["marker-42", "1000", "/work"]


async def test_stderr_and_exit_code_are_kept(sandbox):
    r = await sandbox.exec("echo oops-$((1+1)) >&2; exit 3")
    assert (r.exit_code, r.stderr.strip(), r.stdout) == (3, "oops-2", "")


async def test_no_network(sandbox):
    r = await sandbox.exec(
        "python3 -c \"import socket; s=socket.socket(); s.settimeout(3); s.connect(('1.1.1.1', 80))\"; echo rc=$?"
    )
    assert "rc=1" in r.stdout
    assert "Network is unreachable" in r.stderr
    r = await sandbox.exec("ls /sys/class/net")
    assert r.stdout.split() == ["lo"]


async def test_memory_bomb_is_killed(sandbox):
    r = await sandbox.exec("python3 -c \"x = bytearray(8 << 30); print('allocated-' + str(6*7))\"", timeout=20)
    assert r.exit_code == 137
    assert "allocated-42" not in r.stdout
    assert not r.timed_out


async def test_fork_bomb_is_contained_and_the_next_command_answers(sandbox):
    started = time.monotonic()
    await sandbox.exec(":(){ :|:& };:", timeout=5)
    assert time.monotonic() - started < 15
    r = await sandbox.exec("echo after-$((40+2)); ps -e --no-headers | wc -l")
    assert r.stdout.split()[0] == "after-42"
    assert int(r.stdout.split()[1]) < 10  # the bomb's processes are gone


async def test_timeout_kills_sleep_in_about_the_timeout(sandbox):
    started = time.monotonic()
    r = await sandbox.exec("sleep 1000", timeout=2)
    elapsed = time.monotonic() - started
    assert r.timed_out and r.exit_code == 124
    assert 1.9 <= elapsed < 4
    r = await sandbox.exec("pgrep -u agent sleep || echo none-$((1+1))")
    assert r.stdout.strip() == "none-2"


async def test_background_process_does_not_hold_the_command(sandbox):
    started = time.monotonic()
    r = await sandbox.exec("sleep 300 & setsid sleep 300 & echo started-$((2+2))")
    assert r.stdout.strip() == "started-4"
    assert time.monotonic() - started < 3
    r = await sandbox.exec("pgrep -c -u agent sleep || true")
    assert r.stdout.strip() == "0"


async def test_yes_output_is_capped_with_a_marker(sandbox):
    r = await sandbox.exec("yes", timeout=2)
    assert r.truncated and r.timed_out
    assert len(r.stdout) < sandbox.config.output_cap + 200
    assert "output truncated" in r.stdout
    r = await sandbox.exec("head -c 200000 /dev/zero | tr '\\0' x")
    assert r.truncated and r.exit_code == 0
    assert r.stdout.startswith("x" * 1000)


async def test_binary_output_is_decoded_not_fatal(sandbox):
    r = await sandbox.exec("head -c 4096 /dev/urandom; echo; echo tail-$((3*3))")
    assert r.exit_code == 0 and r.stdout.rstrip().endswith("tail-9")


async def test_writing_outside_the_work_volume_fails(sandbox):
    r = await sandbox.exec("touch /etc/evil; touch /evil; touch /usr/evil; echo ok > /work/fine && cat /work/fine")
    assert r.stderr.count("Read-only file system") == 3
    assert r.stdout.strip() == "ok"
    with pytest.raises(OSError):
        await sandbox.write_file("/etc/evil", "x")


async def test_files_round_trip_and_missing_file_raises(sandbox, tmp_path):
    await sandbox.write_file("a/b/c.txt", "héllo\n")
    assert await sandbox.read_file("/work/a/b/c.txt") == "héllo\n".encode()
    with pytest.raises(FileNotFoundError):
        await sandbox.read_file("missing.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.csv").write_text("1,2\n")
    await sandbox.copy_in(tmp_path, "/work/in")
    r = await sandbox.exec("cat in/sub/x.csv; stat -c %u in/sub/x.csv")
    assert r.stdout.split() == ["1,2", "1000"]


async def test_killing_every_process_restarts_the_channel(sandbox):
    r = await sandbox.exec("kill -9 -1")
    assert r.exit_code == 137
    r = await sandbox.exec("echo alive-$((5*5))")
    assert r.stdout.strip() == "alive-25"


async def test_container_is_hardened_and_labelled(sandbox):
    attrs = engine.client().api.inspect_container(sandbox.container_id)
    host = attrs["HostConfig"]
    assert host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"] and sorted(host["CapAdd"]) == sorted(f"CAP_{c}" for c in TRUSTED_CAPS) or \
        sorted(host["CapAdd"]) == sorted(TRUSTED_CAPS)  # the trusted user's four; the agent's user holds none
    assert "no-new-privileges" in host["SecurityOpt"]
    assert host["NetworkMode"] == "none"
    assert host["Init"] is True
    assert host["PidsLimit"] == sandbox.config.pids
    assert host["Memory"] == host["MemorySwap"] > 0
    assert host["NanoCpus"] == int(sandbox.config.cpus * 1e9)
    assert attrs["Config"]["User"] == "0:0"
    status = (await sandbox.exec("grep -E '^(Uid|CapEff|CapPrm|NoNewPrivs)' /proc/self/status")).stdout.split()
    assert status == ["Uid:", "1000", "1000", "1000", "1000", "CapPrm:", "0" * 16, "CapEff:", "0" * 16,
                      "NoNewPrivs:", "1"], status
    labels = attrs["Config"]["Labels"]
    assert labels[LABEL_RUN] == TEST_RUN
    assert labels[LABEL_OWNER_PID].isdigit()


async def test_close_removes_the_container_and_its_volume(docker_ready):
    sb = await DockerSandbox.create(run_id=TEST_RUN)
    cid = sb.container_id
    mounts = engine.client().api.inspect_container(cid)["Mounts"]
    volume = next(m["Name"] for m in mounts if m["Destination"] == "/work")
    await sb.close()
    await sb.close()  # idempotent
    assert cid not in [c.id for c in engine.managed_containers(run_id=TEST_RUN)]
    assert volume not in [v.name for v in engine.client().volumes.list()]


async def test_a_missing_image_is_a_clean_sandbox_error(docker_ready):
    from prefgym.sandbox import SandboxError
    from prefgym.sandbox.docker import DockerSandboxConfig

    with pytest.raises(SandboxError, match="not found|No such image|pull access"):
        await DockerSandbox.create(DockerSandboxConfig(image="prefgym-no-such-image:0"), run_id=TEST_RUN)


async def test_a_folder_copies_out_to_the_host(sandbox, tmp_path):
    await sandbox.exec("mkdir -p out/deep && echo r-$((2*21)) > out/deep/result.txt && ln -s /etc/passwd out/link")
    await sandbox.copy_out("out", tmp_path / "got")
    assert (tmp_path / "got/deep/result.txt").read_text() == "r-42\n"
    assert not (tmp_path / "got/link").exists()  # a link out of the folder is not followed or kept
    with pytest.raises(FileNotFoundError):
        await sandbox.copy_out("no-such-folder", tmp_path / "x")
