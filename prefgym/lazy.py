"""Re-exports that import on first use (PEP 562), for packages whose names pull in heavy libraries.

``from prefgym.prefs import fit`` should work, and ``import prefgym`` (every command, every gym
user) should not pay for scipy, pandas, statsmodels or matplotlib unless a name that needs them
is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, where: dict[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``package.<where[name]>`` when ``name`` is first used
    and keeps it in ``namespace`` (the package's globals) from then on."""

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{where[name]}"), name)
        namespace[name] = value
        return value

    return __getattr__
