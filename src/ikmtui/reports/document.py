"""A report as a small document (sections of key figures, tables, bar lists and notes) and its renderings:
Rich (screen, text, SVG), Markdown and HTML. Values stay raw (int rupiah, fractions, ISO dates) until rendered,
so every format shows the same figures formatted the same way.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ikmtui.domain.money import format_number, format_rupiah
from ikmtui.i18n import _, format_date, get_language
from ikmtui.io.guard import spreadsheet_value

#: Kinds of value: how a raw value is written.
KINDS = ("text", "code", "int", "rp", "pct", "float", "date")
NUMERIC = frozenset({"int", "rp", "pct", "float"})
DASH = "–"
BAR_WIDTH = 32
_EIGHTHS = " ▏▎▍▌▋▊▉"


def format_percent(fraction: float | None, digits: int = 1) -> str:
    """``0.1234`` -> ``12,3%`` (Indonesian) or ``12.3%`` (English); ``None`` (nothing to divide) -> ``–``."""
    if fraction is None:
        return DASH
    text = f"{fraction * 100:.{digits}f}"
    if get_language() == "id":
        text = text.replace(".", ",")
    return f"{text}%"


def format_value(value: Any, kind: str = "text") -> str:
    """A raw value as people read it: numbers with dot thousands, ``Rp 1.234.567``, ``12,3%``, dates."""
    if value is None or value == "":
        return DASH if kind in NUMERIC or kind == "date" else ""
    if kind == "int":
        return format_number(value)
    if kind == "rp":
        return format_rupiah(int(value))
    if kind == "pct":
        return format_percent(float(value))
    if kind == "float":
        text = f"{float(value):.1f}"
        return text.replace(".", ",") if get_language() == "id" else text
    if kind == "date":
        try:
            return format_date(value if isinstance(value, date) else date.fromisoformat(str(value)[:10]))
        except ValueError:
            return str(value)
    return str(value)


# ---------------------------------------------------------------------------------------------- the model
@dataclass
class Col:
    label: str
    kind: str = "text"

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


@dataclass
class Figures:
    """Key figures: ``(label, value, kind)``."""

    items: list[tuple[str, Any, str]]


@dataclass
class TableBlock:
    columns: list[Col]
    rows: list[list[Any]]
    title: str = ""
    total: list[Any] | None = None
    #: Shown instead of an empty table.
    empty: str = ""
    #: Index of a numeric column drawn as a bar in an extra last column.
    bar: int | None = None

    def bar_top(self) -> float:
        return max((float(row[self.bar] or 0) for row in self.rows), default=0.0) if self.bar is not None else 0.0


@dataclass
class Bars:
    """A horizontal bar list: ``(label, value)``; ``kind`` formats the values."""

    title: str
    items: list[tuple[str, float]]
    kind: str = "int"


@dataclass
class Note:
    text: str
    warning: bool = False


Block = Figures | TableBlock | Bars | Note


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: str = ""
    sections: list[Section] = field(default_factory=list)
    #: Said first and prominently: an empty database, a period with no data.
    notice: str = ""
    footnotes: list[str] = field(default_factory=list)


def bar_text(value: float, top: float, width: int = BAR_WIDTH) -> str:
    """A bar of ``width`` characters at most, in eighths of a character."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / top * width * 8))
    return "█" * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")


# ---------------------------------------------------------------------------------------------- Rich
def _rich_figures(block: Figures, pairs: int = 2) -> Table:
    grid = Table.grid(padding=(0, 2), expand=False)
    for _i in range(pairs):
        grid.add_column(no_wrap=True)
        grid.add_column(justify="right", no_wrap=True, style="bold")
    items = list(block.items)
    for start in range(0, len(items), pairs):
        cells: list[RenderableType] = []
        for label, value, kind in items[start : start + pairs]:
            cells += [Text(label, style="dim"), format_value(value, kind)]
        grid.add_row(*cells)
    return grid


class _RichTable:
    """A table block laid out for the width it gets: numbers, codes and dates keep their width (their headers may
    wrap between words), text columns share what is left and wrap."""

    def __init__(self, block: TableBlock) -> None:
        self.block = block

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.build(options.max_width)

    def build(self, width: int) -> Table:
        block = self.block
        top = block.bar_top()
        bar_width = BAR_WIDTH // 2 if block.bar is not None else 0
        rows: list[list[str]] = []
        for row in block.rows:
            cells = [format_value(v, c.kind) for v, c in zip(row, block.columns, strict=True)]
            if block.bar is not None:
                cells.append(bar_text(float(row[block.bar] or 0), top, bar_width))
            rows.append(cells)
        footers = (
            [format_value(v, c.kind) for v, c in zip(block.total, block.columns, strict=True)]
            if block.total is not None
            else [""] * len(block.columns)
        )
        full: list[int] = []  # what a column needs with its header words whole
        least: list[int] = []  # what it cannot do without
        fixed: list[bool] = []
        for i, col in enumerate(block.columns):
            longest = max([len(cells[i]) for cells in rows] + [len(footers[i])])
            is_fixed = col.numeric or col.kind in ("code", "date")
            words = max((len(w) for w in col.label.split()), default=0)
            full.append(max(longest, words, 1))
            least.append(max(longest, 3) if is_fixed else min(max(longest, words, 1), 6))
            fixed.append(is_fixed)
        # Between columns: padding on both sides and a divider; the box's edges; the bar column if any.
        overhead = 3 * (len(full) - 1) + 2 + (bar_width + 3 if bar_width else 0)
        widths = [f if is_fixed else m for f, m, is_fixed in zip(full, least, fixed, strict=True)]
        if sum(widths) + overhead > width:  # headers of numbers give way first
            widths = [m if is_fixed else w for w, m, is_fixed in zip(widths, least, fixed, strict=True)]
        room = width - overhead - sum(w for w, is_fixed in zip(widths, fixed, strict=True) if is_fixed)
        text_full = sum(f for f, is_fixed in zip(full, fixed, strict=True) if not is_fixed)
        texts = [i for i, is_fixed in enumerate(fixed) if not is_fixed]
        if text_full <= room:
            for i in texts:
                widths[i] = full[i]
        else:  # share the room in proportion to need, never below the least, the rest to the first ones
            for i in texts:
                widths[i] = max(least[i], room * full[i] // max(text_full, 1))
            spare = room - sum(widths[i] for i in texts)
            for i in texts:
                if spare <= 0:
                    break
                extra = min(spare, full[i] - widths[i])
                if extra > 0:
                    widths[i] += extra
                    spare -= extra
        table = Table(
            box=box.SIMPLE_HEAD,
            show_footer=block.total is not None,
            header_style="bold",
            title=block.title or None,
            title_justify="left",
            title_style="bold",
            pad_edge=False,
            footer_style="bold",
        )
        for i, col in enumerate(block.columns):
            table.add_column(
                col.label,
                justify="right" if col.numeric else "left",
                footer=footers[i],
                width=widths[i],
                overflow="fold",
            )
        if block.bar is not None:
            table.add_column("", no_wrap=True, style="cyan", width=bar_width)
        for cells in rows:
            table.add_row(*cells)
        return table


def _rich_table(block: TableBlock) -> RenderableType:
    if not block.rows and block.empty:
        return Text(block.empty, style="italic dim")
    return _RichTable(block)


def _rich_bars(block: Bars) -> RenderableType:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(no_wrap=True, style="cyan")
    top = max((v for _l, v in block.items), default=0)
    for label, value in block.items:
        grid.add_row(label, format_value(value, block.kind), bar_text(value, top))
    return Group(Text(block.title, style="bold"), grid) if block.title else grid


def _rich_block(block: Block) -> RenderableType:
    if isinstance(block, Figures):
        return _rich_figures(block)
    if isinstance(block, TableBlock):
        return _rich_table(block)
    if isinstance(block, Bars):
        return _rich_bars(block)
    return Text(block.text, style="bold yellow" if block.warning else "italic")


def to_rich(doc: Document) -> RenderableType:
    """The document for a terminal: a title panel, then one panel per section."""
    head = Text(doc.title, style="bold")
    if doc.subtitle:
        head.append("\n" + doc.subtitle, style="dim")
    parts: list[RenderableType] = [Panel(head, box=box.HEAVY, border_style="bright_blue")]
    if doc.notice:
        parts.append(Padding(Text(doc.notice, style="bold yellow"), (0, 1)))
    for section in doc.sections:
        body: list[RenderableType] = []
        for block in section.blocks:
            if body:
                body.append(Text(""))
            body.append(_rich_block(block))
        parts.append(
            Panel(
                Group(*body),
                title=Text(section.title, style="bold"),
                title_align="left",
                border_style="blue",
                padding=(0, 1),
            )
        )
    for note in doc.footnotes:
        parts.append(Padding(Text(note, style="dim italic"), (0, 1)))
    return Group(*parts)


# ---------------------------------------------------------------------------------------------- Markdown
def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(columns: Sequence[Col], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = [
        "| " + " | ".join(_md_cell(c.label) for c in columns) + " |",
        "|" + "|".join("---:" if c.numeric else "---" for c in columns) + "|",
    ]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
    return lines


def to_markdown(doc: Document) -> str:
    lines = [f"# {doc.title}", ""]
    if doc.subtitle:
        lines += [f"*{doc.subtitle}*", ""]
    if doc.notice:
        lines += [f"> **{doc.notice}**", ""]
    for section in doc.sections:
        lines += [f"## {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Figures):
                lines += _md_table(
                    [Col(_("Figure")), Col(_("Value"), "int")],
                    [[label, format_value(v, k)] for label, v, k in block.items],
                )
            elif isinstance(block, TableBlock):
                if block.title:
                    lines += [f"**{block.title}**", ""]
                if not block.rows and block.empty:
                    lines.append(f"*{block.empty}*")
                else:
                    top = block.bar_top()
                    rows = [
                        [format_value(v, c.kind) for v, c in zip(row, block.columns, strict=True)]
                        + ([bar_text(float(row[block.bar] or 0), top, 16)] if block.bar is not None else [])
                        for row in block.rows
                    ]
                    if block.total is not None:
                        rows.append(
                            [
                                f"**{format_value(v, c.kind)}**" if format_value(v, c.kind) else ""
                                for v, c in zip(block.total, block.columns, strict=True)
                            ]
                            + ([""] if block.bar is not None else [])
                        )
                    lines += _md_table(block.columns + ([Col("")] if block.bar is not None else []), rows)
            elif isinstance(block, Bars):
                if block.title:
                    lines += [f"**{block.title}**", ""]
                top = max((v for _l, v in block.items), default=0)
                lines += _md_table(
                    [Col(""), Col(_("Value"), block.kind), Col("")],
                    [[label, format_value(v, block.kind), bar_text(v, top, 20)] for label, v in block.items],
                )
            else:
                lines.append(f"**{block.text}**" if block.warning else f"*{block.text}*")
            lines.append("")
    for note in doc.footnotes:
        lines += [f"*{note}*", ""]
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------- HTML
_CSS = """
body { font-family: "Segoe UI", system-ui, Arial, sans-serif; color: #1d2433; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; line-height: 1.4; }
header { border-bottom: 3px solid #1f4e8c; margin-bottom: 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; color: #1f4e8c; }
.subtitle { color: #5b6577; margin: 0 0 .6rem; }
.notice { background: #fff4d6; border-left: 4px solid #e0a100; padding: .5rem .8rem; font-weight: 600; }
section { border: 1px solid #d5dce8; border-radius: 6px; padding: .3rem 1rem .8rem; margin: 1rem 0; }
h2 { font-size: 1.15rem; color: #1f4e8c; margin: .6rem 0; }
h3 { font-size: 1rem; margin: .8rem 0 .3rem; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .5rem; }
.figure { background: #f3f6fb; border-radius: 4px; padding: .4rem .7rem; }
.figure .label { color: #5b6577; font-size: .85rem; }
.figure .value { font-size: 1.2rem; font-weight: 600; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; margin: .3rem 0 .6rem; font-size: .92rem; }
th, td { padding: .25rem .7rem; border-bottom: 1px solid #e4e9f1; text-align: left; vertical-align: top; }
th { border-bottom: 2px solid #1f4e8c; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tfoot td { font-weight: 700; border-top: 2px solid #1f4e8c; }
.bar { display: inline-block; height: .75rem; background: #3b7dd8; border-radius: 2px; }
.empty, .note, footer { color: #5b6577; font-style: italic; }
.warning { color: #9a5b00; font-weight: 600; }
@media print { body { margin: 0; max-width: none; } section { break-inside: avoid; } }
"""


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html_block(block: Block) -> list[str]:
    out: list[str] = []
    if isinstance(block, Figures):
        out.append('<div class="figures">')
        for label, value, kind in block.items:
            out.append(
                f'<div class="figure"><div class="label">{_h(label)}</div>'
                f'<div class="value">{_h(format_value(value, kind))}</div></div>'
            )
        out.append("</div>")
    elif isinstance(block, TableBlock):
        if block.title:
            out.append(f"<h3>{_h(block.title)}</h3>")
        if not block.rows and block.empty:
            out.append(f'<p class="empty">{_h(block.empty)}</p>')
            return out
        out.append(
            "<table><thead><tr>"
            + "".join(
                f'<th class="num">{_h(c.label)}</th>' if c.numeric else f"<th>{_h(c.label)}</th>" for c in block.columns
            )
            + ("<th></th>" if block.bar is not None else "")
            + "</tr></thead><tbody>"
        )
        top = block.bar_top()
        for row in block.rows:
            bar = ""
            if block.bar is not None:
                width = 0 if top <= 0 else round(100 * float(row[block.bar] or 0) / top, 1)
                bar = f'<td style="width:12rem"><span class="bar" style="width:{width}%"></span></td>'
            out.append(
                "<tr>"
                + "".join(
                    f'<td class="num">{_h(format_value(v, c.kind))}</td>'
                    if c.numeric
                    else f"<td>{_h(format_value(v, c.kind))}</td>"
                    for v, c in zip(row, block.columns, strict=True)
                )
                + bar
                + "</tr>"
            )
        out.append("</tbody>")
        if block.total is not None:
            out.append(
                "<tfoot><tr>"
                + "".join(
                    f'<td class="num">{_h(format_value(v, c.kind))}</td>'
                    if c.numeric
                    else f"<td>{_h(format_value(v, c.kind))}</td>"
                    for v, c in zip(block.total, block.columns, strict=True)
                )
                + ("<td></td>" if block.bar is not None else "")
                + "</tr></tfoot>"
            )
        out.append("</table>")
    elif isinstance(block, Bars):
        if block.title:
            out.append(f"<h3>{_h(block.title)}</h3>")
        top = max((v for _l, v in block.items), default=0)
        out.append("<table>")
        for label, value in block.items:
            width = 0 if top <= 0 else round(100 * value / top, 1)
            out.append(
                f'<tr><td>{_h(label)}</td><td class="num">{_h(format_value(value, block.kind))}</td>'
                f'<td style="width:16rem"><span class="bar" style="width:{width}%"></span></td></tr>'
            )
        out.append("</table>")
    else:
        out.append(f'<p class="{"warning" if block.warning else "note"}">{_h(block.text)}</p>')
    return out


def to_html(doc: Document) -> str:
    """A standalone page that prints well and whose tables paste into a spreadsheet."""
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{_h(get_language())}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_h(doc.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_h(doc.title)}</h1>",
    ]
    if doc.subtitle:
        lines.append(f'<p class="subtitle">{_h(doc.subtitle)}</p>')
    lines.append("</header>")
    if doc.notice:
        lines.append(f'<p class="notice">{_h(doc.notice)}</p>')
    for section in doc.sections:
        lines += ["<section>", f"<h2>{_h(section.title)}</h2>"]
        for block in section.blocks:
            lines += _html_block(block)
        lines.append("</section>")
    if doc.footnotes:
        lines.append("<footer>" + "".join(f"<p>{_h(n)}</p>" for n in doc.footnotes) + "</footer>")
    lines += ["</body>", "</html>"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- Excel
_XLSX_FORMATS = {"rp": '"Rp" #,##0', "int": "#,##0", "pct": "0.0%", "float": "0.0", "date": "DD/MM/YYYY"}


def _xlsx_value(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind == "date":
        try:
            return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    if kind in NUMERIC:
        return value if isinstance(value, int | float) else str(value)
    return str(value)


def _append(sheet: Any, values: Sequence[Any]) -> None:
    """A row whose texts can only be data: a business named ``=HYPERLINK(...)`` stays a name."""
    sheet.append([spreadsheet_value(v, sheet) for v in values])


def to_xlsx(doc: Document, path: Any) -> None:
    """The document as a workbook: the key figures on the first sheet, then one sheet per table, numbers as
    numbers (rupiah formatted as rupiah, shares as percentages, dates as dates), texts as texts, never formulas.
    ``path``: a file name or a binary file open for writing."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")[:31]
    _append(summary, [doc.title])
    summary["A1"].font = Font(bold=True, size=14)
    _append(summary, [doc.subtitle])
    if doc.notice:
        _append(summary, [doc.notice])
    summary.column_dimensions["A"].width = 44
    summary.column_dimensions["B"].width = 24
    used: set[str] = {summary.title}
    for section in doc.sections:
        figures = [b for b in section.blocks if isinstance(b, Figures)]
        if figures:
            summary.append([])
            _append(summary, [section.title])
            summary.cell(summary.max_row, 1).font = Font(bold=True)
            for figure in figures:
                for label, value, kind in figure.items:
                    _append(summary, [label, _xlsx_value(value, kind)])
                    if kind in _XLSX_FORMATS:
                        summary.cell(summary.max_row, 2).number_format = _XLSX_FORMATS[kind]
        for block in section.blocks:
            if not isinstance(block, TableBlock | Bars) or (isinstance(block, TableBlock) and not block.rows):
                continue
            title = (block.title or section.title).replace("/", "-")
            for bad in "[]:*?\\":
                title = title.replace(bad, " ")
            name, n = title[:31], 2
            while name in used:
                name = f"{title[:27]} ({n})"
                n += 1
            used.add(name)
            sheet = workbook.create_sheet(name)
            if isinstance(block, Bars):
                columns = [Col(""), Col(_("Value"), block.kind)]
                rows, total = [[label, value] for label, value in block.items], None
            else:
                columns, rows, total = block.columns, block.rows, block.total
            _append(sheet, [c.label for c in columns])
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for row in [*rows, *([total] if total is not None else [])]:
                _append(sheet, [_xlsx_value(v, c.kind) for v, c in zip(row, columns, strict=True)])
                for i, col in enumerate(columns, 1):
                    if col.kind in _XLSX_FORMATS:
                        sheet.cell(sheet.max_row, i).number_format = _XLSX_FORMATS[col.kind]
            if total is not None:
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
            for i, col in enumerate(columns, 1):
                longest = max([len(col.label)] + [len(format_value(r[i - 1], col.kind)) for r in rows])
                sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(48, max(8, longest + 2))
    workbook.save(path)
