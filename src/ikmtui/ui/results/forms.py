"""The forms of the Results screen: a facilitation, a step of its lifecycle, a target line, an IKM's yearly figures.

Forms only collect text; ``ikmtui.services.results`` validates and saves, and its messages appear beside the
fields. A form that names an IKM shows which one the text matches as it is typed (the Gallery's IKM hint).
"""

from __future__ import annotations

from ikmtui.domain import results as rules
from ikmtui.domain.training import PILLAR_NAMES, PILLARS
from ikmtui.i18n import N_, _
from ikmtui.ui.kit.form import FormField, Options


def _pillars() -> Options:
    return [(f"{p} · {_(PILLAR_NAMES[p])}", p) for p in PILLARS]


def facilitation_fields(*, new: bool) -> list[FormField]:
    """A new facilitation names its IKM and kind; an edit changes only the rest (its state moves by keys)."""
    head = [
        FormField("ikm_id", "IKM", placeholder="IKM-000012", help=N_("Its code, NIB or part of its name")),
        FormField(
            "kind",
            "Facilitation",
            kind="select",
            options=lambda _v: [(k.label, k.code) for k in rules.kinds().values()],
        ),
    ]
    return [
        *(head if new else []),
        FormField(
            "pillar", "SMART pillar", kind="select", options=lambda _v: _pillars(), help=N_("Blank: the kind's own")
        ),
        FormField("requested_on", "Requested on", placeholder="27/11/2026"),
        FormField("officer", "Officer", placeholder="sri.wahyuni"),
        FormField("note", "Note"),
    ]


def step_fields(wanted: str, kind: str) -> list[FormField]:
    """The date and note of a step; a grant also asks for the permit or certificate number (the NIB for NIB)."""
    fields = [FormField("date", "Date", placeholder="27/11/2026"), FormField("note", "Note")]
    found = rules.kinds().get(kind)
    if wanted == "granted" and found is not None and found.permit:
        label = N_("NIB granted") if found.fills_nib else N_("Permit or certificate number")
        fields.insert(1, FormField("permit_number", label, placeholder="9120001234567" if found.fills_nib else ""))
    return fields


def target_fields() -> list[FormField]:
    return [
        FormField("year", "Year", placeholder="2026"),
        FormField(
            "indicator",
            "Indicator",
            kind="select",
            options=lambda _v: [(f"{ind.pillar} · {ind.title}", ind.code) for ind in rules.indicators()],
        ),
        FormField("activity", "Activity", placeholder="Fasilitasi sertifikasi halal"),
        FormField("target", "Target", placeholder="20"),
        FormField("budget", "Budget (Rp)", placeholder="150.000.000"),
        FormField("spent", "Budget spent (Rp)", placeholder="90.000.000"),
    ]


def figures_fields() -> list[FormField]:
    return [
        FormField("ikm_id", "IKM", placeholder="IKM-000012", help=N_("Its code, NIB or part of its name")),
        FormField("year", "Year", placeholder="2026"),
        FormField("workers_male", "Workers (men)", placeholder="3"),
        FormField("workers_female", "Workers (women)", placeholder="5"),
        FormField("turnover", "Turnover per year (Rp)", placeholder="250.000.000"),
        FormField("production_value", "Production value (Rp)", placeholder="180.000.000"),
        FormField("investment", "Investment (Rp)", placeholder="75.000.000"),
        FormField("note", "Note"),
    ]
