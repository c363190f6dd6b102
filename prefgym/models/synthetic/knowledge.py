"""What a synthetic model knows: entity names, yes/no answers, and task reference solutions.

A synthetic model reads prompts, it does not understand them: it recognises the entities of the
catalogs it has been shown (the default catalog always), the yes/no questions whose answers the QA
suite taught it, and the agentic tasks whose reference solutions it has memorised. Suites teach it
when they load (``remember_*``); teaching is idempotent and process-wide.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_lock = threading.Lock()
_names: dict[str, str] = {}  # lower-cased name → entity id
_display: dict[str, str] = {}  # entity id → name as the catalog writes it
_answers: dict[str, bool] = {}  # normalised question → answer
_tasks: dict[str, tuple[tuple[str, ...], str]] = {}  # task id → (literal fragments, solution)


def remember_entities(entities: Iterable[tuple[str, str]]) -> None:
    """``(id, name)`` pairs the model will recognise in prompts."""
    with _lock:
        pairs = [(eid, name.strip()) for eid, name in entities if name.strip()]
        if any(_names.get(name.lower()) != eid for eid, name in pairs):
            _names.update((name.lower(), eid) for eid, name in pairs)
            _display.update(pairs)
            _entity_pattern.cache_clear()


_default_loaded = False


def _ensure_default_catalog() -> None:
    """The default catalog is always known, whatever else was taught first."""
    global _default_loaded
    if not _default_loaded:
        from prefgym.entities import default_catalog

        remember_entities((e.id, e.name) for e in default_catalog().entities)
        _default_loaded = True


@lru_cache(maxsize=1)
def _entity_pattern() -> re.Pattern[str]:
    names = sorted(_names, key=len, reverse=True)  # longest first: "X Foundation" before "X"
    return re.compile(r"(?<![\w])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])", re.IGNORECASE)


def find_entities(text: str) -> list[str]:
    """Entity ids in order of first mention (each once)."""
    _ensure_default_catalog()
    seen: list[str] = []
    for m in _entity_pattern().finditer(text or ""):
        eid = _names[m.group(1).lower()]
        if eid not in seen:
            seen.append(eid)
    return seen


def entity_name(entity_id: str) -> str:
    _ensure_default_catalog()
    return _display.get(entity_id, entity_id)


def known_entity_ids() -> list[str]:
    _ensure_default_catalog()
    return sorted(_display)


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def remember_answers(items: Iterable[tuple[str, bool]]) -> None:
    """Yes/no questions and their right answers."""
    with _lock:
        _answers.update((_normalise(q), bool(a)) for q, a in items)


def find_answer(text: str) -> bool | None:
    """The right answer to the first taught question that appears in ``text``, if any."""
    flat = _normalise(text)
    for question, answer in _answers.items():
        if question and question in flat:
            return answer
    return None


@dataclass(frozen=True)
class KnownTask:
    id: str
    solution: str


def remember_task(task_id: str, templates: Iterable[str], solution: str) -> None:
    """A task is recognised when every long literal fragment of its prompt templates is in the prompt."""
    fragments = tuple(sorted({f.strip() for t in templates if t for f in re.split(r"\{[^{}]*\}", t)
                              if len(f.strip()) >= 16}, key=len, reverse=True)[:6])
    if fragments:
        with _lock:
            _tasks[task_id] = (fragments, solution)


def find_task(text: str) -> KnownTask | None:
    for task_id, (fragments, solution) in _tasks.items():
        if all(f in text for f in fragments):
            return KnownTask(task_id, solution)
    return None
