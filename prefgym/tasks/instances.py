"""Task families: a task whose folder holds ``generate.py`` is a generator of instances.

Instance 0 is the task as shipped (its ``files/`` and the expectations its grader embeds). Instance
N ≥ 1 is ``generate(rng)`` of the folder's ``generate.py`` with ``rng = random.Random("<task>:<N>")``:
it returns the files that replace or add to ``files/`` in /work (its own data) and ``params``, the
instance's expected answers, which the grader reads with ``grader_kit.params()`` from its private
folder (the agent never sees them). The reference solution stays one script that works from the
data, so every instance has an oracle. A study draws as many distinct items as it needs
(``instances: N`` in a plan, ``--instances`` on the command line); validation checks a sample of
instances of every family (oracle 1, null 0) and that two instances differ in their answers.

``generate.py`` is prefgym's own code run on the host, once per instance (cached): the standard
library only, deterministic in ``rng``.
"""

from __future__ import annotations

import importlib.util
import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from prefgym.tasks.loader import TaskError
from prefgym.types import TaskSpec


@dataclass(frozen=True)
class Instance:
    number: int
    files: dict[str, bytes] = field(default_factory=dict)  # path under /work → content
    params: dict[str, Any] = field(default_factory=dict)  # the grader's expectations for this instance


@lru_cache(maxsize=256)
def _generate(generator: str, task_id: str, number: int) -> Instance:
    spec = importlib.util.spec_from_file_location(f"prefgym_family_{task_id.replace('-', '_')}", generator)
    if spec is None or spec.loader is None:
        raise TaskError(f"{generator}: cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files, params = module.generate(random.Random(f"{task_id}:{number}"))
    return Instance(number, {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}, params)


def instance_of(task: TaskSpec, number: int | None) -> Instance | None:
    """Instance ``number`` of ``task`` (None for the task as shipped)."""
    if not number:
        return None
    if task.generator is None:
        raise TaskError(f"task {task.id} is not a family (no generate.py): it has no instance {number}")
    return _generate(task.generator, task.id, number)
