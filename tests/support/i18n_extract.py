"""Find every user-visible English message in the source: ``_()``/``N_()`` calls, binding descriptions,
column and form labels, screen titles. Run as a script to print the ones a catalog lacks, as TOML."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "ikmtui"
#: call name -> (position of the message argument, keyword name)
MESSAGE_ARGS = {
    "_": (0, None),
    "N_": (0, None),
    "ngettext": (1, None),  # the plural msgid keys a plural message in the catalogs
    "Binding": (2, "description"),
    "Column": (1, "label"),
    "FormField": (1, "label"),
}


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def messages() -> dict[str, str]:
    """msgid -> first place it was found."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            texts: list[ast.expr] = []
            if isinstance(node, ast.Call) and _name(node.func) in MESSAGE_ARGS:
                position, keyword = MESSAGE_ARGS[_name(node.func)]
                if len(node.args) > position:
                    texts.append(node.args[position])
                texts += [kw.value for kw in node.keywords if keyword and kw.arg == keyword]
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "TITLE_MSG" for t in node.targets
            ):
                texts.append(node.value)
            for text in texts:
                if isinstance(text, ast.Constant) and isinstance(text.value, str) and text.value.strip():
                    found.setdefault(text.value, f"{path.relative_to(SRC)}:{node.lineno}")
    return found


if __name__ == "__main__":
    sys.path.insert(0, str(SRC.parent))
    from ikmtui.i18n import catalog

    lang = sys.argv[1] if len(sys.argv) > 1 else "id"
    known = catalog(lang)
    for msgid, where in messages().items():
        if msgid not in known:
            escaped = msgid.replace("\\", "\\\\").replace('"', '\\"')
            print(f'"{escaped}" = ""  # {where}')
