"""How a run batches: when a batch is sent, how often it is polled, how often a failure is resubmitted."""

from __future__ import annotations

from pydantic import Field

from prefgym.types import Record


class BatchConfig(Record):
    """``batch:`` in a study (``--batch`` is all defaults). The defaults suit a hosted provider, whose
    batches take minutes to hours; an endpoint on this machine is polled at once (see
    :attr:`~prefgym.models.batch.target.BatchTarget.local`)."""

    # a batch is sent when no new request has come for this long (every caller of a round has asked),
    linger_s: float = Field(2.0, gt=0)
    # or when its first request has waited this long, or when it holds this many requests
    max_wait_s: float = Field(30.0, gt=0)
    max_requests: int = Field(50_000, ge=1)  # OpenAI's limit per batch
    poll_s: float = Field(15.0, gt=0)  # the first poll's wait; each later one waits 1.5× longer,
    max_poll_s: float = Field(300.0, gt=0)  # up to this
    # rounds a request may be sent in before its failure is the caller's (an expired batch's
    # unanswered requests and a failed request's retries each count one round)
    max_rounds: int = Field(5, ge=1)
