"""The synthetic models as a litellm custom handler: litellm builds and parses the response.

What the answer depends on besides the messages (the sample index and the world) reaches the
handler in the call's ``metadata``, as plain values: :func:`call_metadata` writes them and
:meth:`SyntheticHandler.completion` reads them, so the two ends of that little wire format live here.
"""

from __future__ import annotations

import asyncio
from typing import Any

from litellm import CustomLLM, ModelResponse
from litellm.types.utils import ChatCompletionMessageToolCall, Function, Usage

from prefgym.models.synthetic.answer import synthetic_answer
from prefgym.models.synthetic.params import parse_model_id
from prefgym.models.synthetic.world import SyntheticWorld

HANDLER_NAME = "prefgym_synthetic"  # litellm's provider name for ours ("synthetic" is taken by one of litellm's)
_SAMPLE, _WORLD = "prefgym_sample", "prefgym_world"


def call_metadata(sample: int, world: SyntheticWorld) -> dict[str, Any]:
    """What the handler needs to know of a call, as strings and ints (they survive litellm's copies)."""
    return {_SAMPLE: sample, _WORLD: world.token}


def call_sample(metadata: dict[str, Any]) -> int:
    return int(metadata.get(_SAMPLE, 0))


def call_world(metadata: dict[str, Any], fallback: SyntheticWorld | None = None) -> SyntheticWorld:
    """The world a call names. One this process does not hold is the ``fallback`` (an endpoint
    serving another process's calls, started with that run's world), else an error: in this
    process the gateway holds its world for the whole call, so a lost one is a bug."""
    token = metadata.get(_WORLD)
    if token is None:
        return fallback or SyntheticWorld.default()
    world = SyntheticWorld.find(token)
    if world is None:
        if fallback is not None:
            return fallback
        raise LookupError(f"synthetic world {token!r} is gone")
    return world


class SyntheticHandler(CustomLLM):
    async def acompletion(self, *args: Any, **kwargs: Any) -> ModelResponse:
        latency = parse_model_id(kwargs["model"]).latency_s
        if latency > 0:
            await asyncio.sleep(latency)
        return self.completion(*args, **kwargs)

    def completion(self, *args: Any, **kwargs: Any) -> ModelResponse:
        optional = kwargs.get("optional_params") or {}
        metadata = (kwargs.get("litellm_params") or {}).get("metadata") or {}
        message, usage = synthetic_answer(kwargs["model"], call_world(metadata), kwargs["messages"],
                                          optional.get("tools"), call_sample(metadata))
        response = ModelResponse(model=f"synthetic/{kwargs['model']}")
        out = response.choices[0].message
        out.content = message.get("content")
        if message.get("tool_calls"):
            out.tool_calls = [ChatCompletionMessageToolCall(id=c["id"], type="function",
                                                            function=Function(**c["function"]))
                              for c in message["tool_calls"]]
            response.choices[0].finish_reason = "tool_calls"
        response.usage = Usage(**usage)
        return response
