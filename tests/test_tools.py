"""Malformed tool calls become error messages to the model; the episode goes on."""

from __future__ import annotations

import json

from prefgym.agents import tool_call
from prefgym.tasks import all_tasks
from prefgym.tools import BUILTIN_TOOLS, ToolContext, call_tool
from prefgym.types import ToolCall

from conftest import core_for


def _call(name: str, arguments: str) -> ToolCall:
    return ToolCall.model_validate(tool_call("c1", name, arguments))


async def test_bad_calls_come_back_as_error_messages_without_a_sandbox():
    ctx = ToolContext(sandbox=None)
    cases = {
        ("bash", '{"command": "ls"'): "not valid JSON",
        ("rm_rf", "{}"): "unknown tool 'rm_rf'",
        ("bash", "{}"): "invalid arguments for 'bash': command: Field required",
        ("bash", '["ls"]'): "must be a JSON object",
        ("write_file", '{"path": "x", "content": "y", "mode": 7}'): "mode: Extra inputs are not permitted",
    }
    for (name, args), expected in cases.items():
        message, record, output = await call_tool(BUILTIN_TOOLS, _call(name, args), ctx)
        assert message.role == "tool" and message.tool_call_id == "c1"
        assert message.content.startswith("Error: ") and expected in message.content, message.content
        assert record.error and output is None


def test_tool_specs_are_json_schema_objects():
    for tool in BUILTIN_TOOLS.values():
        spec = tool.spec.to_openai()
        assert spec["type"] == "function" and spec["function"]["parameters"]["type"] == "object"
    assert BUILTIN_TOOLS["bash"].spec.parameters["required"] == ["command"]


async def test_malformed_calls_inside_an_episode_do_not_end_it(entity, sandbox_factory):
    core = core_for(all_tasks()["donor-dedup"], entity, sandbox_factory=sandbox_factory)
    await core.reset()
    try:
        action = {"role": "assistant", "content": None, "tool_calls": [
            tool_call("a", "bash", "{not json"),
            tool_call("b", "teleport", "{}"),
            tool_call("c", "bash", json.dumps({"command": "echo ok-$((6*7))"})),
        ]}
        obs, reward, terminated, truncated, info = await core.step(action)
        contents = [m["content"] for m in obs["messages"]]
        assert [m["tool_call_id"] for m in obs["messages"]] == ["a", "b", "c"]
        assert contents[0].startswith("Error:") and contents[1].startswith("Error:")
        assert "ok-42" in contents[2]
        assert not terminated and not truncated and reward == 0.0
        assert [e.error is None for e in core.executions] == [False, False, True]
    finally:
        await core.release()


async def test_read_write_list_and_python_tools_work_in_a_sandbox(sandbox):
    ctx = ToolContext(sandbox=sandbox)
    m, *_ = await call_tool(BUILTIN_TOOLS, _call("write_file", json.dumps({"path": "d/n.txt", "content": "abc"})), ctx)
    assert m.content == "wrote 3 bytes to d/n.txt"
    m, *_ = await call_tool(BUILTIN_TOOLS, _call("read_file", '{"path": "d/n.txt"}'), ctx)
    assert m.content == "abc"
    m, *_ = await call_tool(BUILTIN_TOOLS, _call("list_dir", '{"path": "d"}'), ctx)
    assert "n.txt" in m.content
    m, *_ = await call_tool(BUILTIN_TOOLS, _call("python", json.dumps({"code": "print(6*7)"})), ctx)
    assert m.content.splitlines() == ["exit code: 0", "42"]
    m, *_ = await call_tool(BUILTIN_TOOLS, _call("read_file", '{"path": "nope.txt"}'), ctx)
    assert m.content.startswith("Error: nope.txt")
