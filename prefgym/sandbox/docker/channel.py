"""The host end of the persistent shell channel: JSON lines over one attached exec socket.

One ``docker exec`` costs ~57 ms here; a round trip over an already-attached socket ~0.2 ms. So
each container gets one long-lived driver process (``driver.py``) and every command, file read
and file write is a request on its socket.

With ``tty=False`` Docker multiplexes the driver's stdout and stderr on that socket in frames
(an 8-byte header: stream id, three zero bytes, big-endian length) that may split lines anywhere;
:class:`ShellChannel` demultiplexes them and buffers until a full line arrives.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import socket
import struct
from pathlib import Path
from typing import Any

DRIVER_SOURCE = (Path(__file__).with_name("driver.py")).read_text()

_STDOUT, _STDERR = 1, 2


class ChannelClosed(ConnectionError):
    """The driver went away (killed by the agent's ``kill -9 -1``, OOM, container gone)."""


class DriverError(RuntimeError):
    """The driver ran the request and reported an error (e.g. file not found)."""


def _start_exec(api: Any, exec_id: str) -> socket.socket:
    """``exec_start(socket=True)``, but returning a socket asyncio can own outright.

    docker-py hands back the HTTP connection's socket still wrapped by an HTTP response and a
    makefile() reader, which close (or warn) on their own schedule. We keep a duplicate of the fd
    and close docker-py's objects now, in order, so no half-closed socket is left for the GC.
    """
    res = api._post_json(api._url("/exec/{0}/start", exec_id), headers={"Connection": "Upgrade", "Upgrade": "tcp"},
                         data={"Tty": False, "Detach": False}, stream=True)
    sock = api._get_raw_response_socket(res)
    raw = getattr(sock, "_sock", sock)
    own = socket.socket(fileno=os.dup(raw.fileno()))
    res.close()
    raw.close()
    own.setblocking(False)
    return own


class ShellChannel:
    """Requests are sent one at a time; the lock keeps concurrent callers from interleaving."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self._reader = reader
        self._writer = writer
        self._ids = itertools.count(1)
        self._lock = asyncio.Lock()
        self._lines: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._stderr = bytearray()
        self._pump_task = asyncio.create_task(self._pump())
        self.closed = False

    @classmethod
    async def open(cls, api: Any, container_id: str, *, user: str, workdir: str) -> "ShellChannel":
        exec_id = await asyncio.to_thread(
            api.exec_create, container_id, ["python3", "-I", "-S", "-u", "-c", DRIVER_SOURCE],
            stdin=True, stdout=True, stderr=True, tty=False, user=user, workdir=workdir,
        )
        own = await asyncio.to_thread(_start_exec, api, exec_id["Id"])
        reader, writer = await asyncio.open_connection(sock=own)
        channel = cls(reader, writer)
        # The driver speaks only when spoken to, so no byte can hide in docker-py's HTTP buffer.
        await channel.request({"op": "hello"})
        return channel

    async def _pump(self) -> None:
        """Demultiplex frames into whole stdout lines; keep stderr for diagnostics."""
        pending = bytearray()
        try:
            while True:
                header = await self._reader.readexactly(8)
                stream, size = header[0], struct.unpack(">I", header[4:])[0]
                payload = await self._reader.readexactly(size)
                if stream == _STDERR:
                    self._stderr += payload
                    del self._stderr[:-8192]
                    continue
                pending += payload
                while (nl := pending.find(b"\n")) >= 0:
                    self._lines.put_nowait(bytes(pending[:nl]))
                    del pending[: nl + 1]
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        finally:
            self.closed = True
            self._lines.put_nowait(None)

    async def request(self, payload: dict[str, Any]) -> dict[str, Any]:
        async with self._lock:
            if self.closed:
                raise ChannelClosed(self._why())
            payload = {**payload, "id": next(self._ids)}
            self._writer.write(json.dumps(payload).encode() + b"\n")
            await self._writer.drain()
            line = await self._lines.get()
            if line is None:
                raise ChannelClosed(self._why())
            reply = json.loads(line)
            if reply.get("id") != payload["id"]:
                raise ChannelClosed(f"protocol out of step: sent {payload['id']}, got {reply.get('id')}")
            if not reply.pop("ok", False):
                raise DriverError(reply.get("error", "unknown driver error"))
            return reply

    def _why(self) -> str:
        tail = self._stderr.decode("utf-8", "replace").strip()
        return "sandbox shell channel closed" + (f": {tail[-500:]}" if tail else "")

    async def aclose(self) -> None:
        self.closed = True
        try:
            self._writer.close()
        except Exception:  # the socket may already be gone with its container
            pass
        self._pump_task.cancel()
        try:
            await self._pump_task
        except (asyncio.CancelledError, Exception):
            pass
