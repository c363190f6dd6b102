"""What a tool is: a JSON-schema spec the model sees, and an executor against a Sandbox.

Arguments are declared as a pydantic model, so the schema sent to the model and the validation of
what the model sends back can never disagree.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from pydantic import BaseModel

from prefgym.sandbox import Sandbox
from prefgym.types import ExecResult, ToolSpec


@dataclass
class ToolContext:
    sandbox: Sandbox | None
    exec_timeout_s: float = 30.0
    output_cap: int = 64 * 1024  # bytes a read_file reads
    message_bytes: int = 16 * 1024  # bytes of any tool's output the model is shown (see dispatch.cap_content)


@dataclass
class ToolOutput:
    content: str  # what the model reads in the tool message
    result: ExecResult | None = None
    submitted: bool = False  # the agent declared the work done
    answer: str | None = None


class ToolError(Exception):
    """A tool call the agent got wrong; its message goes back to the model as the tool's reply."""


class Tool(ABC):
    name: str
    description: str
    Args: type[BaseModel]
    needs_sandbox: bool = True

    @property
    def spec(self) -> ToolSpec:
        schema = self.Args.model_json_schema()
        schema.pop("title", None)
        for prop in schema.get("properties", {}).values():
            prop.pop("title", None)
        return ToolSpec(name=self.name, description=self.description, parameters=schema)

    @abstractmethod
    async def run(self, args: BaseModel, ctx: ToolContext) -> ToolOutput: ...
