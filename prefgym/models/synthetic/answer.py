"""A synthetic model's whole answer to one request: the assistant message and its token usage.

Two servers give it: the litellm custom handler (:mod:`.handler`, the ordinary path) and the
OpenAI-compatible HTTP endpoint (:mod:`.server`, the batch path). Both call this, so a request
answered either way gets the same message and the same usage, and a batched study can be compared
with an unbatched one number for number.
"""

from __future__ import annotations

from typing import Any

from prefgym.models.synthetic.behaviour import respond
from prefgym.models.synthetic.params import parse_model_id
from prefgym.models.synthetic.world import SyntheticWorld
from prefgym.models.tokens import approx_tokens


def synthetic_answer(model: str, world: SyntheticWorld, messages: list[dict[str, Any]],
                     tools: list[dict[str, Any]] | None, sample: int) -> tuple[dict[str, Any], dict[str, int]]:
    """``model``: ``synthetic/<variant>[:options]`` or just ``<variant>[:options]``."""
    message = respond(parse_model_id(model), world, messages, tools, sample)
    prompt = sum(approx_tokens(str(m.get("content") or "")) for m in messages)
    completion = approx_tokens(str(message.get("content") or "") + str(message.get("tool_calls") or ""))
    return message, {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
