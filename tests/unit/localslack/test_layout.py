"""The local Slack is a stand-in for tests and the console: the product never imports it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCT = [ROOT / "bot", ROOT / "handlers", ROOT / "storage", ROOT / "scheduler.py"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_product_imports_nothing_from_localslack() -> None:
    files = [p for place in PRODUCT for p in ([place] if place.is_file() else sorted(place.rglob("*.py")))]
    assert len(files) > 20
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in files
        for module in sorted(imported_modules(path))
        if module == "localslack" or module.startswith("localslack.")
    ]
    assert offenders == []
