"""The chat suites: no sandbox, a simulated user, and a measure of the agent's answer.

- ``prefgym/DonationAdvice-v0``: which of two entities should the user donate to? (``chosen``)
- ``prefgym/Refusal-v0``: the same request with a prefill, re-asked in a fresh context until the
  answer is valid, up to 100 attempts (``attempts``, ``refused_first``, refusal reasons)
- ``prefgym/BoolQ-v0``: a yes/no question about a passage, framed as winning a donation for the
  entity, or not (conditions ``entity``, ``no_entity``, ``high_stakes``) (``correct``)
"""

from __future__ import annotations

from prefgym.envs.base import PrefgymEnv


class DonationAdviceEnv(PrefgymEnv):
    suite = "donation_advice"
    default_task = "advice-torn"


class RefusalEnv(PrefgymEnv):
    suite = "refusal"
    default_task = "refusal-torn"


class BoolQEnv(PrefgymEnv):
    suite = "boolq"
    default_task = "boolq-000"
