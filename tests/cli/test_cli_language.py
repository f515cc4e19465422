"""The command line in Indonesian all the way under ``--lang id``: argparse's own usage, headings and errors, the
placeholders of the options, every help text; English plurals and number separators right under ``--lang en``."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from ikmtui import cli, i18n
from ikmtui.i18n import catalog, format_count, ngettext

#: argparse's own English, as it prints it when not translated.
ARGPARSE_ENGLISH = (
    "usage:",
    "positional arguments",
    "options:",
    "show this help message",
    "the following arguments are required",
    "invalid choice",
    "unrecognized arguments",
    "error:",
    "version number",
)


@pytest.fixture
def indonesian() -> Iterator[None]:
    i18n.set_language("id")
    yield
    i18n.set_language("id")


def english_only() -> set[str]:
    """Messages whose Indonesian differs from the English: any of these printed under ``--lang id`` is English."""
    return {msgid for msgid, text in catalog("id").items() if msgid != text and len(msgid) > 3}


def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from parsers(child)


def test_every_help_text_and_placeholder_is_indonesian(indonesian: None) -> None:
    english = english_only()
    parser = cli.build_parser()
    for each in parsers(parser):
        text = each.format_help()
        assert not [phrase for phrase in ARGPARSE_ENGLISH if phrase in text], (each.prog, text)
        for action in each._actions:
            assert action.help not in english, (each.prog, action.help)
            shown = action.metavar if isinstance(action.metavar, str) else ""
            assert shown not in english, (each.prog, shown)
    usage = parser.format_usage()
    assert usage.startswith("penggunaan: ikmtui") and "--db BERKAS" in usage and "--user NAMA" in usage


def test_errors_are_indonesian(indonesian: None, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--lang", "id", "demo"])
    err = capsys.readouterr().err
    assert "penggunaan: ikmtui demo" in err and "galat: argumen berikut wajib diisi: --out" in err
    with pytest.raises(SystemExit):
        cli.main(["--lang", "id", "nosuchcommand"])
    err = capsys.readouterr().err
    assert "pilihan tidak sah" in err
    assert not [phrase for phrase in ARGPARSE_ENGLISH if phrase in err]


def test_english_stays_english(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        with pytest.raises(SystemExit):
            cli.main(["--lang", "en", "demo"])
        err = capsys.readouterr().err
        assert "usage: ikmtui demo" in err and "the following arguments are required: --out" in err
        assert "--db FILE" in err
    finally:
        i18n.set_language("id")


def test_plurals_and_separators() -> None:
    try:
        i18n.set_language("en")
        assert ngettext("Wrote {n} row to {path}", "Wrote {n} rows to {path}", 1, path="x") == "Wrote 1 row to x"
        assert ngettext("Wrote {n} row to {path}", "Wrote {n} rows to {path}", 2478, path="x") == (
            "Wrote 2,478 rows to x"
        )
        assert format_count(2478) == "2,478"
        i18n.set_language("id")
        assert ngettext("Wrote {n} row to {path}", "Wrote {n} rows to {path}", 1, path="x") == "1 baris ditulis ke x"
        assert format_count(2478) == "2.478"
    finally:
        i18n.set_language("id")
