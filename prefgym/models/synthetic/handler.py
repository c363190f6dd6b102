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

from prefgym.models.synthetic.behaviour import respond
from prefgym.models.synthetic.params import parse_model_id
from prefgym.models.synthetic.world import SyntheticWorld
from prefgym.models.tokens import approx_tokens

HANDLER_NAME = "prefgym_synthetic"  # litellm's provider name for ours ("synthetic" is taken by one of litellm's)
_SAMPLE, _WORLD = "prefgym_sample", "prefgym_world"


def call_metadata(sample: int, world: SyntheticWorld) -> dict[str, Any]:
    """What the handler needs to know of a call, as strings and ints (they survive litellm's copies)."""
    return {_SAMPLE: sample, _WORLD: world.token}


def _world(metadata: dict[str, Any]) -> SyntheticWorld:
    token = metadata.get(_WORLD)
    if token is None:
        return SyntheticWorld.default()
    world = SyntheticWorld.find(token)
    if world is None:  # the gateway holds its world for the whole call: a lost one is a bug
        raise LookupError(f"synthetic world {token!r} is gone")
    return world


class SyntheticHandler(CustomLLM):
    async def acompletion(self, *args: Any, **kwargs: Any) -> ModelResponse:
        latency = parse_model_id(kwargs["model"]).latency_s
        if latency > 0:
            await asyncio.sleep(latency)
        return self.completion(*args, **kwargs)

    def completion(self, *args: Any, **kwargs: Any) -> ModelResponse:
        params = parse_model_id(kwargs["model"])
        optional = kwargs.get("optional_params") or {}
        metadata = (kwargs.get("litellm_params") or {}).get("metadata") or {}
        messages = kwargs["messages"]
        message = respond(params, _world(metadata), messages, optional.get("tools"), int(metadata.get(_SAMPLE, 0)))
        response = ModelResponse(model=f"synthetic/{kwargs['model']}")
        out = response.choices[0].message
        out.content = message.get("content")
        if message.get("tool_calls"):
            out.tool_calls = [ChatCompletionMessageToolCall(id=c["id"], type="function",
                                                            function=Function(**c["function"]))
                              for c in message["tool_calls"]]
            response.choices[0].finish_reason = "tool_calls"
        prompt = sum(approx_tokens(str(m.get("content") or "")) for m in messages)
        completion = approx_tokens(str(message.get("content") or "") + str(message.get("tool_calls") or ""))
        response.usage = Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)
        return response
