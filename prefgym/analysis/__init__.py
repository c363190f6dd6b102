"""Does preference predict behaviour? Statistics (``analyze``), the report of a run directory
(``write_report``), power simulation (``power``), and a table for pandas users (``export``).

Re-exported lazily (PEP 562): pandas, statsmodels and matplotlib load when a name is first used,
not when a command that might need them is merely imported.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {"RunData": "data", "load_run": "data", "analyze": "analyze", "render_html": "html",
          "write_report": "report"}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'prefgym.analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"prefgym.analysis.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
