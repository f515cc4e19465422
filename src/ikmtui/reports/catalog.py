"""Every report by name, built for a period and written in any format: text, Markdown, HTML, SVG or JSON.

``build_report(tables, "overview", period, today)`` is pure; ``render(report, "html")`` gives the text of a
file; a PDF (``write_report(..., "pdf")``) has the office's letterhead and signature block.
The command line (``ikmtui report``) and the Laporan screen both go through here.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ikmtui.i18n import N_, _
from ikmtui.reports.common import Report, Tables
from ikmtui.reports.period import Period

if TYPE_CHECKING:
    from rich.console import Console

    from ikmtui.documents.pdf import Office

#: name -> English title (a msgid). ``profile`` needs an IKM code.
REPORTS: dict[str, str] = {
    "overview": N_("Overview"),
    "ikm": N_("IKM registry"),
    "clusters": N_("Clusters"),
    "training": N_("Training"),
    "credit": N_("Credit"),
    "gallery": N_("Gallery"),
    "profile": N_("IKM profile"),
    "kinerja": N_("Kinerja (results)"),
}
FORMATS = ("text", "md", "html", "svg", "json", "xlsx", "pdf")
#: File name extension -> format, to pick the format from ``--out`` or a path typed in the app.
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".svg": "svg",
    ".json": "json",
    ".xlsx": "xlsx",
    ".pdf": "pdf",
}
#: Columns of the text and SVG renderings.
WIDTH = 110


def report_names() -> list[str]:
    return list(REPORTS)


def check_name(name: str) -> str:
    wanted = str(name or "").strip().casefold()
    if wanted not in REPORTS:
        raise ValueError(_("Unknown report '{name}'; choose one of: {options}", name=name, options=", ".join(REPORTS)))
    return wanted


def check_format(fmt: str) -> str:
    wanted = str(fmt or "").strip().casefold().lstrip(".")
    wanted = {"txt": "text", "markdown": "md", "htm": "html"}.get(wanted, wanted)
    if wanted not in FORMATS:
        raise ValueError(
            _("Unknown format '{format}'; choose one of: {options}", format=fmt, options=", ".join(FORMATS))
        )
    return wanted


def format_for(path: str | Path) -> str:
    """The format a file name asks for by its extension, or a translated ``ValueError``."""
    suffix = Path(path).suffix.casefold()
    if suffix not in EXTENSIONS:
        raise ValueError(
            _(
                "Cannot tell the format from '{name}': end the file name with {options}",
                name=Path(path).name,
                options=", ".join(sorted(set(EXTENSIONS) - {".text", ".htm", ".markdown"})),
            )
        )
    return EXTENSIONS[suffix]


def build_report(tables: Tables, name: str, period: Period, today: date, *, ikm: str | None = None) -> Report:
    """The report ``name`` for ``period`` seen on ``today``; ``ikm`` (a code) for the profile report."""
    from ikmtui.reports import areas, kinerja, overview, profile

    name = check_name(name)
    if name == "ikm" and ikm:
        name = "profile"
    if name == "profile":
        if not ikm:
            raise ValueError(_("The profile report needs an IKM code: --ikm IKM-000123"))
        return profile.profile(tables, ikm, period, today)
    if ikm:
        raise ValueError(_("--ikm only goes with the profile report (or ikm)"))
    builders: dict[str, Callable[[Tables, Period, date], Report]] = {
        "overview": overview.overview,
        "ikm": areas.ikm_report,
        "clusters": areas.clusters_report,
        "training": areas.training_report,
        "credit": areas.credit_report,
        "gallery": areas.gallery_report,
        "kinerja": kinerja.kinerja,
    }
    return builders[name](tables, period, today)


# ---------------------------------------------------------------------------------------------- rendering
def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(report: Report) -> str:
    return json.dumps(report.data, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def _console(out: io.StringIO, record: bool, color: bool, width: int) -> Console:
    from rich.console import Console

    return Console(
        file=out,
        record=record,
        width=width,
        force_terminal=color,
        color_system="truecolor" if color else None,
        highlight=False,
        emoji=False,
        legacy_windows=False,
        soft_wrap=False,
    )


def render(report: Report, fmt: str, *, width: int = WIDTH) -> str:
    """The report as the text of a ``fmt`` file (plain text without colour codes)."""
    from ikmtui.reports.document import to_html, to_markdown

    fmt = check_format(fmt)
    if fmt == "xlsx":
        raise ValueError(_("An Excel report is a file: give it with --out NAME.xlsx"))
    if fmt == "pdf":
        raise ValueError(_("A PDF report is a file: give it with --out NAME.pdf"))
    if fmt == "json":
        return to_json(report)
    if fmt == "md":
        return to_markdown(report.document)
    if fmt == "html":
        return to_html(report.document)
    out = io.StringIO()
    console = _console(out, record=fmt == "svg", color=fmt == "svg", width=width)
    console.print(report.renderable())
    if fmt == "svg":
        return console.export_svg(title=report.document.title)
    return out.getvalue()


def write_report(
    report: Report,
    path: str | Path,
    fmt: str | None = None,
    *,
    db_path: str | Path | None = None,
    force: bool = False,
    office: Office | None = None,
    today: date | None = None,
) -> Path:
    """Write the report to ``path`` (format from ``fmt`` or the extension); returns the path written.

    Through the file guard: never onto the database ``db_path`` or its parts, an existing file only with
    ``force``, and created readable by its owner only (a profile holds an owner's details). A PDF is on the
    letterhead of ``office`` (the settings' defaults if not given), signed and dated ``today``.
    """
    from ikmtui.io.guard import private_output, writable_target
    from ikmtui.reports.document import to_xlsx

    target = writable_target(Path(path).expanduser(), db_path, force=force)  # said before a bad extension
    fmt = check_format(fmt) if fmt else format_for(target)
    data: bytes | None = None  # made first: a failure leaves no file behind
    if fmt == "pdf":
        data = _pdf(report, office, today)
    elif fmt != "xlsx":
        data = render(report, fmt).encode("utf-8")
    with private_output(target, db_path, force=force) as fh:
        if data is None:
            to_xlsx(report.document, fh)
        else:
            fh.write(data)
    return target


def _pdf(report: Report, office: Office | None, today: date | None) -> bytes:
    from ikmtui import clock
    from ikmtui.documents.pdf import Office
    from ikmtui.documents.report import report_pdf
    from ikmtui.services.settings import DEFAULTS

    return report_pdf(report.document, office or Office.from_settings(DEFAULTS), today or clock.today())
