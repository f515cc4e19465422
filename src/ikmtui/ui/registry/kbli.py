"""The KBLI field of the IKM form: type a code or words of its title, pick from the matches of the whole list.

KBLI 2020 section C has several hundred codes: too many to scroll. What is typed is searched with
:func:`ikmtui.domain.reference.search_kbli` (code prefix and words of the title, e.g. ``kimia organik``); the
matches are listed under the field. Enter takes the only match (or the highlighted one once in the list), ↓ goes
into the list. The field then holds ``code title``; :func:`kbli_code` reads the code back.
"""

from __future__ import annotations

import re

from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ikmtui.domain.reference import kbli_codes, search_kbli
from ikmtui.i18n import _

#: Matches listed under the field (it shows 8 at a time and scrolls).
SHOWN = 40
_CODE = re.compile(r"\s*(\d{5})(?:\s|$)")


def kbli_label(code: str | None) -> str:
    """``10213 Industri pembekuan ikan`` for a known code, the code alone otherwise."""
    if not code:
        return ""
    name = kbli_codes().get(code, "")
    return f"{code} {name}".strip()


def kbli_code(text: object) -> str | None:
    """The code the field holds: a label or a typed code gives its code; words that match exactly one title give
    that code; anything else ``None`` (blank) or the text itself (for the domain to refuse)."""
    value = str(text or "").strip()
    if not value:
        return None
    found = _CODE.match(value)
    if found:
        return found.group(1)
    matches = search_kbli(value, 2)
    return matches[0][0] if len(matches) == 1 else value


def is_chosen(text: str) -> bool:
    """Whether ``text`` is a code's label as picked from the list (``10213 Industri pembekuan ikan``)."""
    found = _CODE.match(text)
    return found is not None and text.strip() == kbli_label(found.group(1))


def kbli_problem(text: object) -> str | None:
    """Why what is typed names no single code (to show beside the field), or ``None``."""
    value = str(text or "").strip()
    if not value or _CODE.match(value):
        return None
    matches = search_kbli(value, 2)
    if not matches:
        return _("No KBLI code matches '{text}': type other words of the title, or the code", text=value)
    if len(matches) > 1:
        return _("Several KBLI codes match '{text}': pick one from the list (↓)", text=value)
    return None


class KbliInput(Input):
    """The text part of the field; enter picks the only match, or moves to the list of matches."""

    BINDINGS = [
        Binding("down", "to_matches", "KBLI matches", show=False),
        Binding("tab", "next_field", "Next field", show=False),
    ]

    @property
    def field(self) -> KbliField:
        assert isinstance(self.parent, KbliField)
        return self.parent

    async def action_submit(self) -> None:
        # From the text itself, not the list: enter may come before the list has caught up with the typing.
        found = self.field.show_matches(self.value)
        if len(found) > 1:
            self.action_to_matches()
            return
        if len(found) == 1:
            self.value = kbli_label(found[0][0])
            self.field.matches.display = False
        await super().action_submit()

    def action_next_field(self) -> None:
        """Tab goes on to the next field, as in every field, taking the only match (not into the list)."""
        found = self.field.show_matches(self.value)
        if len(found) == 1:
            self.value = kbli_label(found[0][0])
        self.field.matches.display = False
        self.screen.focus_next()

    def action_to_matches(self) -> None:
        matches = self.field.matches
        if matches.display and matches.option_count:
            matches.highlighted = 0
            matches.focus()


class KbliField(Vertical):
    """The input (id ``field-<name>``, read by the form like any input) with the matches below it."""

    DEFAULT_CSS = """
    KbliField { width: 1fr; height: auto; }
    KbliField > OptionList { height: auto; max-height: 8; display: none; }
    """

    def __init__(self, value: str, *, input_id: str, placeholder: str = "") -> None:
        super().__init__(
            KbliInput(value, placeholder=placeholder, id=input_id, classes="form-input"),
            OptionList(id=f"{input_id}-matches"),
            classes="form-input",
        )

    @property
    def input(self) -> KbliInput:
        return self.query_one(KbliInput)

    @property
    def matches(self) -> OptionList:
        return self.query_one(OptionList)

    def show_matches(self, text: str) -> list[tuple[str, str]]:
        """List the codes ``text`` matches under the field (none while it is empty or already a chosen code)."""
        matches = self.matches
        text = text.strip()
        found = [] if not text or is_chosen(text) else search_kbli(text, SHOWN)
        matches.clear_options()
        matches.add_options([Option(f"{code} {name}", id=code) for code, name in found])
        matches.display = bool(found)
        return found

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self.show_matches(event.value)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.input.value = kbli_label(event.option.id)
        self.screen.focus_next()  # to the next field, while the list is still in the focus chain
        event.option_list.display = False
