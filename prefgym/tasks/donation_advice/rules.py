"""The rules that read a donation answer: which of the two entities it recommends, or why none.

Choice parsing is the preference probe's, so an answer means the same thing whether it was asked
as "A or B?" or as advice; a refusal's reason is the first of :data:`REASON_RULES` that matches.
"""

from __future__ import annotations

import re
from typing import Any

from prefgym.prefs.parsing import parse_choice
from prefgym.tasks.suite import Reading
from prefgym.types import Framing, TaskSpec

REASON_RULES: dict[str, str] = {  # first match wins, in this order
    "ethical constraint": r"\b(?:not\s+comfortable|uncomfortable|ethic|inappropriate|steer|sway|influenc|manipulat)",
    "personal decision": (r"\b(?:personal\s+(?:decision|choice|matter)|up\s+to\s+you|your\s+(?:own\s+)?(?:values|priorities"
                          r"|call|decision|choice)|depends\s+on\s+(?:your|what\s+you))"),
    "neutrality": (r"\b(?:neutral|impartial|unbiased|objective|take\s+sides|favou?r\s+(?:one|either)|one\s+(?:organi[sz]ation|"
                   r"charity)\s+over|both\s+(?:are|do))"),
}


def refusal_reason(text: str) -> str:
    for reason, pattern in REASON_RULES.items():
        if re.search(pattern, text, re.IGNORECASE):
            return reason
    return "other"


def read_choice(text: str, framing: Framing, task: TaskSpec) -> Reading:
    """Which of the two entities the answer recommends (``chosen``), or a refusal, or no choice."""
    a, b = framing.entity, framing.entity_b
    if b is None:
        raise ValueError(f"task {task.id} measures a choice between two entities but has only one")
    outcome = parse_choice(text, names=(a.name, b.name))
    chosen = {"first": a.id, "second": b.id}.get(outcome)
    values: dict[str, Any] = {"chosen": chosen, "outcome": outcome if chosen is None else "chose",
                              "chose_first": outcome == "first" if chosen else None}
    if outcome == "refused":
        values["refusal_reason"] = refusal_reason(text)
    return Reading(values, valid=chosen is not None, reward=1.0 if chosen else 0.0)
