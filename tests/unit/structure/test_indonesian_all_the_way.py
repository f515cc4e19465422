"""Under ``--lang id`` nothing the app shows about its keys is English: every palette entry, every row of the F1
key tables and every footer label of every screen is checked against the Indonesian catalog (the command line's
own text is scanned in tests/cli/test_cli_language.py)."""

from __future__ import annotations

from typing import Any

from ikmtui.i18n import _, catalog
from ikmtui.storage import Database
from ikmtui.ui import app as app_module
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.help import key_rows

#: Textual's own English, which the app replaces.
TEXTUAL_ENGLISH = {"Quit", "Theme", "Keys", "Maximize", "Minimize", "Focus Next", "Copy selected text", "Screenshot"}


def indonesian(text: str) -> bool:
    """A text the catalog gives in Indonesian: a translation itself, or made of translations joined by ": "."""
    values = set(catalog("id").values())
    english = {msgid for msgid, translated in catalog("id").items() if msgid != translated}
    go_to = _("Go to: {screen}", screen="")
    if text in TEXTUAL_ENGLISH or text in english:
        return False
    if text in values:
        return True
    if text.startswith(go_to):
        return text.removeprefix(go_to) in values
    return all(part in values for part in text.split(": "))


def shown_texts(app: Any) -> dict[str, list[str]]:
    screen = app.screen
    here, everywhere = key_rows(screen)
    return {
        "palette": [command.title for command in app.get_system_commands(screen)],
        "help": [text for _keys, text in here + everywhere],
        "footer": [entry[2] for group in screen.query_one(AppFooter)._entries()[:3] for entry in group],
    }


async def test_no_palette_entry_help_row_or_footer_label_is_english(db: Database) -> None:
    app = app_module.make_app(db, poll_seconds=0)
    english: dict[str, set[str]] = {}
    async with app.run_test(size=(200, 50)) as pilot:
        for _mode, key, _title in app_module.SCREENS:
            await pilot.press(key)
            await pilot.pause()
            for where, texts in shown_texts(app).items():
                english.setdefault(where, set()).update(t for t in texts if t and not indonesian(t))
        await pilot.press("2", "enter")  # a profile, pushed over the table
        await pilot.pause()
        for where, texts in shown_texts(app).items():
            english.setdefault(where, set()).update(t for t in texts if t and not indonesian(t))
    assert english == {"palette": set(), "help": set(), "footer": set()}
