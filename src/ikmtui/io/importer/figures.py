"""Yearly figures of IKM (pemutakhiran data) from a sheet: one row per IKM and year.

A row names its IKM by NIB or code (``ikm_ref``, as credit and gallery sheets do) and the year; workers,
turnover and investment are read with the registry import's own rules (workers by gender or a total split
evenly, a monthly turnover times 12), so one sheet layout serves both. An IKM's figures for a year are one
record: a row for a year already recorded is a duplicate unless the import updates (``--update``).
Registered in :data:`ikmtui.io.importer.kinds.HANDLERS` when the package is imported.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from ikmtui.domain.fields import parse_count
from ikmtui.domain.results import YearlyFigures
from ikmtui.i18n import _
from ikmtui.io.importer.headers import Source
from ikmtui.io.importer.kinds import HANDLERS, _IkmKind, _RefKind
from ikmtui.io.importer.report import Planned
from ikmtui.io.importer.values import Doc, Tables, prepare
from ikmtui.services.results import follow_latest
from ikmtui.storage import Transaction

KIND = "yearly_figures"


class FiguresKind(_RefKind, _IkmKind):
    """IKM found as credit and gallery rows find them; workers and turnover as the registry reads them."""

    kind = KIND
    model = YearlyFigures  # type: ignore[assignment]  # a kind of its own, read with the registry's rules
    key_field = "year"
    tables_used = ("ikm", "yearly_figures")
    error_columns = {
        "ikm_id": ("ikm_ref",),
        "workers_male": ("workers_male", "workers_total"),
        "workers_female": ("workers_female", "workers_total"),
        "turnover": ("turnover", "turnover_monthly"),
    }

    def __init__(self, tables: Tables, source: Source, **kwargs: Any) -> None:
        super().__init__(tables, source, **kwargs)
        self.figures = tables(KIND)
        codes = {key: str(doc.get("code") or key) for key, doc in tables("ikm").items()}
        self.by_year = {self._label(codes, doc): int(key) for key, doc in self.figures.items()}
        self.codes = codes

    @staticmethod
    def _label(codes: Mapping[str, str], doc: Mapping[str, Any]) -> str:
        ikm = str(doc.get("ikm_id"))
        return f"{codes.get(ikm, ikm)} · {doc.get('year')}"

    def key(self, values: Mapping[str, Any]) -> Hashable | None:
        """``IKM-000012 · 2026``: the IKM and the year, when both can be read."""
        ikm_id = self.ikm_id(values, {})
        try:
            year = parse_count(prepare("year_founded", values["year"]))
        except (KeyError, ValueError):
            return None
        return None if ikm_id is None else self._label(self.codes, {"ikm_id": ikm_id, "year": year})

    def existing(self, key: Hashable) -> tuple[int, Doc] | None:
        record_id = self.by_year.get(str(key))
        return (record_id, self.figures[str(record_id)]) if record_id is not None else None

    def duplicate_message(self, key: Hashable, record_id: int, doc: Doc) -> str:
        return _("The figures of {key} are already recorded: import with update (--update) to change them", key=key)

    def row(self, number: int, values: Mapping[str, Any]) -> Planned:
        errors: dict[str, str] = {}
        ikm_id = self.ikm_id(values, errors)
        data, cell_errors = self.model_data(values)
        errors.update(cell_errors)
        data["ikm_id"] = ikm_id if ikm_id is not None else 0
        if "year" in values:
            data["year"] = prepare("year_founded", values["year"])  # a date in the year column counts as its year
        if "production_value" in values:
            data["production_value"] = prepare("turnover", values["production_value"])  # Rp as turnover is written
        self._figures(values, data, errors)
        return self.keyed(number, values, data, errors)

    @classmethod
    def after_write(cls, txn: Transaction, docs: list[Doc]) -> None:
        follow_latest(txn, [int(doc["ikm_id"]) for doc in docs])

    def new_extra(self, data: Doc) -> Doc:
        if data.pop("workers_total", None) is not None:
            self.mark("split")
        return data


HANDLERS[KIND] = FiguresKind
