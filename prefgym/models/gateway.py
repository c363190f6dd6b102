"""``complete()``: one model call through litellm, normalised into prefgym records."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

from prefgym.types import FunctionCall, Message, ToolCall, ToolSpec



def _litellm() -> Any:
    """Import litellm on first use: it takes seconds, and most commands never call a model."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # never fetch a price map
    import litellm

    litellm.suppress_debug_info = True
    return litellm


class ModelError(RuntimeError):
    """A model call failed. ``transient`` errors (rate limits, timeouts, 5xx) are worth retrying."""

    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


@dataclass
class Completion:
    message: Message
    model: str
    latency_s: float
    usage: dict[str, int] = field(default_factory=dict)
    cost_usd: float | None = None


def _to_message(raw: Any) -> Message:
    calls = None
    if getattr(raw, "tool_calls", None):
        calls = [ToolCall(id=c.id or f"call_{i}", function=FunctionCall(name=c.function.name or "",
                                                                          arguments=c.function.arguments or ""))
                 for i, c in enumerate(raw.tool_calls)]
    return Message(role="assistant", content=raw.content, tool_calls=calls)


async def complete(model: str, messages: list[Message], *, tools: list[ToolSpec] | None = None,
                   **params: Any) -> Completion:
    """Ask ``model`` (a litellm model id) for the next assistant message.

    ``params`` go to litellm unchanged (temperature, api_base, and litellm's offline
    ``mock_response`` / ``mock_tool_calls``, which drive litellm's real code path without a provider).
    """
    litellm = _litellm()
    transient = (litellm.RateLimitError, litellm.Timeout, litellm.APIConnectionError,
                 litellm.InternalServerError, litellm.ServiceUnavailableError)
    started = time.perf_counter()
    request: dict[str, Any] = {"model": model, "messages": [m.to_openai() for m in messages], **params}
    if tools:
        request["tools"] = [t.to_openai() for t in tools]
    try:
        response = await litellm.acompletion(**request)
    except transient as e:
        raise ModelError(f"{model}: {type(e).__name__}: {e}", transient=True) from e
    except litellm.APIError as e:
        status = getattr(e, "status_code", None)
        raise ModelError(f"{model}: {type(e).__name__}: {e}", transient=bool(status and status >= 500)) from e
    except Exception as e:  # bad request, auth, unknown provider: not worth retrying
        raise ModelError(f"{model}: {type(e).__name__}: {e}", transient=False) from e
    usage = getattr(response, "usage", None)
    return Completion(
        message=_to_message(response.choices[0].message),
        model=model,
        latency_s=time.perf_counter() - started,
        usage={k: int(getattr(usage, k, 0) or 0) for k in ("prompt_tokens", "completion_tokens", "total_tokens")},
        cost_usd=(getattr(response, "_hidden_params", None) or {}).get("response_cost"),
    )
