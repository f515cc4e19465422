"""The IKM form: every field of an IKM, lists that search as you type, the scale suggested from the figures.

Nothing is saved until the whole record is valid (``services.registry`` validates it whole, NIB included);
each problem is shown beside its field. Fields the record cannot be saved without are marked ``*`` (the domain's
``IKM_REQUIRED``). Editing refuses a save over another officer's newer one.
The owner's NIK and the NPWP are personal data: editing does not show them; left empty they are kept.
A new business that looks like one already registered is not saved at once: the look-alikes are shown
(:class:`~ikmtui.ui.registry.duplicates.DuplicatesScreen`) to open and compare, or to save anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from textual import events
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static
from textual.widgets.option_list import OptionDoesNotExist

from ikmtui.domain.identifiers import mask_nik
from ikmtui.domain.ikm import (
    CERTIFICATIONS,
    IKM_REQUIRED,
    SCALES,
    STATUSES,
    nib_taken_message,
    scale_label,
    status_label,
    suggest_scale,
)
from ikmtui.domain.money import format_number, parse_rupiah
from ikmtui.domain.reference import regions
from ikmtui.i18n import N_, _
from ikmtui.services import registry
from ikmtui.ui.kit.form import FormField, FormScreen, Options
from ikmtui.ui.kit.screen import open_record_form, store_record
from ikmtui.ui.registry.duplicates import DuplicatesScreen
from ikmtui.ui.registry.kbli import KbliField, kbli_code, kbli_label, kbli_problem

if TYPE_CHECKING:
    from ikmtui.storage import Database
    from ikmtui.ui.kit.screen import BaseScreen

#: Typing "-" into a personal field being edited clears it (empty keeps the stored value).
CLEAR_MARK = "-"
REQUIRED_MARK = " *"
#: Required fields chosen from a list.
REQUIRED_CHOICES = ("kecamatan", "kelurahan")


class SearchableSelectionList(SelectionList[Any]):
    """A SelectionList where typing jumps to the first option containing what was typed; space ticks. A ticked
    option shows a tick in its box, not only another colour."""

    RESET_SECONDS = 0.8
    TICKED, UNTICKED = "✓", " "

    def __init__(self, *selections: tuple[str, Any, bool], **kwargs: Any) -> None:
        super().__init__(*selections, **kwargs)
        self._labels = [str(label).casefold() for label, *_rest in selections]
        self._query = ""
        self._typed_at = 0.0

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return character is not None and character.isprintable() and character != " "

    async def _on_key(self, event: events.Key) -> None:
        character = event.character
        if character is None or not character.isprintable() or character == " ":
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        now = time.monotonic()
        if now - self._typed_at > self.RESET_SECONDS:
            self._query = ""
        self._typed_at = now
        self._query += character.casefold()
        match = search_labels(self._labels, self._query)
        if match is not None:
            self.highlighted = match

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 3 or segments[1].text != Checkbox.BUTTON_INNER:
            return strip  # not an option line
        try:
            ticked = self.get_option_at_index(self.scroll_offset.y + y).value in self._selected
        except OptionDoesNotExist:
            return strip
        segments[1] = Segment(self.TICKED if ticked else self.UNTICKED, segments[1].style)
        return Strip(segments, strip.cell_length)


def search_labels(labels: Sequence[str], query: str) -> int | None:
    """The option whose label holds ``query`` earliest (the first such option on ties)."""
    best: tuple[int, int] | None = None
    for index, label in enumerate(labels):
        at = label.find(query)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, index)
    return None if best is None else best[1]


# ---------------------------------------------------------------------------------------------- options
def kecamatan_options(_values: dict[str, Any] | None = None) -> Options:
    return [(name, name) for name in regions().names()]


def kelurahan_options(values: dict[str, Any]) -> Options:
    region = regions().find(str(values.get("kecamatan") or ""))
    return [(name, name) for name in region.kelurahan] if region else []


def cluster_options(db: Database) -> Options:
    return sorted(
        ((f"{doc.get('code', '')} {doc.get('name', '')}", int(key)) for key, doc in db.docs("clusters").items()),
        key=lambda option: option[0],
    )


def ikm_fields(db: Database, record: dict[str, Any] | None) -> list[FormField]:
    nik_hint = npwp_hint = ""
    if record is not None:
        nik_hint = _("Leave empty to keep {value}; type - to remove it", value=mask_nik(record.get("owner_nik")))
    if record is not None and record.get("npwp"):
        npwp_hint = _("Leave empty to keep {value}; type - to remove it", value=mask_nik(record.get("npwp")))
    return [
        FormField("name", "Business name"),
        FormField("owner_name", "Owner name"),
        FormField("owner_nik", "Owner NIK", placeholder=nik_hint or "3374010101900001"),
        FormField("nib", "NIB", placeholder="1234567890123", help=N_("13 digits from OSS")),
        FormField("npwp", "NPWP (optional)", placeholder=npwp_hint),
        FormField("address", "Address"),
        FormField("kecamatan", "Kecamatan", kind="select", options=kecamatan_options),
        FormField("kelurahan", "Kelurahan", kind="select", options=kelurahan_options, depends_on="kecamatan"),
        FormField("phone", "Phone", placeholder="081234567890"),
        FormField("email", "E-mail (optional)"),
        FormField(
            "kbli",
            "KBLI",
            kind="kbli",
            placeholder=N_("a code or words of its title, e.g. kimia organik"),
            help=N_("KBLI 2020 section C: type, then enter (one match) or ↓ to pick"),
        ),
        FormField("product", "Product description"),
        FormField("workers_male", "Workers (male)"),
        FormField("workers_female", "Workers (female)"),
        FormField("investment", "Investment (Rp)", placeholder="1.234.567", help=N_("Excluding land and buildings")),
        FormField("turnover", "Annual turnover (Rp)", placeholder="1.234.567"),
        FormField(
            "scale",
            "Scale",
            kind="select",
            options=[(scale_label(s), s) for s in SCALES],
            help=N_("Suggested from investment and turnover (PP 7/2021)"),
        ),
        FormField("year_founded", "Year founded"),
        FormField("cluster_ids", "Clusters", kind="multi", options=cluster_options(db)),
        FormField("certifications", "Certifications", kind="multi", options=[(c, c) for c in CERTIFICATIONS]),
        FormField("status", "Status", kind="select", options=[(status_label(s), s) for s in STATUSES]),
    ]


def form_values(record: dict[str, Any] | None) -> dict[str, Any]:
    """What the form shows for a stored IKM (money with thousands dots; personal data left out)."""
    if record is None:
        return {"status": "active", "workers_male": "0", "workers_female": "0"}
    values = {
        key: record.get(key)
        for key in (
            "name",
            "owner_name",
            "nib",
            "address",
            "kecamatan",
            "kelurahan",
            "phone",
            "email",
            "kbli",
            "product",
            "scale",
            "status",
        )
    }
    values["email"] = record.get("email") or ""
    values["kbli"] = kbli_label(record.get("kbli"))
    for key in ("workers_male", "workers_female", "year_founded"):
        values[key] = "" if record.get(key) is None else str(record[key])
    for key in ("investment", "turnover"):
        values[key] = format_number(int(record.get(key) or 0))
    values["cluster_ids"] = list(record.get("cluster_ids") or [])
    values["certifications"] = list(record.get("certifications") or [])
    return values


def field_of(row: Widget) -> str:
    """The name of the field a form row holds (its widget's id is ``field-<name>``)."""
    return next((w.id[6:] for w in row.query("*") if w.id and w.id.startswith("field-")), "")


# ---------------------------------------------------------------------------------------------- the form
class IkmFormScreen(FormScreen):
    """Add (``record=None``) or edit an IKM; ``saved`` holds the stored record once the form closes with it.

    From 140 columns the fields stand in two columns; narrower, in one that scrolls. On a short terminal the inputs
    are compact, and a field's error line takes room only while it says something, so that more fields fit at
    80x24."""

    HORIZONTAL_BREAKPOINTS = [(0, "-one-column"), (140, "-two-columns")]
    #: Below this many rows the inputs lose their borders (one row each instead of three).
    COMPACT_BELOW = 30
    DEFAULT_CSS = """
    IkmFormScreen.-compact .form-label { padding: 0 1 0 0; }
    IkmFormScreen.-two-columns > #form-box { width: 100%; max-width: 200; }
    IkmFormScreen.-two-columns #form-fields { layout: grid; grid-size: 2; grid-columns: 1fr 1fr; grid-rows: auto;
        grid-gutter: 0 2; }
    """

    def __init__(self, db: Database, record: dict[str, Any] | None = None) -> None:
        self.db = db
        self.record = record
        self.saved: dict[str, Any] | None = None
        title = (
            _("New IKM")
            if record is None
            else _("Edit {code} {name}", code=record.get("code", ""), name=record.get("name", ""))
        )
        super().__init__(title, ikm_fields(db, record), form_values(record), self.save)
        self.keep_duplicates = False

    def on_mount(self) -> None:
        super().on_mount()
        required = set(IKM_REQUIRED)
        for row in self.query(".form-row"):
            if field_of(row) in required:
                label = row.query_one(Label)
                label.update(str(label.content) + REQUIRED_MARK)
        title = self.query_one("#form-title", Static)
        title.update(self.form_title + "   " + _("(* required)"))
        self._fold_empty_errors()

    def on_resize(self, event: events.Resize) -> None:
        compact = event.size.height < self.COMPACT_BELOW
        self.set_class(compact, "-compact")
        for widget in self.query(".form-input"):
            if isinstance(widget, (Input, Select)):
                widget.compact = compact

    def _fold_empty_errors(self) -> None:
        for error in self.query(".form-error").results(Static):
            error.display = bool(str(error.content))

    def show_errors(self, errors: dict[str, str]) -> None:
        super().show_errors(errors)
        self._fold_empty_errors()

    def _widget(self, spec: FormField) -> Widget:
        if spec.kind == "kbli":
            return KbliField(
                str(self.initial.get(spec.name) or ""), input_id=f"field-{spec.name}", placeholder=_(spec.placeholder)
            )
        if spec.kind == "multi":
            chosen = set(self.initial.get(spec.name) or [])
            return SearchableSelectionList(
                *[(label, v, v in chosen) for label, v in spec.choices(self.initial)],
                id=f"field-{spec.name}",
                classes="form-input",
            )
        return super()._widget(spec)

    def on_field_changed(self, name: str) -> None:
        if name == "nib":
            self._check_nib()
        if name not in ("investment", "turnover"):
            return
        values = self.values()
        try:
            investment = parse_rupiah(values["investment"] or 0)
            turnover = parse_rupiah(values["turnover"] or 0)
        except ValueError:
            return
        if investment or turnover:
            scale = self.query_one("#field-scale", Select)
            suggestion = suggest_scale(investment, turnover)
            if scale.value != suggestion:
                scale.value = suggestion

    def _check_nib(self) -> None:
        """A changed NIB clears its error at once; a complete one already registered is named at once."""
        nib = "".join(str(self.values().get("nib") or "").split())
        taken = None
        if len(nib) == 13 and nib.isdigit():
            taken = registry.find_nib(self.db, nib, exclude=self.record["id"] if self.record else None)
        message = nib_taken_message(nib, taken.get("code", ""), taken.get("name", "")) if taken else ""
        error = self.query_one("#error-nib", Static)
        error.update(message)
        error.display = bool(message)

    def data(self, values: dict[str, Any]) -> dict[str, Any]:
        """Form values as the service expects them (blank personal fields of an edit keep what is stored)."""
        data = dict(values)
        data["kbli"] = kbli_code(data.get("kbli"))
        if self.record is not None:
            for key in ("owner_nik", "npwp"):
                text = str(data.get(key) or "").strip()
                if not text:
                    data.pop(key, None)
                elif text == CLEAR_MARK:
                    data[key] = None
        for key in ("workers_male", "workers_female"):
            if str(data.get(key) or "").strip() == "":
                data[key] = 0
        for key in ("investment", "turnover"):
            if str(data.get(key) or "").strip() == "":
                data[key] = 0
        return data

    def save(self, values: dict[str, Any]) -> dict[str, str] | None:
        errors = store_record(self, self._create, registry.update_ikm, self.data(values))
        problem = kbli_problem(values.get("kbli"))  # words that name no single code: say so, not "5 digits"
        if problem:
            errors = {**(errors or {}), "kbli": problem}
        for name in REQUIRED_CHOICES:  # a list left on "(choose)" is unchosen, not "'None' is not a kecamatan"
            if errors and name in errors and not values.get(name):
                errors[name] = _("This field is required")
        return errors

    def _create(self, db: Database, data: dict[str, Any]) -> dict[str, Any]:
        try:
            return registry.create_ikm(db, data, keep_duplicates=self.keep_duplicates)
        except registry.PossibleDuplicates as exc:
            self.app.push_screen(DuplicatesScreen(exc.duplicates), self._duplicates_answered)
            raise

    def _duplicates_answered(self, save_anyway: bool | None) -> None:
        if save_anyway:
            self.keep_duplicates = True
            self.action_submit()


def open_ikm_form(
    screen: BaseScreen, record_id: int | None = None, on_saved: Callable[[dict[str, Any]], None] | None = None
) -> None:
    """Push the form for a new IKM (``record_id=None``) or the stored one; refresh and confirm once saved."""
    open_record_form(screen, "ikm", record_id, lambda record: IkmFormScreen(screen.db, record), on_saved)
