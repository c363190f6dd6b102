"""A model request in canonical form: what the cache keys on, what the recorder writes.

Secrets never leave this module: parameters whose names look like credentials (``api_key``,
``*token*``, ``*secret*``, headers) are dropped from the public form, so they reach neither the
cache key, nor ``calls.jsonl``, nor an error message (:func:`scrub`). API keys normally come from
the environment, as litellm reads them, and so are never in a request at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

# "token" singular (azure_ad_token, aws_session_token), not a count of tokens (max_tokens, max_completion_tokens)
_SECRET_NAME = re.compile(r"api_?key|token(?!s)|secret|password|authorization|credential|headers", re.I)
# Parameters that change how a call is made but not what it answers: not part of the cache key.
_VOLATILE = frozenset({"timeout", "metadata", "num_retries", "max_retries"})


def is_secret(name: str) -> bool:
    return bool(_SECRET_NAME.search(name))


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("[redacted]" if is_secret(str(k)) else _redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


def secret_values(params: dict[str, Any] | None = None) -> list[str]:
    """Every credential this process could leak: secret-named params and environment variables."""
    found = [str(v) for k, v in (params or {}).items() if is_secret(k) and isinstance(v, str)]
    found += [v for k, v in os.environ.items() if is_secret(k) and len(v) >= 8]
    return [s for s in found if len(s) >= 8]


def scrub(text: str, params: dict[str, Any] | None = None) -> str:
    """``text`` with every known secret value replaced: provider errors sometimes echo a key."""
    for secret in secret_values(params):
        text = text.replace(secret, "[redacted]")
    return text


@dataclass(frozen=True)
class Request:
    model: str
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    sample: int = 0
    prefill: str | None = None

    def public(self) -> dict[str, Any]:
        """The request with credentials removed: safe to hash, store and show."""
        params = {k: _redact(v) for k, v in sorted(self.params.items()) if not is_secret(k)}
        # non-JSON values (a mock exception) become their repr, and a key echoed inside one is scrubbed
        params = json.loads(scrub(json.dumps(params, default=repr, sort_keys=True), self.params))
        return {"model": self.model, "messages": self.messages, "tools": self.tools, "params": params,
                "sample": self.sample, "prefill": self.prefill}

    def key(self) -> str:
        """sha256 of the canonical public request: equal requests (same sample index) share a key."""
        public = self.public()
        public["params"] = {k: v for k, v in public["params"].items() if k not in _VOLATILE}
        blob = json.dumps(public, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
        return hashlib.sha256(blob.encode()).hexdigest()
