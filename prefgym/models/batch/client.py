"""litellm's files and batches calls, the four a batch needs, with errors classified as a call's are.

The batch path's only contact with litellm (the ordinary path's is :mod:`prefgym.models.call`).
Every function returns plain values, so the batcher never holds a provider's object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prefgym.models.batch.target import BatchTarget
from prefgym.models.call import classified, litellm_module
from prefgym.models.retry import ModelError

ENDPOINT = "/v1/chat/completions"


@dataclass(frozen=True)
class BatchState:
    id: str
    status: str  # validating, in_progress, finalizing, completed, failed, expired, cancelling, cancelled
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: str | None = None  # why a batch failed as a whole (validation)

    @property
    def final(self) -> bool:
        return self.status in ("completed", "failed", "expired", "cancelled")


async def _call(what: str, target: BatchTarget, fn: Any, **kwargs: Any) -> Any:
    litellm = litellm_module()
    transient = (litellm.RateLimitError, litellm.Timeout, litellm.APIConnectionError,
                 litellm.InternalServerError, litellm.ServiceUnavailableError)
    try:
        return await fn(custom_llm_provider=target.provider, **target.connection, **kwargs)
    except Exception as e:
        error = classified(e, f"{target.provider} batch API ({what})", target.connection, litellm, transient)
        if isinstance(e, (ConnectionError, OSError)):
            error.transient = True
        raise error from None


async def upload(target: BatchTarget, data: bytes) -> str:
    """The file id of ``data`` (JSON lines) uploaded for a batch."""
    obj = await _call("upload", target, litellm_module().acreate_file,
                      file=("prefgym-batch.jsonl", data, "application/jsonl"), purpose="batch")
    return obj.id


async def create(target: BatchTarget, file_id: str, metadata: dict[str, str] | None = None) -> BatchState:
    batch = await _call("create", target, litellm_module().acreate_batch, completion_window="24h",
                        endpoint=ENDPOINT, input_file_id=file_id, metadata=metadata)
    return _state(batch)


async def retrieve(target: BatchTarget, batch_id: str) -> BatchState:
    return _state(await _call("retrieve", target, litellm_module().aretrieve_batch, batch_id=batch_id))


async def content(target: BatchTarget, file_id: str) -> str:
    response = await _call("download", target, litellm_module().afile_content, file_id=file_id)
    data = getattr(response, "content", response)
    return data.decode() if isinstance(data, bytes) else str(data)


async def find(target: BatchTarget, file_id: str) -> BatchState | None:
    """The batch made from ``file_id``, if the provider made one (among its 100 newest)."""
    listed = await _call("list", target, litellm_module().alist_batches, limit=100)
    for batch in getattr(listed, "data", None) or []:
        if getattr(batch, "input_file_id", None) == file_id:
            return _state(batch)
    return None


def _state(batch: Any) -> BatchState:
    errors = getattr(batch, "errors", None)
    text = None
    if errors is not None:
        items = getattr(errors, "data", None) or []
        text = "; ".join(f"{getattr(i, 'code', '')}: {getattr(i, 'message', '')}" for i in items) or str(errors)
    return BatchState(batch.id, batch.status, getattr(batch, "output_file_id", None),
                      getattr(batch, "error_file_id", None), text)


__all__ = ["BatchState", "ModelError", "content", "create", "find", "retrieve", "upload"]
