"""The one gateway to language models. Nothing else in prefgym imports litellm.

For now it is a thin, typed layer over litellm's ``acompletion``: messages and tools go in as
prefgym records, an assistant :class:`~prefgym.types.Message` comes out with usage, cost and
latency. Retries, caching, rate limits and record/replay build on this one function.
"""

from prefgym.models.gateway import Completion, ModelError, complete

__all__ = ["Completion", "ModelError", "complete"]
