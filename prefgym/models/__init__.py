"""The one gateway to language models. Nothing else in prefgym imports litellm.

:func:`complete` is the call everyone makes; a :class:`Gateway` adds the disk cache, the
``calls.jsonl`` recorder, replay, retries and per-provider concurrency caps around litellm.
``synthetic/…`` ids are offline models with planted preferences (:mod:`prefgym.models.synthetic`);
``local/smollm2`` is a real small model served on this machine (:mod:`prefgym.models.local`).
"""

from prefgym.models.cache import CallCache, default_cache_path
from prefgym.models.gateway import Completion, Gateway, GatewayStats, complete, current_gateway, tag_calls, use_gateway
from prefgym.models.limits import ProviderLimits, provider_of
from prefgym.models.provider import ModelCheck, approx_tokens, check_model, estimate_cost
from prefgym.models.recorder import CallRecord, CallRecorder, end_torn_line, read_calls
from prefgym.models.replay import Replay, ReplayExhausted
from prefgym.models.request import Request, scrub
from prefgym.models.retry import ModelError, RetryPolicy

__all__ = [
    "CallCache", "CallRecord", "ModelCheck", "approx_tokens", "check_model", "CallRecorder", "Completion", "Gateway", "GatewayStats", "ModelError",
    "ProviderLimits", "Replay", "ReplayExhausted", "Request", "RetryPolicy", "complete", "current_gateway",
    "default_cache_path", "end_torn_line", "estimate_cost", "provider_of", "read_calls", "scrub", "tag_calls", "use_gateway",
]
