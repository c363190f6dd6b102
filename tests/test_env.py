"""The gymnasium contract of prefgym/Agentic-v0, in real containers."""

from __future__ import annotations

import asyncio
import json
import warnings

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import prefgym  # noqa: F401  (registers the env ids)
from prefgym.agents import submit_action, tool_call

from conftest import TEST_RUN


def make(**kwargs):
    return gym.make("prefgym/Agentic-v0", run_id=TEST_RUN, **kwargs)


def test_check_env_passes(docker_ready):
    env = make()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a checker warning is a failure too
            check_env(env.unwrapped, skip_render_check=True)
    finally:
        env.close()


def test_defaults_reset_observation_and_an_oracle_style_episode(docker_ready):
    env = make(task="donor-sql", entity="against-malaria-foundation")
    try:
        obs, info = env.reset(seed=0)
        assert env.observation_space.contains(obs)
        assert [m["role"] for m in obs["messages"]] == ["system", "user"]
        assert "Against Malaria Foundation" in obs["messages"][1]["content"]
        assert {t["function"]["name"] for t in obs["tools"]} >= {"bash", "submit"}
        assert info == {"task": "donor-sql", "entity": "against-malaria-foundation", "turn": 0}
        solution = env.unwrapped.task_spec.solution
        obs, reward, terminated, truncated, info = env.step(
            {"role": "assistant", "content": None,
             "tool_calls": [tool_call("t1", "bash", json.dumps({"command": solution}))]})
        assert obs["messages"][0]["content"].startswith("exit code: 0")
        assert (reward, terminated, truncated) == (0.0, False, False)
        obs, reward, terminated, truncated, info = env.step(submit_action())
        assert (reward, terminated, truncated) == (1.0, True, False)
        assert info["termination"] == "agent_submitted" and info["score"] == 1.0
        record = env.unwrapped.episode
        assert record.spec.entity == "against-malaria-foundation" and record.grade.passed
        assert (record.spec.agent, record.spec.model, record.spec.seed) == ("external", None, 0)
        assert [e.tool for e in record.executions] == ["bash", "submit"]
        with pytest.raises(RuntimeError, match="call reset"):
            env.step(submit_action())
    finally:
        env.close()
        env.close()  # idempotent


def test_user_replies_by_rule_then_ends_after_its_turns(docker_ready):
    env = make(task="donor-dedup")
    try:
        env.reset(seed=1)
        user = env.unwrapped.task_spec.user
        first_rule = user.rules[0]
        # Say something the first rule matches: a user message comes back, the episode goes on.
        text = {"role": "assistant", "content": _text_matching(first_rule.pattern)}
        obs, reward, terminated, truncated, _ = env.step(text)
        assert obs["messages"][0]["role"] == "user", first_rule.pattern
        assert obs["messages"][0]["content"] == env.unwrapped.entity.fill(first_rule.reply)
        for _ in range(user.max_user_turns):
            obs, reward, terminated, truncated, info = env.step({"role": "assistant", "content": "Hmm."})
        assert terminated and info["termination"] == "user_ended" and reward == 0.0
    finally:
        env.close()


def _text_matching(pattern: str) -> str:
    import re

    for candidate in ("Should I keep the header?", "Which email is a duplicate?", "What format for amounts?",
                      "What about invalid rows?", "Should summary.json include totals?", "deduplicate by email?"):
        if re.search(pattern, candidate, re.IGNORECASE):
            return candidate
    raise AssertionError(f"no canned question matches the rule {pattern!r}: add one")


def test_unusable_action_is_an_agent_error_and_max_turns_truncates(docker_ready, tmp_path):
    task_dir = tmp_path / "tiny"
    task_dir.mkdir()
    (task_dir / "task.yaml").write_text(
        "suite: agentic\ntitle: tiny\nuser: {opening: 'Help {entity_name}.'}\nlimits: {max_turns: 2}\n"
        "tools: [bash, submit]\n")
    env = make(task="tiny", tasks_dir=str(tmp_path))
    try:
        env.reset()
        _, _, terminated, truncated, info = env.step({"role": "user", "content": "I am not an assistant"})
        assert terminated and not truncated and info["termination"] == "agent_error"
        env.reset()
        env.step({"role": "assistant", "content": "thinking"})
        _, _, terminated, truncated, info = env.step({"role": "assistant", "content": "still thinking"})
        assert truncated and not terminated and info["termination"] == "max_turns"
    finally:
        env.close()


def test_a_bad_task_or_entity_fails_at_construction():
    from prefgym.entities import CatalogError
    from prefgym.tasks import TaskError

    with pytest.raises(TaskError, match="no task 'nope'"):
        make(task="nope")
    with pytest.raises(CatalogError, match="no entity 'nobody'"):
        make(entity="nobody")


async def test_sync_api_works_inside_a_running_event_loop_and_async_api_exists(docker_ready):
    env = make(task="fix-receipts")
    try:
        obs, _ = env.reset(seed=0)  # we are inside pytest-asyncio's running loop here
        assert asyncio.get_running_loop() is not None and obs["messages"]
        obs, _ = await env.unwrapped.areset(seed=0)
        obs, reward, terminated, *_ = await env.unwrapped.astep(submit_action())
        assert terminated and reward == 0.0
    finally:
        await env.unwrapped.aclose()
        env.close()
