"""How a synthetic model answers: prompt in, OpenAI assistant message out, no network, no weights.

See the package docstring for the rules. Every random draw comes from :func:`rng_for` keyed by the
model's seed, the prompt and the sample index, so the same request always gets the same answer and
the K samples of one request are K independent draws. What the model recognises in a prompt is the
``world`` it is given (:class:`~prefgym.models.synthetic.world.SyntheticWorld`), nothing global.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from prefgym.models.synthetic.params import SyntheticParams
from prefgym.models.synthetic.planted import entity_offset, item_offset, rng_for, utility
from prefgym.models.synthetic.world import SyntheticWorld

_PAIRWISE_LABELS = re.compile(r"(?:^|[\s(\[*])A[).:\]]\s.*(?:^|[\s(\[*])B[).:\]]\s|\bA or B\b|\bOption A\b", re.S)
REFUSALS = {
    "neutrality": "I'm sorry, but I try to stay neutral and can't recommend one organisation over another.",
    "personal decision": "Where to give is a personal decision, and I don't think I should make it for you.",
    "ethical constraint": "I'm not comfortable steering your donation between these organisations.",
}


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 50.0), -50.0)))


def _text(message: dict[str, Any]) -> str:
    content = message.get("content") or ""
    if isinstance(content, list):  # OpenAI content parts
        content = " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content


def respond(params: SyntheticParams, world: SyntheticWorld, messages: list[dict[str, Any]],
            tools: list[dict[str, Any]] | None, sample: int) -> dict[str, Any]:
    prefill = _text(messages[-1]) if messages and messages[-1].get("role") == "assistant" \
        and not messages[-1].get("tool_calls") else None
    users = [_text(m) for m in messages if m.get("role") == "user"]
    last_user = users[-1] if users else ""
    if tools:
        context = "\n".join(_text(m) for m in messages if m.get("role") == "system") + "\n" + (users[0] if users else "")
        return _act(params, world, messages, tools, context, sample)
    if (answer := world.find_answer(last_user)) is not None:
        return _reply(_yes_no(params, world, last_user, answer, sample), prefill)
    entities = world.find_entities(last_user)
    if len(entities) >= 3:
        return _reply(_ranking(params, world, last_user, entities, sample), prefill)
    if len(entities) == 2 and _PAIRWISE_LABELS.search(last_user):
        return _reply(_pairwise(params, last_user, entities, sample), prefill)
    if len(entities) == 2:
        return _reply(_advice(params, world, last_user, entities, sample, prefill), prefill)
    return _reply("I'm glad to help. Could you tell me a bit more about what you need?", prefill)


def _reply(text: str, prefill: str | None) -> dict[str, Any]:
    """With a prefill, answer as its continuation (a native-prefill provider returns only the rest)."""
    if prefill:
        if text.startswith(prefill.strip()):  # "I recommend donating to X" after that very prefill
            text = text[len(prefill.strip()):].lstrip()
        text = " " + text if not prefill.endswith((" ", "\n")) else text
    return {"role": "assistant", "content": text}


def _pairwise(params: SyntheticParams, prompt: str, pair: list[str], sample: int) -> str:
    first, second = (utility(params, e) for e in pair)
    p_first = sigmoid((first - second) / params.noise + params.position_bias)
    return "A" if rng_for(params, "pairwise", prompt, sample).random() < p_first else "B"


def _ranking(params: SyntheticParams, world: SyntheticWorld, prompt: str, entities: list[str], sample: int) -> str:
    rng = rng_for(params, "ranking", prompt, sample)
    noisy = {e: utility(params, e) + params.rank_noise * rng.gauss(0.0, 1.0) for e in entities}
    order = sorted(entities, key=noisy.__getitem__, reverse=True)
    return "\n".join(f"{i}. {world.entity_name(e)}" for i, e in enumerate(order, 1))


def refusal_logit(params: SyntheticParams, u_a: Any, u_b: Any) -> Any:
    """The refusal log-odds of a pair (floats or numpy arrays alike: min(x, 0) is (x − |x|)/2 and
    max(x, 0) is (x + |x|)/2)."""
    return (params.refusal_base - params.effect("refusal") * (u_a + u_b) / 2
            + params.effect("refusal_interaction") * ((u_a - abs(u_a)) / 2) * ((u_b - abs(u_b)) / 2)
            + params.effect("refusal_liked") * ((u_a + abs(u_a)) / 2) * ((u_b + abs(u_b)) / 2))


def refusal_probability(params: SyntheticParams, u_a: float, u_b: float, offset: float = 0.0) -> float:
    """``offset``: the log-odds the pair's entities and the request add, unrelated to preference."""
    return sigmoid(refusal_logit(params, u_a, u_b) + offset)


def _advice(params: SyntheticParams, world: SyntheticWorld, prompt: str, pair: list[str], sample: int,
            prefill: str | None) -> str:
    rng = rng_for(params, "advice", prompt, sample)
    u_a, u_b = (utility(params, e) for e in pair)
    item = world.item_key(prompt)
    offset = (entity_offset(params, pair[0], "refusal") + entity_offset(params, pair[1], "refusal")) / 2
    if rng.random() < refusal_probability(params, u_a, u_b, offset + item_offset(params, "refusal " + item)):
        refusal = REFUSALS[rng.choice(sorted(REFUSALS))]
        if prefill:  # made to start "I recommend donating to", it backs out, as models do
            return f"... actually, I'd rather not pick one. {refusal}"
        return refusal
    appeal = entity_offset(params, pair[0], "advice") - entity_offset(params, pair[1], "advice")
    p_first = sigmoid(params.effect("advice") * (u_a - u_b) + params.position_bias + appeal)
    chosen = pair[0] if rng.random() < p_first else pair[1]
    return f"I recommend donating to {world.entity_name(chosen)}. Both do real good, but I think this gift goes further there."


def _yes_no(params: SyntheticParams, world: SyntheticWorld, prompt: str, answer: bool, sample: int) -> str:
    framed = world.find_entities(prompt)
    u = utility(params, framed[0]) if framed else 0.0
    found = world.find_question(prompt)
    offset = (entity_offset(params, framed[0], "qa") if framed else 0.0) + item_offset(params, found[0] if found else "")
    if params.qa_refusal_rate > 0:  # its own random stream: a model that never declines answers as before
        p_decline = sigmoid(params.logit(params.qa_refusal_rate) - params.effect("qa_refusal") * u)
        if rng_for(params, "qa-decline", prompt, sample).random() < p_decline:
            return "I'm sorry, but I can't help with that."
    framing = params.qa_framing if framed else 0.0
    p_right = sigmoid(params.logit(params.qa_accuracy) + params.effect("qa") * u + framing + offset)
    right = rng_for(params, "qa", prompt, sample).random() < p_right
    return "Yes" if answer == right else "No"


def _act(params: SyntheticParams, world: SyntheticWorld, messages: list[dict[str, Any]],
         tools: list[dict[str, Any]], context: str, sample: int) -> dict[str, Any]:
    """A tool-calling agent: the task's reference solution with a planted probability, else a shrug."""
    names = {t.get("function", {}).get("name") for t in tools}
    turn = sum(1 for m in messages if m.get("role") == "assistant")
    task = world.find_task(context)
    framed = world.find_entities(context)
    u = utility(params, framed[0]) if framed else 0.0
    offset = (entity_offset(params, framed[0], "task") if framed else 0.0) + item_offset(params, task.id if task else "")
    p_success = sigmoid(params.logit(params.task_success) + params.effect("task") * u + offset)
    succeed = task is not None and rng_for(params, "task", context, sample).random() < p_success
    plan: list[tuple[str, str, dict[str, Any]]] = []
    if "bash" in names:
        plan.append(("Let me run my solution.", "bash", {"command": task.solution, "timeout": 300})
                    if succeed else ("Let me look around first.", "bash", {"command": "ls"}))
    if "submit" in names:
        plan.append(("I have finished.", "submit", {"answer": "done"} if _takes_answer(tools) else {}))
    if turn >= len(plan):
        return {"role": "assistant", "content": "I have finished."}
    content, name, args = plan[turn]
    call = {"id": f"call_{turn}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
    return {"role": "assistant", "content": content, "tool_calls": [call]}


def _takes_answer(tools: list[dict[str, Any]]) -> bool:
    for t in tools:
        if t.get("function", {}).get("name") == "submit":
            return "answer" in (t["function"].get("parameters") or {}).get("properties", {})
    return False
