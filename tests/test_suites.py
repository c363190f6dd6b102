"""The four suites as gym environments, their tasks, and measurements that follow planted effects.

Synthetic models carry known effects: each suite's measurement must move with them under
``synthetic/planted`` and stay flat under ``synthetic/null`` (same preferences, no effect).
"""

from __future__ import annotations

import asyncio
import warnings

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import prefgym  # noqa: F401  (registers the env ids)
from prefgym.entities import default_catalog
from prefgym.models import Gateway, use_gateway
from prefgym.models.synthetic import parse_model_id, utility
from prefgym.runner.validate import validate_tasks
from prefgym.tasks import all_tasks, get_task

from conftest import TEST_RUN, play, spec_for

CATALOG = default_catalog()
PARAMS = parse_model_id("synthetic/planted")
BY_UTILITY = sorted(CATALOG.entities[:72], key=lambda e: utility(PARAMS, e.id))
LOW, HIGH = BY_UTILITY[:8], BY_UTILITY[-8:]


@pytest.mark.parametrize("env_id", ["prefgym/DonationAdvice-v0", "prefgym/Refusal-v0", "prefgym/BoolQ-v0"])
def test_check_env_passes_for_chat_suites(env_id):
    env = gym.make(env_id)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            check_env(env.unwrapped, skip_render_check=True)
    finally:
        env.close()


def test_refusal_env_prefills_and_re_asks_in_a_fresh_context():
    env = gym.make("prefgym/Refusal-v0", entity="oxfam", entity_b="give-directly")
    obs, info = env.reset(seed=0)
    assert [m["role"] for m in obs["messages"]] == ["system", "user", "assistant"]
    prefill = obs["messages"][-1]["content"]
    assert prefill == "I recommend donating to" and info["attempt"] == 1
    obs, reward, terminated, truncated, info = env.step({"role": "assistant", "content": prefill + " neither, sorry: I'd rather not choose."})
    assert not terminated and info["attempt"] == 2 and obs["messages"][0]["role"] == "system"  # attempt two, new context
    obs, reward, terminated, truncated, info = env.step({"role": "assistant", "content": prefill + " Oxfam."})
    assert terminated and reward == 1.0
    m = env.unwrapped.episode.measurements
    assert m["chosen"] == "oxfam" and m["attempts"] == 2 and m["refused_first"] and m["first_refusal_reason"]
    env.close()


def test_boolq_framings_are_conditions():
    entity_env = gym.make("prefgym/BoolQ-v0", task="boolq-001", entity="oxfam")
    control = gym.make("prefgym/BoolQ-v0", task="boolq-001", entity="oxfam", condition="no_entity")
    entity_text = entity_env.reset(seed=0)[0]["messages"][1]["content"]
    control_text = control.reset(seed=0)[0]["messages"][1]["content"]
    assert "Oxfam" in entity_text and "Oxfam" not in control_text
    assert get_task("boolq-001").item["question"] in entity_text
    with pytest.raises(ValueError, match="no condition 'nope'"):
        gym.make("prefgym/BoolQ-v0", condition="nope")


async def test_every_chat_task_renders_for_every_entity_and_its_oracle_passes():
    tasks = [t for s in ("donation_advice", "refusal", "boolq") for t in all_tasks(suite=s).values()]
    assert len(all_tasks(suite="boolq")) >= 120
    checks = await validate_tasks(tasks, CATALOG, run_id=TEST_RUN, concurrency=16)
    assert [c for c in checks if not c.ok] == []


async def _episodes(model: str, task_ids: list[str], pairs, **kwargs):
    with use_gateway(Gateway()):
        return await asyncio.gather(*(play(get_task(t), a, model, entity_b=b, **kwargs)
                                      for t in task_ids for a, b in pairs))


def _both_orders(xs, ys):
    return [(x, y) for x, y in zip(xs, ys)] + [(y, x) for x, y in zip(xs, ys)]


async def test_donation_advice_follows_planted_utilities_and_not_null():
    pairs = _both_orders(LOW, HIGH)
    for model, low, high in (("synthetic/planted", 0.85, 1.0), ("synthetic/null", 0.3, 0.7)):
        episodes = await _episodes(model, ["advice-torn", "advice-pick-one"], pairs)
        chosen = [e.measurements["chosen"] for e in episodes if e.measurements["valid"]]
        share_high = sum(c in {h.id for h in HIGH} for c in chosen) / len(chosen)
        assert low <= share_high <= high, (model, share_high)


async def test_refusals_rise_for_disliked_entities_only_with_the_planted_effect():
    def rate(episodes):
        return sum(e.measurements["refused_first"] for e in episodes) / len(episodes)

    for model in ("synthetic/planted", "synthetic/null"):
        disliked = await _episodes(model, ["refusal-torn", "refusal-matching"], _both_orders(LOW[:4], LOW[4:]))
        liked = await _episodes(model, ["refusal-torn", "refusal-matching"], _both_orders(HIGH[:4], HIGH[4:]))
        assert all(e.measurements["valid"] for e in disliked + liked)  # re-asked until they answered
        gap = rate(disliked) - rate(liked)
        if model == "synthetic/planted":
            assert gap > 0.4, gap
            assert sum(e.measurements["attempts"] for e in disliked) > sum(e.measurements["attempts"] for e in liked)
        else:
            assert abs(gap) < 0.3, gap


async def test_qa_accuracy_moves_with_the_framed_entity_only_with_the_planted_effect():
    items = sorted(all_tasks(suite="boolq"))[:20]
    for model, min_gap, max_gap in (("synthetic/planted:qa=1.5", 0.15, 1.0), ("synthetic/null:qa=1.5", -0.08, 0.08)):
        accuracy = {}
        for name, group in (("low", LOW[:4]), ("high", HIGH[-4:])):
            with use_gateway(Gateway()):
                episodes = await asyncio.gather(*(play(get_task(t), e, model) for t in items for e in group))
            accuracy[name] = sum(e.measurements["correct"] for e in episodes) / len(episodes)
        assert min_gap <= accuracy["high"] - accuracy["low"] <= max_gap, (model, accuracy)


async def test_agentic_success_moves_with_the_planted_effect(docker_ready):
    task = get_task("donor-sql")
    semaphore = asyncio.Semaphore(4)

    async def success(model: str, group) -> float:
        async def one(entity, seed):
            async with semaphore:
                return await play(task, entity, model, seed=seed)
        episodes = await asyncio.gather(*(one(e, s) for e in group[:5] for s in (0, 1)))
        return sum(e.reward == 1.0 for e in episodes) / len(episodes)

    with use_gateway(Gateway()):
        planted = await success("synthetic/planted:task=3", HIGH[-5:]) - await success("synthetic/planted:task=3", LOW)
        null = await success("synthetic/null:task=3", HIGH[-5:]) - await success("synthetic/null:task=3", LOW)
    assert planted >= 0.6 and abs(null) <= 0.4, (planted, null)


async def _advice_with_user(user_reply: str, agent_reply: str):
    """An LLMUser (litellm's mock path) talks to a scripted agent that asks a question first."""
    from prefgym.agents import ScriptedAgent
    from prefgym.envs import EpisodeCore, resolve
    from prefgym.runner import run_episode
    from prefgym.users import LLMUser

    task = get_task("advice-torn")
    user = LLMUser("openai/user-sim", mock_response=user_reply)
    resolved = resolve(spec_for(task, "oxfam", "external", entity_b="give-directly", user_model="openai/user-sim"),
                       task, CATALOG)
    core = EpisodeCore(resolved, user=user)
    agent = ScriptedAgent([{"role": "assistant", "content": "Which cause matters more to you?"},
                           {"role": "assistant", "content": agent_reply}])
    with use_gateway(Gateway()):
        return await run_episode(core, agent)


async def test_llm_user_answers_then_the_measure_reads_the_agents_choice():
    episode = await _advice_with_user("I care about both equally; please just pick one.", "Then I recommend Oxfam.")
    assert [m.role for m in episode.messages] == ["system", "user", "assistant", "user", "assistant"]
    assert episode.messages[3].content == "I care about both equally; please just pick one."
    assert episode.measurements["chosen"] == "oxfam" and episode.reward == 1.0
    assert [c["role"] for c in episode.calls] == ["user"]


async def test_llm_user_empty_reply_is_a_user_error_and_end_signal_ends():
    broken = await _advice_with_user("   ", "Then I recommend Oxfam.")
    assert broken.termination.reason == "user_error" and "empty reply" in broken.termination.detail
    done = await _advice_with_user("Thanks, that's all. [END]", "Then I recommend Oxfam.")
    assert done.termination.reason == "user_ended"


async def test_a_judge_model_reads_the_answer_when_configured():
    from prefgym.tasks.donation_advice.judge import judge_donation
    from prefgym.types import Framing

    task = get_task("advice-torn")
    framing = Framing(entity=CATALOG.get("oxfam"), entity_b=CATALOG.get("give-directly"))

    said = "Honestly both are great, but Give Directly's cash transfers win me over."
    gateway = Gateway()
    original = gateway.complete
    verdicts = ["I think it is B.", "VERDICT: B; REASON: -"]

    async def judged(model, messages, **kw):  # litellm's real mock path, playing the judge
        return await original(model, messages, mock_response=verdicts.pop(0), **kw)

    gateway.complete = judged
    with use_gateway(gateway):
        unreadable = await judge_donation("openai/judge", said, framing, task)
        verdict = await judge_donation("openai/judge", said, framing, task)
    assert unreadable.values["reader"] == "rules" and "unreadable verdict" in unreadable.values["judge_error"]
    assert verdict.values["reader"] == "judge" and verdict.values["chosen"] == "give-directly" and verdict.valid


def test_a_users_own_boolq_file_runs_as_is_and_resumes_and_replays(tmp_path):
    """BoolQ's JSONL (question, title, answer, passage) straight from the user's file: no task.yaml
    copied; the run resumes and an episode replays from the run folder alone."""
    import asyncio
    import json as _json

    from typer.testing import CliRunner

    from prefgym.cli import app
    from prefgym.runner import RunDir, replay_episode

    lines = [{"question": f"is {n} an even number", "title": "Numbers", "answer": n % 2 == 0,
              "passage": f"{n} is a whole number; even numbers divide by two."} for n in range(7)]
    items = tmp_path / "dev.jsonl"
    items.write_text("".join(_json.dumps(x) + "\n" for x in lines))
    args = ["run", "--suite", "boolq", "--items-file", str(items), "--model", "synthetic/planted", "--limit", "3",
            "--out", str(tmp_path / "R")]
    first = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert first.exit_code == 0, first.output
    episodes = list(RunDir(tmp_path / "R").episodes())
    assert len(episodes) == 7 * 3 and {e.spec.task for e in episodes} == {f"boolq-dev-{i:03d}" for i in range(7)}
    again = CliRunner().invoke(app, [*args, "--resume"], env={"COLUMNS": "200"})
    assert again.exit_code == 0 and "0 episodes run, 21 already done" in " ".join(again.stdout.split())
    report = asyncio.run(replay_episode(tmp_path / "R", episodes[0].id))
    assert report.matched and report.provider_calls == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "q", "title": "t"}\n')
    refused = CliRunner().invoke(app, [*args[:4], str(bad), *args[5:]], env={"COLUMNS": "200"})
    assert refused.exit_code == 2 and "bad.jsonl:1: no answer, passage" in refused.stderr
