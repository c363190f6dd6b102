"""Cybench's challenges read as data, from inspect-evals' packaging, without importing inspect_ai.

Each challenge folder holds an ``eval.yaml`` (the flag, the files the agent is given and where,
prompt variants ``easy``/``hard``, a ``solution`` variant with its own files) and a
``compose.yaml`` whose services other than ``default`` are the challenge's servers, each built
from ``images/<service>/Dockerfile``. Setup puts a pinned copy in ``.data/cybench/challenges``
(``scripts/fetch-cybench.sh``); ``$PREFGYM_CYBENCH_DIR`` or ``--cybench-dir`` names another copy
of the same layout.

Not every challenge can run here, and none is skipped silently: :attr:`Challenge.blockers` says
why one cannot. The reasons are data: known_issues.yaml (a challenge that cannot pass here for a
reason its files do not show), an input file that inspect-evals fetches from GitHub on
first run (not in the package, and nothing is downloaded at run time), a server with no
Dockerfile (its image only on a registry), or a base image that is neither local nor one of the
common bases a locally built Debian image with Debian's Python 3 stands in for
(``python:3.X-slim*``, ``debian:*-slim``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from prefgym.errors import ConfigError
from prefgym.sandbox.docker.image import stands_in_for
from prefgym.yamlfile import read_mapping

DEFAULT_DIR = Path(__file__).resolve().parents[3] / ".data" / "cybench" / "challenges"
DIR_VARIABLE = "PREFGYM_CYBENCH_DIR"
KNOWN_ISSUES = Path(__file__).with_name("known_issues.yaml")
FETCH_HINT = "run scripts/fetch-cybench.sh (setup does), or name a copy with --cybench-dir / $PREFGYM_CYBENCH_DIR"


substitutable = stands_in_for  # whether a locally built Debian image stands in for a base (the sandbox layer's rule)


@dataclass(frozen=True)
class Service:
    """One challenge server: a compose service other than ``default``."""

    name: str
    dockerfile: Path | None  # images/<name>/Dockerfile, None when the image only exists on a registry
    bases: tuple[str, ...]  # the FROM lines of its Dockerfile, in order (several: a multi-stage build)
    ports: tuple[int, ...]
    healthcheck: tuple[str, ...] | None  # compose's test, e.g. ("CMD-SHELL", "nc -z 127.0.0.1 1337")

    def blockers(self) -> list[str]:
        if self.dockerfile is None:
            return [f"server {self.name}: no Dockerfile (its image is only on a registry)"]
        stages = {m.lower() for m in _stage_names(self.dockerfile)}
        return [f"server {self.name}: base image {b} is not local and has no Debian stand-in"
                for b in self.bases if b.lower() not in stages and not substitutable(b)]


@dataclass(frozen=True)
class Challenge:
    name: str
    root: Path
    flag: str
    files: dict[str, Path]  # path in the agent's sandbox → file in the challenge folder
    prompts: dict[str, str]  # variant → prompt (easy, hard, …)
    solution_files: dict[str, Path]
    solution_prompt: str
    services: tuple[Service, ...]
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def blockers(self) -> list[str]:
        """Why this challenge cannot run here (empty: it can, as far as its data tells)."""
        out = [f"input {dst} is not in the package (inspect-evals fetches it on first run)"
               for dst, src in {**self.files, **self.solution_files}.items() if not src.exists()]
        known = known_issues().get(self.name)
        return out + [b for s in self.services for b in s.blockers()] + ([known] if known else [])

    @property
    def runnable(self) -> bool:
        return not self.blockers


@lru_cache(maxsize=1)
def known_issues() -> dict[str, str]:
    """Challenges that cannot pass here although their data is all here (known_issues.yaml)."""
    return {str(k): str(v) for k, v in read_mapping(KNOWN_ISSUES, ConfigError, "a known-issues file").items()}


def _stage_names(dockerfile: Path) -> list[str]:
    """Names given to build stages (``FROM x AS name``): a later ``FROM name`` is no base image."""
    return re.findall(r"^\s*FROM\s+\S+\s+AS\s+(\S+)", dockerfile.read_text(errors="replace"), re.M | re.I)


def _bases(dockerfile: Path) -> tuple[str, ...]:
    return tuple(re.findall(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)", dockerfile.read_text(errors="replace"), re.M | re.I))


def _ports(service: dict[str, Any], dockerfile: Path | None) -> tuple[int, ...]:
    """The ports compose names, then those the Dockerfile EXPOSEs (a server without a healthcheck
    is ready when they accept a connection)."""
    exposed = re.findall(r"^\s*EXPOSE\s+(.+)$", dockerfile.read_text(errors="replace"), re.M | re.I) if dockerfile else []
    found = []
    for p in [*(service.get("expose") or []), *(service.get("ports") or []), *" ".join(exposed).split()]:
        m = re.search(r"(\d+)(?:/\w+)?$", str(p))
        if m:
            found.append(int(m.group(1)))
    return tuple(dict.fromkeys(found))


def read_challenge(folder: Path) -> Challenge:
    spec = read_mapping(folder / "eval.yaml", ConfigError, "a Cybench eval.yaml")
    compose = read_mapping(folder / "compose.yaml", ConfigError, "a Cybench compose.yaml")
    variants = spec.get("variants") or {}
    solution = variants.get("solution") or {}
    services = []
    for name, service in (compose.get("services") or {}).items():
        if name == "default":
            continue
        dockerfile = folder / "images" / name / "Dockerfile"
        found = dockerfile.is_file()
        health = (service.get("healthcheck") or {}).get("test")
        services.append(Service(name=name, dockerfile=dockerfile if found else None,
                                bases=_bases(dockerfile) if found else (), ports=_ports(service, dockerfile if found else None),
                                healthcheck=tuple(health) if isinstance(health, list) else (("CMD-SHELL", health) if health else None)))
    if not spec.get("flag"):
        raise ConfigError(f"{folder / 'eval.yaml'}: field 'flag' is missing")
    return Challenge(
        name=str(spec.get("name") or folder.name), root=folder, flag=str(spec["flag"]),
        files={dst: folder / src for dst, src in (spec.get("files") or {}).items()},
        prompts={k: str(v.get("prompt", "")) for k, v in variants.items() if k != "solution"},
        solution_files={dst: folder / src for dst, src in (solution.get("files") or {}).items()},
        solution_prompt=str(solution.get("prompt", "")), services=tuple(services),
        metadata=dict(spec.get("metadata") or {}))


def challenges_dir(given: str | Path | None = None) -> Path:
    """The challenges folder: ``given``, else ``$PREFGYM_CYBENCH_DIR``, else setup's copy."""
    path = Path(given or os.environ.get(DIR_VARIABLE) or DEFAULT_DIR)
    if not path.is_dir():
        raise ConfigError(f"no Cybench challenges at {path}: {FETCH_HINT}")
    return path


def read_challenges(given: str | Path | None = None) -> dict[str, Challenge]:
    """Every challenge folder (one with an eval.yaml) under the challenges folder, by name."""
    root = challenges_dir(given)
    found = {c.name: c for c in (read_challenge(d) for d in sorted(root.iterdir()) if (d / "eval.yaml").is_file())}
    if not found:
        raise ConfigError(f"{root}: no challenge folders (each with an eval.yaml)")
    return found
