"""Binding descriptions are written in English and translated per instance, when the language is known."""

from __future__ import annotations

import dataclasses
from typing import Any

from ikmtui.i18n import _


class TranslatedBindings:
    """Mixin for apps, screens and widgets: the footer and help show binding descriptions translated."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bindings = self._bindings  # type: ignore[attr-defined]
        bindings.key_to_bindings = {
            key: [
                dataclasses.replace(b, description=_(b.description), tooltip=_(b.tooltip) if b.tooltip else "")
                if b.description
                else b
                for b in items
            ]
            for key, items in bindings.key_to_bindings.items()
        }
