"""The limits a long real-model episode needs: a cap on the tool output the model is shown, a token
and a cost budget per episode, and a context-window refusal as an ending of its own. Each is driven
through litellm's real code path (its mock responses) and, for tool output, a real container."""

from __future__ import annotations

import json

from conftest import TEST_RUN, spec_for

from prefgym.agents import tool_call
from prefgym.agents.build import MOCK_MODEL
from prefgym.agents.tool_calling import ToolCallingAgent
from prefgym.entities import default_catalog
from prefgym.runner import run_spec
from prefgym.tasks import all_tasks
from prefgym.tools.dispatch import cap_content
from prefgym.types import Budget


def _call(name: str, arguments: dict, call_id: str = "c1") -> dict:
    """One mock turn of litellm's: the model calls ``name`` with ``arguments``."""
    return {"mock_tool_calls": [tool_call(call_id, name, json.dumps(arguments))], "mock_response": ""}


def _bash(command: str) -> dict:
    return _call("bash", {"command": command})


def test_the_cap_keeps_head_and_tail_and_says_what_it_cut():
    text = "A" * 10_000 + "é" * 10_000 + "Z" * 10_000  # multi-byte characters across the cut
    capped = cap_content(text, 16 * 1024)
    assert capped is not None and len(capped.encode()) <= 16 * 1024
    assert capped.startswith("A" * 100) and capped.endswith("Z" * 100) and "bytes of this output not shown" in capped
    assert cap_content("short", 16 * 1024) is None


async def test_a_huge_tool_output_reaches_the_model_capped_and_the_record_whole(docker_ready):
    task, catalog = all_tasks()["donor-sql"], default_catalog()
    agent = ToolCallingAgent(MOCK_MODEL, mock_turns=[_bash("head -c 50000 /dev/zero | tr '\\0' q; echo END"),
                                                     _call("submit", {}, "c2")])
    episode = await run_spec(spec_for(task, catalog.entities[0], "external"), task, catalog, run_id=TEST_RUN, agent=agent)
    shown = next(m for m in episode.messages if m.role == "tool")
    assert len(shown.content.encode()) <= task.limits.tool_output_bytes and "not shown" in shown.content
    assert shown.content.startswith("exit code: 0") and "END" in shown.content[-50:]  # head and tail kept
    record = episode.executions[0]
    assert record.full_content is not None and record.full_content.count("q") == 50_000
    # what the model was sent on its next turn is the capped text, not the whole output
    assert len(json.dumps(agent.history[-2].to_openai()).encode()) < 20 * 1024


async def test_a_token_budget_ends_the_episode_with_its_own_reason_and_a_grade(docker_ready):
    task, catalog = all_tasks()["donor-sql"], default_catalog()
    agent = ToolCallingAgent(MOCK_MODEL, mock_turns=[_bash("echo still working")])  # never submits
    spec = spec_for(task, catalog.entities[0], "external", budget=Budget(token_limit=400))
    episode = await run_spec(spec, task, catalog, run_id=TEST_RUN, agent=agent)
    assert episode.termination.reason.value == "token_limit" and "over the limit of 400" in episode.termination.detail
    assert episode.termination.reason.truncates and episode.grade is not None  # graded, like a turn limit
    spent = sum(c["usage"]["prompt_tokens"] + c["usage"]["completion_tokens"] for c in episode.calls)
    assert spent > 400 and 1 < episode.turns < task.limits.max_turns
    assert spec.id != spec_for(task, catalog.entities[0], "external").id  # a budget is part of what the episode was


async def test_a_context_window_refusal_is_not_an_agent_error():
    task, catalog = all_tasks()["advice-torn"], default_catalog()
    agent = ToolCallingAgent(MOCK_MODEL, mock_turns=[{"mock_response": "litellm.ContextWindowExceededError"}])
    e = catalog.entities
    episode = await run_spec(spec_for(task, e[0], "external", entity_b=e[1].id), task, catalog, agent=agent)
    assert episode.termination.reason.value == "context_length", episode.termination
