"""The rules of the house (DESIGN.md), checked on the source: dependencies point one way, no import
circle, one module knows the run directory's files, one package knows which provider a model id
names, and a suite lives in one descriptor. Each test reads the code with ``ast``; none imports it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "prefgym"

# DESIGN.md: types ← sandbox, models ← tools, users, agents ← tasks ← envs ← runner ← analysis, viewer,
# cli; with the modules every layer may use below them, and study between the runner and the CLI.
RANK = {"errors": 0, "yamlfile": 0, "aio": 0, "lazy": 0, "types": 1, "entities": 2, "sandbox": 2, "models": 3, "tools": 4,
        "users": 4, "agents": 4, "prefs": 4, "tasks": 5, "envs": 6, "runner": 7, "analysis": 8, "study": 8,
        "viewer": 8, "cli": 9, "": 10}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        if "/tasks/agentic/" in str(path) and path.parent.name != "agentic":  # a task's own files run in a sandbox
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every prefgym module ``name`` imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([node.module] if node.module else [])])
            found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names}
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_dependencies_point_one_way():
    wrong = sorted(f"{a} imports {b}" for a, deps in GRAPH.items() for b in deps
                   if _layer(a) != _layer(b) and RANK[_layer(b)] >= RANK[_layer(a)])
    assert not wrong, wrong


def test_no_import_circle_in_the_package():
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while (w := stack.pop()) != v:
                component.append(w)
            if component:
                cycles.append([v, *component])

    for v in GRAPH:
        if v not in index:
            visit(v)
    assert not cycles, cycles


RUN_FILES = {"manifest.json", "episodes.jsonl", "calls.jsonl", "planted.json", "scores.json", "pairwise.jsonl",
             "ranking.jsonl", "stats.json", "index.html", "report", "prefs", "figures"}


def _path_uses(tree: ast.AST) -> list[str]:
    """String constants used to build a path: ``x / "name"``, ``joinpath("name")``, ``open("name")``…"""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            found += [n.value for n in (node.left, node.right) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        elif isinstance(node, ast.Call):
            fn = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if fn in ("joinpath", "with_name", "open", "glob", "rglob"):
                found += [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return found


def test_only_rundir_opens_a_run_directory_files_by_name():
    offenders = sorted(f"{name}: {value!r}" for name, path in MODULES.items() if name != "prefgym.runner.rundir"
                       for value in _path_uses(ast.parse(path.read_text()))
                       if value in RUN_FILES or any(value.endswith(f"/{f}") or value.startswith(f"{f}/") for f in RUN_FILES))
    assert not offenders, offenders


PROVIDER_WORDS = ("synthetic", "local", "openai", "anthropic", "prefgym_synthetic")


def _provider_branches(tree: ast.AST) -> list[str]:
    """Comparisons and prefix tests against a provider's name: ``m.startswith("synthetic/")``,
    ``provider == "local"``, ``x in ("synthetic", …)``."""
    found = []

    def provider(node: ast.AST) -> bool:
        values = [node] if isinstance(node, ast.Constant) else list(getattr(node, "elts", []))
        return any(isinstance(v, ast.Constant) and isinstance(v.value, str)
                   and v.value.split("/")[0].split(":")[0] in PROVIDER_WORDS for v in values)

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(provider(c) for c in [node.left, *node.comparators]):
            found.append(ast.unparse(node))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("startswith", "endswith", "removeprefix") and any(provider(a) for a in node.args)):
            found.append(ast.unparse(node))
    return found


def test_no_module_outside_models_branches_on_a_model_ids_provider():
    offenders = sorted(f"{name}: {code}" for name, path in MODULES.items() if not name.startswith("prefgym.models")
                       for code in _provider_branches(ast.parse(path.read_text())))
    assert not offenders, offenders


SUITE_NAMES = ("donation_advice", "refusal", "boolq", "agentic", "cybench")


def test_no_module_outside_a_suites_folder_names_a_suite():
    """A suite is one descriptor: the core, analysis, power, the dry run and the report iterate over
    descriptors. (``models`` is below tasks and knows no suite; its synthetic model's effect
    parameters happen to include one called ``refusal``.)"""
    offenders = []
    for name, path in MODULES.items():
        if name.startswith("prefgym.models") or (name.startswith("prefgym.tasks.") and name.split(".")[2] in SUITE_NAMES):
            continue
        tree = ast.parse(path.read_text())
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                      and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in SUITE_NAMES and id(node) not in docstrings:
                offenders.append(f"{name}: {node.value!r} (line {node.lineno})")
    assert not offenders, offenders
