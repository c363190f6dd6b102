"""Synthetic models: deterministic, and their answers follow the utilities planted in them."""

from __future__ import annotations

import json
import pickle
import random

import pytest
from scipy.stats import spearmanr

from prefgym.entities import default_catalog
from prefgym.models import CallRecorder, Gateway, SyntheticWorld, model_truth, use_gateway
from prefgym.models.synthetic import parse_model_id, planted, utility
from prefgym.models.synthetic.behaviour import respond

PAIRWISE = "Which charity would you rather support?\n\nA) {a}\nB) {b}\n\nAnswer with A or B only."


def test_pairwise_choices_follow_planted_utilities_over_72_entities():
    """The decision rule itself, over many entities (that the gateway serves exactly these answers
    is checked below, through litellm, on fewer calls)."""
    entities = default_catalog().entities[:72]
    world, params, rng = SyntheticWorld.default(), parse_model_id("synthetic/planted"), random.Random(0)
    wins = {e.id: 0 for e in entities}
    games = {e.id: 0 for e in entities}
    for a in entities:
        for b in rng.sample([e for e in entities if e.id != a.id], 12):  # a is listed first, b second
            prompt = PAIRWISE.format(a=a.name, b=b.name)
            answer = respond(params, world, [{"role": "user", "content": prompt}], None, 0)["content"]
            assert answer in ("A", "B")
            winner = a if answer == "A" else b
            wins[winner.id] += 1
            games[a.id] += 1
            games[b.id] += 1
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


async def test_the_truth_is_model_truth_and_the_gateway_writes_no_file_for_it(tmp_path):
    gateway = Gateway(recorder=CallRecorder(tmp_path / "calls.jsonl"))
    models = ("synthetic/planted:seed=4", "synthetic/null:seed=4")
    for model in models:
        await gateway.complete(model, [{"role": "user", "content": "hello"}])
    assert [p.name for p in tmp_path.iterdir()] == ["calls.jsonl"]  # the run folder's owner writes the truth
    truth = {model: model_truth(model) for model in models}
    default_ids = SyntheticWorld.default().entity_ids()
    assert truth["synthetic/planted:seed=4"] == planted("synthetic/planted:seed=4", default_ids)
    assert len(default_ids) >= 72 and default_ids == sorted(e.id for e in default_catalog().entities)
    assert truth["synthetic/planted:seed=4"]["utilities"] == truth["synthetic/null:seed=4"]["utilities"]
    assert truth["synthetic/planted:seed=4"]["effects"]["advice"] > 0
    assert set(truth["synthetic/null:seed=4"]["effects"].values()) == {0.0}
    world = SyntheticWorld.build(entities=[("zephyr", "Zephyr Relief Fund"), ("give-directly", "GiveDirectly")])
    assert set(model_truth("synthetic/planted:seed=4", world)["utilities"]) == {"zephyr", "give-directly"}
    assert model_truth("openai/gpt-4o", world) is None and model_truth("local/smollm2") is None


CUSTOM = [("zephyr-relief", "Zephyr Relief Fund"), ("quill-literacy", "Quill Literacy Trust")]


async def test_a_custom_world_is_recognised_through_its_gateway_and_nowhere_else():
    assert not {eid for eid, _ in CUSTOM} & set(SyntheticWorld.default().entity_ids())
    world = SyntheticWorld.build(entities=CUSTOM)
    prompt = [{"role": "user", "content": PAIRWISE.format(a=CUSTOM[0][1], b=CUSTOM[1][1])}]
    inside = Gateway(world=world)
    answers = [(await inside.complete("synthetic/planted", prompt, sample=i)).message.content for i in range(30)]
    params = parse_model_id("synthetic/planted")
    assert answers == [respond(params, world, prompt, None, i)["content"] for i in range(30)]
    assert set(answers) == {"A", "B"}  # P(A) ≈ 0.79 for this pair at seed 0: both letters come up
    for outside in (Gateway(), Gateway(world=SyntheticWorld.default())):
        reply = (await outside.complete("synthetic/planted", prompt)).message.content
        assert reply not in ("A", "B") and "tell me a bit more" in reply


async def test_a_world_reaches_the_model_beside_callers_metadata_and_after_pickling():
    world = SyntheticWorld.build(entities=CUSTOM)
    prompt = [{"role": "user", "content": PAIRWISE.format(a=CUSTOM[0][1], b=CUSTOM[1][1])}]
    done = await Gateway(world=world).complete("synthetic/planted", prompt, metadata={"trace": "t1"})
    assert done.message.content in ("A", "B")
    copied = pickle.loads(pickle.dumps(world))  # as a Ray worker would receive it
    assert copied.token != world.token and SyntheticWorld.find(copied.token) is copied
    again = await Gateway(world=copied).complete("synthetic/planted", prompt, metadata={"trace": "t1"})
    assert again.message.content == done.message.content


def test_world_lookups_keep_the_matching_rules():
    world = SyntheticWorld.build(
        entities=[("zephyr", "Zephyr"), ("zephyr-fund", "Zephyr Relief Fund"), ("", "  ")],
        answers=[("Is the sky blue on a clear day?", True)],
        tasks=[("dedup", ["You are an engineer for {entity}, tidy.", "Deduplicate the donor list in donors.csv, {x}."],
                "python dedup.py"), ("short", ["too {short}"], "never")])
    assert world.find_entities("zephyr relief fund, then ZEPHYR, then Zephyrs") == ["zephyr-fund", "zephyr"]
    assert world.entity_name("zephyr-fund") == "Zephyr Relief Fund" and world.entity_name("nope") == "nope"
    assert world.entity_ids() == ["zephyr", "zephyr-fund"]
    assert world.find_answer("Quick one: is the SKY blue, on a clear day? Yes or no.") is True
    assert world.find_answer("Is the sea blue?") is None
    task = world.find_task("You are an engineer for Oxfam, tidy. Deduplicate the donor list in donors.csv, now.")
    assert task is not None and (task.id, task.solution) == ("dedup", "python dedup.py")
    assert world.find_task("Deduplicate the donor list in donors.csv, now.") is None  # one fragment missing
    assert SyntheticWorld.build().find_entities("Zephyr") == [] and SyntheticWorld.build().find_task("x") is None
    wider = SyntheticWorld.default().extended(entities=CUSTOM)
    assert {"zephyr-relief", "give-directly"} <= set(wider.find_entities("Zephyr Relief Fund or GiveDirectly"))
    assert SyntheticWorld.default() is SyntheticWorld.default()


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


def _task_world(task, *entities) -> SyntheticWorld:
    """The world an episode of ``task`` is played in: the default catalog's entities, and the task."""
    return SyntheticWorld.default().extended(entities=[(e.id, e.name) for e in entities],
                                             tasks=[(task.id, [task.system_prompt or "", task.user.opening], task.solution)])


@pytest.fixture
def episode_runner(docker_ready):
    """The runner (through conftest's ``play``) and the task loader, imported only by the tests that
    play episodes, so the rest of this file does not depend on the packages above models/."""
    from conftest import play
    from prefgym.tasks import get_task

    return play, get_task


async def test_agent_follows_the_reference_solution_or_fails_with_planted_probability(episode_runner):
    play, get_task = episode_runner
    task, entity = get_task("donor-dedup"), default_catalog().get("give-directly")
    with use_gateway(Gateway(world=_task_world(task, entity))):
        solves = await play(task, entity, "synthetic/planted:task_success=0.999999")
        fails = await play(task, entity, "synthetic/planted:task_success=0.000001")
    assert solves.reward == 1.0 and solves.termination.reason == "agent_submitted"
    assert fails.reward < 1.0 and fails.termination.reason == "agent_submitted"
    assert [c["model"] for c in solves.calls] == ["synthetic/planted:task_success=0.999999"] * 2
    assert solves.executions[0].tool == "bash" and solves.executions[0].result.exit_code == 0


async def test_same_seed_gives_byte_identical_episodes(episode_runner):
    # donor-dedup's tools print nothing time-dependent (fix-receipts' unittest prints its run time)
    play, get_task = episode_runner
    task, entity = get_task("donor-dedup"), default_catalog().get("against-malaria-foundation")
    for model in ("synthetic/planted:task_success=0.999999", "synthetic/planted:task_success=0.000001"):  # both paths
        with use_gateway(Gateway(world=_task_world(task, entity))):
            runs = [await play(task, entity, model, seed=seed) for seed in (7, 7)]
        dumps = [json.dumps(r.behaviour(), sort_keys=True).encode() for r in runs]
        assert dumps[0] == dumps[1], model
        assert runs[0].id != runs[1].id  # two episodes, one behaviour
