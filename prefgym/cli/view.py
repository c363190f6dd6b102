"""``prefgym view``: browse a run directory in a local web app (see prefgym.viewer)."""

from __future__ import annotations

from pathlib import Path

import typer

from prefgym.cli.common import console


def view(
    run_dir: Path = typer.Argument(..., help="a run directory (manifest.json, episodes.jsonl, prefs/, report/)"),
    port: int = typer.Option(8765, help="port to listen on (0: any free port)"),
    host: str = typer.Option("127.0.0.1", help="address to bind; the default keeps the viewer to this machine"),
) -> None:
    """Serve RUN_DIR's episodes, preferences and report on http://HOST:PORT until Ctrl-C."""
    from prefgym.viewer import serve

    if not run_dir.is_dir():
        console.print(f"[red]error:[/red] {run_dir} is not a directory")
        raise typer.Exit(2)
    if not any((run_dir / name).exists() for name in ("episodes.jsonl", "manifest.json", "prefs")):
        console.print(f"[red]error:[/red] {run_dir} holds no episodes.jsonl, manifest.json or prefs/: is it a run directory?")
        raise typer.Exit(2)
    try:
        server = serve(run_dir, host, port)
    except OSError as e:
        console.print(f"[red]error:[/red] cannot listen on {host}:{port}: {e.strerror or e}")
        raise typer.Exit(2) from None
    skipped = f", {server.index.skipped} unreadable lines skipped" if server.index.skipped else ""
    console.print(f"{len(server.index)} episodes indexed{skipped}")
    console.print(f"viewing {server.run_dir} at [bold]{server.url}/[/bold]  (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
