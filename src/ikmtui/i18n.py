"""One translation layer for every user-visible string.

Messages are written in English in the code (the gettext convention) and looked up in the catalogs under
``locale/<lang>/*.toml``, one file per area so that areas do not edit the same file. Bahasa Indonesia is the
default language; a message missing from a catalog falls back to its English text.
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from pathlib import Path

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
_LOCALE_DIR = Path(__file__).with_name("locale")
_current = DEFAULT_LANGUAGE


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, merged from its catalog files."""
    merged: dict[str, str] = {}
    folder = _LOCALE_DIR / lang
    if folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            with path.open("rb") as fh:
                merged.update(tomllib.load(fh))
    return merged


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _current = lang


def get_language() -> str:
    return _current


def _(message: str, /, **params: object) -> str:
    """Translate ``message`` into the current language and fill in ``{name}`` parameters."""
    text = message if _current == "en" else catalog(_current).get(message, message)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, /, **params: object) -> str:
    """``singular`` or ``plural`` by ``n`` (English: one and other), translated and filled in with ``n`` (shown
    with the language's thousands separator) and ``params``. The catalog keys a message by its plural msgid:
    Indonesian has one form for every number."""
    if _current == "en":
        text = singular if n == 1 else plural
    else:
        text = catalog(_current).get(plural) or catalog(_current).get(singular) or (singular if n == 1 else plural)
    return text.format(n=format_count(n), **params)


def format_count(n: int | float) -> str:
    """A whole number with the language's thousands separator: ``2,478`` in English, ``2.478`` in Indonesian."""
    text = f"{round(n):,}"
    return text if _current == "en" else text.replace(",", ".")


def _argparse_message(message: str) -> str:
    """argparse's own texts ("usage: ", "options", its errors), from the catalogs (``%s`` placeholders kept)."""
    return message if _current == "en" else catalog(_current).get(message, message)


def _argparse_plural(singular: str, plural: str, n: int) -> str:
    if _current == "en":
        return singular if n == 1 else plural
    return catalog(_current).get(plural) or catalog(_current).get(singular) or (singular if n == 1 else plural)


def translate_argparse() -> None:
    """Make argparse say its usage, headings and errors in the current language: it looks its texts up through
    its module's ``_`` and ``ngettext`` (the standard gettext, whose catalogs ikmtui does not ship) when it
    formats them, so these two are pointed at ours."""
    import argparse

    argparse._ = _argparse_message  # type: ignore[attr-defined]
    argparse.ngettext = _argparse_plural  # type: ignore[attr-defined]


def N_(message: str, /) -> str:
    """Mark a message for translation where it is defined; translate it with ``_`` where it is shown."""
    return message


def format_date(day: date | None, fmt: str = "medium") -> str:
    """A date in the interface language: ``27 Nov 2026`` (medium) or ``27 November 2026`` (long)."""
    if day is None:
        return ""
    from babel.dates import format_date as babel_format_date

    return babel_format_date(day, format=fmt, locale=_current)
