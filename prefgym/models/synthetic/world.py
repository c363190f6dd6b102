"""What a synthetic model knows: entity names, yes/no answers, and task reference solutions.

A synthetic model reads prompts, it does not understand them: it recognises the entities, the
yes/no questions and the agentic tasks of the world it is called in, and nothing else. A world is
plain data handed to the model explicitly (``Gateway(world=…)``), never taught to a process: two
studies in one process, with two catalogs, then cannot see each other's entities, and a model's
answers depend on nothing but its id, its request and its world.

A world travels to the litellm custom handler as a token (:attr:`SyntheticWorld.token`) in the
call's metadata, and the handler finds it again with :meth:`SyntheticWorld.find`: litellm copies
and logs call metadata, so an object put there is not the object that arrives, while a string
always is. The registry holds worlds weakly; the gateway that sends a world holds it for the call.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class KnownTask:
    id: str
    solution: str


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _fragments(templates: Iterable[str]) -> tuple[str, ...]:
    """The long literal pieces of prompt templates: what every prompt made from them contains."""
    return tuple(sorted({f.strip() for t in templates if t for f in re.split(r"\{[^{}]*\}", t)
                         if len(f.strip()) >= 16}, key=len, reverse=True)[:6])


_registry: weakref.WeakValueDictionary[str, SyntheticWorld] = weakref.WeakValueDictionary()
_registry_lock = threading.Lock()
_tokens = itertools.count(1)


class SyntheticWorld:
    """Entities, questions and tasks a synthetic model recognises; immutable once built (by :meth:`build`)."""

    def __init__(self, names: dict[str, str], display: dict[str, str], answers: dict[str, bool],
                 tasks: dict[str, tuple[tuple[str, ...], str]]):
        self._names = names  # lower-cased name → entity id
        self._display = display  # entity id → name as the catalog writes it
        self._answers = answers  # normalised question → answer
        self._tasks = tasks  # task id → (literal fragments, solution)
        names_longest_first = sorted(names, key=len, reverse=True)  # "X Foundation" before "X"
        self._pattern = re.compile(r"(?<![\w])(" + "|".join(re.escape(n) for n in names_longest_first)
                                   + r")(?![\w])", re.IGNORECASE) if names else None
        with _registry_lock:
            self.token = f"world-{os.getpid()}-{next(_tokens)}"  # no other process holds it
            _registry[self.token] = self

    @classmethod
    def build(cls, *, entities: Iterable[tuple[str, str]] = (), answers: Iterable[tuple[str, bool]] = (),
              tasks: Iterable[tuple[str, Iterable[str], str]] = ()) -> SyntheticWorld:
        """``entities``: ``(id, name)``; ``answers``: ``(question, right answer)``; ``tasks``:
        ``(task id, prompt templates, reference solution)``. A later item wins over an earlier one
        for the same name, question or task id. A task whose templates have no fragment of 16
        characters or more cannot be recognised, and is left out."""
        names: dict[str, str] = {}
        display: dict[str, str] = {}
        for eid, name in entities:
            if name.strip():
                names[name.strip().lower()] = eid
                display[eid] = name.strip()
        known_answers = {_normalise(q): bool(a) for q, a in answers}
        known_tasks: dict[str, tuple[tuple[str, ...], str]] = {}
        for task_id, templates, solution in tasks:
            if fragments := _fragments(templates):
                known_tasks[task_id] = (fragments, solution)
        return cls(names, display, known_answers, known_tasks)

    @staticmethod
    def default() -> SyntheticWorld:
        """The default catalog's entities, and no questions or tasks: the world of a call that names none."""
        return _default_world()

    def extended(self, *, entities: Iterable[tuple[str, str]] = (), answers: Iterable[tuple[str, bool]] = (),
                 tasks: Iterable[tuple[str, Iterable[str], str]] = ()) -> SyntheticWorld:
        """This world plus more, e.g. the default one plus a run's tasks (later items win, as in :meth:`build`)."""
        more = SyntheticWorld.build(entities=entities, answers=answers, tasks=tasks)
        return SyntheticWorld({**self._names, **more._names}, {**self._display, **more._display},
                              {**self._answers, **more._answers}, {**self._tasks, **more._tasks})

    def __reduce__(self) -> tuple:
        """A copy (another process's, after pickling, or ``copy.deepcopy``'s) is rebuilt, so it is
        registered under a token of its own: a token copied with it would find nothing there."""
        return SyntheticWorld, (self._names, self._display, self._answers, self._tasks)

    @staticmethod
    def find(token: str) -> SyntheticWorld | None:
        """The live world with this :attr:`token`, if any."""
        return _registry.get(token)

    def find_entities(self, text: str) -> list[str]:
        """Entity ids in order of first mention (each once)."""
        seen: list[str] = []
        if self._pattern is None:
            return seen
        for m in self._pattern.finditer(text or ""):
            eid = self._names[m.group(1).lower()]
            if eid not in seen:
                seen.append(eid)
        return seen

    def entity_name(self, entity_id: str) -> str:
        return self._display.get(entity_id, entity_id)

    def entity_ids(self) -> list[str]:
        return sorted(self._display)

    def find_answer(self, text: str) -> bool | None:
        """The right answer to the first known question that appears in ``text``, if any."""
        found = self.find_question(text)
        return found[1] if found else None

    def find_question(self, text: str) -> tuple[str, bool] | None:
        """The first known question that appears in ``text`` (normalised) and its right answer."""
        flat = _normalise(text)
        for question, answer in self._answers.items():
            if question and question in flat:
                return question, answer
        return None

    def item_key(self, text: str) -> str:
        """``text`` with every entity name it mentions taken out: the same request about other
        entities has the same key (what a synthetic model's item offset is drawn for)."""
        flat = _normalise(text)
        for entity_id in self.find_entities(text):
            flat = flat.replace(_normalise(self.entity_name(entity_id)), " ")
        return " ".join(flat.split())

    def find_task(self, text: str) -> KnownTask | None:
        """The first known task every fragment of whose templates is in ``text``."""
        for task_id, (fragments, solution) in self._tasks.items():
            if all(f in text for f in fragments):
                return KnownTask(task_id, solution)
        return None

    def __repr__(self) -> str:
        return (f"SyntheticWorld({self.token}: {len(self._display)} entities, {len(self._answers)} questions, "
                f"{len(self._tasks)} tasks)")


@lru_cache(maxsize=1)
def _default_world() -> SyntheticWorld:
    from prefgym.entities import default_catalog  # data below models/, read on first use only

    return SyntheticWorld.build(entities=((e.id, e.name) for e in default_catalog().entities))
