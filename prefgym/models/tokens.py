"""A token count without a tokenizer, for the estimates made before any call and for the usage
prefgym's own offline models report. A module of its own so that both sides can use it without
importing each other."""

from __future__ import annotations


def approx_tokens(text: str) -> int:
    """About four characters a token, as in English prose."""
    return max(1, len(text) // 4)
