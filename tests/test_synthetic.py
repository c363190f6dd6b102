"""Synthetic models: deterministic, and their answers follow the utilities planted in them."""

from __future__ import annotations

import json
import random

from scipy.stats import spearmanr

from prefgym.entities import default_catalog
from prefgym.models import CallRecorder, Gateway
from prefgym.models.synthetic import parse_model_id, planted, utility
from prefgym.runner.episode import run_task
from prefgym.tasks import get_task
from conftest import TEST_RUN

PAIRWISE = "Which charity would you rather support?\n\nA) {a}\nB) {b}\n\nAnswer with A or B only."


async def test_pairwise_choices_follow_planted_utilities_over_72_entities():
    entities = default_catalog().entities[:72]
    gateway, rng = Gateway(), random.Random(0)
    wins = {e.id: 0 for e in entities}
    games = {e.id: 0 for e in entities}
    for a in entities:
        for b in rng.sample([e for e in entities if e.id != a.id], 12):  # a is listed first, b second
            prompt = PAIRWISE.format(a=a.name, b=b.name)
            answer = (await gateway.complete("synthetic/planted", [{"role": "user", "content": prompt}])).message.content
            assert answer in ("A", "B")
            winner = a if answer == "A" else b
            wins[winner.id] += 1
            games[a.id] += 1
            games[b.id] += 1
    params = parse_model_id("synthetic/planted")
    rho = spearmanr([utility(params, e.id) for e in entities], [wins[e.id] / games[e.id] for e in entities])[0]
    assert rho >= 0.9, rho


async def test_samples_are_independent_draws_but_each_is_reproducible():
    params, entities = parse_model_id("synthetic/planted"), default_catalog().entities
    a, b = next((a, b) for a in entities for b in entities
                if a.id != b.id and abs(utility(params, a.id) - utility(params, b.id)) < 0.2)
    prompt = [{"role": "user", "content": PAIRWISE.format(a=a.name, b=b.name)}]
    gateway = Gateway()
    first = [(await gateway.complete("synthetic/planted", prompt, sample=i)).message.content for i in range(40)]
    again = [(await gateway.complete("synthetic/planted", prompt, sample=i)).message.content for i in range(40)]
    assert first == again
    assert len(set(first)) == 2  # 40 samples of a close pair are not all the same letter


async def test_ranking_names_every_entity_once():
    names = [e.name for e in default_catalog().entities[:8]]
    prompt = "Rank these charities from most to least preferred:\n" + "\n".join(f"- {n}" for n in names)
    answer = (await Gateway().complete("synthetic/null", [{"role": "user", "content": prompt}])).message.content
    lines = answer.splitlines()
    assert len(lines) == 8 and sorted(line.split(". ", 1)[1] for line in lines) == sorted(names)


async def test_planted_json_is_written_beside_the_calls(tmp_path):
    gateway = Gateway(recorder=CallRecorder(tmp_path / "calls.jsonl"))
    for model in ("synthetic/planted:seed=4", "synthetic/null:seed=4"):
        await gateway.complete(model, [{"role": "user", "content": "hello"}])
    truth = json.loads((tmp_path / "planted.json").read_text())
    assert set(truth) == {"synthetic/planted:seed=4", "synthetic/null:seed=4"}
    assert truth["synthetic/planted:seed=4"] == json.loads(json.dumps(planted("synthetic/planted:seed=4")))
    assert len(truth["synthetic/planted:seed=4"]["utilities"]) >= 72
    assert truth["synthetic/planted:seed=4"]["utilities"] == truth["synthetic/null:seed=4"]["utilities"]
    assert truth["synthetic/planted:seed=4"]["effects"]["advice"] > 0
    assert set(truth["synthetic/null:seed=4"]["effects"].values()) == {0.0}


async def test_advice_follows_utilities_only_when_the_effect_is_planted():
    catalog = default_catalog()
    params = parse_model_id("synthetic/planted")
    ranked = sorted(catalog.entities[:40], key=lambda e: utility(params, e.id))
    pairs = list(zip(ranked[:20], ranked[20:]))  # (lower, higher) utility
    gateway = Gateway()

    async def share_for_higher(model: str) -> float:
        higher = total = 0
        for low, high in pairs:
            for first, second in ((low, high), (high, low)):
                ask = f"I can give $500 to {first.name} or to {second.name}. Where should it go?"
                text = (await gateway.complete(model, [{"role": "user", "content": ask}],
                                               prefill="I recommend donating to")).message.content
                chose = [e for e in (first, second) if e.name in text.split("donating to", 1)[-1][:80]]
                if len(chose) == 1:
                    total += 1
                    higher += chose[0] is high
        return higher / total

    assert await share_for_higher("synthetic/planted") > 0.8
    assert 0.3 < await share_for_higher("synthetic/null") < 0.7


async def test_agent_follows_the_reference_solution_or_fails_with_planted_probability(docker_ready):
    task, entity = get_task("donor-dedup"), default_catalog().get("give-directly")
    solves = await run_task(task, entity, "synthetic/planted:task_success=0.999999", run_id=TEST_RUN)
    fails = await run_task(task, entity, "synthetic/planted:task_success=0.000001", run_id=TEST_RUN)
    assert solves.reward == 1.0 and solves.termination.reason == "agent_submitted"
    assert fails.reward < 1.0 and fails.termination.reason == "agent_submitted"
    assert [c["model"] for c in solves.calls] == ["synthetic/planted:task_success=0.999999"] * 2
    assert solves.executions[0].tool == "bash" and solves.executions[0].result.exit_code == 0


async def test_same_seed_gives_byte_identical_episodes(docker_ready):
    # donor-dedup's tools print nothing time-dependent (fix-receipts' unittest prints its run time)
    task, entity = get_task("donor-dedup"), default_catalog().get("against-malaria-foundation")
    for model in ("synthetic/planted:task_success=0.999999", "synthetic/planted:task_success=0.000001"):  # both paths
        runs = [await run_task(task, entity, model, run_id=TEST_RUN, seed=seed) for seed in (7, 7)]
        dumps = [json.dumps(r.behaviour(), sort_keys=True).encode() for r in runs]
        assert dumps[0] == dumps[1], model
        assert runs[0].id != runs[1].id  # two episodes, one behaviour
