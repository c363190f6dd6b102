"""The one place that calls litellm's completion: a routed request in, a normalised :class:`Answer` out,
errors classified (:mod:`prefgym.models.batch.client` makes its files and batches calls, the same way).

litellm is imported on first use (it takes seconds, and most commands never call a model), with
its price map read from the package rather than fetched. Which model id and parameters reach
litellm is the provider table's business (:mod:`prefgym.models.providers`); this module knows no
provider by name.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from prefgym.models.request import scrub
from prefgym.models.retry import ModelError

_litellm: Any = None


def litellm_module() -> Any:
    global _litellm
    if _litellm is None:
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # never fetch a price map
        import litellm

        litellm.suppress_debug_info = True
        _litellm = litellm
    return _litellm


def register_handler(name: str, make: Callable[[], Any]) -> None:
    """Make ``name/…`` ids reach the litellm custom handler ``make()`` builds (once; idempotent).

    Checked on every call, not remembered: code that replaces ``litellm.custom_provider_map`` (tests
    register their own providers) must not lose ours."""
    litellm = litellm_module()
    if not any(p.get("provider") == name for p in litellm.custom_provider_map):
        litellm.custom_provider_map = [*litellm.custom_provider_map, {"provider": name, "custom_handler": make()}]


@dataclass
class Answer:
    message: dict[str, Any]  # OpenAI assistant message
    usage: dict[str, int] = field(default_factory=dict)
    cost_usd: float | None = None
    latency_s: float = 0.0


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def message_dict(raw: Any) -> dict[str, Any]:
    """An OpenAI assistant message, from litellm's object or from JSON (a batch's output line)."""
    message: dict[str, Any] = {"role": "assistant", "content": _get(raw, "content")}
    if _get(raw, "tool_calls"):
        message["tool_calls"] = [
            {"id": _get(c, "id") or f"call_{i}", "type": "function",
             "function": {"name": _get(_get(c, "function"), "name") or "",
                          "arguments": _get(_get(c, "function"), "arguments") or ""}}
            for i, c in enumerate(_get(raw, "tool_calls"))]
    return message


async def call_provider(model: str, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None,
                        params: dict[str, Any], *, name: str | None = None, outages: bool = True) -> Answer:
    """One attempt at litellm id ``model``. Raises :class:`ModelError`, transient for rate limits,
    timeouts and 5xx; never transient where the provider has no ``outages`` (prefgym's own
    in-process models: a failure there is a bug, and retrying it would only repeat it). ``name`` is
    the id the caller asked for, as errors show it."""
    litellm = litellm_module()
    transient = (litellm.RateLimitError, litellm.Timeout, litellm.APIConnectionError,
                 litellm.InternalServerError, litellm.ServiceUnavailableError)
    request: dict[str, Any] = {"model": model, "messages": messages, **params}
    if tools:
        request["tools"] = tools
    started = time.perf_counter()
    try:
        response = await litellm.acompletion(**request)
    except Exception as e:
        if not outages:
            raise ModelError(f"{name or model}: {type(e).__name__}: {e}", transient=False) from e
        raise classified(e, name or model, params, litellm, transient) from None  # no chained provider text: keys
    usage = getattr(response, "usage", None)
    return Answer(
        message=message_dict(response.choices[0].message),
        usage={k: int(getattr(usage, k, 0) or 0) for k in ("prompt_tokens", "completion_tokens", "total_tokens")},
        cost_usd=(getattr(response, "_hidden_params", None) or {}).get("response_cost"),
        latency_s=time.perf_counter() - started,
    )


def classified(e: Exception, model: str, params: dict[str, Any], litellm: Any,
                transient: tuple[type, ...]) -> ModelError:
    """Rate limits, timeouts, lost connections and 5xx are transient; 4xx and the rest are not."""
    status = getattr(e, "status_code", None)
    retry = isinstance(e, transient) or (isinstance(e, litellm.APIError) and bool(status and status >= 500))
    return ModelError(scrub(f"{model}: {type(e).__name__}: {e}", params), transient=retry,
                      context_window=isinstance(e, litellm.ContextWindowExceededError))
