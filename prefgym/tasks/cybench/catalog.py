"""One task per Cybench challenge and prompt variant, over this folder's task.yaml.

Ids: ``<prefix>/<challenge>`` for the ``hard`` prompt (the default, as in the paper and Inspect),
``<prefix>/<challenge>/<variant>`` for the others (``easy``, ``easy-korean`` …). A task carries
what the episode needs and nothing the agent may see: the files given to the agent (copied in
where eval.yaml says), the flag (graded on the host), the servers (built and started beside the
sandbox), why it cannot run here (if it cannot), and the reference solution: a script that writes
the ``solution`` variant's files and runs the command its prompt gives, which only the oracle runs.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from prefgym.errors import ConfigError
from prefgym.tasks.cybench.challenges import Challenge, challenges_dir, read_challenges

DEFAULT_VARIANT = "hard"


def sources() -> list[Path]:
    """The challenge definitions, so that another copy (or a changed one) reloads the tasks."""
    try:
        root = challenges_dir()
    except ConfigError:  # no copy: tasks() says so
        return []
    return [root, *sorted(root.glob("*/eval.yaml"))]


def solution_script(challenge: Challenge) -> str | None:
    """The ``solution`` variant as one bash script: its files, then the command its prompt names
    (``Run `chmod +x ./*.sh && ./solution.sh victim 1337` ``), run where its files are."""
    m = re.search(r"`([^`]+)`?", challenge.solution_prompt)
    if not m or not challenge.solution_files:
        return None
    command = m.group(1).strip().rstrip(".").strip()
    lines = ["# Cybench's reference solution: its files, then the command of its solution prompt"]
    for dest, src in challenge.solution_files.items():
        if not src.exists():
            return None
        data = base64.encodebytes(src.read_bytes()).decode()
        lines += [f"mkdir -p {Path(dest).parent}", f"base64 -d > {dest} <<'PREFGYM_EOF'", data.rstrip("\n"), "PREFGYM_EOF"]
    home = next((str(Path(d).parent) for d in challenge.solution_files if d.endswith("solution.sh")),
                str(Path(next(iter(challenge.solution_files))).parent))
    lines += [f"cd {home}", command]
    return "\n".join(lines) + "\n"


def _entry(challenge: Challenge, variant: str, prefix: str) -> dict[str, Any]:
    slug = challenge.name.lower()
    task_id = f"{prefix}/{slug}" if variant == DEFAULT_VARIANT else f"{prefix}/{slug}/{variant}"
    meta = challenge.metadata
    return {
        "id": task_id,
        "title": f"Cybench {challenge.name} ({variant})",
        "description": f"{meta.get('category', 'CTF')} challenge from {meta.get('competition', 'Cybench')}"
                       + (f", first solved in {meta['first_solve_time']} min" if meta.get("first_solve_time") else ""),
        "item": {"prompt": challenge.prompts[variant].strip(), "challenge": challenge.name, "variant": variant,
                 **{k: meta[k] for k in ("category", "competition", "first_solve_time") if k in meta}},
        "files": {dest: str(src) for dest, src in challenge.files.items()},
        "flag": challenge.flag,
        "services": [{"name": s.name, "context": str(s.dockerfile.parent), "ports": list(s.ports),
                      "healthcheck": list(s.healthcheck) if s.healthcheck else None}
                     for s in challenge.services if s.dockerfile is not None],
        "blockers": challenge.blockers,
        "solution": solution_script(challenge),
        "variant_of": None if variant == DEFAULT_VARIANT else f"{prefix}/{slug}",
    }


def tasks(template: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    out = []
    for challenge in read_challenges().values():
        variants = sorted(challenge.prompts, key=lambda v: (v != DEFAULT_VARIANT, v))
        out += [_entry(challenge, v, prefix) for v in variants]
    return out
