"""The viewer's HTTP server: the standard library's threading server, read-only, one run directory.

It binds to 127.0.0.1 unless told otherwise, and when bound to a loopback address it answers only
requests addressed to a loopback name, so a web page elsewhere cannot read a run through DNS
rebinding. Files are served only from the run's ``report/`` folder and the viewer's own static
folder: every path segment is decoded once and refused if it is ``..`` or holds a separator, and
the resolved file (symlinks followed) must still lie inside the run directory. Pages carry a
Content-Security-Policy without inline script, so a model's output that slipped past escaping
could still not run.
"""

from __future__ import annotations

import ipaddress
import json
import math
import mimetypes
import os
import shutil
import socket
import sys
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from prefgym.runner.episode_index import COLUMNS, select
from prefgym.runner.rundir import RunDir, RunDirError
from prefgym.viewer import pages

STATIC_DIR = Path(__file__).parent / "static"
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# The report is prefgym's own static HTML (inline style, no script): it keeps its style, never runs script.
REPORT_CSP = "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


class HttpError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class ViewerServer(ThreadingHTTPServer):
    """Serves one run directory; ``index`` is built before the first request is accepted."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, run_dir: str | Path, host: str = "127.0.0.1", port: int = 8765, *, verbose: bool = False):
        self.run_dir = Path(run_dir).resolve()
        self.run = RunDir(self.run_dir)
        self.index = self.run.index()
        self.verbose = verbose
        try:
            self.loopback = ipaddress.ip_address(host.strip("[]")).is_loopback
        except ValueError:
            self.loopback = host == "localhost"
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{'[' + host + ']' if ':' in host else host}:{port}"

    def has_report(self) -> bool:
        return self.run.report_index.is_file()

    def manifest(self) -> dict[str, Any] | None:
        try:
            return self.run.manifest()
        except (OSError, RunDirError):
            return None


def safe_file(root: Path, base: Path, parts: list[str]) -> Path:
    """The file ``base/parts…``, refused (403) unless it really lies inside ``root``."""
    for p in parts:
        if p in ("", ".", "..") or "/" in p or "\\" in p or "\x00" in p:
            raise HttpError(403, "that path is not allowed")
    real = os.path.realpath(base.joinpath(*parts))
    root_real = os.path.realpath(root)
    if os.path.commonpath([real, root_real]) != root_real:
        raise HttpError(403, "that path leads outside the run directory")
    if not os.path.isfile(real):
        raise HttpError(404, "no such file")
    return Path(real)


class Handler(BaseHTTPRequestHandler):
    server: ViewerServer
    server_version = "prefgym-view"
    protocol_version = "HTTP/1.1"

    # ------------------------------------------------------------------ plumbing

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        self._dispatch(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch(head=True)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def _dispatch(self, head: bool) -> None:
        self.head = head
        try:
            self._check_host()
            split = urlsplit(self.path)
            self.query = {k: v[0] for k, v in parse_qs(split.query).items()}
            raw = split.path.split("/")[1:]
            if any("%2f" in p.lower() or "%5c" in p.lower() for p in raw):
                raise HttpError(403, "that path is not allowed")
            self._route([unquote(p) for p in raw])
        except HttpError as e:
            self._html(e.status, pages.error_page(e.status, str(e)))
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as e:  # a bad record must not take the server down
            self._html(500, pages.error_page(500, f"{type(e).__name__}: {e}"))

    def _check_host(self) -> None:
        if not self.server.loopback:
            return
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name not in LOOPBACK_NAMES:
            raise HttpError(403, "this viewer answers only requests addressed to localhost")

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not self.head:
            self.wfile.write(body)

    def _html(self, status: int, text: str) -> None:
        self._send(status, text.encode(), "text/html; charset=utf-8",
                   {"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-store"})

    def _json(self, value: Any) -> None:
        self._send(200, json.dumps(value).encode(), "application/json", {"Cache-Control": "no-store"})

    def _redirect(self, location: str) -> None:
        self._send(302, b"", "text/plain", {"Location": location})

    def _file(self, path: Path, csp: str | None) -> None:
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        size = path.stat().st_size
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(size))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        if csp:
            self.send_header("Content-Security-Policy", csp)
        self.end_headers()
        if not self.head:
            with open(path, "rb") as f:
                shutil.copyfileobj(f, self.wfile)

    # ------------------------------------------------------------------ routes

    def _route(self, parts: list[str]) -> None:
        first, rest = parts[0], parts[1:]
        if first == "" and not rest:
            return self._run_page()
        if first == "episodes" and not rest:
            return self._list_page()
        if first == "episode" and len(rest) == 1:
            return self._episode_page(rest[0])
        if first == "raw" and len(rest) == 2 and rest[0] == "episode":
            return self._raw_episode(rest[1])
        if first == "api" and rest == ["count"]:
            self.server.index.refresh()
            return self._json({"episodes": len(self.server.index), "skipped": self.server.index.skipped})
        if first == "prefs" and not rest:
            return self._prefs_page()
        if first == "prefs" and len(rest) == 2:
            return self._comparisons_page(*rest)
        if first == "report":
            if not rest or rest == [""]:
                return self._redirect("/report/index.html")
            return self._file(safe_file(self.server.run_dir, self.server.run.report_dir, rest), REPORT_CSP)
        if first == "static" and len(rest) == 1:
            return self._file(safe_file(STATIC_DIR, STATIC_DIR, rest), None)
        raise HttpError(404, "no such page")

    def _run_page(self) -> None:
        srv = self.server
        srv.index.refresh()
        rewards: dict[str, tuple[int, float]] = {}
        for r in srv.index.snapshot():
            k, total = rewards.get(r.suite, (0, 0.0))
            rewards[r.suite] = (k + 1, total + r.reward)
        self._html(200, pages.run_page(srv.manifest(), srv.run_dir.name, srv.index.facets(), len(srv.index),
                                       srv.index.skipped, rewards, [s for s, _ in self._pref_models()], srv.has_report()))

    def _number(self, key: str) -> float | None:
        v = self.query.get(key, "").strip()
        if not v:
            return None
        try:
            x = float(v)
        except ValueError:
            raise HttpError(400, f"{key} must be a number, not {v!r}") from None
        if not math.isfinite(x):
            raise HttpError(400, f"{key} must be a finite number")
        return x

    def _page(self) -> int:
        try:
            return max(1, int(self.query.get("page", "1")))
        except ValueError:
            return 1

    def _list_page(self) -> None:
        idx = self.server.index
        idx.refresh()
        q = self.query
        names = ("suite", "task", "entity", "model", "condition", "reason")
        sort = q.get("sort", "") if q.get("sort", "") in COLUMNS else ""
        desc = q.get("desc", "") in ("1", "true", "yes")
        rows = idx.snapshot()
        chosen = select(rows, **{n: q.get(n, "") for n in names}, reward_min=self._number("reward_min"),
                        reward_max=self._number("reward_max"), sort=sort, desc=desc)
        pages_n = max(1, math.ceil(len(chosen) / pages.PAGE_SIZE))
        page = min(self._page(), pages_n)
        shown = chosen[(page - 1) * pages.PAGE_SIZE: page * pages.PAGE_SIZE]
        filters = {n: q.get(n, "") for n in (*names, "reward_min", "reward_max")}
        self._html(200, pages.list_page(shown, len(chosen), len(rows), filters, idx.facets(), sort, desc, page,
                                        self.server.has_report()))

    def _row(self, episode_id: str, prefix: str) -> Any:
        idx = self.server.index
        idx.refresh()
        row = idx.find(episode_id)
        if row is None:
            raise HttpError(404, f"no episode with id {episode_id!r} in this run")
        if row.id != episode_id:  # a unique prefix: go to the full id
            query = urlsplit(self.path).query
            self._redirect(f"{prefix}{quote(row.id, safe='')}" + (f"?{query}" if query else ""))
            return None
        return row

    def _episode_page(self, episode_id: str) -> None:
        row = self._row(episode_id, "/episode/")
        if row is None:
            return
        try:
            record = self.server.index.read(row)
        except ValueError as e:
            raise HttpError(500, f"episodes.jsonl line {row.line} is not a readable episode: {e}") from None
        try:
            step = int(self.query.get("step", "1"))
        except ValueError:
            step = 1
        self._html(200, pages.episode_page(record, step, self.server.has_report()))

    def _raw_episode(self, episode_id: str) -> None:
        row = self._row(episode_id, "/raw/episode/")
        if row is None:
            return
        record = self.server.index.read(row)
        self._send(200, json.dumps(record, indent=1, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    # ------------------------------------------------------------------ preferences

    def _pref_models(self) -> list[tuple[str, dict[str, Any]]]:
        """Folder name and summary (as the plain dict the pages read) of every measured model."""
        return [(slug, summary.model_dump(mode="json", exclude_none=True))
                for slug, summary in self.server.run.preference_models().items()]

    def _prefs_page(self) -> None:
        config = (self.server.manifest() or {}).get("config") or {}
        prefs_cfg = config.get("preferences") if isinstance(config, dict) else None
        default = str((prefs_cfg or {}).get("scorer") or "thurstonian") if isinstance(prefs_cfg, dict) else "thurstonian"
        self._html(200, pages.prefs_page(self._pref_models(), self.query.get("method", ""), self.query.get("scorer", ""),
                                         default, self.server.has_report()))

    def _comparisons_page(self, slug: str, entity: str) -> None:
        run = self.server.run
        if slug in ("", ".", "..") or "/" in slug or "\\" in slug or "\x00" in slug:
            raise HttpError(403, "that path is not allowed")
        try:
            summary = run.preferences(slug)
        except RunDirError:
            summary = None
        model = summary.model if summary else slug
        known = summary is not None and entity in summary.entities
        name = summary.entities[entity].name if known else entity
        page = self._page()
        first, last = (page - 1) * pages.PAGE_SIZE, page * pages.PAGE_SIZE
        rows, total, tally, any_line = [], 0, {}, False
        for line in run.comparison_lines(slug, json.dumps(entity).encode()):  # streamed: only this page is kept
            any_line = True
            try:
                c = json.loads(line)
            except ValueError:
                continue
            if not isinstance(c, dict) or entity not in (c.get("first"), c.get("second")):
                continue
            if first <= total < last:
                rows.append(c)
            total += 1
            opponent = str(c.get("second") if c.get("first") == entity else c.get("first"))
            side = "first" if c.get("first") == entity else "second"
            outcome = str(c.get("outcome"))
            key = "win" if outcome == side else "loss" if outcome in ("first", "second") else outcome
            tally.setdefault(opponent, Counter())[key] += 1
        if summary is None and not any_line:
            raise HttpError(404, f"no pairwise comparisons for model {slug!r} in this run")
        if not total and not known:
            raise HttpError(404, f"no entity {entity!r} among model {slug!r}'s comparisons")
        self._html(200, pages.comparisons_page(model, slug, entity, name, rows, total, tally, page,
                                               self.server.has_report()))


def serve(run_dir: str | Path, host: str = "127.0.0.1", port: int = 8765, *, verbose: bool = False) -> ViewerServer:
    """A server for ``run_dir``, bound and indexed, not yet serving (call ``serve_forever``)."""
    return ViewerServer(run_dir, host, port, verbose=verbose)
