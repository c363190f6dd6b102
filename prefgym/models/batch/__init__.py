"""Provider batch APIs: the same calls at about half the price, answered in minutes to hours.

Inside :func:`batch_calls`, a gateway made with a :class:`Batcher` sends requests that can wait
(preference questions, single-turn episodes) as batches through litellm's files and batches API;
every answer still lands in the cache and ``calls.jsonl`` as an ordinary call's does, with its
``batch_id``. Providers without a batch API litellm speaks fall back to ordinary calls, said once.
"""

from prefgym.models.batch.batcher import Batcher, BatchProgress, Claimed, batch_calls, batching
from prefgym.models.batch.config import BatchConfig
from prefgym.models.batch.journal import BatchJournal
from prefgym.models.batch.target import BATCH_PROVIDERS, LOCAL_KEY, BatchTarget, split_params

__all__ = ["BATCH_PROVIDERS", "LOCAL_KEY", "BatchConfig", "BatchJournal", "BatchProgress", "BatchTarget", "Batcher",
           "Claimed", "batch_calls", "batching", "split_params"]
