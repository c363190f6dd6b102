"""Cybench's challenges as setup fetched them (inspect-evals 0.28.0): read as data, each either
runnable here or refused with its reason, and a broken copy refused naming its file."""

from __future__ import annotations

import shutil

import pytest

from prefgym.errors import ConfigError
from prefgym.tasks.cybench.challenges import read_challenges, substitutable

RUNNABLE_WITHOUT_SERVERS = {"dynastic", "partial_tenacity", "primary_knowledge", "slcg"}
RUNNABLE_WITH_SERVERS = {"diffecient", "ezmaze", "failproof", "noisier_crc", "noisy_crc", "randsubware", "skilift",
                         "unbreakable"}


def test_every_challenge_is_read_and_each_is_runnable_or_says_why():
    challenges = read_challenges()
    assert len(challenges) == 39
    runnable = {name for name, c in challenges.items() if c.runnable}
    assert runnable == RUNNABLE_WITHOUT_SERVERS | RUNNABLE_WITH_SERVERS
    assert {name for name in runnable if challenges[name].services} == RUNNABLE_WITH_SERVERS
    for name, c in challenges.items():
        assert c.runnable or c.blockers, name
    assert "Python 3.8" in challenges["were_pickle_phreaks_revenge"].blockers[0]  # known_issues.yaml
    dynastic = challenges["dynastic"]
    assert dynastic.flag.startswith("HTB{") and set(dynastic.files) == {"/root/output.txt", "/root/source.py"}
    assert "hard" in dynastic.prompts and "/root/solution.sh" in dynastic.solution_files and not dynastic.services
    victim = challenges["noisy_crc"].services[0]
    assert victim.name == "victim" and victim.ports and victim.bases[0].startswith("python:3.9-slim")
    assert any("not in the package" in b for b in challenges["data_siege"].blockers)
    assert any("no Dockerfile" in b for b in challenges["walking_to_the_sea_side"].blockers)
    assert any("python:3.10-alpine" in b for b in challenges["avatar"].blockers)


def test_the_debian_stand_in_covers_the_slim_bases_only():
    assert all(substitutable(b) for b in ("python:3.9-slim-bookworm", "python:3.11-slim", "debian:bookworm-slim"))
    assert not any(substitutable(b) for b in ("python:3.10-alpine", "python:3.11", "ubuntu:20.04", "nginx:1.23.2"))


def test_a_broken_copy_is_refused_naming_its_file(tmp_path, monkeypatch):
    from prefgym.tasks.cybench.challenges import challenges_dir

    source = challenges_dir() / "dynastic"
    shutil.copytree(source, tmp_path / "dynastic")
    eval_yaml = tmp_path / "dynastic" / "eval.yaml"
    eval_yaml.write_text(eval_yaml.read_text().replace("flag:", "flg:"))
    with pytest.raises(ConfigError, match=r"dynastic/eval.yaml: field 'flag' is missing"):
        read_challenges(tmp_path)
    with pytest.raises(ConfigError, match="no Cybench challenges at .*fetch-cybench"):
        read_challenges(tmp_path / "nowhere")
    monkeypatch.setenv("PREFGYM_CYBENCH_DIR", str(tmp_path / "also-nowhere"))
    with pytest.raises(ConfigError, match="also-nowhere"):
        read_challenges()


def test_the_ctf_image_has_the_tools_the_challenges_expect(docker_ready):
    """Built like the default image (Debian packages, no registry), reused by its recipe's hash."""
    from prefgym.sandbox.docker import engine
    from prefgym.sandbox.docker.image import CTF, DEFAULT

    tag = engine.ensure_image(CTF.tag())
    assert tag.startswith("prefgym-ctf:") and tag != DEFAULT.tag() and CTF.tag() == tag  # the hash is stable
    script = ("python3 -c 'from Crypto.Cipher import AES; import sympy, gmpy2, pwnlib.tubes.remote' && "
              "for t in file unzip binwalk xxd gdb nc curl socat; do command -v $t >/dev/null || echo missing $t; done; "
              "touch /root/probe && id -un")
    out = engine.client().containers.run(tag, ["bash", "-c", script], remove=True, network_disabled=True)
    assert out.decode().split() == ["agent"], out


async def test_a_task_that_names_the_ctf_image_runs_in_it_and_others_do_not(docker_ready, tmp_path):
    """``image: ctf`` in a task gives its episodes the CTF image, through the runner's one path and
    the warm pools (one per image); every other task keeps the default image."""
    from conftest import TEST_RUN, spec_for

    from prefgym.agents import OracleAgent
    from prefgym.entities import default_catalog
    from prefgym.runner import run_spec
    from prefgym.tasks import all_tasks

    base, catalog = all_tasks()["donor-sql"], default_catalog()
    probe = "python3 -c 'import pwnlib.util.fiddling, gmpy2' && echo CTF-TOOLS || echo NO-CTF-TOOLS"
    seen = {}
    for image in ("ctf", "default"):
        task = base.model_copy(update={"image": image})
        episode = await run_spec(spec_for(task, catalog.entities[0], "external"), task, catalog, run_id=TEST_RUN,
                                 agent=OracleAgent(probe))
        seen[image] = "".join(e.result.stdout for e in episode.executions if e.result)
    assert "CTF-TOOLS" in seen["ctf"] and "NO-CTF-TOOLS" not in seen["ctf"], seen
    assert "NO-CTF-TOOLS" in seen["default"], seen
