"""Kinerja: the programme's results for a year, against the office's targets and budget.

Definitions (each figure of ``ikmtui report kinerja --year 2026 --format json`` is one of these, counted from the
stored tables, never typed):

* realisation of each indicator in year *Y*:
  *credit_disbursed*: Rp of loans disbursed in *Y* (``disbursed_on``; lent states: disbursed, closed, written off;
  the approved amount, else the requested one); *ikm_financed*: distinct IKM of those loans;
  *gallery_products*: gallery listings consigned in *Y*; *new_ikm*: IKM registered (``created_at``) in *Y*;
  *workers_absorbed*: workers (men + women) in the yearly figures of *Y*; *ikm_trained*: distinct IKM with a
  completed enrollment in a batch that ended in *Y*; *facilitated.KIND*: distinct IKM granted a facilitation of
  that kind in *Y* (``decided_on``).
* target, budget (anggaran) and spent (realisasi anggaran): the office's line for the indicator and year; the
  percentages are realisation / target and spent / budget (``null`` when there is nothing to divide by).
* facilitation by kind and state: facilitations requested in *Y*, by their state now; *granted in the year*:
  granted with ``decided_on`` in *Y* whenever requested.
* impact: IKM with yearly figures in both *Y-1* and *Y*. *Helped*: trained (a completed enrollment in a batch
  that ended in *Y-1* or *Y*), financed (a loan disbursed in *Y-1* or *Y*), facilitated (a facilitation granted in
  *Y-1* or *Y*) or in the gallery (a listing consigned in *Y-1* or *Y*); *not helped*: none of these. Growth is of
  the group's totals: (sum in *Y* - sum in *Y-1*) / sum in *Y-1*. Each group shows how many IKM it holds.
* workers absorbed per year: for every year with figures, the IKM reporting and their workers; *change*: workers
  of the IKM reporting that year and the year before, minus theirs of the year before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

from ikmtui.domain.credit import LENT_STATES
from ikmtui.domain.results import (
    FACILITATED,
    STATES,
    growth,
    indicators,
    kind_label,
    kinds,
    state_label,
    workers_of,
)
from ikmtui.domain.training import PILLARS
from ikmtui.i18n import N_, _
from ikmtui.reports.common import Report, Tables, is_empty, ratio, subtitle
from ikmtui.reports.document import Col, Document, Figures, Note, Section, TableBlock
from ikmtui.reports.overview import EMPTY_NOTICE, pillar_label
from ikmtui.reports.period import Period

#: Groups of the impact table, in order; "helped" is any of the four kinds of help.
HELP_KINDS = ("trained", "financed", "facilitated", "gallery")
GROUP_LABELS = {
    "helped": N_("Helped (any)"),
    "trained": N_("Trained"),
    "financed": N_("Financed"),
    "facilitated": N_("Facilitated"),
    "gallery": N_("In the gallery"),
    "not_helped": N_("Not helped"),
}
#: Below this many IKM a group's growth is flagged as too small to read much into.
SMALL_GROUP = 10


def report_year(period: Period, today: date) -> int:
    """The year a Kinerja report is for: the period's (its first day's), or this year for all time."""
    return period.start.year if period.start is not None else today.year


def _year_of(value: object) -> int:
    """The year of a stored date or timestamp (0 when there is none)."""
    text = str(value or "")[:4]
    return int(text) if text.isdigit() else 0


def helped_ikm(tables: Tables, years: tuple[int, ...]) -> dict[str, set[int]]:
    """Help kind -> ids of the IKM that got it in one of ``years``."""
    found: dict[str, set[int]] = {kind: set() for kind in HELP_KINDS}
    batches_ended = {key: _year_of(doc.get("end_date")) for key, doc in tables["batches"].items()}
    for doc in tables["enrollments"].values():
        if doc.get("state") == "completed" and batches_ended.get(str(doc.get("batch_id"))) in years:
            found["trained"].add(int(doc.get("ikm_id") or 0))
    for doc in tables["credit_applications"].values():
        if doc.get("state") in LENT_STATES and _year_of(doc.get("disbursed_on")) in years:
            found["financed"].add(int(doc.get("ikm_id") or 0))
    for doc in tables["facilitations"].values():
        if doc.get("state") == "granted" and _year_of(doc.get("decided_on")) in years:
            found["facilitated"].add(int(doc.get("ikm_id") or 0))
    for doc in tables["gallery_listings"].values():
        if _year_of(doc.get("consigned_on")) in years:
            found["gallery"].add(int(doc.get("ikm_id") or 0))
    return found


#: Year -> IKM id -> (workers, turnover) of its yearly figures.
FiguresByYear = dict[int, dict[int, tuple[int, int]]]


def figures_by_year(tables: Tables) -> FiguresByYear:
    """One pass over the yearly figures, kept as plain numbers for the sums of the impact table."""
    found: FiguresByYear = defaultdict(dict)
    for doc in tables["yearly_figures"].values():
        found[int(doc.get("year") or 0)][int(doc.get("ikm_id") or 0)] = (
            workers_of(doc),
            int(doc.get("turnover") or 0),
        )
    return found


def realisations(tables: Tables, year: int, figures: FiguresByYear | None = None) -> dict[str, int]:
    """Indicator code -> its realisation in ``year`` (see the module's definitions)."""
    counts: dict[str, int] = {ind.code: 0 for ind in indicators()}
    financed: set[int] = set()
    for doc in tables["credit_applications"].values():
        if doc.get("state") in LENT_STATES and _year_of(doc.get("disbursed_on")) == year:
            amount = doc.get("amount_approved")
            counts["credit_disbursed"] += int(amount if amount is not None else doc.get("amount_requested") or 0)
            financed.add(int(doc.get("ikm_id") or 0))
    counts["ikm_financed"] = len(financed)
    counts["gallery_products"] = sum(
        1 for doc in tables["gallery_listings"].values() if _year_of(doc.get("consigned_on")) == year
    )
    counts["new_ikm"] = sum(1 for doc in tables["ikm"].values() if _year_of(doc.get("created_at")) == year)
    by_year = figures if figures is not None else figures_by_year(tables)
    counts["workers_absorbed"] = sum(pair[0] for pair in by_year.get(year, {}).values())
    ended = {key for key, doc in tables["batches"].items() if _year_of(doc.get("end_date")) == year}
    counts["ikm_trained"] = len(
        {
            int(doc.get("ikm_id") or 0)
            for doc in tables["enrollments"].values()
            if doc.get("state") == "completed" and str(doc.get("batch_id")) in ended
        }
    )
    granted: dict[str, set[int]] = defaultdict(set)
    for doc in tables["facilitations"].values():
        if doc.get("state") == "granted" and _year_of(doc.get("decided_on")) == year:
            granted[str(doc.get("kind"))].add(int(doc.get("ikm_id") or 0))
    for kind, ids in granted.items():
        counts[FACILITATED + kind] = len(ids)
    return counts


def facilitation_counts(tables: Tables, year: int) -> dict[str, dict[str, int]]:
    """Kind -> state -> facilitations requested in ``year``, plus ``granted_in_year`` and ``total``."""
    empty = {**dict.fromkeys(STATES, 0), "total": 0, "granted_in_year": 0}
    by_kind: dict[str, dict[str, int]] = {code: dict(empty) for code in kinds()}
    for doc in tables["facilitations"].values():
        entry = by_kind.setdefault(str(doc.get("kind")), dict(empty))
        if _year_of(doc.get("requested_on")) == year:
            state = str(doc.get("state") or "requested")
            entry[state] = entry.get(state, 0) + 1
            entry["total"] += 1
        if doc.get("state") == "granted" and _year_of(doc.get("decided_on")) == year:
            entry["granted_in_year"] += 1
    return by_kind


def _group(
    ids: set[int], before: Mapping[int, tuple[int, int]], after: Mapping[int, tuple[int, int]]
) -> dict[str, Any]:
    workers_before = sum(before[i][0] for i in ids)
    workers_after = sum(after[i][0] for i in ids)
    turnover_before = sum(before[i][1] for i in ids)
    turnover_after = sum(after[i][1] for i in ids)
    return {
        "ikm": len(ids),
        "workers_before": workers_before,
        "workers_after": workers_after,
        "workers_growth": growth(workers_before, workers_after),
        "turnover_before": turnover_before,
        "turnover_after": turnover_after,
        "turnover_growth": growth(turnover_before, turnover_after),
    }


def impact(tables: Tables, year: int, figures: FiguresByYear | None = None) -> dict[str, Any]:
    """Growth of the IKM with figures in ``year - 1`` and ``year``: helped (by kind of help) against not helped."""
    base = year - 1
    by_year = figures if figures is not None else figures_by_year(tables)
    before, after = by_year.get(base, {}), by_year.get(year, {})
    panel = set(before) & set(after)
    helped = helped_ikm(tables, (base, year))
    groups: dict[str, set[int]] = {"helped": set().union(*helped.values()) & panel}
    groups.update({kind: ids & panel for kind, ids in helped.items()})
    groups["not_helped"] = panel - groups["helped"]
    return {
        "base_year": base,
        "year": year,
        "ikm_with_both_years": len(panel),
        "groups": {name: _group(ids, before, after) for name, ids in groups.items()},
    }


def workers_by_year(tables: Tables, figures: FiguresByYear | None = None) -> list[dict[str, Any]]:
    by_year = figures if figures is not None else figures_by_year(tables)
    rows = []
    for year in sorted(by_year):
        workers = {ikm: pair[0] for ikm, pair in by_year[year].items()}
        previous = by_year.get(year - 1)
        change = None
        if previous is not None:
            both = set(workers) & set(previous)
            change = sum(workers[i] for i in both) - sum(previous[i][0] for i in both)
        rows.append({"year": year, "ikm": len(workers), "workers": sum(workers.values()), "change": change})
    return rows


def indicator_rows(tables: Tables, year: int, figures: FiguresByYear | None = None) -> list[dict[str, Any]]:
    """Each indicator of ``year``: the office's target and budget line (``None`` where it set none) beside the
    realisation counted from the records."""
    done = realisations(tables, year, figures)
    plan = {str(doc.get("indicator")): doc for doc in tables["targets"].values() if doc.get("year") == year}
    rows: list[dict[str, Any]] = []
    for ind in indicators():
        line = plan.get(ind.code)
        target = int(line.get("target") or 0) if line else None
        budget = int(line.get("budget") or 0) if line else None
        spent = int(line.get("spent") or 0) if line else None
        rows.append(
            {
                "indicator": ind.code,
                "label": ind.title,
                "pillar": ind.pillar,
                "unit": ind.unit,
                "activity": str(line.get("activity") or "") if line else "",
                "target": target,
                "realisation": done[ind.code],
                "achieved": ratio(done[ind.code], target) if target else None,
                "budget": budget,
                "spent": spent,
                "spent_share": ratio(spent, budget) if budget and spent is not None else None,
            }
        )
    return rows


def _money(rows: list[dict[str, Any]]) -> dict[str, Any]:
    budget = sum(r["budget"] or 0 for r in rows)
    spent = sum(r["spent"] or 0 for r in rows)
    return {"budget": budget, "spent": spent, "spent_share": ratio(spent, budget)}


def kinerja_figures(tables: Tables, year: int) -> dict[str, Any]:
    """Every figure of the Kinerja report for ``year``, JSON-ready."""
    figures = figures_by_year(tables)
    rows = indicator_rows(tables, year, figures)
    return {
        "year": year,
        "indicators": rows,
        "budget": _money(rows),
        "facilitation": facilitation_counts(tables, year),
        "impact": impact(tables, year, figures),
        "workers_by_year": workers_by_year(tables, figures),
    }


def progress(tables: Tables, year: int) -> dict[str, Any]:
    """The year's progress for the dashboard: the indicators with a target, the budget, the facilitations granted
    in the year and those in process now (a part of the report, without the impact table)."""
    rows = [r for r in indicator_rows(tables, year) if r["target"] is not None]
    counts = facilitation_counts(tables, year)
    in_process = sum(1 for doc in tables["facilitations"].values() if doc.get("state") == "in_process")
    return {
        "year": year,
        "indicators": rows,
        "budget": _money(rows),
        "granted": sum(c["granted_in_year"] for c in counts.values()),
        "in_process": in_process,
    }


# ---------------------------------------------------------------------------------------------- the document
def _indicator_section(data: dict[str, Any]) -> Section:
    lines = data["indicators"]
    rows = [[r["pillar"], r["label"], r["target"], r["realisation"], r["achieved"]] for r in lines]
    planned = [r for r in lines if r["target"] is not None]
    money = data["budget"]
    return Section(
        _("Targets and realisation by SMART pillar"),
        [
            Figures(
                [
                    (_("Indicators with a target"), len(planned), "int"),
                    (_("Targets reached"), sum(1 for r in planned if (r["achieved"] or 0) >= 1), "int"),
                    (_("Budget"), money["budget"], "rp"),
                    (_("Budget spent"), money["spent"], "rp"),
                ]
            ),
            TableBlock(
                [
                    Col(_("Pillar"), "code"),
                    Col(_("Indicator")),
                    Col(_("Target"), "int"),
                    Col(_("Realisation"), "int"),
                    Col(_("Achieved"), "pct"),
                ],
                rows,
            ),
            TableBlock(
                [
                    Col(_("Indicator")),
                    Col(_("Activity")),
                    Col(_("Budget"), "rp"),
                    Col(_("Spent"), "rp"),
                    Col(_("Spent share"), "pct"),
                ],
                [[r["label"], r["activity"], r["budget"], r["spent"], r["spent_share"]] for r in planned],
                title=_("Budget per activity"),
                total=[_("Total"), "", money["budget"], money["spent"], money["spent_share"]],
                empty=_("No targets or budget set for this year yet"),
            ),
            Note(
                _(
                    "Pillars: {pillars}. Realisation is counted from the records; targets and budget are the "
                    "office's plan.",
                    pillars=", ".join(pillar_label(p) for p in PILLARS),
                )
            ),
        ],
    )


def _facilitation_section(data: dict[str, Any]) -> Section:
    by_kind = data["facilitation"]
    rows = [
        [kind_label(k), *[c.get(s, 0) for s in STATES], c["total"], c["granted_in_year"]] for k, c in by_kind.items()
    ]
    totals = [sum(int(row[i]) for row in rows) for i in range(1, len(STATES) + 3)]
    return Section(
        _("Facilitation by kind and state"),
        [
            TableBlock(
                [
                    Col(_("Kind")),
                    *[Col(state_label(s), "int") for s in STATES],
                    Col(_("Total"), "int"),
                    Col(_("Granted in the year"), "int"),
                ],
                rows,
                total=[_("Total"), *totals],
            ),
            Note(_("By state now, of the facilitations requested in the year.")),
        ],
    )


def _impact_section(data: dict[str, Any]) -> Section:
    result = data["impact"]
    groups = result["groups"]
    rows = [
        [
            _(GROUP_LABELS[name]),
            g["ikm"],
            g["workers_before"],
            g["workers_after"],
            g["workers_growth"],
            g["turnover_before"],
            g["turnover_after"],
            g["turnover_growth"],
        ]
        for name, g in groups.items()
    ]
    base, year = result["base_year"], result["year"]
    blocks: list[Any] = [
        TableBlock(
            [
                Col(_("Group")),
                Col(_("IKM"), "int"),
                Col(_("Workers {year}", year=base), "int"),
                Col(_("Workers {year}", year=year), "int"),
                Col(_("Growth"), "pct"),
                Col(_("Turnover {year}", year=base), "rp"),
                Col(_("Turnover {year}", year=year), "rp"),
                Col(_("Growth"), "pct"),
            ],
            rows,
            empty=_("No IKM has figures for both {base} and {year}", base=base, year=year),
        ),
        Note(
            _(
                "IKM with figures for both {base} and {year}: {n}. Helped: trained, financed, facilitated or in the "
                "gallery in {base} or {year}.",
                base=base,
                year=year,
                n=result["ikm_with_both_years"],
            )
        ),
    ]
    small = [_(GROUP_LABELS[name]) for name, g in groups.items() if 0 < g["ikm"] < SMALL_GROUP]
    if small:
        blocks.append(
            Note(
                _(
                    "Fewer than {n} IKM in: {groups}; read their growth with care.",
                    n=SMALL_GROUP,
                    groups=", ".join(small),
                ),
                warning=True,
            )
        )
    by_year = [[r["year"], r["ikm"], r["workers"], r["change"]] for r in data["workers_by_year"]]
    blocks.append(
        TableBlock(
            [Col(_("Year"), "text"), Col(_("IKM reporting"), "int"), Col(_("Workers"), "int"), Col(_("Change"), "int")],
            [[str(r[0]), *r[1:]] for r in by_year],
            title=_("Workers absorbed per year"),
            empty=_("No yearly figures recorded yet"),
        )
    )
    return Section(_("Impact: growth of helped and not helped IKM"), blocks)


def kinerja(tables: Tables, period: Period, today: date) -> Report:
    """The Kinerja report for the year of ``period`` (this year for all time)."""
    year = report_year(period, today)
    shown = Period.year(year)
    empty = is_empty(tables)
    data = {"report": "kinerja", "period": shown.as_dict(today), "empty": empty, **kinerja_figures(tables, year)}
    document = Document(
        _("Kinerja {year}: targets, realisation and budget", year=year),
        subtitle(shown, shown.as_of(today)),
        [_indicator_section(data), _facilitation_section(data), _impact_section(data)],
        notice=_(EMPTY_NOTICE) if empty else "",
    )
    return Report("kinerja", shown, shown.as_of(today), data, document)
