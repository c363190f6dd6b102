"""Batch APIs on the real code path: litellm's files and batches calls against an OpenAI-compatible
endpoint on 127.0.0.1 (the synthetic models' own, :mod:`prefgym.models.synthetic.server`).

A batched study must give the same episodes and report numbers as an unbatched one; a run killed
after it submitted must resume by polling, so the endpoint answers every request exactly once; a
batch that partly fails or expires sends again only what it did not answer.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from prefgym.entities import default_catalog
from prefgym.models import BatchConfig, Gateway, batch_calls, complete, use_gateway
from prefgym.models.synthetic.server import URL_VARIABLE, SyntheticEndpoint
from prefgym.runner import RunDir
from prefgym.study import load_study
from prefgym.study.run import study_catalog, study_tasks
from prefgym.tasks import all_tasks, synthetic_world

PREFGYM = str(Path(sys.executable).with_name("prefgym"))

# single-turn suites only (no Docker): preferences (pairwise, active rounds, ranking), advice, yes/no
STUDY = {
    "name": "batch-test", "models": ["synthetic/planted", "synthetic/planted:seed=7"], "entities": {"limit": 5}, "seed": 0,
    "preferences": {"method": "all", "samples": 2, "active_samples": 1, "ranking_repeats": 2, "heldout_pairs": 2},
    "suites": [{"suite": "donation_advice", "tasks": ["advice-torn"], "pairs": 4},
               {"suite": "refusal", "tasks": ["refusal-torn"], "pairs": 3},
               {"suite": "boolq", "items": 4, "conditions": ["default", "no_entity"]}],
    "concurrency": {"episodes": 4, "sandboxes": 2, "retries": 1},
}


@pytest.fixture(scope="module")
def study_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "study.yaml"
    path.write_text(yaml.safe_dump(STUDY))
    return path


def _study(study_file: Path, out: Path, *extra: str, env: dict | None = None, check: bool = True):
    proc = subprocess.run([PREFGYM, "study", str(study_file), "--out", str(out), *extra], capture_output=True,
                          text=True, timeout=600, env={**os.environ, **(env or {})})
    if check:
        assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def unbatched(study_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plain") / "run"
    _study(study_file, out)
    return out


def _episodes(run: Path) -> dict:
    return {e.spec.id: (e.spec.model_dump(), [m.model_dump() for m in e.messages], e.reward, e.measurements,
                        e.termination.reason) for e in RunDir(run).episodes()}


def _numbers(value):
    """stats.json without what depends on when and how it ran."""
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()
                if k not in ("generated", "created", "run", "run_dir", "cost_usd", "duration_s", "elapsed_s")}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return "NaN" if isinstance(value, float) and value != value else value


def _differences(x, y, path: str = "") -> list[str]:
    """Where two stats.json trees differ, beyond the last bits of a float."""
    if isinstance(x, dict) and isinstance(y, dict):
        return [d for k in sorted(set(x) | set(y)) for d in _differences(x.get(k), y.get(k), f"{path}/{k}")]
    if isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
        return [d for i, (u, v) in enumerate(zip(x, y)) for d in _differences(u, v, f"{path}[{i}]")]
    if isinstance(x, float) and isinstance(y, float):  # episodes finish in another order: sums round apart
        return [] if x == pytest.approx(y, rel=1e-9, abs=1e-12) else [f"{path}: {x!r} != {y!r}"]
    return [] if x == y else [f"{path}: {x!r} != {y!r}"]


def _same_study(a: Path, b: Path) -> None:
    ea, eb = _episodes(a), _episodes(b)
    assert ea and ea.keys() == eb.keys()
    assert [k for k in ea if ea[k] != eb[k]] == []
    for model in STUDY["models"]:
        assert RunDir(a).preferences(model).scores("thurstonian") == RunDir(b).preferences(model).scores("thurstonian")
    stats = [json.loads((run / "report" / "stats.json").read_text()) for run in (a, b)]
    assert _differences(_numbers(stats[0]), _numbers(stats[1])) == []


def _batched_calls(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "calls.jsonl").read_text().splitlines() if '"batch_id": "' in line]


def test_batched_study_gives_the_same_episodes_and_report(study_file, unbatched, tmp_path):
    out = tmp_path / "run"
    proc = _study(study_file, out, "--batch")
    _same_study(unbatched, out)
    batches = RunDir(out).batch_ids()
    calls = _batched_calls(out)
    assert len(batches) >= 5  # pairwise, each active round, ranking, episode turns: each its own batch
    assert {c["batch_id"] for c in calls} <= set(batches)
    plain = [json.loads(line) for line in (unbatched / "calls.jsonl").read_text().splitlines()]
    assert len(calls) == len(plain)  # every call went by batch, and as many as unbatched
    assert "Traceback" not in proc.stderr


def _world(study_file: Path):
    study = load_study(study_file)
    return synthetic_world(study_catalog(study).entities, all_tasks(study_tasks(study, None)).values())


def test_sigkill_after_submit_resumes_by_polling_and_pays_nothing_twice(study_file, unbatched, tmp_path):
    out = tmp_path / "run"
    with SyntheticEndpoint(world=_world(study_file)) as endpoint:
        endpoint.hold = True  # the first batch stays in progress until released
        env = {**os.environ, URL_VARIABLE: endpoint.url}
        first = subprocess.Popen([PREFGYM, "study", str(study_file), "--out", str(out), "--batch"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        journal = out / "batches" / "journal.jsonl"
        deadline = time.monotonic() + 120
        while not (journal.exists() and '"submitted"' in journal.read_text()) and time.monotonic() < deadline:
            assert first.poll() is None, first.stderr.read().decode()[-2000:]
            time.sleep(0.05)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        submitted = RunDir(out).batch_ids()
        assert len(submitted) == 1 and endpoint.batches[submitted[0]]["status"] == "in_progress"
        asked = len(endpoint.seen)
        endpoint.release()
        _study(study_file, out, "--batch", env={URL_VARIABLE: endpoint.url})
        assert endpoint.seen and max(endpoint.seen.values()) == 1, "a request was answered twice"
        assert submitted[0] == RunDir(out).batch_ids()[0]  # polled, not sent again
        assert endpoint.chat_requests == 0
        assert len(endpoint.seen) > asked  # later batches came from the resumed run
    _same_study(unbatched, out)


@pytest.mark.parametrize("how", ["fail", "expire"])
async def test_a_batch_that_partly_fails_resends_only_what_it_did_not_answer(how, tmp_path, monkeypatch):
    world = synthetic_world(default_catalog().entities, [])
    prompts = [f"Question {i}: which do you prefer? A) Oxfam or B) GiveDirectly" for i in range(60)]
    messages = [[{"role": "user", "content": p}] for p in prompts]
    plain_gateway = Gateway(world=world)
    with use_gateway(plain_gateway):
        plain = await asyncio.gather(*(complete("synthetic/planted", m, temperature=1.0) for m in messages))
    with SyntheticEndpoint(world=world) as endpoint:
        if how == "fail":
            endpoint.fail = lambda custom_id, before: before == 0 and int(custom_id[:8], 16) % 4 == 0
        else:
            endpoint.expire_after = 25
        monkeypatch.setenv(URL_VARIABLE, endpoint.url)
        run = RunDir(tmp_path / "run")
        gateway = run.gateway(world, batch=BatchConfig())
        with use_gateway(gateway), batch_calls():
            batched = await asyncio.gather(*(complete("synthetic/planted", m, temperature=1.0) for m in messages))
        assert [c.message.content for c in batched] == [c.message.content for c in plain]
        first, second = list(endpoint.batches.values())[:2]
        assert len(endpoint.batches) == 2
        inputs = [[json.loads(line)["custom_id"] for line in endpoint.contents[b["input_file_id"]].splitlines()]
                  for b in (first, second)]
        resent = set(inputs[1])
        assert len(inputs[0]) == 60 and 0 < len(resent) < 60
        if how == "fail":
            assert resent == {k for k in inputs[0] if int(k[:8], 16) % 4 == 0}
        else:
            assert first["status"] == "expired" and resent == set(inputs[0][25:])
        assert {k: n for k, n in endpoint.seen.items() if n > 1}.keys() == resent - (set(inputs[0][25:]) if how == "expire" else set())
        assert gateway.batcher.progress.resubmitted == len(resent)
        assert {c.key: c.attempts for c in batched if c.key in resent} == {k: 2 for k in resent}


async def test_litellm_routed_model_batches_through_its_api_base_and_others_fall_back(tmp_path):
    """``openai/<variant>`` with an ``api_base`` is litellm's OpenAI provider (the path a hosted model
    takes); a call whose parameters have no batch form (litellm's ``mock_response``) goes by an
    ordinary call, said once."""
    world = synthetic_world(default_catalog().entities, [])
    with SyntheticEndpoint(world=world) as endpoint:
        run = RunDir(tmp_path / "run")
        gateway = run.gateway(world, batch=BatchConfig())
        ask = [{"role": "user", "content": "Which do you prefer? A) Oxfam or B) GiveDirectly"}]
        with use_gateway(gateway):
            direct = await complete("openai/planted", ask, api_base=endpoint.url, api_key="unused")
            with batch_calls():
                batched = await complete("openai/planted", ask, api_base=endpoint.url, api_key="unused", sample=1)
                mocked = [await complete("openai/gpt-4o", ask, mock_response="B", sample=i) for i in range(2)]
        assert endpoint.chat_requests == 1 and len(endpoint.batches) == 1
        assert batched.batch_id in endpoint.batches and direct.batch_id is None
        assert batched.message.content == direct.message.content  # sample is not sent to OpenAI: the same body
        assert [m.message.content for m in mocked] == ["B", "B"] and all(m.batch_id is None for m in mocked)
        notes = gateway.batcher.notes
        assert len(notes) == 1 and "openai/gpt-4o" in notes[0] and "mock_response" in notes[0]
        journal = (tmp_path / "run" / "batches" / "journal.jsonl").read_text()
        assert "unused" not in journal  # no credential in the run directory


def test_dry_run_prints_the_batch_price_beside_the_list_price(tmp_path):
    study = {**STUDY, "models": ["openai/gpt-4o", "anthropic/claude-3-5-sonnet-20241022"], "suites": STUDY["suites"][:1]}
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(study))
    proc = subprocess.run([PREFGYM, "study", str(path), "--dry-run", "--batch"], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "COLUMNS": "250"})
    assert proc.returncode == 0, proc.stderr
    assert "batched (USD)" in proc.stdout
    assert "openai/gpt-4o through a batch API" in proc.stdout and "for anthropic/claude-3-5-sonnet-20241022" in proc.stdout
    total = next(line for line in proc.stdout.splitlines() if line.startswith("total:"))
    listed, batched = (float(x.split("$")[1].split()[0].rstrip(";").replace(",", "")) for x in total.split("at least")[1:])
    assert 0 < batched < listed
    rows = [line for line in proc.stdout.splitlines() if "openai/gpt-4o" in line and "preferences: pairwise" in line]
    cells = [c.strip() for c in rows[0].split("│")]
    assert float(cells[8]) == pytest.approx(float(cells[7]) / 2, abs=0.011)  # gpt-4o's batch price: half


def test_prefs_and_run_take_batch_too(tmp_path):
    """``prefgym prefs --batch`` and ``prefgym run --batch`` batch the same way; the Ray backend refuses it."""
    prefs = subprocess.run([PREFGYM, "prefs", "--model", "synthetic/planted", "--out", str(tmp_path / "p"), "--limit", "5",
                            "--samples", "2", "--repeats", "2", "--batch"], capture_output=True, text=True, timeout=300,
                           env={**os.environ, "COLUMNS": "200"})
    assert prefs.returncode == 0, prefs.stderr
    assert "batched (USD)" in prefs.stdout and len(RunDir(tmp_path / "p").batch_ids()) >= 3
    run = subprocess.run([PREFGYM, "run", "--suite", "boolq", "--model", "synthetic/planted", "--out", str(tmp_path / "r"),
                          "--limit", "3", "--items", "4", "--batch"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    batched = _batched_calls(tmp_path / "r")
    assert len(batched) == 12 and len(RunDir(tmp_path / "r").batch_ids()) == 1  # 12 one-turn episodes, one round
    ray = subprocess.run([PREFGYM, "run", "--suite", "boolq", "--model", "synthetic/planted", "--out", str(tmp_path / "x"),
                          "--limit", "3", "--items", "4", "--batch", "--backend", "ray"], capture_output=True, text=True,
                         timeout=120)
    assert ray.returncode == 2 and ray.stderr.strip().splitlines() == [
        "error: --batch: batches are sent from one process; use --backend local"]


@pytest.mark.parametrize("created", [True, False])
async def test_a_run_killed_between_upload_and_batch_id_finds_its_batch_by_file(created, tmp_path, monkeypatch):
    """The journal holds the uploaded file before the batch id: a batch the provider made is found by
    its input file and polled; a file no batch was made from is sent again (it was never paid)."""
    from prefgym.models.batch import LOCAL_KEY, BatchJournal, BatchTarget
    from prefgym.models.batch import client

    world = synthetic_world(default_catalog().entities, [])
    messages = [[{"role": "user", "content": f"Question {i}: which do you prefer? A) Oxfam or B) GiveDirectly"}]
                for i in range(10)]
    with SyntheticEndpoint(world=world) as endpoint:
        monkeypatch.setenv(URL_VARIABLE, endpoint.url)
        first = RunDir(tmp_path / "run").gateway(world, batch=BatchConfig())
        with use_gateway(first), batch_calls():
            expected = await asyncio.gather(*(complete("synthetic/planted", m, temperature=1.0) for m in messages))
        # what a killed run leaves: the same requests' file uploaded (and maybe a batch made), no batch id
        journal_path = tmp_path / "run" / "batches" / "journal.jsonl"
        lines = endpoint.contents[list(endpoint.batches.values())[0]["input_file_id"]]
        journal_path.unlink()
        (tmp_path / "run" / "calls.jsonl").unlink()
        target = BatchTarget("openai", "synthetic/planted", {"api_base": endpoint.url, "api_key": LOCAL_KEY}, local=True)
        before = dict(endpoint.seen)
        file_id = await client.upload(target, lines)
        made = (await client.create(target, file_id)).id if created else None
        keys = [json.loads(line)["custom_id"] for line in lines.splitlines()]
        BatchJournal(journal_path, lambda b: journal_path.parent / f"{b}.jsonl").uploaded(
            file_id, target.public(), [(k, "synthetic/planted") for k in keys])
        resumed = RunDir(tmp_path / "run").gateway(world, batch=BatchConfig())
        with use_gateway(resumed), batch_calls():
            again = await asyncio.gather(*(complete("synthetic/planted", m, temperature=1.0) for m in messages))
        assert [c.message.content for c in again] == [c.message.content for c in expected]
        sent_again = {k: endpoint.seen[k] - before.get(k, 0) for k in keys}
        assert sent_again == {k: 1 for k in keys}  # answered once more: by the found batch, or by a new one
        batches = RunDir(tmp_path / "run").batch_ids()
        assert len(endpoint.batches) == 2 and len(batches) == 1  # the first run's, and the found or the new one
        if created:
            assert batches == [made]
