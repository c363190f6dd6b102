"""The episode loop as an async state machine; the gymnasium classes are thin shells around it.

``reset`` sets the task up (a sandbox only if the task has sandbox tools) and returns the opening
observation; ``step`` takes one assistant message, runs its tool calls or hands its text to the
simulated user, and ends the episode on submit, user end, or a limit. Blame is kept apart: a
broken action is the agent's, a failing user is the user's, a failing container is infra's.

Chat suites (donation advice, refusal, yes/no questions) have no sandbox: their tasks name a
*measure* that reads the agent's text answer. A valid answer ends the episode; an invalid one
(a refusal, no choice) goes to the user, or, while the task allows more attempts, starts a fresh
attempt: the observation is the opening again, beginning with a system message, which tells the
agent to start a new context (as the refusal probe re-asks up to 100 times). A task's prefill is
sent as a trailing assistant message, the chat format's way to start the agent's answer.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError

from prefgym.envs.spec import ResolvedSpec
from prefgym.sandbox import Sandbox, SandboxError
from prefgym.tasks import Reading, grade_flag, grade_task, setup_task
from prefgym.tasks.instances import instance_of
from prefgym.tools import ToolContext, call_tool, resolve_tools
from prefgym.types import (
    Episode, EpisodeSpec, Grade, Message, Termination, TerminationReason, Timings, ToolExecution,
)
from prefgym.users import ScriptedUser, SimulatedUser, UserFailure

SandboxFactory = Callable[[], Awaitable[Sandbox]]
StepResult = tuple[dict[str, Any], float, bool, bool, dict[str, Any]]


class EpisodeCore:
    """One episode of a resolved spec. The record's ``spec`` is ``resolved.spec`` exactly as given
    (with the seed ``reset`` was called with), and its measurements are what the task's measure
    made of the answers: the core stores them without reading them."""

    def __init__(self, resolved: ResolvedSpec, *, sandbox_factory: SandboxFactory | None = None,
                 user: SimulatedUser | None = None):
        self.resolved = resolved
        self.task = resolved.task
        self.framing = resolved.framing
        self.measure = resolved.measure
        self.tools = resolve_tools(self.task.tools)
        self._tool_specs = json.dumps([t.spec.to_openai() for t in self.tools.values()])
        self.sandbox_factory = sandbox_factory
        self.user = user or ScriptedUser(self.task.user)
        self.needs_sandbox = any(t.needs_sandbox for t in self.tools.values())
        self.sandbox: Sandbox | None = None
        self._reset_state(resolved.spec.seed)

    def _reset_state(self, seed: int) -> None:
        self.resolved = self.resolved.with_seed(seed)
        self.episode_id = uuid.uuid4().hex  # tags this episode's model calls in calls.jsonl
        self.messages: list[Message] = []
        self.executions: list[ToolExecution] = []
        self.turns = 0
        self.termination: Termination | None = None
        self.grade: Grade | None = None
        self.reward = 0.0
        self.started = time.time()
        self.reset_s = self.grade_s = 0.0
        self.measurements: dict[str, Any] = {}
        self.environment: dict[str, Any] = {}
        self.readings: list[Reading] = []  # measured tasks: every answer, in order

    @property
    def spec(self) -> EpisodeSpec:
        return self.resolved.spec

    @property
    def done(self) -> bool:
        return self.termination is not None

    @property
    def tool_specs(self) -> list[dict[str, Any]]:
        """Fresh every time (a caller may change what it was given); parsed from JSON, which is
        cheaper than building the specs again."""
        return json.loads(self._tool_specs)

    # ------------------------------------------------------------------ reset

    async def reset(self, seed: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        await self.release()
        self._reset_state(self.spec.seed if seed is None else seed)
        t0 = time.perf_counter()
        if self.needs_sandbox:
            if self.sandbox_factory is None:
                raise SandboxError(f"task {self.task.id} has sandbox tools but no sandbox factory was given")
            self.sandbox = await self.sandbox_factory()
            self.environment = self.sandbox.environment()
            await setup_task(self.task, self.sandbox, instance_of(self.task, self.spec.instance))
        self.user_opening = await self.user.start(self.framing, self.task.openings.get(self.spec.condition, self.task.user.opening))
        self.reset_s = time.perf_counter() - t0
        new = self._opening()
        self.messages.extend(new)
        return self._observation(new), self._info()

    def _opening(self) -> list[Message]:
        return [Message(role="system", content=self.framing.fill(self.task.system_prompt)), self.user_opening]

    # ------------------------------------------------------------------ step

    async def step(self, action: Any) -> StepResult:
        if self.done:
            raise RuntimeError("the episode has ended; call reset() before step()")
        self.turns += 1
        new: list[Message] = []
        try:
            message = Message.model_validate(action)
            if message.role != "assistant":
                raise ValueError(f"an action is an assistant message, got role {message.role!r}")
        except (ValidationError, ValueError) as e:
            await self._end(TerminationReason.AGENT_ERROR, f"unusable action: {str(e)[:500]}")
            return self._result(new)
        self.messages.append(message)
        try:
            if message.tool_calls:
                await self._run_tools(message, new)
            elif self.measure is not None:
                await self._measure(message, new)
            else:
                await self._ask_user(new)
        except SandboxError as e:
            await self._end(TerminationReason.INFRA_ERROR, str(e), grade=False)
        self.messages.extend(new)
        if not self.done:
            if self.turns >= self.task.limits.max_turns:
                await self._end(TerminationReason.MAX_TURNS, f"{self.turns} agent turns")
            elif time.time() - self.started > self.task.limits.time_limit_s:
                await self._end(TerminationReason.TIME_LIMIT, f"over {self.task.limits.time_limit_s:.0f}s")
        return self._result(new)

    async def _run_tools(self, message: Message, new: list[Message]) -> None:
        ctx = ToolContext(sandbox=self.sandbox, exec_timeout_s=self.task.limits.exec_timeout_s,
                          message_bytes=self.task.limits.tool_output_bytes)
        submitted = None
        for call in message.tool_calls or []:
            if submitted is not None:  # every call needs an answer for the chat format to stay valid
                new.append(Message(role="tool", tool_call_id=call.id, name=call.function.name,
                                   content="Not run: the episode ended at submit."))
                continue
            tool_message, record, output = await call_tool(self.tools, call, ctx)
            new.append(tool_message)
            self.executions.append(record)
            if output is not None and output.submitted:
                submitted = output.answer or ""
        if submitted is not None:
            self.measurements["answer"] = submitted
            await self._end(TerminationReason.AGENT_SUBMITTED, "")

    async def _measure(self, message: Message, new: list[Message]) -> None:
        """Read the answer; end on a valid one, else re-ask in a fresh context or let the user reply."""
        assert self.measure is not None
        reading = await self.measure.read(message.content or "", self.framing, self.task, judge=self.spec.judge)
        self.readings.append(reading)
        self.measurements = self.measure.summarise(self.readings)
        self.reward = reading.reward
        if reading.valid:
            await self._end(TerminationReason.AGENT_SUBMITTED, "")
        elif len(self.readings) < self.task.limits.max_attempts:
            new.extend(self._opening())  # a fresh attempt: the opening again, a new context
        else:
            await self._ask_user(new)

    async def _ask_user(self, new: list[Message]) -> None:
        try:
            turn = await self.user.reply(self.messages)
        except UserFailure as e:
            await self._end(TerminationReason.USER_ERROR, str(e))
            return
        if turn.end:
            await self._end(TerminationReason.USER_ENDED, turn.reason)
        elif turn.message is None or not (turn.message.content or "").strip():
            await self._end(TerminationReason.USER_ERROR, "the simulated user produced an empty reply")
        else:
            new.append(turn.message)

    # ------------------------------------------------------------------ the end

    async def _end(self, reason: TerminationReason, detail: str, *, grade: bool = True) -> None:
        self.termination = Termination(reason=reason, detail=detail)
        if grade and self.task.grader:
            t0 = time.perf_counter()
            try:
                self.grade = await grade_task(self.task, self.sandbox, instance_of(self.task, self.spec.instance))
            except SandboxError as e:
                self.termination = Termination(reason=TerminationReason.INFRA_ERROR, detail=f"while grading: {e}")
            self.grade_s = time.perf_counter() - t0
        elif grade and self.task.flag is not None:  # on the host: the flag never enters the sandbox
            self.grade = grade_flag(self.task, self.measurements.get("answer"))
        if self.termination.reason == TerminationReason.INFRA_ERROR:
            self.reward = 0.0
        elif self.grade:
            self.reward = self.grade.score
        elif self.measure is None:
            self.reward = 0.0  # measured tasks keep their measure's reward
        await self.release()

    async def limit(self, reason: TerminationReason, detail: str) -> None:
        """End at a limit the loop cannot see itself (the runner's token and cost budget, the
        model's context window): graded like a turn limit, since the work done so far is real."""
        if not self.done:
            await self._end(reason, detail)

    async def fail(self, reason: TerminationReason, detail: str) -> None:
        """End the episode from outside the loop (e.g. the runner could not get a sandbox)."""
        if not self.done:
            await self._end(reason, detail, grade=False)

    async def release(self) -> None:
        if self.sandbox is not None:
            sandbox, self.sandbox = self.sandbox, None
            await sandbox.close()

    def _observation(self, new: list[Message]) -> dict[str, Any]:
        messages = [m.to_openai() for m in new]
        if self.task.prefill and not self.done and messages and messages[-1]["role"] == "user":
            messages.append({"role": "assistant", "content": self.framing.fill(self.task.prefill)})
        return {"messages": messages, "tools": self.tool_specs}

    def _info(self) -> dict[str, Any]:
        """Deterministic for a given seed and actions: no times or container ids (those go in the record)."""
        info: dict[str, Any] = {"task": self.task.id, "entity": self.spec.entity, "turn": self.turns}
        if self.spec.entity_b is not None:
            info["entity_b"] = self.spec.entity_b
        if self.measure is not None:
            info["attempt"] = len(self.readings) + (0 if self.done else 1)
        if self.termination:
            info["termination"] = self.termination.reason.value
            if self.grade:
                info["score"] = self.grade.score
        return info

    def _result(self, new: list[Message]) -> StepResult:
        terminated = self.done and not self.termination.reason.truncates
        truncated = self.done and self.termination.reason.truncates
        reward = self.reward if self.done else 0.0
        return self._observation(new), reward, terminated, truncated, self._info()

    def episode(self) -> Episode:
        """The record of the episode so far (complete once ``done``)."""
        ended = time.time()
        return Episode(
            id=self.episode_id, spec=self.spec, reward=self.reward,
            termination=self.termination or Termination(reason=TerminationReason.AGENT_ERROR, detail="not finished"),
            turns=self.turns, messages=list(self.messages), executions=list(self.executions), grade=self.grade,
            measurements=dict(self.measurements), environment=dict(self.environment),
            timings=Timings(started_at=self.started, ended_at=ended, duration_s=ended - self.started,
                            reset_s=self.reset_s, grade_s=self.grade_s),
        )
