"""The README's gym snippet runs as printed."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import TEST_RUN

README = Path(__file__).parents[1] / "README.md"


def test_readme_gym_snippet_runs(docker_ready, capsys):
    code = re.search(r"## From research code\n.*?```python\n(.*?)```", README.read_text(), re.S).group(1)
    code = code.replace('entity="against-malaria-foundation")', 'entity="against-malaria-foundation", run_id=' + repr(TEST_RUN) + ')')
    exec(compile(code, str(README), "exec"), {})
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "0.0 agent_submitted"
    assert "csv_header" in out
