"""The model gateway on litellm's real code path: retries, cache, caps, prefill, recorder, secrets.

Failing and slow providers are litellm custom providers registered here: litellm itself raises,
maps and returns through them exactly as it would for a remote API.
"""

from __future__ import annotations

import ast
import asyncio
import graphlib
import json
from pathlib import Path

import pytest

import prefgym.models
from prefgym.models import (
    CallCache, CallRecorder, Gateway, ModelError, ProviderLimits, Replay, RetryPolicy, SyntheticWorld, check_model,
    estimate_cost, prefill_mode, provider_for, provider_of, read_calls, use_gateway, validate_model,
)
from prefgym.models.call import litellm_module
from prefgym.models.providers import LITELLM, LOCAL, SYNTHETIC

FAST_RETRY = RetryPolicy(max_attempts=4, base_delay_s=0.001, max_delay_s=0.01)
USER = [{"role": "user", "content": "Say hello."}]


class ScriptedProvider:
    """A litellm custom provider whose answers per call are scripted: an exception class or text."""

    def __init__(self, name: str):
        from litellm import CustomLLM, ModelResponse

        self.name, self.calls, self.active, self.peak = name, 0, 0, 0
        self.script: list = []
        self.delay_s = 0.0
        owner = self

        class Handler(CustomLLM):
            async def acompletion(self, *args, **kwargs):
                owner.calls += 1
                owner.active += 1
                owner.peak = max(owner.peak, owner.active)
                try:
                    await asyncio.sleep(owner.delay_s)
                    step = owner.script.pop(0) if owner.script else "ok"
                    if isinstance(step, type):
                        raise step("scripted failure", llm_provider=owner.name, model=kwargs["model"])
                    response = ModelResponse()
                    response.choices[0].message.content = step
                    return response
                finally:
                    owner.active -= 1

        litellm = litellm_module()
        litellm.custom_provider_map = [p for p in litellm.custom_provider_map if p["provider"] != name]
        litellm.custom_provider_map.append({"provider": name, "custom_handler": Handler()})


@pytest.fixture
def flaky():
    return ScriptedProvider("pgflaky")


async def test_rate_limit_then_success_is_retried(flaky):
    litellm = litellm_module()
    flaky.script = [litellm.RateLimitError, litellm.InternalServerError, "hello"]
    gateway = Gateway(retry=FAST_RETRY)
    completion = await gateway.complete("pgflaky/m", USER)
    assert completion.message.content == "hello"
    assert completion.attempts == 3 and flaky.calls == 3
    assert gateway.stats.retries == 2


async def test_bad_request_is_not_retried(flaky):
    flaky.script = [litellm_module().BadRequestError, "never reached"]
    gateway = Gateway(retry=FAST_RETRY)
    with pytest.raises(ModelError) as caught:
        await gateway.complete("pgflaky/m", USER)
    assert not caught.value.transient and caught.value.attempts == 1
    assert flaky.calls == 1


async def test_retries_give_up_after_max_attempts(flaky):
    flaky.script = [litellm_module().Timeout] * 10
    with pytest.raises(ModelError) as caught:
        await Gateway(retry=FAST_RETRY).complete("pgflaky/m", USER)
    assert caught.value.transient and caught.value.attempts == 4 and flaky.calls == 4


async def test_a_cached_rerun_makes_zero_provider_calls(flaky, tmp_path):
    cache = CallCache(tmp_path / "calls.sqlite")
    flaky.script = ["first answer"]
    first = await Gateway(cache=cache).complete("pgflaky/m", USER, temperature=1.0, sample=0)
    rerun = Gateway(cache=CallCache(tmp_path / "calls.sqlite"))  # a new process would open the file anew
    again = await rerun.complete("pgflaky/m", USER, temperature=1.0, sample=0)
    assert flaky.calls == 1 and rerun.stats.provider_calls == 0 and rerun.stats.cache_hits == 1
    assert again.message.content == first.message.content == "first answer" and again.source == "cache"
    await rerun.complete("pgflaky/m", USER, temperature=1.0, sample=1)  # another sample is another request
    assert flaky.calls == 2


async def test_concurrency_never_exceeds_the_providers_cap(flaky):
    flaky.delay_s = 0.02
    gateway = Gateway(limits=ProviderLimits(caps={"pgflaky": 3}))
    await asyncio.gather(*(gateway.complete("pgflaky/m", USER, sample=i) for i in range(20)))
    assert flaky.calls == 20
    assert flaky.peak == 3  # the cap was reached, and never passed


async def test_no_api_key_reaches_any_file(flaky, tmp_path, monkeypatch):
    env_key, param_key = "sk-env-SECRET-0123456789abcdef", "sk-param-SECRET-9876543210fedcba"
    monkeypatch.setenv("PGFLAKY_API_KEY", env_key)
    gateway = Gateway(cache=CallCache(tmp_path / "c.sqlite"), recorder=CallRecorder(tmp_path / "calls.jsonl"),
                      retry=FAST_RETRY)
    flaky.script = ["fine"]
    await gateway.complete("pgflaky/m", USER, api_key=param_key, extra_headers={"Authorization": f"Bearer {param_key}"})
    await gateway.complete("openai/gpt-4o-mini", USER, api_key=param_key, mock_response="mocked")
    with pytest.raises(ModelError) as caught:  # litellm's auth error for a bad key must not echo it either
        await gateway.complete("openai/gpt-4o-mini", USER, api_key=param_key,
                               mock_response=Exception(f"Incorrect API key provided: {param_key}"))
    assert param_key not in str(caught.value)
    written = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert written and b"fine" in written and b"mocked" in written
    for secret in (env_key, param_key):
        assert secret.encode() not in written


async def test_recorder_writes_each_call_with_tags_usage_and_key(tmp_path):
    gateway = Gateway(recorder=CallRecorder(tmp_path / "calls.jsonl"))
    completion = await gateway.complete("openai/gpt-4o-mini", USER, mock_response="hi there",
                                        tags={"episode": "e1", "role": "agent"})
    (record,) = list(read_calls(tmp_path / "calls.jsonl"))
    assert record.key == completion.key and record.tags == {"episode": "e1", "role": "agent"}
    assert record.message["content"] == "hi there" and record.usage["total_tokens"] > 0
    assert record.request["messages"] == USER and record.source == "provider"


async def test_a_torn_last_line_is_skipped(tmp_path):
    path = tmp_path / "calls.jsonl"
    await Gateway(recorder=CallRecorder(path)).complete("openai/x", USER, mock_response="one")
    with open(path, "a") as f:
        f.write('{"schema_version": 1, "key": "ab')  # killed mid-write
    assert [c.message["content"] for c in read_calls(path)] == ["one"]


async def test_prefill_native_for_synthetic_and_instructed_elsewhere(tmp_path):
    recorder = CallRecorder(tmp_path / "calls.jsonl")
    gateway = Gateway(recorder=recorder)
    ask = [{"role": "user", "content": "Should I give to GiveDirectly or to the Against Malaria Foundation?"}]
    native = await gateway.complete("synthetic/planted", ask, prefill="I recommend donating to")
    assert native.prefill_mode == "native"
    assert native.message.content.startswith("I recommend donating to ")
    assert native.message.content.count("I recommend") == 1
    fallback = await gateway.complete("openai/gpt-4o-mini", ask, prefill="I recommend donating to",
                                      mock_response="GiveDirectly.")
    assert fallback.prefill_mode == "instruction"
    assert fallback.message.content == "I recommend donating to GiveDirectly."
    sent = [json.loads(line) for line in (tmp_path / "calls.jsonl").read_text().splitlines()]
    assert [s["prefill_mode"] for s in sent] == ["native", "instruction"]


async def test_use_gateway_routes_module_level_complete(flaky):
    from prefgym.models import complete

    gateway = Gateway()
    with use_gateway(gateway):
        await complete("pgflaky/m", USER)
    assert gateway.stats.provider_calls == 1


async def test_replay_serves_recorded_answers_with_zero_provider_calls(flaky, tmp_path):
    gateway = Gateway(recorder=CallRecorder(tmp_path / "calls.jsonl"))
    flaky.script = ["one", "two"]
    for i in range(2):
        await gateway.complete("pgflaky/m", [*USER, {"role": "user", "content": str(i)}], tags={"episode": "e"})
    replay = Replay.from_run(tmp_path / "calls.jsonl", "e")
    offline = Gateway(replay=replay)
    answers = [(await offline.complete("pgflaky/m", [*USER, {"role": "user", "content": str(i)}])).message.content
               for i in range(2)]
    assert answers == ["one", "two"] and flaky.calls == 2 and offline.stats.provider_calls == 0
    assert replay.complete and all(step.matched for step in replay.steps)
    with pytest.raises(ModelError):
        await offline.complete("pgflaky/m", USER)  # past the recording: an error, never a provider call
    assert flaky.calls == 2


async def test_bad_synthetic_option_is_refused_naming_it():
    with pytest.raises(ModelError, match="nosie"):
        await Gateway().complete("synthetic/planted:nosie=2", USER)


def test_validate_model_names_the_bad_option_and_passes_the_rest():
    with pytest.raises(ModelError, match="nosie") as caught:
        validate_model("synthetic/planted:nosie=2")
    assert not caught.value.transient
    for fine in ("synthetic/null:seed=3", "local/smollm2", "openai/gpt-4o", "pgflaky/m"):
        validate_model(fine)


async def test_with_world_shares_everything_but_the_world(flaky, tmp_path):
    gateway = Gateway(cache=CallCache(tmp_path / "c.sqlite"), recorder=CallRecorder(tmp_path / "calls.jsonl"))
    world = SyntheticWorld.build(entities=[("zephyr", "Zephyr Relief Fund")])
    derived = gateway.with_world(world)
    assert derived.world is world and gateway.world is None
    for part in ("cache", "recorder", "replay", "retry", "limits", "stats"):
        assert getattr(derived, part) is getattr(gateway, part), part
    await derived.complete("synthetic/planted", USER)
    await derived.complete("pgflaky/m", USER)
    assert gateway.stats.provider_calls == 2 and gateway.stats.models == {"synthetic/planted", "pgflaky/m"}
    await gateway.complete("pgflaky/m", USER)  # the same cache: answered without a provider call
    assert gateway.stats.cache_hits == 1 and flaky.calls == 1
    assert len(list(read_calls(tmp_path / "calls.jsonl"))) == 3


def test_the_provider_table_routes_each_kind_and_keeps_todays_answers(monkeypatch):
    for key in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(key, raising=False)
    assert provider_for("synthetic/planted") is provider_for("synthetic/null:seed=3") is SYNTHETIC
    assert provider_for("local/smollm2") is LOCAL
    for hosted in ("openai/gpt-4o", "anthropic/claude-3-5-sonnet-20240620", "gpt-4o", "pgflaky/m"):
        assert provider_for(hosted) is LITELLM, hosted
    assert not SYNTHETIC.cached and LOCAL.cached and LITELLM.cached

    expected = {  # model: (checked provider, missing keys, priced, cost of 1000+100 tokens, prefill, cap key)
        "synthetic/planted": ("synthetic", [], True, 0.0, "native", "synthetic"),
        "local/smollm2": ("local", [], True, 0.0, "instruction", "local"),
        "openai/gpt-4o": ("openai", ["OPENAI_API_KEY"], True, 0.0035, "instruction", "openai"),
        "anthropic/claude-3-5-sonnet-20240620": ("anthropic", ["ANTHROPIC_API_KEY"], False, None, "native", "anthropic"),
        "gpt-4o": ("openai", ["OPENAI_API_KEY"], True, 0.0035, "instruction", "openai"),
    }
    for model, (provider, missing, priced, cost, prefill, cap) in expected.items():
        check = check_model(model)
        assert (check.provider, check.missing_keys, check.priced, check.error) == (provider, missing, priced, None), model
        assert estimate_cost(model, 1000, 100) == (None if cost is None else pytest.approx(cost)), model
        assert prefill_mode(model) == prefill, model
        assert provider_of(model) == cap, model

    bad = check_model("synthetic/planted:nosie=2")
    assert bad.provider == "synthetic" and "nosie" in bad.error and not bad.ok
    assert check_model("local/nope").error == "unknown local model 'local/nope'"
    assert check_model("nosuch/x").provider is None and "litellm cannot route" in check_model("nosuch/x").error
    assert estimate_cost("openai/no-such-model", 1000, 100) is None


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_cycle_inside_prefgym_models():
    """Every import statement counts, the ones inside functions too: a lazy import only hides a circle."""
    root = Path(prefgym.models.__file__).parent
    files = {_module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}

    def resolve(name: str) -> str | None:
        while name and name not in files:  # an imported attribute of a module: the module
            name = name.rpartition(".")[0]
        return name or None

    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]) if node.level else ""
                base = ".".join(filter(None, [base, node.module]))
                targets = [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                if (module := resolve(target)) is not None and module != name:
                    graph[name].add(module)
    assert graph["prefgym.models.providers"] and graph["prefgym.models"]  # the graph was really built
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as e:
        pytest.fail("import cycle in prefgym.models: " + " -> ".join(e.args[1]))


def test_a_token_count_is_part_of_the_request_a_token_is_not():
    """max_tokens changes the answer, so it is recorded and keys the cache; a credential named
    *_token is scrubbed like an api_key."""
    from prefgym.models.request import Request

    short, long = (Request("synthetic/planted", [{"role": "user", "content": "hi"}], None,
                           {"max_tokens": n, "aws_session_token": "sekrit-123"}, 0, None) for n in (16, 4096))
    assert short.public()["params"] == {"max_tokens": 16} and short.key() != long.key()
    assert "sekrit" not in str(short.public())
