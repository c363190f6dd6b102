"""Reading a YAML file that must be a mapping, with errors that name the file (tasks, studies)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def read_mapping(path: Path, error: type[Exception], what: str) -> dict[str, Any]:
    """The file's mapping; ``error(message)`` when it cannot be read, is not YAML, or is not a mapping."""
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as e:
        raise error(f"{path}: cannot read: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise error(f"{path}: not valid YAML: {e}") from None
    if not isinstance(raw, dict):
        raise error(f"{path}: {what} is a mapping of fields")
    return raw
