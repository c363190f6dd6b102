"""``prefgym view``: browse a run directory in a local web app (see prefgym.viewer)."""

from __future__ import annotations

from pathlib import Path

import typer

from prefgym.cli.common import console, fail, user_errors
from prefgym.runner import RunDir


def view(
    run_dir: Path = typer.Argument(..., help="a run directory (manifest.json, episodes.jsonl, prefs/, report/)"),
    port: int = typer.Option(8765, help="port to listen on (0: any free port)"),
    host: str = typer.Option("127.0.0.1", help="address to bind; the default keeps the viewer to this machine"),
) -> None:
    """Serve RUN_DIR's episodes, preferences and report on http://HOST:PORT until Ctrl-C."""
    from prefgym.viewer import serve

    with user_errors():
        RunDir(run_dir).require()
    try:
        server = serve(run_dir, host, port)
    except OSError as e:
        raise fail(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    skipped = f", {server.index.skipped} unreadable lines skipped" if server.index.skipped else ""
    console.print(f"{len(server.index)} episodes indexed{skipped}")
    console.print(f"viewing {server.run_dir} at [bold]{server.url}/[/bold]  (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
