"""Tools an agent can call: specs for the model, executors against a Sandbox."""

from prefgym.tools.base import Tool, ToolContext, ToolError, ToolOutput
from prefgym.tools.builtin import BUILTIN_TOOLS, format_exec
from prefgym.tools.dispatch import call_tool

__all__ = ["BUILTIN_TOOLS", "Tool", "ToolContext", "ToolError", "ToolOutput", "call_tool", "format_exec",
           "resolve_tools"]


def resolve_tools(names: list[str]) -> dict[str, Tool]:
    unknown = [n for n in names if n not in BUILTIN_TOOLS]
    if unknown:
        raise ValueError(f"unknown tools {unknown}; known: {sorted(BUILTIN_TOOLS)}")
    return {n: BUILTIN_TOOLS[n] for n in names}
