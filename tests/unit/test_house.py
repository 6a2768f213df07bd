"""The house rules, read from the code, so `make test` keeps them (README › Development › Rules)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from storage.db import Database
from storage.migrate import alembic_config

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage")
SQL_NAMES = {"select", "update", "delete", "insert", "func", "text", "and_", "or_", "exists", "case"}
SESSION_QUERIES = {"execute", "scalars", "scalar", "query"}


def _files(*places: str) -> list[Path]:
    found: list[Path] = []
    for place in places:
        path = ROOT / place
        found += (
            [path] if path.is_file() else sorted(p for p in path.rglob("*.py") if "migrations" not in p.parts)
        )
    return found


def _module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _package_of(module: str) -> str | None:
    """bot.lessons.flows → bot.lessons; bot.core.slack → bot.core; handlers.payloads → handlers."""
    parts = module.split(".")
    if parts[0] not in PACKAGES:
        return None
    if len(parts) > 1 and (ROOT / parts[0] / parts[1]).is_dir():
        return ".".join(parts[:2])
    return parts[0]


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def test_no_sql_outside_storage() -> None:
    hits: list[str] = []
    for path in _files("bot", "handlers", "app.py", "scheduler.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
                used = {alias.name for alias in node.names} & SQL_NAMES
                if used:
                    hits.append(f"{path.relative_to(ROOT)}: from {node.module} import {sorted(used)}")
            if (
                isinstance(node, ast.Attribute)
                and node.attr in SESSION_QUERIES
                and isinstance(node.value, ast.Name)
                and node.value.id in ("session", "s", "db")
            ):
                hits.append(f"{path.relative_to(ROOT)}:{node.lineno}: session.{node.attr}")
    assert hits == []


def test_no_two_packages_import_each_other_and_storage_imports_nothing_above_it() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in _files(*PACKAGES):
        source = _package_of(_module_of(path))
        assert source is not None
        for name in _imports(path):
            target = _package_of(name)
            if (
                target
                and target != source
                and not target.startswith(source + ".")
                and not source.startswith(target + ".")
            ):
                edges[source].add(target)
    ties = sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if a in edges.get(b, set())})
    assert ties == []
    upward = sorted(
        f"{a} -> {b}"
        for a in edges
        for b in edges[a]
        if a.startswith("storage") and not b.startswith("storage")
    )
    assert upward == []
    core = sorted(f"bot.core -> {b}" for b in edges.get("bot.core", set()) if b.startswith("bot."))
    assert core == [], "bot/core sits under every feature and imports none"


def test_views_take_plain_data() -> None:
    views = [p for p in _files("bot") if p.stem.endswith("views") or p.stem == "notices"]
    assert len(views) >= 5
    wrong = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in views
        for name in _imports(path)
        if name.startswith("storage") or name.rsplit(".", 1)[-1] in ("service", "flows", "queries", "models")
    ]
    assert wrong == []


def test_handlers_call_slack_only_through_flows_and_the_gateway() -> None:
    """A listener never takes Bolt's `client`, nor makes a Web API call itself."""
    offenders: list[str] = []
    for path in _files("handlers"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(arg.arg == "client" for arg in node.args.args):
                offenders.append(f"{path.relative_to(ROOT)}: {node.name} takes Bolt's client")
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "client"
                and isinstance(node.value, ast.Attribute)
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.value.attr}.client")
    assert offenders == []


def test_register_only_wires_named_listeners() -> None:
    """register(app) defines no listener of its own: no nested functions or lambdas."""
    offenders: list[str] = []
    for path in _files("handlers"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in ("register", "register_all"):
                nested = [
                    n
                    for n in ast.walk(node)
                    if isinstance(n, (ast.FunctionDef, ast.Lambda)) and n is not node
                ]
                if nested:
                    offenders.append(f"{path.relative_to(ROOT)}: {node.name} defines a function")
    assert offenders == []


def test_one_migration_chain(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    database = Database(f"sqlite:///{tmp_path / 'chain.db'}")
    try:
        scripts = ScriptDirectory.from_config(alembic_config(database.engine))
        assert len(scripts.get_heads()) == 1
        # Linear after the merge point: every revision after 0008 has exactly one parent and one child.
        after_merge = [rev for rev in scripts.walk_revisions() if rev.revision > "0008"]
        assert all(isinstance(rev.down_revision, str) for rev in after_merge)
    finally:
        database.dispose()
