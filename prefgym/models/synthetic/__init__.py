"""Synthetic models: offline, deterministic, with PLANTED preferences and effects.

Use them wherever a model id goes: ``synthetic/planted`` or ``synthetic/null``, with options after a
colon, e.g. ``synthetic/planted:seed=3,noise=0.8,advice=0,position_bias=0.4`` (all options:
:class:`SyntheticParams`). They are served through litellm as a custom provider, so agents,
probes and the cache see exactly what a paid model would give them.

How they decide (σ is the logistic function, u(e) an entity's planted utility):

- Utilities: u(e) = spread · N(0, 1), drawn from a generator seeded by (seed, entity id).
  :func:`planted` (``prefgym.models.model_truth``) lists u for every entity of a world, the effect
  sizes and every parameter; the owner of a run folder writes it there as ``planted.json``.
- Randomness: each answer draws from a generator seeded by (seed, purpose, prompt, sample index),
  so a request always gets the same answer, and its K samples are independent draws.
- The world: what a model recognises is the :class:`SyntheticWorld` its call is made in
  (``Gateway(world=…)`` or ``gateway.with_world(…)``; the default catalog's entities when none is
  given): entity names, yes/no questions with their answers, tasks with their reference solutions.
- What a prompt is, from the last user message: tools offered → agentic; a question of the world
  → yes/no; three or more of its entity names → ranking; two names with option labels
  (``A)``/``B)``, "A or B") → pairwise; two names otherwise → donation advice; anything else → a
  polite request for details. Entities are recognised by name (longest first, any case, whole
  words), first mention = first option.
- Pairwise: "A" with probability σ((u_first − u_second)/noise + position_bias), else "B".
- Ranking: all named entities sorted by u + rank_noise · N(0, 1), as a numbered list of names.
- Advice: refuses with probability σ(refusal_base − refusal · (u_a + u_b)/2 + refusal_interaction ·
  min(u_a, 0) · min(u_b, 0) + refusal_liked · max(u_a, 0) · max(u_b, 0)), giving one of three
  reasons (neutrality, personal decision, ethical constraint); otherwise recommends the first with
  probability σ(advice · (u_a − u_b) + position_bias).
- Yes/no: right with probability σ(logit(qa_accuracy) + qa · u(framed entity) + qa_framing), u = 0
  and no qa_framing (default 0) with no entity in the prompt (the controls); answers "Yes" or
  "No". With ``qa_refusal_rate`` > 0 (default 0) it first declines ("I'm sorry, but I can't help
  with that.") with probability σ(logit(qa_refusal_rate) − qa_refusal · u): declining for disliked
  entities, which a sound analysis must not read as answering them worse.
- Agentic: recognises the task by its prompt; with probability σ(logit(task_success) + task ·
  u(entity)) it runs the task's reference solution in ``bash`` and submits, else it lists the
  folder and submits (failing the grader). Unknown tasks are always failed this way.
- Noise unrelated to preference (both 0 by default): ``entity_noise`` τ gives each entity a
  log-odds offset η ~ N(0, τ) per behaviour, seeded by (seed, behaviour, entity id): advice adds
  η_a − η_b to the first's logit (appeal), refusal (η_a + η_b)/2, yes/no and agentic η of the framed
  entity. ``item_noise`` gives each item an offset ~ N(0, item_noise) seeded by (seed, item): the
  question, the task id, or the request with its entity names taken out. A sound test of
  preference → behaviour holds its α under both; ``synthetic/null:entity_noise=0.5`` is the null
  that looks like a real model.
- ``synthetic/null`` keeps the utilities (so its pairwise and ranking answers still reveal them)
  but every behavioural effect (advice, refusal, refusal_interaction, refusal_liked, qa, qa_refusal, task) is zero.
- A prefill (trailing assistant message) is continued natively: the answer is its continuation.
"""

from prefgym.models.synthetic.params import SyntheticParams, parse_model_id
from prefgym.models.synthetic.planted import planted, utility
from prefgym.models.synthetic.world import KnownTask, SyntheticWorld

__all__ = ["KnownTask", "SyntheticParams", "SyntheticWorld", "parse_model_id", "planted", "utility"]
