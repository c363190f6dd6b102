"""The ``prefgym`` command. Each sub-command lives in its own module and stays thin: parse the
arguments, call the library, print. Errors the user can fix are printed in one line, not a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from prefgym.cli import analyze, demo, episode, export, power, prefs, replay, run, sandbox, study, tasks, view

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Measure whether a language model's own preferences change what it does for a user.")


@app.callback()
def options(cybench_dir: Path = typer.Option(
        None, "--cybench-dir", help="Cybench challenges to use instead of setup's copy (inspect-evals' "
        "cybench/challenges layout; also $PREFGYM_CYBENCH_DIR)")) -> None:
    if cybench_dir is not None:
        if not cybench_dir.is_dir():
            from prefgym.cli.common import fail

            raise fail(f"--cybench-dir: {cybench_dir} is not a folder")
        os.environ["PREFGYM_CYBENCH_DIR"] = str(cybench_dir.resolve())


app.command("episode")(episode.episode)
app.command("demo")(demo.demo)
app.command("replay")(replay.replay)
app.command("prefs")(prefs.prefs)
app.command("run")(run.run)
app.command("study")(study.study)
app.command("analyze")(analyze.analyze)
app.command("power")(power.power)
app.command("export")(export.export)
app.command("view")(view.view)
app.add_typer(tasks.app, name="tasks")
app.add_typer(sandbox.app, name="sandbox")


def main() -> None:
    app()
