"""The standard tools: bash, python, read_file, write_file, list_dir, submit."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from prefgym.tools.base import Tool, ToolContext, ToolError, ToolOutput
from prefgym.types import ExecResult


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


def format_exec(result: ExecResult) -> str:
    """Render a command's result for the model: exit status first, then both streams."""
    head = f"exit code: {result.exit_code}"
    if result.timed_out:
        head += " (timed out; the command and its children were killed)"
    parts = [head]
    if result.stdout:
        parts.append(result.stdout.rstrip("\n"))
    if result.stderr:
        parts.append("[stderr]\n" + result.stderr.rstrip("\n"))
    return "\n".join(parts)


def _require_sandbox(ctx: ToolContext):
    if ctx.sandbox is None:
        raise ToolError("this task has no sandbox; the tool cannot run")
    return ctx.sandbox


class BashTool(Tool):
    name = "bash"
    description = "Run a bash command in the sandbox (working directory /work). Returns exit code, stdout, stderr."

    class Args(_Args):
        command: str = Field(description="the bash command line to run")
        timeout: float | None = Field(default=None, gt=0, description="seconds before the command is killed")

    async def run(self, args: Args, ctx: ToolContext) -> ToolOutput:
        timeout = min(args.timeout or ctx.exec_timeout_s, ctx.exec_timeout_s * 10)
        result = await _require_sandbox(ctx).exec(args.command, timeout=timeout)
        return ToolOutput(format_exec(result), result)


class PythonTool(Tool):
    name = "python"
    description = "Run a Python 3 program in the sandbox (working directory /work). Print what you need to see."

    class Args(_Args):
        code: str = Field(description="the Python source to run")

    async def run(self, args: Args, ctx: ToolContext) -> ToolOutput:
        result = await _require_sandbox(ctx).exec(["python3", "-c", args.code], timeout=ctx.exec_timeout_s)
        return ToolOutput(format_exec(result), result)


class ReadFileTool(Tool):
    name = "read_file"
    description = "Read a text file from the sandbox. Relative paths are under /work."

    class Args(_Args):
        path: str

    async def run(self, args: Args, ctx: ToolContext) -> ToolOutput:
        try:
            data = await _require_sandbox(ctx).read_file(args.path)
        except OSError as e:
            raise ToolError(str(e)) from None
        text = data[: ctx.output_cap].decode("utf-8", errors="replace")
        if len(data) > ctx.output_cap:
            text += f"\n[... file truncated: {len(data) - ctx.output_cap} more bytes not shown ...]"
        return ToolOutput(text)


class WriteFileTool(Tool):
    name = "write_file"
    description = "Write a text file in the sandbox, creating folders as needed. Relative paths are under /work."

    class Args(_Args):
        path: str
        content: str

    async def run(self, args: Args, ctx: ToolContext) -> ToolOutput:
        try:
            await _require_sandbox(ctx).write_file(args.path, args.content)
        except OSError as e:
            raise ToolError(str(e)) from None
        return ToolOutput(f"wrote {len(args.content.encode())} bytes to {args.path}")


class ListDirTool(Tool):
    name = "list_dir"
    description = "List a folder in the sandbox (default: /work)."

    class Args(_Args):
        path: str = "."

    async def run(self, args: Args, ctx: ToolContext) -> ToolOutput:
        result = await _require_sandbox(ctx).exec(["ls", "-la", "--", args.path], timeout=ctx.exec_timeout_s)
        if result.exit_code != 0:
            raise ToolError(result.stderr.strip() or f"ls exited {result.exit_code}")
        return ToolOutput(result.stdout, result)


class SubmitTool(Tool):
    name = "submit"
    description = "Declare the task finished. Call it once, when the work is done; the episode ends."
    needs_sandbox = False

    class Args(_Args):
        answer: str | None = Field(default=None, description="an optional final answer or summary")

    async def run(self, args: Args, ctx: ToolContext) -> ToolOutput:
        return ToolOutput("submitted", submitted=True, answer=args.answer)


BUILTIN_TOOLS: dict[str, Tool] = {t.name: t for t in (BashTool(), PythonTool(), ReadFileTool(),
                                                       WriteFileTool(), ListDirTool(), SubmitTool())}
