"""Prefill: start the model's answer for it ("I recommend donating to"), so it answers the question.

Some providers continue a trailing assistant message natively (Anthropic and others litellm lists
with ``supports_assistant_prefill``; prefgym's synthetic models). For the rest, the fallback is an
instruction appended to the last user message, and the call is recorded with
``prefill_mode="instruction"`` so analysis can tell the two apart. Either way the returned content
starts with the prefill when the model complied.
"""

from __future__ import annotations

from typing import Any, Literal

from prefgym.models.providers import provider_for

PrefillMode = Literal["native", "instruction"]


def prefill_mode(model: str) -> PrefillMode:
    return "native" if provider_for(model).native_prefill(model) else "instruction"


def with_prefill(messages: list[dict[str, Any]], prefill: str, mode: PrefillMode) -> list[dict[str, Any]]:
    if mode == "native":
        return [*messages, {"role": "assistant", "content": prefill}]
    messages = [dict(m) for m in messages]
    for m in reversed(messages):
        if m["role"] == "user":
            m["content"] = f"{m.get('content') or ''}\n\nBegin your reply with exactly: {prefill}"
            break
    return messages


def join_prefill(prefill: str, content: str | None) -> str:
    """Native continuations come back without the prefix; instructed answers usually repeat it."""
    content = content or ""
    if content.lstrip().startswith(prefill.strip()):
        return content.lstrip()
    glue = "" if prefill[-1:].isspace() or content[:1].isspace() or content[:1] in ".,;:!?" else " "
    return prefill + glue + content
