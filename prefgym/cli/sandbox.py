"""``prefgym sandbox …``: build the image, check the machine, remove leftovers."""

from __future__ import annotations

import os
import shutil

import typer

from prefgym.cli.common import console, status, user_errors

app = typer.Typer(no_args_is_help=True, help="The Docker sandbox: image, health, cleanup.")


@app.command()
def build(ctf: bool = typer.Option(False, "--ctf", help="also the CTF image and the stand-in for Cybench's server bases")) -> None:
    """Build the default sandbox image (debootstrap → docker import) unless it already exists."""
    from prefgym.sandbox.docker import engine
    from prefgym.sandbox.docker.image import CTF, DEFAULT, STANDIN

    names = {DEFAULT.repo: "sandbox", CTF.repo: "CTF", STANDIN.repo: "server stand-in"}
    for recipe in (DEFAULT, CTF, STANDIN) if ctf else (DEFAULT,):
        with user_errors():
            tag = engine.ensure_image(recipe.tag(), log=lambda s: status.print(f"[dim]{s}[/dim]"))
        name = names[recipe.repo]
        console.print(f"{name} image ready: {tag}" + (" (override)" if os.environ.get(recipe.env) else ""))


@app.command()
def doctor() -> None:
    """Say what is missing to run sandboxes, and how to fix it."""
    from prefgym.sandbox.docker import engine
    from prefgym.sandbox.docker.image import apt_mirror, default_image_tag, missing_build_tools

    problems = 0

    def report(ok: bool, what: str, fix: str = "") -> None:
        nonlocal problems
        problems += not ok
        console.print(("[green]ok[/green]   " if ok else "[red]FAIL[/red] ") + what + ("" if ok else f"\n       fix: {fix}"))

    try:
        version = engine.client().version().get("Version", "?")
        report(True, f"Docker engine reachable (server {version})")
        engine_ok = True
    except Exception as e:
        report(False, f"Docker engine: {e}", "apt-get install -y docker.io && (dockerd > /var/log/dockerd.log 2>&1 &)")
        engine_ok = False
    missing = missing_build_tools()
    report(not missing, "image build tools (debootstrap, tar)", f"apt-get install -y {' '.join(missing)}")
    try:
        report(True, f"Debian mirror for the image build: {apt_mirror()}")
    except Exception as e:
        report(False, str(e), "set PREFGYM_DEBIAN_MIRROR")
    if engine_ok:
        tag = default_image_tag()
        report(engine.image_exists(tag), f"sandbox image {tag}", "prefgym sandbox build")
    report(shutil.which("python3") is not None, "python3 on the host")
    raise typer.Exit(1 if problems else 0)


@app.command()
def prune(all_: bool = typer.Option(False, "--all", help="remove every prefgym container, not only orphans")) -> None:
    """Remove prefgym containers whose owner process died or whose lease ran out."""
    from prefgym.sandbox.docker import engine

    with user_errors():
        removed = engine.prune(all_managed=all_)
    for name in removed:
        console.print(f"removed {name}")
    console.print(f"{len(removed)} container(s) removed")
