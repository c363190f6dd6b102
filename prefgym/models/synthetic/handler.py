"""The synthetic models as a litellm custom provider: litellm builds and parses the response."""

from __future__ import annotations

from typing import Any

from litellm import CustomLLM, ModelResponse
from litellm.types.utils import ChatCompletionMessageToolCall, Function, Usage

from prefgym.models.provider import approx_tokens
from prefgym.models.synthetic.behaviour import respond
from prefgym.models.synthetic.params import parse_model_id



class SyntheticProvider(CustomLLM):
    async def acompletion(self, *args: Any, **kwargs: Any) -> ModelResponse:
        return self.completion(*args, **kwargs)

    def completion(self, *args: Any, **kwargs: Any) -> ModelResponse:
        params = parse_model_id(kwargs["model"])
        optional = kwargs.get("optional_params") or {}
        metadata = (kwargs.get("litellm_params") or {}).get("metadata") or {}
        messages = kwargs["messages"]
        message = respond(params, messages, optional.get("tools"), int(metadata.get("prefgym_sample", 0)))
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
