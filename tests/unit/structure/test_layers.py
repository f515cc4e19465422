"""Domain, storage and reports stay free of the UI: they must work without Textual. So does the web server (serve/):
only serve/tab.py, the app a browser tab's process runs, builds the UI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[3] / "src" / "ikmtui"
NON_UI = ["domain", "storage", "services", "reports", "documents", "io", "commands", "serve"]
NON_UI_MODULES = ["i18n.py", "tabular.py", "demodata.py", "paths.py"]
#: Run in a browser tab's own process: the one module of the server package that starts the app.
UI_ENTRY_POINTS = [SRC / "serve" / "tab.py"]


def _non_ui_files() -> list[Path]:
    files = [SRC / name for name in NON_UI_MODULES]
    for package in NON_UI:
        files += sorted((SRC / package).rglob("*.py"))
    return [path for path in files if path not in UI_ENTRY_POINTS]


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
        str(path.relative_to(SRC)): sorted(
            n for n in _imports(path) if n.split(".")[0] == "textual" or n.startswith("ikmtui.ui")
        )
        for path in _non_ui_files()
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}


def test_the_server_package_is_checked_too() -> None:
    checked = {str(path.relative_to(SRC)) for path in _non_ui_files()}
    assert {"serve/server.py", "serve/session.py", "serve/limits.py", "commands/serve.py"} <= checked
    assert "serve/tab.py" not in checked


def test_the_server_loads_no_textual_and_the_command_line_no_server() -> None:
    """The server runs no app itself (each tab's process does); ``ikmtui serve --help`` and every other command
    start without loading the web server's libraries: the command reads its tab limits from serve.limits."""
    code = (
        "import sys, ikmtui.cli, ikmtui.commands.serve; "
        "cli = sorted({m.split('.')[0] for m in sys.modules} & {'aiohttp', 'textual_serve', 'textual'}); "
        "import ikmtui.serve.server; "
        "print(cli, sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []"


def test_importing_domain_and_storage_loads_no_textual() -> None:
    code = (
        "import sys, ikmtui.domain.ikm, ikmtui.domain.training, ikmtui.domain.credit, ikmtui.domain.gallery, "
        "ikmtui.storage, ikmtui.reports.figures, ikmtui.demodata, ikmtui.tabular; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
