"""Gymnasium environments, registered as ``prefgym/<Name>-v0`` when prefgym is imported."""

import gymnasium

from prefgym.envs.core import EpisodeCore

ENV_IDS = {
    "prefgym/Agentic-v0": "prefgym.envs.agentic:AgenticEnv",
    "prefgym/DonationAdvice-v0": "prefgym.envs.chat:DonationAdviceEnv",
    "prefgym/Refusal-v0": "prefgym.envs.chat:RefusalEnv",
    "prefgym/BoolQ-v0": "prefgym.envs.chat:BoolQEnv",
}

for _env_id, _entry in ENV_IDS.items():
    if _env_id not in gymnasium.registry:
        gymnasium.register(id=_env_id, entry_point=_entry)

__all__ = ["ENV_IDS", "EpisodeCore"]
