"""The programme's own results: facilitation given to IKM, yearly targets and budget, and each IKM's yearly figures.

* A **facilitation** (fasilitasi) is help in getting something an IKM needs: its NIB, a halal certificate, HKI /
  brand registration, SNI, P-IRT, BPOM, a SIINas account, a marketplace shop, equipment aid. The kinds are data
  (``data/facilitation_kinds.json``; an office may bring its own through ``IKMTUI_DATA_DIR``): each names the SMART
  pillar it serves, whether a permit or certificate number comes with it, and what a grant adds to the IKM (a
  certification, or its NIB). States: requested -> in process -> granted | refused | withdrawn (a request may be
  withdrawn before it is processed); each step is kept in ``history`` with its date, officer and note.
* A **target** is one line of the office's yearly plan: an indicator, the activity (kegiatan) that serves it, the
  target, the budget (anggaran) and what was spent (realisasi anggaran). Its realisation is never typed: the
  Kinerja report counts it from the records (see :data:`INDICATORS`).
* **Yearly figures** (pemutakhiran data) of an IKM: workers by gender, turnover, production value and investment
  for one year; every year is kept, and the IKM's current figures are those of its latest year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar

import orjson
from pydantic import BeforeValidator, field_validator

from ikmtui import clock, paths
from ikmtui.domain.fields import (
    Count,
    Day,
    OptionalDay,
    OptionalText,
    Rupiah,
    not_after_today,
    parse_choice,
    parse_count,
    parse_date,
)
from ikmtui.domain.identifiers import clean_nib
from ikmtui.domain.records import Record, RecordInvalid
from ikmtui.domain.training import PILLARS
from ikmtui.i18n import N_, _, get_language

KINDS_FILE = "facilitation_kinds.json"
_BUNDLED = Path(__file__).resolve().parent.parent / "data" / KINDS_FILE

# ---------------------------------------------------------------------------------------------- kinds


@dataclass(frozen=True)
class FacilitationKind:
    code: str
    name: str  # English
    name_id: str  # Bahasa Indonesia
    pillar: str
    #: A permit or certificate number comes with a grant (and is asked for).
    permit: bool = False
    #: The certification a grant adds to the IKM (``Halal``, ``SNI`` ...), if any.
    certification: str = ""
    #: A grant's permit number is the IKM's NIB.
    fills_nib: bool = False

    @property
    def label(self) -> str:
        return self.name_id if get_language() == "id" and self.name_id else self.name


@cache
def kinds() -> dict[str, FacilitationKind]:
    """The facilitation kinds by code: the office's file in ``IKMTUI_DATA_DIR`` if it has one, else the bundled."""
    office = paths.DATA_DIR / KINDS_FILE
    raw = orjson.loads((office if office.is_file() else _BUNDLED).read_bytes())
    return {
        str(item["code"]): FacilitationKind(
            code=str(item["code"]),
            name=str(item["name"]),
            name_id=str(item.get("name_id") or item["name"]),
            pillar=str(item.get("pillar") or "A"),
            permit=bool(item.get("permit")),
            certification=str(item.get("certification") or ""),
            fills_nib=bool(item.get("fills_nib")),
        )
        for item in raw
    }


def kind_codes() -> tuple[str, ...]:
    return tuple(kinds())


def kind_label(code: str) -> str:
    found = kinds().get(code)
    return found.label if found else code


# ---------------------------------------------------------------------------------------------- states
STATES = ("requested", "in_process", "granted", "refused", "withdrawn")
STATE_LABELS = {
    "requested": N_("Requested"),
    "in_process": N_("In process"),
    "granted": N_("Granted"),
    "refused": N_("Refused"),
    "withdrawn": N_("Withdrawn"),
}
#: Where each state may go next; granted, refused and withdrawn are final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "requested": ("in_process", "withdrawn"),
    "in_process": ("granted", "refused", "withdrawn"),
    "granted": (),
    "refused": (),
    "withdrawn": (),
}
FINAL_STATES = ("granted", "refused", "withdrawn")


def state_label(state: str) -> str:
    return _(STATE_LABELS[state]) if state in STATE_LABELS else state


def transition_error(code: str, current: str, wanted: str) -> str | None:
    """Why facilitation ``code`` in ``current`` cannot move to ``wanted`` (a message for the officer), or None."""
    if wanted in TRANSITIONS.get(current, ()):
        return None
    if current in FINAL_STATES:
        return _(
            "{code} is {state}, which is final: it cannot become {wanted}",
            code=code,
            state=state_label(current),
            wanted=state_label(wanted),
        )
    if current == wanted:
        return _("{code} is already {state}", code=code, state=state_label(current))
    allowed = " / ".join(state_label(s) for s in TRANSITIONS.get(current, ()))
    return _(
        "{code} is {state}: it can only become {allowed}, not {wanted}",
        code=code,
        state=state_label(current),
        allowed=allowed,
        wanted=state_label(wanted),
    )


def _not_after_today(value: date | None) -> date | None:
    return None if value is None else not_after_today(value)


def parse_year_upto(value: object, *, ahead: int = 0) -> int:
    """A year from 2000 to this year (``ahead`` years later allowed: a plan may be set for next year)."""
    year = parse_count(value)
    last = clock.today().year + ahead
    if not 2000 <= year <= last:
        raise ValueError(_("Year must be between {first} and {last}", first=2000, last=last))
    return year


class Facilitation(Record):
    table: ClassVar[str] = "facilitations"
    code_prefix: ClassVar[str] = "FAS"
    code_per_year: ClassVar[bool] = True

    ikm_id: int
    kind: Annotated[str, BeforeValidator(parse_choice(kind_codes))]
    pillar: Annotated[str, BeforeValidator(parse_choice(PILLARS))] = "A"
    state: Annotated[str, BeforeValidator(parse_choice(STATES))] = "requested"
    requested_on: Day
    #: The day it went into process, and the day it ended (granted, refused or withdrawn).
    started_on: OptionalDay = None
    decided_on: OptionalDay = None
    #: The officer who handles it (a staff username or a name).
    officer: OptionalText = ""
    #: The certificate or permit number, once granted (the NIB for an NIB facilitation).
    permit_number: OptionalText = ""
    note: OptionalText = ""
    #: Every step: ``{"state", "date", "by", "note"}``.
    history: list[dict[str, Any]] = []

    @field_validator("requested_on", "started_on", "decided_on")
    @classmethod
    def _not_in_future(cls, value: date | None) -> date | None:
        return _not_after_today(value)


def new_facilitation(data: Mapping[str, Any], *, by: str) -> Facilitation:
    """A requested facilitation from a form's values; the pillar defaults to its kind's."""
    values = dict(data)
    values["state"] = "requested"
    code = str(values.get("kind") or "").strip()
    if not values.get("pillar") and code in kinds():
        values["pillar"] = kinds()[code].pillar
    record = Facilitation.parse(values)
    entry = {"state": "requested", "date": record.requested_on.isoformat(), "by": by, "note": record.note}
    return record.model_copy(update={"history": [entry]})


def clean_permit(kind_code: str, value: object) -> str:
    """The permit number a grant of ``kind_code`` needs: an NIB for an NIB facilitation, else any text; blank is
    refused only where the kind has a permit."""
    text = " ".join(str(value or "").split())
    found = kinds().get(kind_code)
    if found is None or not found.permit:
        return text
    if not text:
        raise ValueError(_("Give the certificate or permit number that was granted"))
    return clean_nib(text) if found.fills_nib else text


def move(
    doc: Mapping[str, Any], wanted: str, *, on: object, by: str, note: str = "", permit: object = ""
) -> dict[str, Any]:
    """The changes that move facilitation ``doc`` to ``wanted`` on day ``on`` (its history extended), or
    :class:`RecordInvalid` saying why not: a move the lifecycle does not allow, a date after today or before the
    previous step, a grant without its permit number."""
    code = str(doc.get("code") or "")
    current = str(doc.get("state") or "requested")
    problem = transition_error(code, current, wanted)
    if problem:
        raise RecordInvalid({"state": problem})
    try:
        day = _not_after_today(parse_date(on))
    except ValueError as exc:
        raise RecordInvalid({"date": str(exc)}) from None
    assert day is not None
    history = list(doc.get("history") or [])
    previous = str(history[-1].get("date") or "") if history else str(doc.get("requested_on") or "")
    if previous and day.isoformat() < previous[:10]:
        raise RecordInvalid(
            {
                "date": _(
                    "The date {date} is before the previous step ({previous})", date=day.isoformat(), previous=previous
                )
            }
        )
    changes: dict[str, Any] = {"state": wanted}
    if wanted == "granted":
        try:
            changes["permit_number"] = clean_permit(str(doc.get("kind") or ""), permit)
        except ValueError as exc:
            raise RecordInvalid({"permit_number": str(exc)}) from None
    if wanted == "in_process":
        changes["started_on"] = day.isoformat()
    if wanted in FINAL_STATES:
        changes["decided_on"] = day.isoformat()
    changes["history"] = [
        *history,
        {"state": wanted, "date": day.isoformat(), "by": by, "note": " ".join(note.split())},
    ]
    return changes


# ---------------------------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str  # English msgid, or a kind's own label for the facilitation indicators
    pillar: str
    unit: str = "ikm"  # ikm | rp | items | workers

    @property
    def title(self) -> str:
        if self.code.startswith(FACILITATED):
            return _("IKM facilitated: {kind}", kind=kind_label(self.code.removeprefix(FACILITATED)))
        return _(self.label)


FACILITATED = "facilitated."
#: Indicators counted from the records (not by facilitation kind), in report order within each pillar.
BASE_INDICATORS = (
    Indicator("credit_disbursed", N_("Credit disbursed (Rp)"), "S", "rp"),
    Indicator("ikm_financed", N_("IKM financed"), "S"),
    Indicator("gallery_products", N_("Products in the gallery"), "M", "items"),
    Indicator("new_ikm", N_("New IKM registered"), "A"),
    Indicator("workers_absorbed", N_("Workers absorbed"), "A", "workers"),
    Indicator("ikm_trained", N_("IKM trained"), "T"),
)


def indicators() -> list[Indicator]:
    """Every indicator: the base ones and one per facilitation kind (IKM granted it in the year), by pillar."""
    found = list(BASE_INDICATORS)
    found += [Indicator(FACILITATED + k.code, k.name, k.pillar) for k in kinds().values()]
    order = {p: i for i, p in enumerate(PILLARS)}
    return sorted(found, key=lambda ind: order.get(ind.pillar, len(order)))


def indicator_codes() -> tuple[str, ...]:
    return tuple(ind.code for ind in indicators())


def indicator(code: str) -> Indicator | None:
    return next((ind for ind in indicators() if ind.code == code), None)


class Target(Record):
    """One line of the yearly plan: an indicator's target, and the budget of the activity that serves it."""

    table: ClassVar[str] = "targets"
    code_prefix: ClassVar[str] = "TGT"

    year: Annotated[int, BeforeValidator(lambda v: parse_year_upto(v, ahead=1))]
    indicator: Annotated[str, BeforeValidator(parse_choice(indicator_codes))]
    activity: OptionalText = ""
    target: Count = 0
    budget: Rupiah = 0
    spent: Rupiah = 0


# ---------------------------------------------------------------------------------------------- yearly figures
FIGURE_FIELDS = ("workers_male", "workers_female", "turnover", "production_value", "investment")


class YearlyFigures(Record):
    table: ClassVar[str] = "yearly_figures"
    code_prefix: ClassVar[str] = "DTA"

    ikm_id: int
    year: Annotated[int, BeforeValidator(parse_year_upto)]
    workers_male: Count = 0
    workers_female: Count = 0
    turnover: Rupiah = 0
    production_value: Rupiah = 0
    investment: Rupiah = 0
    note: OptionalText = ""

    @property
    def workers(self) -> int:
        return self.workers_male + self.workers_female


#: The IKM record's own figures, which are always those of its latest year (pemutakhiran data).
CURRENT_FIGURES = ("workers_male", "workers_female", "turnover", "investment")


def latest_figures(figures: Iterable[Mapping[str, Any]], ikm_id: int) -> dict[str, int] | None:
    """The IKM's figures of its latest recorded year, as the IKM record holds them; None without any year."""
    years = [doc for doc in figures if doc.get("ikm_id") == ikm_id]
    if not years:
        return None
    latest = max(years, key=lambda doc: int(doc.get("year") or 0))
    return {name: int(latest.get(name) or 0) for name in CURRENT_FIGURES}


def workers_of(doc: Mapping[str, Any]) -> int:
    return int(doc.get("workers_male") or 0) + int(doc.get("workers_female") or 0)


def growth(before: int, after: int) -> float | None:
    """``(after - before) / before``; None when there was nothing before (no growth rate to speak of)."""
    return (after - before) / before if before else None
