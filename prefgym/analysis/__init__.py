"""Does preference predict behaviour? Statistics (``analyze``), the report of a run directory
(``write_report``), power simulation (``power``), and a table for pandas users (``export``)."""

from prefgym.analysis.analyze import analyze
from prefgym.analysis.data import RunData, load_run
from prefgym.analysis.html import render_html
from prefgym.analysis.report import write_report

__all__ = ["RunData", "analyze", "load_run", "render_html", "write_report"]
