"""The provider table: every way a model id can be served, and everything that differs between them.

A model id names its kind by its prefix: ``synthetic/…`` (prefgym's offline models with planted
preferences), ``local/…`` (a small real model served on this machine), and anything else, which
litellm routes (``openai/gpt-4o``, ``anthropic/…``, ``openai/x`` with an ``api_base``). Each kind is
one :class:`Provider`, and :func:`provider_for` is the only place that reads a prefix: the gateway,
prefill, cost estimates and the dry run ask the table and never test a model id themselves, so a
new kind of model is one new entry here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prefgym.models.batch.target import BATCH_PROVIDERS, LOCAL_KEY, BatchTarget, split_params
from prefgym.models.call import litellm_module, register_handler
from prefgym.models.request import scrub
from prefgym.models.retry import ModelError
from prefgym.models.synthetic.params import parse_model_id
from prefgym.models.synthetic.planted import planted
from prefgym.models.synthetic.world import SyntheticWorld

# Parameters litellm would refuse for a custom handler, which ours read or ignore safely.
_CUSTOM_PARAMS = ["tools", "tool_choice", "seed", "temperature", "max_tokens"]


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


@dataclass(frozen=True)
class Route:
    """How one call reaches litellm."""

    model: str  # the id litellm is called with
    params: dict[str, Any]  # every parameter of the call, the caller's included
    outages: bool = True  # False: the model runs in this process, so a failure is a bug, never retried


class Provider:
    """One kind of model. The defaults are litellm's: what a hosted provider does."""

    name = "litellm"
    cached = True  # whether answers go to the disk cache

    def limit_key(self, model: str) -> str:
        """Which concurrency cap a call counts against: rate limits are per provider, not per model
        (``openai/gpt-4o`` → ``openai``; a bare name is OpenAI's, as litellm takes it)."""
        return model.split("/", 1)[0] if "/" in model else "openai"

    def validate(self, model: str) -> None:
        """Refuse a malformed id before any attempt (:class:`ModelError`, not transient)."""

    async def route(self, model: str, params: dict[str, Any], *, sample: int,
                    world: SyntheticWorld | None) -> Route:
        return Route(model, params)

    def check(self, model: str) -> ModelCheck:
        """Resolve ``model`` as a call would, offline: its provider, the API keys it lacks, whether
        litellm knows its price. Makes no network call."""
        litellm = litellm_module()
        try:
            _, resolved, _, _ = litellm.get_llm_provider(model)
        except Exception as e:
            return ModelCheck(model, None, error=scrub(f"litellm cannot route {model!r}: {e}"))
        env = litellm.validate_environment(model=model)
        return ModelCheck(model, resolved, missing_keys=list(env.get("missing_keys") or []),
                          priced=self.cost(model, 1000, 100) is not None)

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
        """USD for that many tokens at litellm's list price; None for a model litellm has no price for."""
        try:
            prompt_cost, completion_cost = litellm_module().cost_per_token(
                model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
        except Exception:
            return None
        return float(prompt_cost + completion_cost)

    def batch_target(self, model: str, params: dict[str, Any], *, sample: int,
                     world: SyntheticWorld | None) -> BatchTarget | str:
        """Where a batch of calls to ``model`` goes, or why it cannot be batched (a sentence)."""
        litellm = litellm_module()
        try:
            name, provider, _, _ = litellm.get_llm_provider(model, api_base=params.get("api_base"))
        except Exception:
            return f"litellm cannot route {model!r}"
        if provider not in BATCH_PROVIDERS:
            return f"{provider} has no batch API that litellm speaks in OpenAI's format"
        connection, body, other = split_params(params)
        if other:
            return f"parameter(s) {', '.join(other)} have no place in a batch line"
        local = any(h in str(connection.get("api_base", "")) for h in ("//127.0.0.1", "//localhost"))
        return BatchTarget(provider, name, connection, body, local=local)

    def batch_api(self, model: str) -> bool:
        """Whether calls to ``model`` can go through a batch API (litellm's, in OpenAI's format)."""
        try:
            _, provider, _, _ = litellm_module().get_llm_provider(model)
        except Exception:
            return False
        return provider in BATCH_PROVIDERS

    def batch_cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
        """USD for that many tokens through the batch API: litellm's batch price where it knows one,
        else half the list price (what OpenAI, Azure and the others litellm batches for charge);
        the list price where the calls cannot be batched."""
        litellm = litellm_module()
        if not self.batch_api(model):
            return self.cost(model, prompt_tokens, completion_tokens)
        for name in (model, model.split("/", 1)[-1]):
            entry = litellm.model_cost.get(name) or {}
            if "input_cost_per_token_batches" in entry:
                return float(prompt_tokens * entry["input_cost_per_token_batches"]
                             + completion_tokens * entry.get("output_cost_per_token_batches", 0.0))
        listed = self.cost(model, prompt_tokens, completion_tokens)
        return None if listed is None else listed / 2

    def native_prefill(self, model: str) -> bool:
        """Whether the provider continues a trailing assistant message (else prefill is instructed)."""
        if self.limit_key(model) == "anthropic":
            return True
        try:
            return bool(litellm_module().supports_assistant_prefill(model))
        except Exception:  # unknown to litellm's model map: assume the conservative path
            return False

    def truth(self, model: str, world: SyntheticWorld | None) -> dict[str, Any] | None:
        """What was planted in the model, for analysis to compare with; None: nothing is known."""
        return None

    def __repr__(self) -> str:
        return f"<provider {self.name}>"


class SyntheticModels(Provider):
    """``synthetic/<variant>[:options]``: answered in this process by a litellm custom handler."""

    name = "synthetic"
    cached = False  # they answer faster than a cache lookup: caching them would only fill the disk

    def limit_key(self, model: str) -> str:
        return self.name

    def validate(self, model: str) -> None:
        parse_model_id(model)

    async def route(self, model: str, params: dict[str, Any], *, sample: int,
                    world: SyntheticWorld | None) -> Route:
        from prefgym.models.synthetic.handler import HANDLER_NAME, SyntheticHandler, call_metadata  # imports litellm

        register_handler(HANDLER_NAME, SyntheticHandler)
        metadata = {**(params.get("metadata") or {}), **call_metadata(sample, world or SyntheticWorld.default())}
        return Route(f"{HANDLER_NAME}/{model.split('/', 1)[1]}",
                     {**params, "metadata": metadata, "allowed_openai_params": _CUSTOM_PARAMS}, outages=False)

    def check(self, model: str) -> ModelCheck:
        try:
            self.validate(model)
        except ModelError as e:
            return ModelCheck(model, self.name, error=str(e))
        return ModelCheck(model, self.name, priced=True)

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
        return 0.0

    def batch_cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
        return 0.0

    def batch_api(self, model: str) -> bool:
        return True

    def batch_target(self, model: str, params: dict[str, Any], *, sample: int,
                     world: SyntheticWorld | None) -> BatchTarget | str:
        """The synthetic endpoint (:mod:`prefgym.models.synthetic.server`): ``$PREFGYM_SYNTHETIC_BATCH_URL``
        if set, else this process's own; the sample and world travel in the body's metadata."""
        from prefgym.models.synthetic.handler import call_metadata
        from prefgym.models.synthetic.server import endpoint_url

        connection, body, other = split_params(params)
        if other:
            return f"parameter(s) {', '.join(other)} have no place in a batch line"
        url, in_process = endpoint_url()
        metadata = {k: str(v) for k, v in call_metadata(sample, world or SyntheticWorld.default()).items()}
        return BatchTarget("openai", model, {"api_base": url, "api_key": LOCAL_KEY}, body, metadata,
                           local=True, in_process=in_process)

    def native_prefill(self, model: str) -> bool:
        return True

    def truth(self, model: str, world: SyntheticWorld | None) -> dict[str, Any] | None:
        """:func:`~prefgym.models.synthetic.planted`, for the entities of ``world`` (default: the default one)."""
        return planted(model, (world or SyntheticWorld.default()).entity_ids())


class LocalModels(Provider):
    """``local/<name>``: a real model served on this machine (:mod:`prefgym.models.local`), reached
    through litellm as an OpenAI-compatible endpoint, so it is called, cached and prefilled like a
    hosted one, at no cost."""

    name = "local"

    def limit_key(self, model: str) -> str:
        return self.name

    async def route(self, model: str, params: dict[str, Any], *, sample: int,
                    world: SyntheticWorld | None) -> Route:
        from prefgym.models.local import local_route

        served_model, served = await local_route(model)  # starts the server on first use
        return Route(served_model, {**served, **params})

    def check(self, model: str) -> ModelCheck:
        from prefgym.models.local import MODELS

        known = model.split("/", 1)[1] in MODELS
        return ModelCheck(model, self.name, priced=True, error=None if known else f"unknown local model {model!r}")

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
        return 0.0

    def batch_cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
        return 0.0

    def batch_target(self, model: str, params: dict[str, Any], *, sample: int,
                     world: SyntheticWorld | None) -> BatchTarget | str:
        return "llama.cpp's server has no batch API"

    def batch_api(self, model: str) -> bool:
        return False

    def native_prefill(self, model: str) -> bool:
        return False


LITELLM, SYNTHETIC, LOCAL = Provider(), SyntheticModels(), LocalModels()
_BY_PREFIX = {SYNTHETIC.name: SYNTHETIC, LOCAL.name: LOCAL}


def provider_for(model: str) -> Provider:
    """The table entry that serves ``model``: ours by prefix, litellm for every other id."""
    prefix, slash, _ = model.partition("/")
    return _BY_PREFIX.get(prefix, LITELLM) if slash else LITELLM


# The table's answers as functions, for callers that hold a model id and want one fact about it.

def provider_of(model: str) -> str:
    """The concurrency-cap key of ``model`` (``openai/gpt-4o`` → ``openai``, ``synthetic/…`` → ``synthetic``)."""
    return provider_for(model).limit_key(model)


def check_model(model: str) -> ModelCheck:
    return provider_for(model).check(model)


def estimate_cost(model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    """USD for that many tokens: litellm's list price; 0 for prefgym's own models; None if unknown."""
    return provider_for(model).cost(model, prompt_tokens, completion_tokens)


def batch_api(model: str) -> bool:
    """Whether a ``--batch`` run sends ``model``'s calls that can wait through a batch API."""
    return provider_for(model).batch_api(model)


def estimate_batch_cost(model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    """USD for that many tokens sent through a batch API (:meth:`Provider.batch_cost`)."""
    return provider_for(model).batch_cost(model, prompt_tokens, completion_tokens)


def validate_model(model: str) -> None:
    """Raise :class:`ModelError` (not transient, naming the bad part) for an id no call could serve."""
    provider_for(model).validate(model)


def model_truth(model: str, world: SyntheticWorld | None = None) -> dict[str, Any] | None:
    """The truth planted in ``model`` over ``world``'s entities (synthetic models), else None."""
    return provider_for(model).truth(model, world)
