"""The one gateway to language models. Nothing else in prefgym imports litellm.

:func:`complete` is the call everyone makes; a :class:`Gateway` adds the disk cache, the
``calls.jsonl`` recorder, replay, retries and per-provider concurrency caps around litellm.
What differs between kinds of model is one table (:mod:`prefgym.models.providers`):
``synthetic/…`` ids are offline models with planted preferences (:mod:`prefgym.models.synthetic`),
answered in the :class:`SyntheticWorld` their gateway holds; ``local/smollm2`` is a real small
model served on this machine (:mod:`prefgym.models.local`); litellm routes every other id.
Calls that can wait go through providers' batch APIs inside :func:`batch_calls` (:mod:`prefgym.models.batch`).
"""

from prefgym.models.batch import BatchConfig, Batcher, BatchJournal, BatchProgress, batch_calls, batching
from prefgym.models.cache import CallCache, default_cache_path
from prefgym.models.gateway import Completion, Gateway, GatewayStats, complete, current_gateway, tag_calls, use_gateway
from prefgym.models.limits import ProviderLimits
from prefgym.models.prefill import prefill_mode
from prefgym.models.providers import (
    ModelCheck, Provider, batch_api, check_model, estimate_batch_cost, estimate_cost, model_truth, provider_for, provider_of, validate_model,
)
from prefgym.models.recorder import CallRecord, CallRecorder, end_torn_line, read_calls
from prefgym.models.replay import Replay, ReplayExhausted
from prefgym.models.request import Request, scrub
from prefgym.models.retry import ModelError, RetryPolicy
from prefgym.models.synthetic.world import SyntheticWorld
from prefgym.models.tokens import approx_tokens

__all__ = [
    "BatchConfig", "BatchJournal", "BatchProgress", "Batcher", "batch_api", "batch_calls", "batching", "estimate_batch_cost",
    "CallCache", "CallRecord", "CallRecorder", "Completion", "Gateway", "GatewayStats", "ModelCheck", "ModelError",
    "Provider", "ProviderLimits", "Replay", "ReplayExhausted", "Request", "RetryPolicy", "SyntheticWorld",
    "approx_tokens", "check_model", "complete", "current_gateway", "default_cache_path", "end_torn_line",
    "estimate_cost", "model_truth", "prefill_mode", "provider_for", "provider_of", "read_calls", "scrub",
    "tag_calls", "use_gateway", "validate_model",
]
