"""The error boundary: a mistake a user can make is one unwrapped line on stderr, nothing on stdout,
exit code 2; a bug in prefgym keeps its traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer

from prefgym.cli.common import user_errors
from prefgym.errors import ConfigError, PrefgymError

PREFGYM = [str(Path(sys.executable).with_name("prefgym"))]


def prefgym(*args: str, columns: int = 80) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([*PREFGYM, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": str(columns)})


def long_path(tmp_path: Path) -> Path:
    path = tmp_path / ("a-folder-with-a-long-name-" * 6)[:150]
    assert len(str(path)) > 150
    return path


def cases(tmp_path: Path) -> dict[str, tuple[tuple[str, ...], str]]:
    missing = long_path(tmp_path)
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nmodels: [synthetic/planted\nsuites: []\n")
    return {
        "missing run folder": (("analyze", str(missing)), f"{missing}: no such directory"),
        "missing run folder (view)": (("view", str(missing)), f"{missing}: no such directory"),
        "broken study YAML": (("study", str(broken)), f"{broken}: not valid YAML"),
        "unknown entity": (("episode", "--task", "advice-torn", "--entity", "nobody-at-all", "--out", str(tmp_path / "o")),
                           "no entity 'nobody-at-all'"),
        "unknown task": (("episode", "--task", "no-such-task", "--out", str(tmp_path / "o")), "no task 'no-such-task'"),
        "unknown suite in run": (("run", "--suite", "nope", "--model", "synthetic/planted", "--out", str(tmp_path / "o")),
                                 "no tasks in suite 'nope'"),
        "bad synthetic option": (("run", "--suite", "boolq", "--model", "synthetic/planted:nosie=1", "--out",
                                  str(tmp_path / "o")), "nosie"),
    }


CASES = ["missing run folder", "missing run folder (view)", "broken study YAML", "unknown entity", "unknown task",
         "unknown suite in run", "bad synthetic option"]


@pytest.mark.parametrize("case", CASES)
def test_a_user_error_is_one_unwrapped_line_on_stderr_and_exit_2(tmp_path, case):
    """Through the command line in this process (what the console script runs, minus a new
    interpreter per case); the next test runs the real console script."""
    from typer.testing import CliRunner

    from prefgym.cli import app

    args, expected = cases(tmp_path)[case]
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "60"})  # a narrow terminal must not wrap it
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], result.stderr
    assert not (tmp_path / "o").exists()  # refused before anything was written


@pytest.mark.parametrize("case", ["missing run folder", "broken study YAML"])
def test_the_console_script_prints_one_line_and_no_traceback(tmp_path, case):
    args, expected = cases(tmp_path)[case]
    proc = prefgym(*args, columns=60)
    assert proc.returncode == 2 and proc.stdout == "", proc.stdout + proc.stderr
    assert proc.stderr == f"error: {proc.stderr[7:].strip()}\n" and expected in proc.stderr


def test_user_errors_turns_only_prefgym_errors_into_exit_2(capsys):
    with pytest.raises(typer.Exit) as stopped, user_errors():
        raise ConfigError("field 'x': bad\n  value")
    assert stopped.value.exit_code == 2
    assert capsys.readouterr().err == "error: field 'x': bad value\n"
    with pytest.raises(KeyError), user_errors():  # a bug: not swallowed, its traceback is shown
        {}["missing"]
    with pytest.raises(ValueError), user_errors():
        raise ValueError("a programming error")
    assert issubclass(ConfigError, PrefgymError) and issubclass(ConfigError, ValueError)
