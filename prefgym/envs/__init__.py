"""Gymnasium environments, registered as ``prefgym/<Name>-v0`` when prefgym is imported."""

import gymnasium

from prefgym.envs.core import EpisodeCore

ENV_IDS = {"prefgym/Agentic-v0": "prefgym.envs.agentic:AgenticEnv"}

for _env_id, _entry in ENV_IDS.items():
    if _env_id not in gymnasium.registry:
        gymnasium.register(id=_env_id, entry_point=_entry)

__all__ = ["ENV_IDS", "EpisodeCore"]
