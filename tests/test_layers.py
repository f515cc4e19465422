"""Domain, storage and reports stay free of the UI: they must work without Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "ikmtui"
NON_UI = ["domain", "storage", "services", "reports", "io", "commands"]
NON_UI_MODULES = ["i18n.py", "tabular.py", "demodata.py", "paths.py"]


def _non_ui_files() -> list[Path]:
    files = [SRC / name for name in NON_UI_MODULES]
    for package in NON_UI:
        files += sorted((SRC / package).rglob("*.py"))
    return files


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_textual_import_in_domain_storage_reports() -> None:
    offenders = {
        str(path.relative_to(SRC)): sorted(n for n in _imports(path) if n.split(".")[0] == "textual" or
                                           n.startswith("ikmtui.ui"))
        for path in _non_ui_files()
    }
    # The command line starts the app lazily (inside a function); that is the one allowed reach into ikmtui.ui.
    offenders = {k: v for k, v in offenders.items() if v and not (k.startswith("commands/serve"))}
    assert offenders == {}


def test_importing_domain_and_storage_loads_no_textual() -> None:
    code = ("import sys, ikmtui.domain.ikm, ikmtui.domain.training, ikmtui.domain.credit, ikmtui.domain.gallery, "
            "ikmtui.storage, ikmtui.reports.figures, ikmtui.demodata, ikmtui.tabular; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
