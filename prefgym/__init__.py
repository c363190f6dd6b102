"""prefgym: do a language model's own preferences over entities change what it does for a user?

Importing prefgym registers its gymnasium environments (``gymnasium.make("prefgym/Agentic-v0")``).
"""

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # never fetch a price map at import

__version__ = "0.1.0"

from prefgym import envs as _envs  # noqa: E402,F401  (registers the gym ids)
