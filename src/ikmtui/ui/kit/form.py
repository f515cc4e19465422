"""One modal form for every record: fields described as data, validated on submit, errors beside each field.

A form never saves anything itself: it hands its values to a ``submit`` callback that validates and saves
(through the domain and storage layers) and returns the errors per field. The form closes only when there
are none, so nothing is saved until the whole form is valid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static

from ikmtui.domain.records import RecordInvalid
from ikmtui.i18n import _
from ikmtui.storage import StorageError
from ikmtui.ui.kit.dialogs import ConfirmScreen
from ikmtui.ui.kit.translate import TranslatedBindings

Options = Sequence[tuple[str, Any]]  # (label shown, value stored)


@dataclass
class FormField:
    """One field: ``kind`` is text, select, multi or check; ``options`` may depend on the other values."""

    name: str
    label: str  # English msgid
    kind: str = "text"
    options: Options | Callable[[dict[str, Any]], Options] = ()
    placeholder: str = ""
    help: str = ""
    depends_on: str | None = None  # re-read options when this field changes
    password: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def choices(self, values: dict[str, Any]) -> Options:
        return self.options(values) if callable(self.options) else self.options


Submit = Callable[[dict[str, Any]], dict[str, str] | None]


class StateCheckbox(Checkbox):
    """A checkbox whose state shows without colour: a tick and "Yes", or an empty box and "No"."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # Textual's class attribute, here from the value
        return "✓" if self.value else " "

    def __init__(self, value: bool = False, **kwargs: Any) -> None:
        super().__init__(_("Yes") if value else _("No"), value, **kwargs)

    def watch_value(self) -> None:
        super().watch_value()  # the -on class and the Changed message
        self.label = _("Yes") if self.value else _("No")


class FormScreen(TranslatedBindings, ModalScreen[Any]):
    """Fill in ``fields``; ctrl+s (or the Save button) submits, esc cancels (asking first if anything changed)."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]
    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > #form-box { width: 96; max-width: 100%; height: 90%; border: thick $primary; background: $surface;
        padding: 0 1; }
    FormScreen #form-title { text-style: bold; padding: 0 0 1 0; }
    FormScreen #form-fields { height: 1fr; }
    FormScreen .form-field { height: auto; }
    FormScreen .form-row { height: auto; margin: 0 0 0 0; }
    FormScreen .form-label { width: 24; padding: 1 1 0 0; }
    FormScreen .form-input { width: 1fr; height: auto; }
    FormScreen .form-error { color: $error; text-style: bold; padding: 0 0 0 25; height: auto; }
    FormScreen .form-help { color: $text-muted; padding: 0 0 0 25; height: auto; }
    FormScreen SelectionList { height: auto; max-height: 8; }
    FormScreen #form-summary { color: $error; height: auto; }
    FormScreen #form-buttons { height: auto; align-horizontal: right; padding: 1 0 0 0; }
    """

    def __init__(self, title: str, fields: Sequence[FormField], values: dict[str, Any] | None, submit: Submit) -> None:
        super().__init__()
        self.form_title = title
        self.fields = list(fields)
        self.initial = dict(values or {})
        self.submit_callback = submit
        self._opened_with: dict[str, Any] | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(self.form_title, id="form-title")
            with VerticalScroll(id="form-fields"):
                for spec in self.fields:
                    with Vertical(classes="form-field"):  # one block per field, so a form may lay them out in columns
                        with Horizontal(classes="form-row"):
                            yield Label(_(spec.label), classes="form-label")
                            yield self._widget(spec)
                        if spec.help:
                            yield Static(_(spec.help), classes="form-help")
                        yield Static("", id=f"error-{spec.name}", classes="form-error")
            yield Static("", id="form-summary")
            with Horizontal(id="form-buttons"):
                yield Button(_("Save") + " (ctrl+s)", variant="primary", id="form-save")
                yield Button(_("Cancel") + " (esc)", id="form-cancel")

    def _widget(self, spec: FormField) -> Widget:
        value = self.initial.get(spec.name)
        widget_id = f"field-{spec.name}"
        if spec.kind == "select":
            options = [(label, v) for label, v in spec.choices(self.initial)]
            known = {v for _label, v in options}
            return Select(
                options,
                value=value if value in known else Select.NULL,
                id=widget_id,
                classes="form-input",
                prompt=_("(choose)"),
                type_to_search=True,
            )
        if spec.kind == "multi":
            chosen = set(value or [])
            return SelectionList(
                *[(label, v, v in chosen) for label, v in spec.choices(self.initial)],
                id=widget_id,
                classes="form-input",
            )
        if spec.kind == "check":
            return StateCheckbox(value=bool(value), id=widget_id, classes="form-input")
        text = "" if value is None else str(value)
        return Input(
            text,
            placeholder=_(spec.placeholder) if spec.placeholder else "",
            id=widget_id,
            classes="form-input",
            password=spec.password,
        )

    def on_mount(self) -> None:
        self.query(".form-input").first().focus()
        # What the widgets hold once they have settled: esc asks before discarding only if that changed.
        self.call_after_refresh(self._remember_opening_values)

    def _remember_opening_values(self) -> None:
        self._opened_with = self.values()

    @property
    def changed(self) -> bool:
        return self._opened_with is not None and self.values() != self._opened_with

    # ------------------------------------------------------------------ values
    def values(self) -> dict[str, Any]:
        collected: dict[str, Any] = {}
        for spec in self.fields:
            widget = self.query_one(f"#field-{spec.name}")
            if isinstance(widget, Select):
                collected[spec.name] = None if widget.is_blank() else widget.value
            elif isinstance(widget, SelectionList):
                collected[spec.name] = list(widget.selected)
            elif isinstance(widget, Checkbox):
                collected[spec.name] = widget.value
            else:
                collected[spec.name] = widget.value  # type: ignore[attr-defined]
        return collected

    def set_value(self, name: str, value: Any) -> None:
        widget = self.query_one(f"#field-{name}")
        if isinstance(widget, Input):
            widget.value = "" if value is None else str(value)
        elif isinstance(widget, Select):
            widget.value = value

    def show_errors(self, errors: dict[str, str]) -> None:
        names = {spec.name for spec in self.fields}
        for spec in self.fields:
            self.query_one(f"#error-{spec.name}", Static).update(errors.get(spec.name, ""))
        general = [msg for key, msg in errors.items() if key not in names]
        summary = self.query_one("#form-summary", Static)
        if errors:
            count = sum(1 for key in errors if key in names)
            lines = ([_("{n} field(s) need attention: nothing was saved", n=count)] if count else []) + general
            summary.update("\n".join(lines))
            first = next((spec.name for spec in self.fields if spec.name in errors), None)
            if first:
                self.query_one(f"#field-{first}").focus()
        else:
            summary.update("")

    # ------------------------------------------------------------------ events
    @on(Input.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    @on(Checkbox.Changed)
    def _changed(self, event: Any) -> None:
        if not self.is_mounted:
            return
        source = getattr(event, "control", None) or getattr(event, "selection_list", None)
        name = (source.id or "").removeprefix("field-") if source is not None else ""
        for spec in self.fields:
            if spec.depends_on == name and spec.kind == "select":
                select = self.query_one(f"#field-{spec.name}", Select)
                current = None if select.is_blank() else select.value
                options = list(spec.choices(self.values()))
                select.set_options(options)
                if current in {v for _label, v in options}:
                    select.value = current
        self.on_field_changed(name)

    def on_field_changed(self, name: str) -> None:
        """Hook for subclasses: suggest a value from others (e.g. scale from investment)."""

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _input_submitted(self) -> None:
        self.focus_next()

    def action_submit(self) -> None:
        values = self.values()
        try:
            errors = self.submit_callback(values)
        except Exception as exc:  # storage problems (locked, stale) are shown, never raised
            errors = {"__all__": str(exc)}
        if errors:
            self.show_errors(errors)
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        if not self.changed:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(_("Discard the changes you typed?"), yes=_("Discard"), no=_("Keep editing")), answered
        )


def saving(
    save: Callable[[dict[str, Any]], Any], done: Callable[[Any], None] = lambda _result: None
) -> Callable[[dict[str, Any]], dict[str, str] | None]:
    """A form's submit: ``save`` the values through a service. What the service refuses goes back to the form,
    beside its field (``RecordInvalid``) or above them all (storage, a rule, the officer's role); what it
    returns on success goes to ``done``."""

    def submit(values: dict[str, Any]) -> dict[str, str] | None:
        try:
            result = save(values)
        except RecordInvalid as exc:
            return exc.errors
        except (StorageError, ValueError, PermissionError) as exc:
            return {"__all__": str(exc)}
        done(result)
        return None

    return submit
