"""Does preference predict behaviour? Statistics (``analyze``), the report of a run directory
(``write_report``), power simulation (``power``), and a table for pandas users (``export``).

Re-exported lazily (PEP 562): pandas, statsmodels and matplotlib load when a name is first used,
not when a command that might need them is merely imported.
"""

from __future__ import annotations

from prefgym.lazy import lazy_exports

_WHERE = {"RunData": "data", "load_run": "data", "analyze": "analyze", "render_html": "html",
          "write_report": "report"}

__all__ = sorted(_WHERE)


__getattr__ = lazy_exports(__name__, _WHERE, globals())
