"""Turn a model's tool call into a tool message, whatever the model got wrong.

A malformed call (arguments that are not JSON, an unknown tool, a missing field) is the model's
mistake, so it becomes an error message the model can read and fix; it never raises.

A tool's output reaches the model capped (:func:`cap_content`, 16 KiB by default, as Inspect does):
one ``cat`` of a large log must not fill a real model's context, or its bill. The cut is visible to
the model, and the whole output stays in the episode's record for the viewer and the grader's
readers.
"""

from __future__ import annotations

import json
import time

from pydantic import ValidationError

from prefgym.tools.base import Tool, ToolContext, ToolError, ToolOutput
from prefgym.types import Message, ToolCall, ToolExecution


def cap_content(text: str, limit: int) -> str | None:
    """``text`` cut to about ``limit`` UTF-8 bytes, its head and tail kept around a marker that
    says how much is missing; None when it fits."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return None
    keep = max(limit - 200, 64) // 2
    head = data[:keep].decode("utf-8", errors="ignore")
    tail = data[len(data) - keep:].decode("utf-8", errors="ignore")
    cut = len(data) - len(head.encode()) - len(tail.encode())
    return (f"{head}\n[... {cut:,} bytes of this output not shown: tool output is capped at {limit:,} bytes "
            f"per message; narrow the command (head, grep, tail) to see the rest ...]\n{tail}")


def _describe(e: ValidationError) -> str:
    problems = []
    for err in e.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(arguments)"
        problems.append(f"{where}: {err['msg']}")
    return "; ".join(problems)


async def call_tool(tools: dict[str, Tool], call: ToolCall, ctx: ToolContext) -> tuple[Message, ToolExecution, ToolOutput | None]:
    """Run one tool call; return the tool message, the execution record, and the output (None on error)."""
    started = time.perf_counter()
    name = call.function.name
    record = ToolExecution(tool_call_id=call.id, tool=name)
    output: ToolOutput | None = None
    try:
        tool = tools.get(name)
        if tool is None:
            raise ToolError(f"unknown tool {name!r}; available tools: {', '.join(sorted(tools))}")
        try:
            raw = json.loads(call.function.arguments or "{}")
        except json.JSONDecodeError as e:
            raise ToolError(f"arguments for {name!r} are not valid JSON ({e.msg} at position {e.pos})") from None
        if not isinstance(raw, dict):
            raise ToolError(f"arguments for {name!r} must be a JSON object, got {type(raw).__name__}")
        record.arguments = raw
        try:
            args = tool.Args.model_validate(raw)
        except ValidationError as e:
            raise ToolError(f"invalid arguments for {name!r}: {_describe(e)}") from None
        output = await tool.run(args, ctx)
        record.result = output.result
        content = output.content
    except ToolError as e:
        record.error = str(e)
        content = f"Error: {e}"
    record.duration_s = time.perf_counter() - started
    capped = cap_content(content, ctx.message_bytes)
    if capped is not None:
        record.full_content, content = content, capped
    return Message(role="tool", tool_call_id=call.id, name=name, content=content), record, output
