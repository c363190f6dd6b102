"""The synthetic models behind an OpenAI-compatible HTTP endpoint, batch API included.

Why an HTTP server for models that live in this process: a batch API is files and polling, and the
only honest test of prefgym's batch path is to drive litellm's own ``create_file`` /
``create_batch`` / ``retrieve_batch`` / ``file_content`` against something that speaks OpenAI's
wire format. This endpoint does, on 127.0.0.1, and answers every request by the synthetic models'
rules (:func:`~prefgym.models.synthetic.answer.synthetic_answer`), so a batched study can be
compared with an unbatched one answer for answer. ``--batch`` runs of ``synthetic/…`` models go
through one started in this process (:func:`local_endpoint`), or through the one named by
``$PREFGYM_SYNTHETIC_BATCH_URL`` (tests start it in their own process, so it outlives a killed run).

Routes: ``POST /v1/chat/completions``; ``POST /v1/files`` (multipart), ``GET /v1/files/{id}`` and
``/content``; ``POST /v1/batches``, ``GET /v1/batches[/{id}]``, ``POST /v1/batches/{id}/cancel``.
Tests steer it with attributes, not routes: :attr:`hold` keeps new batches in progress until
:meth:`release`, :attr:`fail` fails chosen requests (they go to the batch's error file),
:attr:`expire_after` lets the next batch expire after that many requests; :attr:`seen` counts every
request it answered, by ``custom_id``, so a test can prove none was paid twice.

Stdlib only (http.server, email's multipart parser): it starts in milliseconds and needs nothing
that a machine without network could lack.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prefgym.models.synthetic.answer import synthetic_answer
from prefgym.models.synthetic.world import SyntheticWorld

FINAL = frozenset({"completed", "failed", "expired", "cancelled"})


def chat_completion(body: dict[str, Any], world: SyntheticWorld | None) -> dict[str, Any]:
    """OpenAI's chat completion object for one request body."""
    from prefgym.models.synthetic.handler import call_sample, call_world  # the metadata's wire format lives there

    metadata = body.get("metadata") or {}
    message, usage = synthetic_answer(body["model"], call_world(metadata, world), body["messages"], body.get("tools"),
                                      call_sample(metadata))
    out: dict[str, Any] = {"role": "assistant", "content": message.get("content")}
    if message.get("tool_calls"):
        out["tool_calls"] = message["tool_calls"]
    return {"id": f"chatcmpl-{next(_ids)}", "object": "chat.completion", "created": int(time.time()),
            "model": body["model"], "usage": usage,
            "choices": [{"index": 0, "message": out, "finish_reason": "tool_calls" if out.get("tool_calls") else "stop"}]}


_ids = itertools.count(1)


class SyntheticEndpoint:
    def __init__(self, world: SyntheticWorld | None = None, port: int = 0):
        """``world``: for calls whose world this process does not hold (another process's run)."""
        self.world = world
        self.files: dict[str, dict[str, Any]] = {}
        self.contents: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.seen: Counter[str] = Counter()  # custom_id → times answered (batch lines)
        self.chat_requests = 0
        self.hold = False
        self.fail: Callable[[str, int], bool] | None = None  # (custom_id, times seen before) → fail it?
        self.expire_after: int | None = None  # the next batch expires after this many requests (once)
        self._released = threading.Event()
        self._lock = threading.RLock()
        self._server = _Server(("127.0.0.1", port), _handler(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> SyntheticEndpoint:
        self._thread = threading.Thread(target=self._server.serve_forever, name="synthetic-endpoint", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SyntheticEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def release(self) -> None:
        """Let held batches run (and every later one)."""
        self.hold = False
        self._released.set()

    # ------------------------------------------------------------------ files

    def add_file(self, data: bytes, filename: str, purpose: str) -> dict[str, Any]:
        file_id = f"file-{next(_ids)}"
        obj = {"id": file_id, "object": "file", "bytes": len(data), "created_at": int(time.time()),
               "filename": filename, "purpose": purpose, "status": "processed"}
        with self._lock:
            self.files[file_id], self.contents[file_id] = obj, data
        return obj

    # ------------------------------------------------------------------ batches

    def create_batch(self, request: dict[str, Any]) -> dict[str, Any]:
        file_id = request.get("input_file_id")
        if file_id not in self.contents:
            raise KeyError(f"no file {file_id!r}")
        now = int(time.time())
        batch = {"id": f"batch_{next(_ids)}", "object": "batch", "endpoint": request.get("endpoint"), "errors": None,
                 "input_file_id": file_id, "completion_window": request.get("completion_window", "24h"),
                 "status": "in_progress", "output_file_id": None, "error_file_id": None, "created_at": now,
                 "in_progress_at": now, "expires_at": now + 86400, "finalizing_at": None, "completed_at": None,
                 "failed_at": None, "expired_at": None, "cancelling_at": None, "cancelled_at": None,
                 "request_counts": {"total": 0, "completed": 0, "failed": 0}, "metadata": request.get("metadata")}
        with self._lock:
            self.batches[batch["id"]] = batch
        if self.hold:
            self._released.clear()
        expire_after, self.expire_after = self.expire_after, None
        threading.Thread(target=self._process, args=(batch["id"], self.hold, expire_after), daemon=True).start()
        return batch

    def _process(self, batch_id: str, held: bool, expire_after: int | None) -> None:
        if held:
            self._released.wait()
        batch = self.batches[batch_id]
        lines = [json.loads(line) for line in self.contents[batch["input_file_id"]].splitlines() if line.strip()]
        out, errors, status = [], [], "completed"
        for i, line in enumerate(lines):
            if batch["status"] == "cancelling":
                status = "cancelled"
                break
            if expire_after is not None and i >= expire_after:
                status = "expired"
                break
            custom_id = line["custom_id"]
            with self._lock:
                before = self.seen[custom_id]
                self.seen[custom_id] += 1
            record = {"id": f"batch_req_{next(_ids)}", "custom_id": custom_id, "error": None}
            if self.fail is not None and self.fail(custom_id, before):
                record["response"] = {"status_code": 500, "request_id": f"req_{next(_ids)}",
                                      "body": {"error": {"message": "synthetic failure", "type": "server_error"}}}
                errors.append(record)
            else:
                record["response"] = {"status_code": 200, "request_id": f"req_{next(_ids)}",
                                      "body": chat_completion(line["body"], self.world)}
                out.append(record)
        now = int(time.time())
        with self._lock:
            if out:
                batch["output_file_id"] = self.add_file(_jsonl(out), f"{batch_id}_output.jsonl", "batch_output")["id"]
            if errors:
                batch["error_file_id"] = self.add_file(_jsonl(errors), f"{batch_id}_error.jsonl", "batch_output")["id"]
            batch["request_counts"] = {"total": len(lines), "completed": len(out), "failed": len(errors)}
            batch["status"] = status
            batch[{"completed": "completed_at", "expired": "expired_at", "cancelled": "cancelled_at"}[status]] = now

    def cancel(self, batch_id: str) -> dict[str, Any]:
        batch = self.batches[batch_id]
        if batch["status"] not in FINAL:
            batch["status"], batch["cancelling_at"] = "cancelling", int(time.time())
        return batch


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (litellm closing its pool) is not an error; anything else is printed."""
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def _jsonl(records: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def _multipart(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """name → (filename, bytes) of a multipart/form-data body (email's parser: the stdlib has no other now)."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    return {part.get_param("name", header="content-disposition"): (part.get_filename(), part.get_payload(decode=True))
            for part in message.iter_parts()}


def _handler(endpoint: SyntheticEndpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read their own output
            pass

        def _send(self, status: int, payload: Any, raw: bytes | None = None) -> None:
            data = raw if raw is not None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream" if raw is not None else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str) -> None:
            self._send(status, {"error": {"message": message, "type": "invalid_request_error"}})

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_POST(self) -> None:
            path = self.path.split("?")[0].rstrip("/")
            body = self._body()
            try:
                if path.endswith("/chat/completions"):
                    endpoint.chat_requests += 1
                    self._send(200, chat_completion(json.loads(body), endpoint.world))
                elif path.endswith("/files"):
                    parts = _multipart(self.headers["Content-Type"], body)
                    filename, data = parts["file"]
                    self._send(200, endpoint.add_file(data, filename or "upload.jsonl", parts["purpose"][1].decode()))
                elif path.endswith("/batches"):
                    self._send(200, endpoint.create_batch(json.loads(body)))
                elif path.endswith("/cancel"):
                    self._send(200, endpoint.cancel(path.split("/")[-2]))
                else:
                    self._error(404, f"no route {self.path}")
            except KeyError as e:
                self._error(404, str(e))
            except (ValueError, TypeError) as e:
                self._error(400, f"{type(e).__name__}: {e}")

        def do_GET(self) -> None:
            parts = self.path.split("?")[0].strip("/").split("/")  # v1, files|batches, id, [content]
            if len(parts) == 2 and parts[1] == "batches":
                data = sorted(endpoint.batches.values(), key=lambda b: b["created_at"], reverse=True)
                return self._send(200, {"object": "list", "data": data, "has_more": False})
            if len(parts) >= 3 and parts[1] == "batches" and parts[2] in endpoint.batches:
                return self._send(200, endpoint.batches[parts[2]])
            if len(parts) >= 3 and parts[1] == "files" and parts[2] in endpoint.files:
                if len(parts) == 4 and parts[3] == "content":
                    return self._send(200, None, raw=endpoint.contents[parts[2]])
                return self._send(200, endpoint.files[parts[2]])
            self._error(404, f"no such object: {self.path}")

    return Handler


_local: SyntheticEndpoint | None = None
_local_lock = threading.Lock()


def local_endpoint() -> SyntheticEndpoint:
    """This process's endpoint, started on first use (a free port on 127.0.0.1) and kept for its life."""
    global _local
    with _local_lock:
        if _local is None:
            _local = SyntheticEndpoint().start()
        return _local


URL_VARIABLE = "PREFGYM_SYNTHETIC_BATCH_URL"


def endpoint_url() -> tuple[str, bool]:
    """``(url, in this process)``: the endpoint ``$PREFGYM_SYNTHETIC_BATCH_URL`` names (one that
    outlives this process), else this process's own."""
    url = os.environ.get(URL_VARIABLE)
    return (url.rstrip("/"), False) if url else (local_endpoint().url, True)
