"""HTML for every page of the viewer, rendered on the server from plain dicts.

Everything shown comes from a model, a simulated user, a sandbox or a file someone may have
edited, so every value goes through ``esc`` (or ``script_json`` for the one JSON island a page
hands to its script) and no page holds inline script or style: the server's Content-Security-
Policy then forbids both, so even a missed escape could not run. Pages read dicts, not the
pydantic records, so a run written by an older or newer prefgym still shows.
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode

from prefgym.runner.episode_index import COLUMNS, Row

PAGE_SIZE = 50
COLUMN_TITLES = {"id": "id", "suite": "suite", "task": "task", "entity": "entity", "entity_b": "entity b",
                 "model": "model", "condition": "condition", "seed": "seed", "reward": "reward",
                 "reason": "termination", "turns": "turns"}


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` can
    close the element or open a comment, whatever the strings hold."""
    return (json.dumps(value, ensure_ascii=True).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))


def url(path: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", False)})
    return path + ("?" + query if query else "")


def fmt(x: Any, digits: int = 3) -> str:
    """A number short enough for a table cell; anything else as text."""
    if x is None:
        return ""
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        if not math.isfinite(x):
            return str(x)
        if x and (abs(x) >= 1e5 or abs(x) < 1e-3):
            return f"{x:.{digits}g}"
        return f"{x:.{digits}f}".rstrip("0").rstrip(".") or "0"
    return str(x)


def secs(x: Any) -> str:
    """A duration for people: milliseconds stay readable, microseconds become "<1 ms"."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return ""
    return "<1 ms" if x < 0.001 else f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def clip(text: Any, limit: int = 160) -> str:
    """Escaped text, folded into a <details> when long (a grader's traceback, say)."""
    s = "" if text is None else str(text)
    if len(s) <= limit:
        return esc(s)
    return f"<details><summary>{esc(s[:limit // 2].rstrip())}…</summary>{esc(s)}</details>"


def layout(title: str, body: str, *, active: str = "", scripts: Sequence[str] = (), has_report: bool = False) -> str:
    links = [("/", "run", "run"), ("/episodes", "episodes", "episodes"), ("/prefs", "preferences", "prefs")]
    if has_report:
        links.append(("/report/index.html", "report", "report"))
    nav = "".join(f'<a href="{h}"{" class=active" if key == active else ""}>{esc(t)}</a>' for h, t, key in links)
    tags = "".join(f'<script src="/static/{esc(s)}" defer></script>' for s in scripts)
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            '<meta name=viewport content="width=device-width, initial-scale=1">'
            f'<title>{esc(title)} · prefgym</title><link rel=icon href="data:,"><link rel=stylesheet href="/static/viewer.css">{tags}</head>'
            f'<body><nav class=top><span class=brand>prefgym</span>{nav}</nav><div class=page>{body}</div></body></html>')


def table(head: Iterable[str] | None, rows: Iterable[Iterable[str]], cls: str = "") -> str:
    """A table of already-escaped cells (no header row when ``head`` is None)."""
    th = "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>" if head is not None else ""
    trs = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}">{th}<tbody>{trs}</tbody></table>'


def error_page(status: int, message: str) -> str:
    return layout(f"{status}", f'<h1>{status}</h1><p class=error>{esc(message)}</p><p><a href="/">back to the run</a></p>')


# --------------------------------------------------------------------------- run page


def run_page(manifest: dict[str, Any] | None, run_name: str, facets: Mapping[str, Counter[str]], n: int,
             skipped: int, rewards: Mapping[str, tuple[int, float]], pref_models: Sequence[str],
             has_report: bool) -> str:
    m = manifest or {}
    config = m.get("config") if isinstance(m.get("config"), dict) else {}
    name = config.get("name") or run_name
    models = config.get("models") or config.get("model") or sorted(facets.get("model", {}))
    if isinstance(models, str):
        models = [models]
    catalog = m.get("catalog") if isinstance(m.get("catalog"), dict) else {}
    facts = [("models", ", ".join(map(str, models))), ("created", m.get("created")), ("updated", m.get("updated")),
             ("git sha", m.get("git_sha")), ("catalog", (catalog.get("source") or "") +
                                             (f" (sha256 {str(catalog.get('sha256'))[:12]}…)" if catalog.get("sha256") else "")),
             ("episodes", f"{n}" + (f" ({skipped} unreadable lines skipped)" if skipped else ""))]
    body = [f"<h1>Run: {esc(name)}</h1>"]
    if not manifest:
        body.append("<p class=muted>No manifest.json here (an ad-hoc run directory).</p>")
    body.append(table(None, [[esc(k), esc(v)] for k, v in facts if v not in (None, "")], "facts"))
    links = ['<a href="/episodes">all episodes</a>', '<a href="/prefs">preferences</a>' if pref_models else ""]
    if has_report:
        links.append('<a href="/report/index.html">report</a>')
    body.append("<p class=links>" + " · ".join(x for x in links if x) + "</p>")
    body.append("<div class=cards>")
    for field, title in (("suite", "by suite"), ("model", "by model"), ("reason", "by termination")):
        rows = []
        for value, count in sorted(facets.get(field, {}).items(), key=lambda kv: (-kv[1], kv[0])):
            cells = [f'<a href="{esc(url("/episodes", **{field: value}))}">{esc(value)}</a>', esc(count)]
            if field == "suite":
                k, total = rewards.get(value, (0, 0.0))
                cells.append(esc(fmt(total / k, 2)) if k else "")
            rows.append(cells)
        head = [esc(title), "episodes"] + (["mean reward"] if field == "suite" else [])
        body.append(f"<section class=card>{table(head, rows)}</section>")
    body.append("</div>")
    versions = m.get("versions")
    if isinstance(versions, dict) and versions:
        body.append("<details><summary>versions</summary>" +
                    table(["package", "version"], [[esc(k), esc(v)] for k, v in sorted(versions.items())]) + "</details>")
    if config:
        body.append("<details><summary>configuration</summary><pre class=code>" +
                    esc(json.dumps(config, indent=1, sort_keys=True)) + "</pre></details>")
    return layout(f"run {name}", "".join(body), active="run", has_report=has_report)


# --------------------------------------------------------------------------- episode list


def _options(values: Counter[str], chosen: str) -> str:
    opts = ['<option value="">all</option>']
    for v, c in sorted(values.items()):
        opts.append(f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{esc(v)} ({c})</option>')
    return "".join(opts)


def list_page(rows: Sequence[Row], total: int, all_count: int, filters: Mapping[str, str],
              facets: Mapping[str, Counter[str]], sort: str, desc: bool, page: int, has_report: bool) -> str:
    pages = max(1, math.ceil(total / PAGE_SIZE))
    keep = {k: v for k, v in filters.items() if v}
    selects = "".join(
        f'<label>{esc(title)} <select name="{field}">{_options(facets.get(field, Counter()), filters.get(field, ""))}</select></label>'
        for field, title in (("suite", "suite"), ("task", "task"), ("entity", "entity"), ("model", "model"),
                             ("condition", "condition"), ("reason", "termination")))
    form = (f'<form class=filters method=get action="/episodes">{selects}'
            f'<label>reward ≥ <input name=reward_min size=4 value="{esc(filters.get("reward_min", ""))}"></label>'
            f'<label>reward ≤ <input name=reward_max size=4 value="{esc(filters.get("reward_max", ""))}"></label>'
            + (f'<input type=hidden name=sort value="{esc(sort)}">' if sort else "")
            + ('<input type=hidden name=desc value=1>' if desc else "")
            + '<button type=submit>filter</button> <a href="/episodes">clear</a></form>')
    head = []
    for col in COLUMNS:
        flip = not desc if col == sort else col in ("reward", "turns")
        arrow = (" ▼" if desc else " ▲") if col == sort else ""
        head.append(f'<a class=sort href="{esc(url("/episodes", **keep, sort=col, desc=int(flip)))}">'
                    f"{esc(COLUMN_TITLES[col])}{arrow}</a>")
    body_rows = []
    for r in rows:
        link = esc(f"/episode/{quote(r.id, safe='')}")
        body_rows.append([f'<a href="{link}" class=mono>{esc(r.id[:12])}</a>', esc(r.suite), esc(r.task), esc(r.entity),
                          esc(r.entity_b), esc(r.model), esc(r.condition), esc(r.seed),
                          f'<span class="reward {_reward_class(r.reward)}">{r.reward:.2f}</span>',
                          f'<span class="reason {esc(r.reason)}">{esc(r.reason)}</span>', esc(r.turns)])

    def page_link(p: int, text: str) -> str:
        if p < 1 or p > pages or p == page:
            return f"<span class=disabled>{esc(text)}</span>"
        return f'<a href="{esc(url("/episodes", **keep, sort=sort, desc=int(desc) if desc else "", page=p))}">{esc(text)}</a>'

    first = (page - 1) * PAGE_SIZE
    pager = (f'<div class=pager>{page_link(1, "« first")} {page_link(page - 1, "‹ prev")} '
             f"<span>page {page} of {pages}</span> {page_link(page + 1, 'next ›')} {page_link(pages, 'last »')} "
             f"<span class=muted>episodes {first + 1 if total else 0}–{min(first + PAGE_SIZE, total)} of {total}"
             f"{f' (filtered from {all_count})' if total != all_count else ''}</span></div>")
    body = (f"<h1>Episodes</h1>{form}{pager}"
            + table(head, body_rows, "episodes") + pager
            + f'<p class="live muted" id=live data-count="{all_count}"></p>')
    return layout("episodes", body, active="episodes", scripts=["list.js"], has_report=has_report)


def _reward_class(reward: float) -> str:
    return "good" if reward >= 1 else "part" if reward > 0 else "bad"


# --------------------------------------------------------------------------- one episode


def _text(content: Any) -> str:
    if content is None or content == "":
        return ""
    if not isinstance(content, str):  # multi-part content (a list of parts) from some providers
        content = json.dumps(content, indent=1, ensure_ascii=False)
    return f'<div class=text>{esc(content)}</div>'


def _lines(s: str) -> str:
    n = s.count("\n") + (0 if s.endswith("\n") or not s else 1)
    return f"{n} line{'s' if n != 1 else ''}, {len(s)} chars"


def _arguments(raw: Any) -> str:
    """A tool call's arguments: long or multi-line values (a command, code, file content) as code
    blocks, the rest as key: value; arguments that are not JSON are shown raw and marked."""
    try:
        args = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return f'<span class="badge bad">arguments are not valid JSON</span><pre class=code>{esc(raw)}</pre>'
    if not isinstance(args, dict):
        return f"<pre class=code>{esc(json.dumps(args, indent=1, ensure_ascii=False))}</pre>"
    out, small = [], []
    for k, v in args.items():
        if isinstance(v, str) and (k in ("command", "code", "content") or "\n" in v or len(v) > 80):
            out.append(f'<div class=arg><span class=argname>{esc(k)}</span><pre class=code>{esc(v)}</pre></div>')
        else:
            small.append(f"<span class=kv><span class=argname>{esc(k)}</span> {esc(json.dumps(v, ensure_ascii=False))}</span>")
    return (f'<div class=smallargs>{"".join(small)}</div>' if small else "") + "".join(out)


def _execution(ex: dict[str, Any] | None) -> str:
    """How a tool call ran: exit code, time, timeout and truncation, and its output streams."""
    if not ex:
        return ""
    parts = []
    if ex.get("error"):
        parts.append(f'<span class="badge bad">not run: {esc(ex["error"])}</span>')
    res = ex.get("result") if isinstance(ex.get("result"), dict) else None
    if res:
        code = res.get("exit_code")
        parts.append(f'<span class="badge {"good" if code == 0 else "bad"}">exit code {esc(code)}</span>')
        if res.get("timed_out"):
            parts.append('<span class="badge bad">timed out</span>')
        if res.get("truncated"):
            parts.append('<span class="badge warn">output truncated</span>')
        parts.append(f"<span class=muted>{esc(secs(res.get('duration_s') or 0))} in the sandbox,</span>")
    parts.append(f"<span class=muted>{esc(secs(ex.get('duration_s') or 0))} in all</span>")
    out = f'<div class=exec>{" ".join(parts)}</div>'
    if res:
        for stream in ("stdout", "stderr"):
            s = res.get(stream) or ""
            if s:
                note = " (truncated)" if res.get("truncated") else ""
                out += (f'<details class=stream><summary>{stream}: {_lines(s)}{note}</summary>'
                        f'<pre class="code {stream}">{esc(s)}</pre>'
                        + ('<div class="badge warn">… the sandbox cut this output here</div>' if res.get("truncated") else "")
                        + "</details>")
    return out


def _message(i: int, msg: dict[str, Any], executions: Mapping[str, dict[str, Any]], current: int) -> str:
    role = str(msg.get("role") or "?")
    who = {"assistant": "agent", "user": "user", "system": "system", "tool": "tool"}.get(role, role)
    step = i + 1
    head = [f'<a class=steplink href="?step={step}#step-{step}" title="permalink to this step">#{step}</a>',
            f"<span class=role>{esc(who)}</span>"]
    body = []
    if role == "tool":
        ex = executions.get(str(msg.get("tool_call_id")))
        head.append(f'<span class=toolname>{esc(msg.get("name") or (ex or {}).get("tool") or "")}</span>'
                    f'<span class="muted mono">{esc(msg.get("tool_call_id") or "")}</span>')
        body.append(_execution(ex))
        content = msg.get("content")
        if content:
            text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
            body.append(f'<details class=seen open><summary>what the agent saw: {_lines(text)}</summary>'
                        f"<pre class=code>{esc(text)}</pre></details>")
    elif role == "system":
        text = msg.get("content") or ""
        body.append(f"<details open><summary>system prompt: {_lines(str(text))}</summary>{_text(text)}</details>")
    else:
        body.append(_text(msg.get("content")))
    for call in msg.get("tool_calls") or []:
        fn = call.get("function") or {}
        cid = str(call.get("id") or "")
        body.append(f'<div class=toolcall id="call-{esc(cid)}"><div class=tc-head>calls <span class=toolname>'
                    f'{esc(fn.get("name"))}</span> <span class="muted mono">{esc(cid)}</span></div>'
                    f'{_arguments(fn.get("arguments"))}</div>')
    cls = f"msg role-{esc(role)}" + (" current" if step == current else "")
    return (f'<div class="{cls}" id="step-{step}" data-step="{step}"><div class=msg-head>{"".join(head)}</div>'
            f'<div class=msg-body>{"".join(body)}</div></div>')


def _grade(grade: Any) -> str:
    if not isinstance(grade, dict):
        return "<p class=muted>No grader (a chat task measures instead).</p>"
    rows = [[f'<span class="badge {"good" if c.get("passed") else "bad"}">{"✓" if c.get("passed") else "✗"}</span>',
             f'{esc(c.get("name"))}<div class=detail>{clip(c.get("detail"))}</div>', esc(fmt(c.get("weight")))]
            for c in grade.get("checks") or [] if isinstance(c, dict)]
    err = f'<p class=error>grader error: {esc(grade["error"])}</p>' if grade.get("error") else ""
    return f'<p>score <b>{esc(fmt(grade.get("score")))}</b></p>{err}' + table(["", "check", "weight"], rows, "checks")


def _value(v: Any) -> str:
    if isinstance(v, (dict, list)):
        return f"<pre class=code>{esc(json.dumps(v, indent=1, ensure_ascii=False))}</pre>"
    return esc(fmt(v))


def _calls(calls: Any) -> str:
    rows = []
    for c in calls if isinstance(calls, list) else []:
        if not isinstance(c, dict):
            continue
        u = c.get("usage") if isinstance(c.get("usage"), dict) else {}
        cost = f" · ${fmt(c.get('cost_usd'), 4)}" if c.get("cost_usd") is not None else ""
        rows.append([esc(c.get("role")),
                     f'<span title="request key {esc(c.get("key"))}">{esc(c.get("model"))}</span>'
                     f'<div class=detail>{esc(c.get("source"))}{esc(cost)}</div>',
                     esc(c.get("attempts")), esc(secs(c.get("latency_s"))),
                     f'{esc(u.get("prompt_tokens"))} → {esc(u.get("completion_tokens"))}'])
    if not rows:
        return "<p class=muted>No model calls.</p>"
    return table(["role", "model / source", "tries", "latency", "tokens"], rows, "calls")


def episode_page(ep: dict[str, Any], step: int, has_report: bool) -> str:
    spec = ep.get("spec") if isinstance(ep.get("spec"), dict) else {}
    term = ep.get("termination") if isinstance(ep.get("termination"), dict) else {}
    messages = [m for m in ep.get("messages") or [] if isinstance(m, dict)]
    executions = {str(x.get("tool_call_id")): x for x in ep.get("executions") or [] if isinstance(x, dict)}
    timings = ep.get("timings") if isinstance(ep.get("timings"), dict) else {}
    n = len(messages)
    step = min(max(step, 1), n) if n else 0
    reward = float(ep.get("reward") or 0)
    who = esc(spec.get("entity")) + (f" vs {esc(spec['entity_b'])}" if spec.get("entity_b") else "")
    head = (f'<h1>{esc(spec.get("task"))} <span class=muted>for</span> {who}</h1>'
            f'<p class=summary><span class="reward {_reward_class(reward)}">reward {reward:.2f}</span> '
            f'<span class="reason {esc(term.get("reason"))}">{esc(term.get("reason"))}</span>'
            + (f" <span class=muted>{esc(term.get('detail'))}</span>" if term.get("detail") else "")
            + f' · {esc(spec.get("suite"))} · agent <b>{esc(spec.get("agent"))}</b> · condition {esc(spec.get("condition"))}'
            f' · seed {esc(spec.get("seed"))} · {esc(ep.get("turns"))} turns · {len(executions)} tool calls'
            f' · {esc(secs(timings.get("duration_s") or 0))}</p>'
            f'<p class="muted mono">episode {esc(ep.get("id"))} · <a href="/raw/episode/{esc(quote(str(ep.get("id")), safe=""))}">raw JSON</a></p>')
    bar = (f'<div class=stepbar><button id=prev type=button title="previous step (←)">◀ back</button>'
           f'<span id=stepnum>step {step} / {n}</span>'
           f'<button id=next type=button title="next step (→)">forward ▶</button>'
           f'<a id=permalink href="?step={step}#step-{step}">permalink</a>'
           f'<span class=muted>← → keys step; Home / End jump</span></div>')
    chat = "".join(_message(i, m, executions, step) for i, m in enumerate(messages))
    measurements = ep.get("measurements") if isinstance(ep.get("measurements"), dict) else {}
    side = (f"<section><h2>Grade</h2>{_grade(ep.get('grade'))}</section>"
            f"<section><h2>Measurements</h2>"
            + (table(["measure", "value"], [[esc(k), _value(v)] for k, v in measurements.items()], "measurements")
               if measurements else "<p class=muted>None.</p>")
            + f"</section><section><h2>Model calls</h2>{_calls(ep.get('calls'))}</section>"
            f"<section><h2>Timings</h2>"
            + table(None, [[esc(k), esc(secs(v))] for k, v in timings.items() if k not in ("started_at", "ended_at")])
            + "</section><section><h2>Spec</h2>"
            + table(None, [[esc(k), esc(v)] for k, v in spec.items() if v is not None]) + "</section>")
    data = f'<script type="application/json" id=episode-data>{script_json({"id": ep.get("id"), "steps": n, "step": step})}</script>'
    body = f'{head}<div class=ep><main class=chat>{bar}{chat}</main><aside class=side>{side}</aside></div>{data}'
    return layout(f"episode {str(ep.get('id'))[:12]}", body, active="episodes", scripts=["episode.js"], has_report=has_report)


# --------------------------------------------------------------------------- preferences


def _methods(entities: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(method, scorer) pairs that carry {value, low, high} in the scores, e.g. (pairwise, thurstonian)."""
    found: list[tuple[str, str]] = []
    for e in entities.values():
        for method, scores in (e.items() if isinstance(e, dict) else ()):
            if isinstance(scores, dict):
                for scorer, s in scores.items():
                    if isinstance(s, dict) and "value" in s and (method, scorer) not in found:
                        found.append((method, scorer))
    return found


def _bar(s: dict[str, Any], lo: float, hi: float, width: int = 160) -> str:
    """An interval and its point on the model's shared axis, as an inline SVG (attributes only)."""
    def x(v: Any) -> float:
        try:
            return 4 + (width - 8) * (float(v) - lo) / ((hi - lo) or 1)
        except (TypeError, ValueError):
            return float("nan")
    a, b, p = x(s.get("low", s.get("value"))), x(s.get("high", s.get("value"))), x(s.get("value"))
    if any(math.isnan(v) for v in (a, b, p)):
        return ""
    return (f'<svg class=bar width="{width}" height="14" role="img" aria-label="interval">'
            f'<line x1="{a:.1f}" x2="{b:.1f}" y1="7" y2="7" stroke="#7a9cc6" stroke-width="4"/>'
            f'<circle cx="{p:.1f}" cy="7" r="4" fill="#1d4e89"/></svg>')


def prefs_page(models: Sequence[tuple[str, dict[str, Any]]], method: str, scorer: str, default_scorer: str,
               has_report: bool) -> str:
    body = ["<h1>Preferences</h1>"]
    if not models:
        body.append("<p class=muted>No prefs/&lt;model&gt;/scores.json in this run.</p>")
    for slug, scores in models:
        entities = scores.get("entities") if isinstance(scores.get("entities"), dict) else {}
        methods = _methods(entities)
        if not methods:
            body.append(f"<h2>{esc(scores.get('model') or slug)}</h2><p class=muted>No scores.</p>")
            continue
        wanted = [(method, scorer), ("pairwise", default_scorer), ("pairwise", "thurstonian"), ("pairwise", "bt")]
        chosen = next((ms for ms in wanted if ms in methods), methods[0])
        picker = " ".join(
            f'<a href="{esc(url("/prefs", method=m, scorer=s))}"{" class=active" if (m, s) == chosen else ""}>{esc(m)}/{esc(s)}</a>'
            for m, s in methods)

        def score(eid: str, ms: tuple[str, str] = chosen) -> dict[str, Any]:
            e = entities.get(eid) or {}
            s = (e.get(ms[0]) or {}).get(ms[1]) if isinstance(e.get(ms[0]), dict) else None
            return s if isinstance(s, dict) else {}

        def num(v: Any) -> float:
            try:
                return float(v)
            except (TypeError, ValueError):
                return float("-inf")

        order = sorted(entities, key=lambda eid: -num(score(eid).get("value")))
        bounds = [num(score(eid).get(k)) for eid in order for k in ("low", "high", "value")]
        bounds = [b for b in bounds if math.isfinite(b)]
        lo, hi = (min(bounds), max(bounds)) if bounds else (0.0, 1.0)
        others = [ms for ms in methods if ms != chosen]
        rows = []
        for rank, eid in enumerate(order, 1):
            e = entities.get(eid) if isinstance(entities.get(eid), dict) else {}
            s = score(eid)
            ranking = e.get("ranking") if isinstance(e.get("ranking"), dict) else {}
            link = esc(f"/prefs/{quote(slug, safe='')}/{quote(eid, safe='')}")
            rows.append([esc(rank), f'<a href="{link}">{esc(e.get("name") or eid)}</a> <span class="muted mono">{esc(eid)}</span>',
                         esc(fmt(s.get("value"))), f"[{esc(fmt(s.get('low')))}, {esc(fmt(s.get('high')))}]",
                         _bar(s, lo, hi), esc(fmt(ranking.get("mean_rank")))]
                        + [esc(fmt(score(eid, ms).get("value"))) for ms in others])
        head = ["#", "entity", esc(f"{chosen[0]}/{chosen[1]}"), "interval", "", "mean rank"] + [esc(f"{m}/{s}") for m, s in others]
        body.append(f"<h2>{esc(scores.get('model') or slug)}</h2><p class=picker>score by: {picker}</p>"
                    + table(head, rows, "prefs") + _pref_facts(scores))
    return layout("preferences", "".join(body), active="prefs", has_report=has_report)


def _pref_facts(scores: dict[str, Any]) -> str:
    rows = []
    for method in ("pairwise", "active"):
        m = scores.get(method)
        if not isinstance(m, dict):
            continue
        pb = m.get("position_bias") if isinstance(m.get("position_bias"), dict) else {}
        if pb:
            rows.append([esc(f"{method}: position bias (first wins)"),
                         esc(f"{fmt(pb.get('rate'))} [{fmt(pb.get('low'))}, {fmt(pb.get('high'))}], p={fmt(pb.get('p_value'))}, n={pb.get('n')}")])
        if isinstance(m.get("outcomes"), dict):
            rows.append([esc(f"{method}: outcomes"), esc(", ".join(f"{k} {v}" for k, v in m["outcomes"].items()))])
        if isinstance(m.get("heldout"), dict):
            h = m["heldout"]
            rows.append([esc(f"{method}: held-out accuracy"), esc(f"{fmt(h.get('accuracy'))} (n={h.get('n')})")])
    out = table(None, rows, "facts") if rows else ""
    agreement = scores.get("agreement")
    if isinstance(agreement, dict) and agreement:
        keys = list(agreement)
        grid = [[esc(a)] + [esc(fmt((agreement.get(a) or {}).get(b))) for b in keys] for a in keys]
        out += "<details><summary>agreement between methods (rank correlation)</summary>" + table([""] + [esc(k) for k in keys], grid) + "</details>"
    return out


def comparisons_page(model: str, slug: str, entity: str, name: str, rows: Sequence[dict[str, Any]], total: int,
                     tally: Mapping[str, Counter[str]], page: int, has_report: bool) -> str:
    """The raw answers that involve one entity, with a win/loss tally per opponent."""
    def outcome(c: dict[str, Any]) -> str:
        o = str(c.get("outcome"))
        side = "first" if c.get("first") == entity else "second"
        return "win" if o == side else "loss" if o in ("first", "second") else o

    body = [f'<h1>{esc(name)} <span class=muted>· {esc(model)}</span></h1>',
            f'<p><a href="/prefs">← preferences</a> · {total} comparisons involve <span class=mono>{esc(entity)}</span>'
            f' (as first or second option)</p>']
    trows = [[esc(opp), esc(t.get("win", 0)), esc(t.get("loss", 0)),
              esc(", ".join(f"{k} {v}" for k, v in t.items() if k not in ("win", "loss")))]
             for opp, t in sorted(tally.items())]
    body.append("<h2>By opponent</h2>" + table(["opponent", "wins", "losses", "other"], trows, "tally"))
    pages = max(1, math.ceil(total / PAGE_SIZE))
    here = f"/prefs/{quote(slug, safe='')}/{quote(entity, safe='')}"
    nav = " ".join(f'<a href="{esc(url(here, page=p))}">{p}</a>' if p != page else f"<b>{p}</b>"
                   for p in range(1, pages + 1)) if pages > 1 else ""
    crow = [[esc(c.get("first")), esc(c.get("second")), esc(c.get("outcome")),
             f'<span class="badge {"good" if outcome(c) == "win" else "bad" if outcome(c) == "loss" else "warn"}">{esc(outcome(c))}</span>',
             esc(c.get("sample")), f'<span class=text>{esc(c.get("raw"))}</span>'] for c in rows]
    body.append(f"<h2>Answers</h2><div class=pager>{nav}</div>"
                + table(["first", "second", "outcome", f"for {esc(entity)}", "sample", "raw answer"], crow, "comparisons"))
    return layout(f"{name} comparisons", "".join(body), active="prefs", has_report=has_report)
