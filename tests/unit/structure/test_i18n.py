"""Every message shown to users has an Indonesian translation with the same placeholders."""

from __future__ import annotations

import re

import pytest

from ikmtui import i18n
from ikmtui.i18n import _, catalog
from tests.support.i18n_extract import messages

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_message_has_an_indonesian_translation() -> None:
    missing = {msgid: where for msgid, where in messages().items() if msgid not in catalog("id")}
    assert missing == {}, "run `python tests/support/i18n_extract.py` to list them as TOML"


def test_translations_keep_their_placeholders() -> None:
    wrong = {
        msgid: text
        for msgid, text in catalog("id").items()
        if set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(text))
    }
    assert wrong == {}


def test_language_switch() -> None:
    assert _("Save") == "Simpan"
    i18n.set_language("en")
    assert _("Save") == "Save"
    assert _("{n} broken references", n=3) == "3 broken references"
    with pytest.raises(ValueError):
        i18n.set_language("fr")
