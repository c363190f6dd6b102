"""``prefgym view``: the episode index, the HTTP server's path checks, and the pages in a real
browser (Debian's chromium driven by playwright): filtering, stepping through an episode with
buttons, keys and permalinks, live growth of a run, and model output that tries to run script.

Browser tests skip where chromium or playwright is missing, except where
PREFGYM_REQUIRE_BROWSER=1 (CI): there a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from prefgym.types import (Episode, EpisodeSpec, ExecResult, FunctionCall, Grade, GradeCheck, Message, Termination,
                           Timings, ToolCall, ToolExecution)
from prefgym.prefs.matching import MeanRank
from prefgym.prefs.records import PositionBias
from prefgym.prefs.summary import EntityPreference, MethodStats, PreferenceSummary, ScoreValue
from prefgym.viewer import EpisodeIndex, serve
from prefgym.viewer.pages import script_json

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"
MODEL = "synthetic/planted"
SLUG = "synthetic_planted"
SUITES = ("boolq", "agentic", "refusal")
ENTITIES = ("oxfam", "kiva", "give-directly", "evidence-action")


def line(ep: Episode) -> str:
    return json.dumps(ep.model_dump(mode="json"), ensure_ascii=False) + "\n"


def episode(i: int, *, suite: str = "boolq", task: str = "boolq-001", entity: str = "oxfam", reward: float = 1.0,
            reason: str = "agent_submitted", condition: str = "default", messages: list[Message] | None = None,
            executions: list[ToolExecution] | None = None, grade: Grade | None = None,
            measurements: dict | None = None) -> Episode:
    spec = EpisodeSpec(suite=suite, task=task, entity=entity, condition=condition, agent=MODEL, seed=i)
    messages = messages or [Message(role="system", content="You are a helpful assistant."),
                            Message(role="user", content=f"Question {i} about {entity}?"),
                            Message(role="assistant", content="Yes." if reward else "No.")]
    return Episode(id=f"{spec.id}", spec=spec, reward=reward, termination=Termination(reason=reason),
                   turns=1, messages=messages, executions=executions or [], grade=grade,
                   measurements=measurements or {"correct": bool(reward)},
                   calls=[{"key": "k" * 64, "model": MODEL, "sample": 0, "usage": {"prompt_tokens": 40, "completion_tokens": 3},
                           "cost_usd": None, "latency_s": 0.01, "attempts": 1, "source": "provider", "role": "agent"}],
                   timings=Timings(started_at=1e9, ended_at=1e9 + 1, duration_s=1.0))


def call(cid: str, name: str, args: dict) -> ToolCall:
    return ToolCall(id=cid, function=FunctionCall(name=name, arguments=json.dumps(args)))


def tool_episode(i: int, *, xss: bool = False) -> Episode:
    """A tool-using episode: two bash calls (the second cut short by the sandbox), then submit."""
    say = XSS if xss else ""
    command = f"echo '{XSS}' > notes.txt; cat notes.txt" if xss else "ls -l /work"
    out = f"{XSS}\n" if xss else "total 8\n-rw-r--r-- 1 root root 120 donors.csv\n"
    messages = [
        Message(role="system", content="You are a capable assistant working in a Linux sandbox."),
        Message(role="user", content=f"Please tidy the donor list for Oxfam. {say}"),
        Message(role="assistant", content=f"Let me look. {say}", tool_calls=[call("c1", "bash", {"command": command})]),
        Message(role="tool", tool_call_id="c1", name="bash", content=f"exit code: 0\n{out}"),
        Message(role="assistant", content=None, tool_calls=[call("c2", "bash", {"command": "seq 1 100000"})]),
        Message(role="tool", tool_call_id="c2", name="bash", content="exit code: 0\n1\n2\n3\n…[truncated]"),
        Message(role="assistant", content="Done.", tool_calls=[call("c3", "submit", {"answer": say or "done"})]),
        Message(role="tool", tool_call_id="c3", name="submit", content="submitted"),
    ]
    executions = [
        ToolExecution(tool_call_id="c1", tool="bash", arguments={"command": command},
                      result=ExecResult(exit_code=0, stdout=out, stderr=say, duration_s=0.05), duration_s=0.07),
        ToolExecution(tool_call_id="c2", tool="bash", arguments={"command": "seq 1 100000"},
                      result=ExecResult(exit_code=0, stdout="1\n2\n3\n", truncated=True, duration_s=0.2), duration_s=0.21),
        ToolExecution(tool_call_id="c3", tool="submit", arguments={"answer": say or "done"}),
    ]
    grade = Grade(score=0.5, checks=[GradeCheck(name="clean_header", passed=True, detail=f"header ok {say}"),
                                     GradeCheck(name="no_duplicates", passed=False, detail="2 duplicates left")])
    return episode(i, suite="agentic", task="donor-dedup", entity="oxfam", reward=0.5, messages=messages,
                   executions=executions, grade=grade, condition=XSS if xss else "default",
                   measurements={"note": say or "none", "files": ["clean.csv"]})


def write_run(root: Path, n: int = 120) -> dict[str, Episode]:
    """A small run directory: manifest, ``n`` chat episodes, a tool-using one, one whose every
    string tries to run script, a torn last line, preferences and a report."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.json").write_text(json.dumps({
        "schema_version": 1, "config": {"name": "viewer-test", "models": [MODEL], "preferences": {"scorer": "bt"}},
        "created": "2026-01-01T00:00:00+00:00", "git_sha": "0123456789abcdef", "versions": {"prefgym": "0.1.0"},
        "catalog": {"sha256": "ab" * 32, "source": "charities.yaml"}}))
    eps = {}
    for i in range(n):
        suite = SUITES[i % 3]
        eps[f"e{i}"] = episode(i, suite=suite, task=f"{suite}-{i % 4:03d}", entity=ENTITIES[i % 4],
                               reward=(i % 5) / 4, reason="max_turns" if i % 7 == 0 else "agent_submitted")
    eps["tool"], eps["xss"] = tool_episode(1000), tool_episode(1001, xss=True)
    text = "".join(line(e) for e in eps.values())
    (root / "episodes.jsonl").write_text(text + line(episode(2000))[:300])  # torn by a kill
    prefs = root / "prefs" / SLUG
    prefs.mkdir(parents=True)
    values = {"oxfam": 1.5, "kiva": 0.2, "give-directly": -0.4, "evidence-action": -1.3}
    bias = PositionBias(n=12, first_wins=6, rate=0.5, low=0.2, high=0.8, p_value=1.0)
    summary = PreferenceSummary(model=MODEL, pairwise=MethodStats(answers=12, position_bias=bias), entities={
        eid: EntityPreference(name=eid.replace("-", " ").title() + (" <b>Ltd</b>" if eid == "kiva" else ""),
                              ranking=MeanRank(mean_rank=r + 1, sd=0.0, appearances=1, n=1),
                              pairwise={s: ScoreValue(value=v * k, low=v * k - 0.5, high=v * k + 0.5)
                                        for s, k in (("bt", 1), ("elo", 100))})
        for r, (eid, v) in enumerate(values.items())})
    (prefs / "scores.json").write_text(summary.model_dump_json())
    with open(prefs / "pairwise.jsonl", "w") as f:
        for a in values:
            for b in values:
                if a != b:
                    win = "first" if values[a] > values[b] else "second"
                    raw = XSS if (a, b) == ("kiva", "oxfam") else ("A" if win == "first" else "B")
                    f.write(json.dumps({"first": a, "second": b, "outcome": win, "sample": 0, "raw": raw, "model": MODEL}) + "\n")
    (root / "report" / "figures").mkdir(parents=True)
    (root / "report" / "index.html").write_text("<html><body><h1>the report</h1><img src='figures/a.png'></body></html>")
    (root / "report" / "figures" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root.parent / "secret.txt").write_text("top secret")
    os.symlink(root.parent / "secret.txt", root / "report" / "leak.txt")
    return eps


@contextlib.contextmanager
def running(run_dir: Path) -> Iterator[str]:
    server = serve(run_dir, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()


def get(base: str, path: str, host: str | None = None) -> tuple[int, bytes]:
    """A plain request, with the path sent exactly as written (no client-side normalising)."""
    hostport = base.split("//", 1)[1]
    conn = http.client.HTTPConnection(hostport, timeout=10)
    conn.putrequest("GET", path, skip_host=host is not None)
    if host is not None:
        conn.putheader("Host", host)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, dict[str, Episode]]:
    root = tmp_path_factory.mktemp("viewer") / "run"
    return root, write_run(root)


@pytest.fixture(scope="module")
def base(run) -> Iterator[str]:
    with running(run[0]) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    required = os.environ.get("PREFGYM_REQUIRE_BROWSER") == "1"

    def missing(why: str):
        if required:
            pytest.fail(f"PREFGYM_REQUIRE_BROWSER=1 but {why}")
        pytest.skip(f"{why} (set PREFGYM_REQUIRE_BROWSER=1 to fail instead)")

    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        missing(f"playwright is not installed ({e})")
    exe = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(exe):
        missing("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page that records any dialog (an alert from injected script) and script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    pg.dialogs, pg.errors = [], []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()
    assert not pg.dialogs, f"a dialog opened: {pg.dialogs}"
    assert not pg.errors, f"script errors: {pg.errors}"


def ready(pg, url: str) -> None:
    pg.goto(url)
    pg.wait_for_selector("body[data-ready]")


def current(pg) -> str:
    return pg.eval_on_selector(".msg.current", "el => el.id")


# --------------------------------------------------------------------------- without a browser


def test_index_reads_lines_by_offset_skips_torn_lines_and_grows(tmp_path, monkeypatch):
    eps = [episode(i, entity=ENTITIES[i % 4]) for i in range(5)]
    path = tmp_path / "episodes.jsonl"
    compact = json.dumps(eps[3].model_dump(mode="json"), separators=(",", ":")) + "\n"  # another writer's shape
    torn_then_ended = line(eps[4])[:200] + "\n"  # a killed run, resumed: the torn line is ended and stays
    path.write_text(line(eps[0]) + "\n" + line(eps[1]) + compact + torn_then_ended + line(eps[2]))
    idx = EpisodeIndex(path)
    assert idx.refresh() == 4 and idx.skipped == 1
    assert {r.id for r in idx.rows} == {eps[i].id for i in range(4)}
    for r in idx.rows:
        assert idx.read(r)["id"] == r.id and r.model == MODEL
    assert idx.find(eps[2].id[:8]).id == eps[2].id and idx.find("nope") is None

    whole = line(eps[4])
    with open(path, "a") as f:  # a writer mid-line: nothing new until the line is complete
        f.write(whole[:500])
    assert idx.refresh() == 0 and len(idx) == 4
    with open(path, "a") as f:
        f.write(whole[500:])
    assert idx.refresh() == 1 and idx.read(idx.find(eps[4].id)) == json.loads(whole)
    assert idx.counts["entity"]["oxfam"] == 2 and idx.refresh() == 0

    chunked = EpisodeIndex(path)  # read in chunks smaller than a line: the same rows
    monkeypatch.setattr("prefgym.runner.episode_index.CHUNK", 700)
    chunked.refresh()
    assert [(r.id, r.offset, r.length) for r in chunked.rows] == [(r.id, r.offset, r.length) for r in idx.rows]

    rerun = eps[0].model_copy(update={"reward": 0.0})  # a rerun of the same spec: the last record wins
    with open(path, "a") as f:
        f.write(line(rerun))
    idx.refresh()
    assert len(idx) == 5 and idx.find(eps[0].id).reward == 0.0


def test_json_for_a_script_element_cannot_close_it():
    text = script_json({"s": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"s": "</script><script>alert(1)</script> & <!--"}


def test_the_server_refuses_paths_outside_the_run(base):
    assert get(base, "/report/index.html")[0] == 200
    assert get(base, "/report/figures/a.png")[0] == 200
    for path in ("/report/../../etc/passwd", "/report/%2e%2e/%2e%2e/etc/passwd", "/report/..%2f..%2fsecret.txt",
                 "/report/%2E%2E/secret.txt", "/report/leak.txt", "/static/../server.py", "/static/%2e%2e/server.py",
                 "/report/figures/..\\..\\..\\secret.txt", "/report/%00"):
        status, body = get(base, path)
        assert status in (403, 404), (path, status)
        assert b"top secret" not in body and b"root:" not in body
    assert get(base, "/episode/0000000000000000")[0] == 404
    assert get(base, "/prefs/..%2f..%2f/x")[0] in (403, 404)
    assert get(base, "/no/such/page")[0] == 404
    assert get(base, "/", host="attacker.example")[0] == 403  # DNS rebinding
    assert get(base, "/episodes?reward_min=abc")[0] == 400


def test_pages_escape_every_string_from_a_model(run, base):
    xss = run[1]["xss"]
    for path in ("/", "/episodes", f"/episode/{xss.id}", f"/raw/episode/{xss.id}", "/prefs", f"/prefs/{SLUG}/kiva"):
        status, body = get(base, path)
        assert status == 200, path
        if not path.startswith("/raw/"):
            assert b"<script>alert" not in body and b"<img src=x" not in body, path
            assert b"<b>Ltd" not in body


# --------------------------------------------------------------------------- in a browser


def test_run_page_summarises_the_manifest_and_links_the_report(page, base):
    page.goto(base + "/")
    text = page.inner_text("body")
    assert "Run: viewer-test" in text and "0123456789abcdef" in text and MODEL in text
    assert "agentic" in text and "max_turns" in text
    page.click("text=report >> nth=0")
    assert page.inner_text("h1") == "the report"


def test_list_filters_sorts_and_pages(page, base, run):
    page.goto(base + "/episodes")
    assert "of 122" in page.inner_text(".pager >> nth=0")
    assert page.locator("table.episodes tbody tr").count() == 50
    page.select_option("select[name=suite]", "agentic")
    page.fill("input[name=reward_min]", "0.5")
    page.click("button[type=submit]")
    rows = page.locator("table.episodes tbody tr")
    suites = rows.locator("td:nth-child(2)").all_inner_texts()
    rewards = [float(x) for x in rows.locator("td:nth-child(9)").all_inner_texts()]
    assert suites and set(suites) == {"agentic"} and min(rewards) >= 0.5
    page.click("table.episodes th >> text=reward")  # sort by reward, highest first
    rewards = [float(x) for x in page.locator("table.episodes tbody td:nth-child(9)").all_inner_texts()]
    assert rewards == sorted(rewards, reverse=True) and "suite=agentic" in page.url
    page.goto(base + "/episodes?page=3")
    assert "page 3 of 3" in page.inner_text(".pager >> nth=0")
    assert page.locator("table.episodes tbody tr").count() == 22
    page.goto(base + "/episodes?entity=kiva&model=" + MODEL)
    entities = page.locator("table.episodes tbody td:nth-child(4)").all_inner_texts()
    assert entities and set(entities) == {"kiva"}
    page.goto(base + "/episodes?task=donor-dedup")
    page.click("table.episodes tbody a >> nth=0")
    assert "/episode/" in page.url and "donor-dedup" in page.inner_text("h1")


def test_episode_steps_with_buttons_keys_and_permalinks(page, base, run):
    tool = run[1]["tool"]
    ready(page, f"{base}/episode/{tool.id}")
    assert current(page) == "step-1" and page.is_disabled("#prev")
    assert page.evaluate("window.scrollY") == 0 and "step" not in page.url  # a plain address opens at the top
    page.click("#next")
    page.click("#next")
    assert current(page) == "step-3" and "step=3" in page.url and page.inner_text("#stepnum") == "step 3 / 8"
    page.keyboard.press("ArrowRight")
    assert current(page) == "step-4"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert current(page) == "step-2"
    page.keyboard.press("End")
    assert current(page) == "step-8" and page.is_disabled("#next")
    page.click("#prev")
    assert current(page) == "step-7" and page.locator(".msg.current").count() == 1

    link = page.get_attribute("#permalink", "href")
    ready(page, f"{base}/episode/{tool.id}{link}")
    assert current(page) == "step-7"
    ready(page, f"{base}/episode/{tool.id}#step-4")
    assert current(page) == "step-4"
    page.goto(f"{base}/episode/{tool.id[:10]}?step=5")  # a short id, and the step in the query
    page.wait_for_selector("body[data-ready]")
    assert current(page) == "step-5" and tool.id in page.url

    # every tool call: its command, exit code, timing, output and truncation
    step3 = page.locator("#step-3")
    assert "ls -l /work" in step3.inner_text() and "bash" in step3.inner_text()
    step4 = page.locator("#step-4")
    assert all(s in step4.inner_text() for s in ("exit code 0", "50 ms in the sandbox", "70 ms in all"))
    assert "donors.csv" in step4.inner_text()
    step6 = page.locator("#step-6")
    assert "output truncated" in step6.inner_text()
    step6.locator("summary >> text=stdout").click()
    assert "the sandbox cut this output here" in step6.inner_text()
    side = page.inner_text("aside")
    assert "clean_header" in side and "2 duplicates left" in side and "latency" in side and "provider" in side


def test_model_output_is_shown_as_text_and_never_runs(page, base, run):
    xss = run[1]["xss"]
    ready(page, f"{base}/episode/{xss.id}")
    page.click("#step-4 summary >> text=stdout")
    page.click("#step-4 summary >> text=stderr")
    text = page.inner_text("body")
    for where in ("#step-2", "#step-3", "#step-4"):  # user text, agent text and tool call, tool output
        assert XSS in page.inner_text(where), where
    assert text.count(XSS) >= 6  # also the condition, the grade's detail, the measurements
    assert page.locator("img[src=x]").count() == 0
    assert page.evaluate("[...document.scripts].every(s => s.src || s.type === 'application/json')")
    for path in ("/episodes", "/", f"/prefs/{SLUG}/kiva", "/prefs"):
        page.goto(base + path)
        assert page.locator("img[src=x]").count() == 0 and page.locator("b >> text=Ltd").count() == 0
    assert XSS in page.inner_text("body") or "<b>Ltd</b>" in page.inner_text("body")
    page.wait_for_timeout(200)  # an onerror handler would have fired by now


def test_preferences_sorted_with_raw_comparisons_per_entity(page, base):
    page.goto(base + "/prefs")
    names = page.locator("table.prefs tbody td:nth-child(2) a").all_inner_texts()
    assert names[0] == "Oxfam" and names[-1] == "Evidence Action"
    assert "pairwise/bt" in page.inner_text("table.prefs thead") and page.locator("table.prefs svg").count() == 4
    page.click("text=Kiva <b>Ltd</b>")
    assert page.url.endswith(f"/prefs/{SLUG}/kiva")
    rows = page.locator("table.comparisons tbody tr")
    assert rows.count() == 6  # kiva against three others, in both orders
    for r in rows.all_inner_texts():
        assert "kiva" in r
    assert XSS in page.inner_text("table.comparisons")
    assert get(base, f"/prefs/{SLUG}/nobody")[0] == 404


def test_a_live_run_shows_new_episodes_on_reload(page, tmp_path):
    root = tmp_path / "live"
    eps = write_run(root, n=3)
    with running(root) as url:
        page.goto(url + "/episodes")
        assert "of 5" in page.inner_text(".pager >> nth=0")
        fresh = episode(3000, entity="kiva", task="boolq-999")
        with open(root / "episodes.jsonl", "a") as f:  # after the torn line: the resumed run ends it first
            f.write("\n" + line(fresh)[:400])
        page.reload()
        assert "of 5" in page.inner_text(".pager >> nth=0") and "boolq-999" not in page.inner_text("table")
        with open(root / "episodes.jsonl", "a") as f:
            f.write(line(fresh)[400:])
        page.reload()
        assert "of 6" in page.inner_text(".pager >> nth=0") and "boolq-999" in page.inner_text("table")
        page.click("text=" + fresh.id[:12])
        assert "boolq-999" in page.inner_text("h1")
        assert get(url, f"/episode/{eps['tool'].id}")[0] == 200


def test_real_tool_using_episodes_from_the_mock_agent(page, tmp_path, docker_ready):
    """Episodes as prefgym writes them: litellm's mock model replaying the oracle in a container."""
    out = tmp_path / "mock"
    prefgym = str(Path(sys.executable).with_name("prefgym"))
    proc = subprocess.run([prefgym, "episode", "--agent", "mock", "--out", str(out)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    real = json.loads((out / "episodes.jsonl").read_text().splitlines()[-1])
    with running(out) as url:
        page.goto(url + "/episodes")
        assert page.locator("table.episodes tbody tr").count() == 1
        page.click("table.episodes tbody a")
        page.wait_for_selector("body[data-ready]")
        n = len(real["messages"])
        assert page.locator(".msg").count() == n and page.locator(".toolcall").count() == len(real["executions"])
        for _ in range(n):
            page.keyboard.press("ArrowRight")
        assert current(page) == f"step-{n}"
        assert "exit code 0" in page.inner_text(".role-tool >> nth=0")
        assert page.locator(".checks tbody tr").count() == len(real["grade"]["checks"])
        assert page.get_attribute("#permalink", "href") == f"?step={n}#step-{n}"


def test_view_command_refuses_what_it_cannot_serve(tmp_path, run):
    import socket

    import typer
    from typer.testing import CliRunner

    from prefgym.cli.view import view

    app = typer.Typer()
    app.command()(view)
    result = CliRunner().invoke(app, [str(tmp_path / "empty")])
    assert result.exit_code == 2 and "no such directory" in result.output and str(tmp_path / "empty") in result.output
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(app, [str(tmp_path / "empty")])
    assert result.exit_code == 2 and "run directory" in " ".join(result.output.split())
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = CliRunner().invoke(app, [str(run[0]), "--port", str(busy.getsockname()[1])])
    assert result.exit_code == 2 and "cannot listen" in result.output
