"""Where a batch goes and what its lines say: OpenAI's batch JSONL, which litellm speaks for
OpenAI, Azure, vLLM and a litellm proxy (and prefgym's synthetic endpoint, which speaks OpenAI's).

A request is batchable when every parameter it carries is either a connection setting (where to
send it: ``api_base``, ``api_key``…) or a parameter of OpenAI's chat completions body; anything
else (litellm's ``mock_response``, a provider's own extension) has no place in a batch line, so
that request goes by an ordinary call and the run says so once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from prefgym.models.request import is_secret

LOCAL_KEY = "prefgym-local"  # what an endpoint on this machine is sent as its key (it asks for none)
BATCH_PROVIDERS = frozenset({"openai", "azure", "hosted_vllm", "litellm_proxy"})
CONNECTION = frozenset({"api_base", "base_url", "api_key", "api_version", "organization"})
BODY = frozenset({"temperature", "top_p", "max_tokens", "max_completion_tokens", "stop", "seed", "n",
                  "presence_penalty", "frequency_penalty", "logit_bias", "logprobs", "top_logprobs",
                  "tool_choice", "parallel_tool_calls", "response_format", "reasoning_effort", "user"})
IGNORED = frozenset({"timeout", "num_retries", "max_retries", "metadata"})  # how a call is made, not what it asks


@dataclass(frozen=True)
class BatchTarget:
    """One batch queue: requests to the same provider and endpoint share batches."""

    provider: str  # litellm's custom_llm_provider for the files and batches calls
    body_model: str  # the model as a batch line's body names it
    connection: dict[str, Any] = field(default_factory=dict)  # api_base, api_key… for litellm's calls
    body: dict[str, Any] = field(default_factory=dict)  # sampling parameters of the body
    metadata: dict[str, str] = field(default_factory=dict)  # the body's metadata (the synthetic endpoint reads it)
    local: bool = False  # an endpoint on this machine: sent and polled without waiting
    in_process: bool = False  # an endpoint of this very process: its batches die with it

    @property
    def queue(self) -> str:
        """Which queue this request joins: same provider, endpoint and credentials."""
        where = {k: v for k, v in sorted(self.connection.items())}
        return hashlib.sha256(json.dumps([self.provider, where], default=str).encode()).hexdigest()[:16]

    def public(self) -> dict[str, Any]:
        """What the run directory may keep: no credentials (a resumed run takes them from its
        environment, as litellm does), and enough to poll the batch again."""
        return {"provider": self.provider, "connection": {k: v for k, v in self.connection.items() if not is_secret(k)},
                "local": self.local, "in_process": self.in_process}

    @classmethod
    def adopted(cls, public: dict[str, Any]) -> BatchTarget:
        """The target of a batch an earlier process sent, from its :meth:`public` form."""
        connection = dict(public.get("connection") or {})
        if public.get("local"):
            connection.setdefault("api_key", LOCAL_KEY)
        return cls(public["provider"], "", connection, local=bool(public.get("local")))

    def line(self, custom_id: str, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.body_model, "messages": messages, **self.body}
        if tools:
            body["tools"] = tools
        if self.metadata:
            body["metadata"] = self.metadata
        return {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}


def split_params(params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """``(connection, body, unbatchable parameter names)``."""
    connection = {k: v for k, v in params.items() if k in CONNECTION}
    if "base_url" in connection:
        connection["api_base"] = connection.pop("base_url")
    body = {k: v for k, v in params.items() if k in BODY}
    other = sorted(k for k in params if k not in CONNECTION | BODY | IGNORED)
    return connection, body, other


@dataclass
class LineResult:
    """One line of a batch's output or error file."""

    custom_id: str
    body: dict[str, Any] | None  # the chat completion, when it succeeded
    error: str | None = None
    transient: bool = True  # worth sending again (5xx, 429, expired); a 4xx is not


def read_results(text: str) -> dict[str, LineResult]:
    """custom_id → result, from an output or error file's JSON lines."""
    results: dict[str, LineResult] = {}
    for raw in text.splitlines():
        if not raw.strip():
            continue
        line = json.loads(raw)
        response, error = line.get("response") or {}, line.get("error")
        status = int(response.get("status_code") or 0)
        if not error and status == 200:
            results[line["custom_id"]] = LineResult(line["custom_id"], response.get("body"))
            continue
        detail = error or (response.get("body") or {}).get("error") or {}
        message = detail.get("message") if isinstance(detail, dict) else str(detail)
        results[line["custom_id"]] = LineResult(line["custom_id"], None, f"batch line failed ({status or 'no status'}): "
                                                f"{message or 'no message'}",
                                                transient=status == 0 or status == 429 or status >= 500)
    return results
