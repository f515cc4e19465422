"""storage/ imports one way (schema, errors <- files <- migrations <- database <- backup), counting the imports
deferred into functions too; a migration is a pure function of the tables."""

from __future__ import annotations

import ast
import copy
from pathlib import Path

from ikmtui.storage import migrations
from ikmtui.storage.schema import META_ID, SCHEMA_VERSION, TABLES

STORAGE = Path(__file__).resolve().parents[3] / "src" / "ikmtui" / "storage"


def _storage_imports(path: Path) -> set[str]:
    """The storage modules ``path`` imports, wherever the import statement sits."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "ikmtui.storage":
                found.update(
                    f"ikmtui.storage.{alias.name}" for alias in node.names if (STORAGE / f"{alias.name}.py").exists()
                )
            elif node.module.startswith("ikmtui.storage."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("ikmtui.storage."))
    return {name.removeprefix("ikmtui.storage.") for name in found}


def test_storage_has_no_import_cycle() -> None:
    graph = {path.stem: _storage_imports(path) for path in STORAGE.glob("*.py") if path.stem != "__init__"}
    assert graph["migrations"] <= {"schema"}  # nothing of database or backup
    assert "backup" not in graph["database"]
    cycles = []

    def visit(module: str, trail: list[str]) -> None:
        for target in sorted(graph.get(module, ())):
            if target in trail:
                cycles.append([*trail[trail.index(target) :], target])
            else:
                visit(target, [*trail, target])

    for module in graph:
        visit(module, [module])
    assert cycles == []


def test_a_migration_is_a_pure_function_of_the_tables() -> None:
    old = {"meta": {META_ID: {"app": "ikmtui", "counters": {"IKM": 1}}}, "ikm": {"1": {"name": "lama"}}}
    before = copy.deepcopy(old)
    new = migrations.migrate(old, 0)
    assert old == before  # the input is left as it was: the database backs it up and writes the result
    assert new["meta"][META_ID]["schema"] == SCHEMA_VERSION and new["ikm"]["1"]["version"] == 1
    assert set(new) == set(TABLES)
