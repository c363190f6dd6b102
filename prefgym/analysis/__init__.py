"""Does preference predict behaviour? Statistics and the report of a run directory."""

from prefgym.analysis.report import analyze, render_html, write_report

__all__ = ["analyze", "render_html", "write_report"]
