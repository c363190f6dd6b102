"""Gymnasium environments, one per suite, registered as ``prefgym/<Name>-v0`` when prefgym is imported.

Each suite's descriptor names its environment (``env_name``) and default task, so a new suite is
served without an edit here: ``prefgym/DonationAdvice-v0``, ``prefgym/Refusal-v0``,
``prefgym/BoolQ-v0`` and ``prefgym/Agentic-v0`` today.
"""

import gymnasium

from prefgym.envs.base import PrefgymEnv
from prefgym.envs.core import EpisodeCore
from prefgym.envs.spec import ResolvedSpec, resolve
from prefgym.tasks import builtin_suites

ENV_IDS = {f"prefgym/{s.env_name}-v0": s.name for s in builtin_suites().values() if s.env_name}

for _env_id, _suite in ENV_IDS.items():
    if _env_id not in gymnasium.registry:
        gymnasium.register(id=_env_id, entry_point="prefgym.envs.base:PrefgymEnv", kwargs={"suite": _suite})

__all__ = ["ENV_IDS", "EpisodeCore", "PrefgymEnv", "ResolvedSpec", "resolve"]
