"""The one place that calls litellm: a request in, a normalised :class:`Answer` out, errors classified.

litellm is imported on first use (it takes seconds, and most commands never call a model), with
its price map read from the package rather than fetched. prefgym's own offline models are
registered with litellm as custom providers, so they go through the same code path as a paid one.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

from prefgym.models.request import scrub
from prefgym.models.retry import ModelError

_litellm: Any = None

# prefgym name → litellm custom provider name ("synthetic" is taken by a litellm provider)
CUSTOM_PROVIDERS = {"synthetic": "prefgym_synthetic"}


def litellm_module() -> Any:
    global _litellm
    if _litellm is None:
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # never fetch a price map
        import litellm

        litellm.suppress_debug_info = True
        from prefgym.models.synthetic.provider import SyntheticProvider

        litellm.custom_provider_map = [
            *[p for p in litellm.custom_provider_map if p.get("provider") != CUSTOM_PROVIDERS["synthetic"]],
            {"provider": CUSTOM_PROVIDERS["synthetic"], "custom_handler": SyntheticProvider()},
        ]
        _litellm = litellm
    return _litellm


@dataclass
class Answer:
    message: dict[str, Any]  # OpenAI assistant message
    usage: dict[str, int] = field(default_factory=dict)
    cost_usd: float | None = None
    latency_s: float = 0.0


def _message_dict(raw: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": raw.content}
    if getattr(raw, "tool_calls", None):
        message["tool_calls"] = [
            {"id": c.id or f"call_{i}", "type": "function",
             "function": {"name": c.function.name or "", "arguments": c.function.arguments or ""}}
            for i, c in enumerate(raw.tool_calls)]
    return message


async def call_provider(model: str, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None,
                        params: dict[str, Any]) -> Answer:
    """One attempt. Raises :class:`ModelError`, transient for rate limits, timeouts and 5xx."""
    litellm = litellm_module()
    transient = (litellm.RateLimitError, litellm.Timeout, litellm.APIConnectionError,
                 litellm.InternalServerError, litellm.ServiceUnavailableError)
    provider, _, name = model.partition("/")
    request: dict[str, Any] = {"model": model, "messages": messages, **params}
    if provider in CUSTOM_PROVIDERS:
        request["model"] = f"{CUSTOM_PROVIDERS[provider]}/{name}"
        request["allowed_openai_params"] = ["tools", "tool_choice", "seed", "temperature", "max_tokens"]
    if tools:
        request["tools"] = tools
    started = time.perf_counter()
    try:
        response = await litellm.acompletion(**request)
    except Exception as e:
        if provider in CUSTOM_PROVIDERS:  # prefgym's own models do not have outages: a failure is a bug
            raise ModelError(f"{model}: {type(e).__name__}: {e}", transient=False) from e
        raise _classified(e, model, params, litellm, transient) from None  # no chained provider text: keys
    usage = getattr(response, "usage", None)
    return Answer(
        message=_message_dict(response.choices[0].message),
        usage={k: int(getattr(usage, k, 0) or 0) for k in ("prompt_tokens", "completion_tokens", "total_tokens")},
        cost_usd=(getattr(response, "_hidden_params", None) or {}).get("response_cost"),
        latency_s=time.perf_counter() - started,
    )


def _classified(e: Exception, model: str, params: dict[str, Any], litellm: Any,
                transient: tuple[type, ...]) -> ModelError:
    """Rate limits, timeouts, lost connections and 5xx are transient; 4xx and the rest are not."""
    status = getattr(e, "status_code", None)
    retry = isinstance(e, transient) or (isinstance(e, litellm.APIError) and bool(status and status >= 500))
    return ModelError(scrub(f"{model}: {type(e).__name__}: {e}", params), transient=retry)


def approx_tokens(text: str) -> int:
    """About four characters a token, as in English prose: for estimates, and the synthetic models' usage."""
    return max(1, len(text) // 4)


def estimate_cost(model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    """USD for that many tokens at litellm's list price; 0 for prefgym's own models; None if unknown."""
    provider = model.split("/", 1)[0]
    if provider in CUSTOM_PROVIDERS or provider == "local":
        return 0.0
    try:
        prompt_cost, completion_cost = litellm_module().cost_per_token(
            model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
    except Exception:  # a model litellm has no price for
        return None
    return float(prompt_cost + completion_cost)


@dataclass
class ModelCheck:
    model: str
    provider: str | None
    missing_keys: list[str] = field(default_factory=list)  # environment variable NAMES, never values
    priced: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.missing_keys


def check_model(model: str) -> ModelCheck:
    """Resolve ``model`` as a call would, offline: its provider, the API keys it lacks, whether litellm
    knows its price. Makes no network call."""
    provider = model.split("/", 1)[0]
    if provider == "synthetic":
        from prefgym.models.synthetic import parse_model_id

        try:
            parse_model_id(model)
        except ModelError as e:
            return ModelCheck(model, provider, error=str(e))
        return ModelCheck(model, provider, priced=True)
    if provider == "local":
        from prefgym.models.local import MODELS

        known = model.split("/", 1)[1] in MODELS
        return ModelCheck(model, provider, priced=True, error=None if known else f"unknown local model {model!r}")
    litellm = litellm_module()
    try:
        _, resolved, _, _ = litellm.get_llm_provider(model)
    except Exception as e:
        return ModelCheck(model, None, error=scrub(f"litellm cannot route {model!r}: {e}"))
    env = litellm.validate_environment(model=model)
    return ModelCheck(model, resolved, missing_keys=list(env.get("missing_keys") or []),
                      priced=estimate_cost(model, 1000, 100) is not None)
