"""Vandal agents: scripts that do no work and plant code aimed at the grader (see README.md here).

Validation runs each on every graded task and requires reward 0; a new kind of attack is one new
``*.sh`` file in this folder.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def vandals() -> dict[str, str]:
    """Every vandal script here, by name (its file name without ``.sh``)."""
    return {p.stem: p.read_text() for p in sorted(HERE.glob("*.sh"))}
