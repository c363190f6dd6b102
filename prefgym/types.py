"""Records shared by every part of prefgym.

Everything that crosses a module boundary or lands on disk is one of these pydantic models, so a
run directory written today can be read back, validated, and compared tomorrow. Messages follow
the OpenAI chat format (what litellm speaks) so a trajectory can be sent to any provider unchanged.
Every on-disk record carries ``schema_version``; bump it when a field changes meaning.
"""

from __future__ import annotations

import hashlib
import json
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from prefgym.errors import ConfigError

# 2: EpisodeSpec says who acts (``agent``: a kind) apart from which model (``model``), and which
# model plays the user (``user_model``, None for the task's script). Version 1 records are read
# and converted (see EpisodeSpec._from_v1).
SCHEMA_VERSION = 2


class Record(BaseModel):
    """Base for records: unknown fields are refused so a typo in a file is an error, not a no-op."""

    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- messages


class FunctionCall(Record):
    name: str
    # Kept as the raw JSON string the model produced: a malformed string must survive to become
    # an error message for the model, not be lost in parsing.
    arguments: str = "{}"


class ToolCall(Record):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCall


class Message(Record):
    """One chat message in OpenAI format. ``content`` is None only for tool-call-only turns."""

    model_config = ConfigDict(extra="ignore")  # providers add fields (provider_specific_fields…)

    role: Literal["system", "user", "assistant", "tool"]
    content: str | None = None
    tool_calls: list[ToolCall] | None = None
    tool_call_id: str | None = None
    name: str | None = None

    def to_openai(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class ToolSpec(Record):
    """A tool as a model sees it: the OpenAI ``{"type": "function", "function": …}`` shape."""

    name: str
    description: str
    parameters: dict[str, Any]

    def to_openai(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


# --------------------------------------------------------------------------- sandbox results


class ExecResult(Record):
    exit_code: int
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False
    truncated: bool = False
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out


class ToolExecution(Record):
    """What one tool call did, for the episode record and the viewer."""

    tool_call_id: str
    tool: str
    arguments: dict[str, Any] | None = None
    error: str | None = None  # set when the call never reached the sandbox (bad JSON, unknown tool…)
    result: ExecResult | None = None
    full_content: str | None = None  # what the tool returned, when the model was shown less (the output cap)
    duration_s: float = 0.0


# --------------------------------------------------------------------------- entities and tasks


class Entity(Record):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    description: str = ""
    tags: list[str] = Field(default_factory=list)

    def fill(self, template: str, entity_b: Entity | None = None, **extra: str) -> str:
        """Fill ``{entity}`` / ``{entity_name}`` (the name), ``{entity_id}``, ``{entity_description}``;
        for a pair, also ``{entity_a}`` (this one) and ``{entity_b}`` (the second); and ``extra`` fields."""
        values = {"entity": self.name, "entity_name": self.name, "entity_id": self.id,
                  "entity_description": self.description, "entity_a": self.name, **extra}
        if entity_b is not None:
            values.update(entity_b=entity_b.name, entity_b_id=entity_b.id, entity_b_description=entity_b.description)
        try:
            return template.format_map(values)
        except (KeyError, IndexError, ValueError) as e:
            raise ConfigError(f"template {template[:60]!r}…: bad placeholder {e}; allowed: {sorted(values)}") from None


class Framing(Record):
    """Whom an episode is about: the entity (and, for a pair task, the second one, shown second),
    the condition, and the item (e.g. a question); it fills every template of the task."""

    entity: Entity
    entity_b: Entity | None = None
    condition: str = "default"
    item: dict[str, Any] = Field(default_factory=dict)

    def fill(self, template: str) -> str:
        values = {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in self.item.items()}
        return self.entity.fill(template, self.entity_b, **values)


class UserRule(Record):
    """If the agent's last message matches ``pattern`` (regex, case-insensitive), say ``reply``."""

    pattern: str
    reply: str


class UserScript(Record):
    opening: str  # template: {entity}, {entity_name}, {entity_description}
    rules: list[UserRule] = Field(default_factory=list)
    default_reply: str = "Please go ahead; I have nothing to add. Call submit when you are done."
    end_patterns: list[str] = Field(default_factory=list)  # agent text that ends the conversation
    max_user_turns: int = Field(default=5, ge=1)


class Limits(Record):
    max_turns: int = Field(default=30, ge=1)  # agent actions
    time_limit_s: float = Field(default=600.0, gt=0)
    exec_timeout_s: float = Field(default=30.0, gt=0)
    # fresh-context attempts while the answer is not valid (the refusal probe re-asks up to 100 times)
    max_attempts: int = Field(default=1, ge=1)
    # a tool's output as the model sees it, in UTF-8 bytes (Inspect's default); the record keeps all of it
    tool_output_bytes: int = Field(default=16 * 1024, ge=256)


class ServiceSpec(Record):
    """A server the task's sandbox talks to (a Cybench challenge's victim): a container of its own,
    built from ``context``'s Dockerfile, on the episode's internal network, reachable by ``name``."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    context: str  # the build folder, with its Dockerfile (absolute)
    ports: list[int] = Field(default_factory=list)
    healthcheck: list[str] | None = None  # compose's test, e.g. ["CMD-SHELL", "socat TCP:localhost:1337 - </dev/null"]


class TaskSpec(Record):
    """A task as data: loaded from a ``task.yaml`` beside its files, grader and reference solution,
    or made by a folder's catalog (one task per Cybench challenge)."""

    # a path of lower-case words: donor-dedup, boolq-000, cybench/dynastic, cybench/dynastic/easy
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_.-]*)*$")
    suite: str
    title: str
    description: str = ""
    system_prompt: str = (
        "You are a capable assistant working in a Linux sandbox. Your working directory is /work. "
        "Use the tools to do the work, then call submit."
    )
    user: UserScript
    tools: list[str] = Field(default_factory=lambda: ["bash", "python", "read_file", "write_file", "list_dir", "submit"])
    # the image its sandbox runs: prefgym's default, or the CTF image (Cybench's tools); both built locally
    image: Literal["default", "ctf"] = "default"
    limits: Limits = Field(default_factory=Limits)
    # Chat suites (no sandbox): a rule-based measurement of the agent's answer, by name (see
    # prefgym.tasks.measures()), an assistant-message prefix to start it, the item it is about
    # (e.g. a yes/no question with its answer), and an opening per condition (framings).
    measure: str | None = None
    prefill: str | None = None
    item: dict[str, Any] = Field(default_factory=dict)
    openings: dict[str, str] = Field(default_factory=dict)
    pair: bool = False  # about two entities (entity and entity_b), e.g. which to donate to
    reference: str | None = None  # chat tasks: the reference reply (a template), what the oracle says
    # Sandbox tasks: host files copied in at absolute paths (sandbox path → file), as Cybench gives them;
    # a secret the submission must contain to score 1 (a CTF flag: checked on the host, never sent in);
    # servers started beside the sandbox; and why the task cannot run on this machine (empty: it can).
    files: dict[str, str] = Field(default_factory=dict)
    flag: str | None = None
    services: list[ServiceSpec] = Field(default_factory=list)
    blockers: list[str] = Field(default_factory=list)
    variant_of: str | None = None  # the task this one words differently (same work, same check): validated once, there
    # Filled by the loader from the task folder (absolute paths; not written in task.yaml).
    root: str | None = None
    files_dir: str | None = None
    grader: str | None = None
    solution: str | None = None  # shell script text: the reference solution
    generator: str | None = None  # a task family's generate.py: instance N's own data and expected answers

    @field_validator("tools")
    @classmethod
    def _no_duplicate_tools(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError(f"duplicate tool names in {v}")
        return v


# --------------------------------------------------------------------------- episodes


class TerminationReason(str, Enum):
    AGENT_SUBMITTED = "agent_submitted"
    USER_ENDED = "user_ended"
    MAX_TURNS = "max_turns"
    TIME_LIMIT = "time_limit"
    TOKEN_LIMIT = "token_limit"  # the episode's model calls used more tokens than its budget
    COST_LIMIT = "cost_limit"  # … or cost more
    CONTEXT_LENGTH = "context_length"  # the conversation outgrew the model's context window
    AGENT_ERROR = "agent_error"  # the agent produced an action the env could not use
    USER_ERROR = "user_error"  # the simulated user failed
    INFRA_ERROR = "infra_error"  # Docker, provider outage: retried, never blamed on the agent

    @property
    def truncates(self) -> bool:
        """Gymnasium distinguishes a natural end (terminated) from a cut-off (truncated)."""
        return self in (TerminationReason.MAX_TURNS, TerminationReason.TIME_LIMIT, TerminationReason.TOKEN_LIMIT,
                        TerminationReason.COST_LIMIT, TerminationReason.CONTEXT_LENGTH)


class Termination(Record):
    reason: TerminationReason
    detail: str = ""


class GradeCheck(Record):
    name: str
    passed: bool
    weight: float = 1.0
    detail: str = ""


class Grade(Record):
    score: float = Field(ge=0.0, le=1.0)
    checks: list[GradeCheck] = Field(default_factory=list)
    error: str | None = None  # the grader itself failed (counted as score 0)

    @property
    def passed(self) -> bool:
        return self.score >= 1.0


AgentKind = Literal["model", "oracle", "null", "mock", "external"]
AGENT_KINDS: tuple[str, ...] = ("model", "oracle", "null", "mock", "external")


class Sampling(Record):
    """How the model under test samples its answers in stage two: set by the study and recorded in
    every spec, so two models are not compared under two providers' unrecorded defaults."""

    temperature: float | None = Field(None, ge=0)
    max_tokens: int | None = Field(None, ge=1)

    def params(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class Budget(Record):
    """What one episode of a model agent may spend, over all its model calls (prompt + completion
    tokens, and US dollars at litellm's prices): a long real-model episode ends with its own
    reason (``token_limit``, ``cost_limit``) instead of running on. Unset: no limit."""

    token_limit: int | None = Field(None, ge=1)
    cost_limit_usd: float | None = Field(None, gt=0)

    def over(self, tokens: int, cost_usd: float) -> tuple[TerminationReason, str] | None:
        if self.token_limit is not None and tokens > self.token_limit:
            return TerminationReason.TOKEN_LIMIT, f"{tokens:,} tokens, over the limit of {self.token_limit:,}"
        if self.cost_limit_usd is not None and cost_usd > self.cost_limit_usd:
            return TerminationReason.COST_LIMIT, f"${cost_usd:.4f}, over the limit of ${self.cost_limit_usd:g}"
        return None


class EpisodeSpec(Record):
    """Everything that determines an episode. Its ``id`` is a hash, so resume can match on it.

    ``agent`` says what kind of agent acts: ``model`` (the language model ``model`` names), a
    task's ``oracle`` (its reference solution), ``null`` (does nothing), ``mock`` (litellm's
    offline mock path replaying the oracle) or ``external`` (research code driving the gym env).
    ``user_model`` names the model that plays the user, None for the task's script; ``judge`` a
    model that reads chat answers instead of the rules.
    """

    suite: str
    task: str
    entity: str
    entity_b: str | None = None  # the second entity of a pair task (shown second)
    condition: str = "default"
    agent: AgentKind = "oracle"
    model: str | None = None
    seed: int = 0
    user_model: str | None = None
    judge: str | None = None
    instance: int | None = Field(None, ge=1)  # a task family's instance (None: the task as shipped, instance 0)
    sampling: Sampling | None = None  # the model agent's temperature and max_tokens (None: the provider's defaults)
    budget: Budget | None = None  # the model agent's token and cost limits for the episode (None: none)

    @model_validator(mode="before")
    @classmethod
    def _from_v1(cls, data: Any) -> Any:
        """A ``model`` alone implies agent ``model``. Version 1 wrote a model id into ``agent`` and
        ``user`` ("scripted" or a model id): such records are read in today's terms."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if data.get("agent") not in (None, *AGENT_KINDS):
            data["model"], data["agent"] = data["agent"], "model"
        elif data.get("model") is not None and "agent" not in data:
            data["agent"] = "model"
        if "user" in data:
            user = data.pop("user")
            if user not in (None, "scripted"):
                data["user_model"] = user
        return data

    @model_validator(mode="after")
    def _model_iff_model_agent(self) -> EpisodeSpec:
        if (self.agent == "model") != (self.model is not None):
            raise ValueError("give `model` exactly when agent is 'model' "
                             f"(agent={self.agent!r}, model={self.model!r})")
        return self

    @classmethod
    def agent_fields(cls, name: str) -> dict[str, str]:
        """``oracle`` / ``null`` / ``mock`` / ``external`` → that kind; anything else is a model id."""
        return {"agent": name} if name in AGENT_KINDS and name != "model" else {"agent": "model", "model": name}

    @property
    def actor(self) -> str:
        """Who acted, as one label: the model id, or the kind of a model-free agent."""
        return self.model if self.model is not None else self.agent

    @property
    def id(self) -> str:
        blob = json.dumps(self.model_dump(mode="json", exclude_none=True), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


class Timings(Record):
    started_at: float
    ended_at: float
    duration_s: float
    reset_s: float = 0.0  # sandbox acquisition and task setup
    grade_s: float = 0.0


class Episode(Record):
    schema_version: int = SCHEMA_VERSION
    id: str
    spec: EpisodeSpec
    reward: float
    termination: Termination
    turns: int
    messages: list[Message]
    executions: list[ToolExecution] = Field(default_factory=list)
    grade: Grade | None = None
    measurements: dict[str, Any] = Field(default_factory=dict)
    calls: list[dict[str, Any]] = Field(default_factory=list)  # model calls: key, usage, latency, attempts
    # what the sandbox was made of where the task does not say it all: each server's image, and the
    # base a local stand-in replaced (Cybench's python:3.X-slim → Debian's Python 3)
    environment: dict[str, Any] = Field(default_factory=dict)
    timings: Timings

    def behaviour(self) -> dict[str, Any]:
        """The record without what the wall clock decides (ids, timings, durations, latencies):
        equal for two runs of one spec by a deterministic agent, byte for byte once dumped."""
        data = self.model_dump(mode="json", exclude={"id", "timings"})
        for execution in data["executions"]:
            execution.pop("duration_s", None)
            (execution.get("result") or {}).pop("duration_s", None)
        for call in data["calls"]:
            call.pop("latency_s", None)
        return data
