"""Turn a model's tool call into a tool message, whatever the model got wrong.

A malformed call (arguments that are not JSON, an unknown tool, a missing field) is the model's
mistake, so it becomes an error message the model can read and fix; it never raises.
"""

from __future__ import annotations

import json
import time

from pydantic import ValidationError

from prefgym.tools.base import Tool, ToolContext, ToolError, ToolOutput
from prefgym.types import Message, ToolCall, ToolExecution


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
    return Message(role="tool", tool_call_id=call.id, name=name, content=content), record, output
