"""Facilitation kinds as data, the facilitation lifecycle and the rules of targets and yearly figures."""

from __future__ import annotations

import pytest

from ikmtui.domain import results as rules
from ikmtui.domain.records import RecordInvalid

pytestmark = pytest.mark.usefixtures("today")


def test_kinds_are_data_with_their_pillar_and_what_a_grant_adds() -> None:
    kinds = rules.kinds()
    assert list(kinds) == ["nib", "halal", "hki", "sni", "pirt", "bpom", "siinas", "marketplace", "equipment", "other"]
    assert kinds["halal"].certification == "Halal" and kinds["halal"].pillar == "R"
    assert kinds["nib"].fills_nib and kinds["nib"].permit
    assert not kinds["marketplace"].permit and kinds["marketplace"].pillar == "M"
    assert {k.certification for k in kinds.values()} >= {"Halal", "SNI", "P-IRT", "HKI"}


def _requested() -> dict:
    record = rules.new_facilitation({"ikm_id": 1, "kind": "halal", "requested_on": "01/10/2026"}, by="sri")
    return {**record.doc(), "code": "FAS-2026-0001"}


def test_a_new_facilitation_takes_its_kinds_pillar_and_starts_requested() -> None:
    doc = _requested()
    assert doc["state"] == "requested" and doc["pillar"] == "R"
    assert doc["history"] == [{"state": "requested", "date": "2026-10-01", "by": "sri", "note": ""}]


def test_the_lifecycle_in_steps_with_dates_and_the_permit_on_a_grant() -> None:
    doc = _requested()
    doc.update(rules.move(doc, "in_process", on="2026-10-02", by="budi"))
    assert doc["started_on"] == "2026-10-02"
    with pytest.raises(RecordInvalid) as missing:
        rules.move(doc, "granted", on="2026-10-20", by="budi")
    assert "permit_number" in missing.value.errors
    doc.update(rules.move(doc, "granted", on="2026-10-20", by="budi", permit=" ID33  110000123 "))
    assert doc["state"] == "granted" and doc["decided_on"] == "2026-10-20"
    assert doc["permit_number"] == "ID33 110000123"
    assert [h["state"] for h in doc["history"]] == ["requested", "in_process", "granted"]


@pytest.mark.parametrize(
    ("state", "wanted", "words"),
    [
        ("requested", "granted", ["FAS-2026-0001", "Diajukan", "Diproses / Ditarik", "Terbit"]),
        ("granted", "withdrawn", ["FAS-2026-0001", "Terbit", "akhir", "Ditarik"]),
        ("refused", "in_process", ["Ditolak", "akhir"]),
        ("in_process", "in_process", ["sudah berstatus Diproses"]),
    ],
)
def test_a_refused_move_says_where_it_is_and_where_it_can_go(state: str, wanted: str, words: list[str]) -> None:
    doc = {**_requested(), "state": state}
    with pytest.raises(RecordInvalid) as refused:
        rules.move(doc, wanted, on="2026-10-05", by="budi")
    message = refused.value.errors["state"]
    assert all(word in message for word in words), message


def test_dates_after_today_or_before_the_previous_step_are_refused() -> None:
    doc = _requested()
    with pytest.raises(RecordInvalid) as future:
        rules.move(doc, "in_process", on="2026-12-05", by="budi")
    assert "4 Des 2026" in future.value.errors["date"]  # today, named the way dates are shown
    with pytest.raises(RecordInvalid) as earlier:
        rules.move(doc, "in_process", on="2026-09-30", by="budi")
    assert "2026-10-01" in earlier.value.errors["date"]
    with pytest.raises(RecordInvalid):
        rules.new_facilitation({"ikm_id": 1, "kind": "halal", "requested_on": "2026-12-05"}, by="sri")


def test_an_nib_grant_needs_a_valid_nib() -> None:
    doc = {**rules.new_facilitation({"ikm_id": 1, "kind": "nib", "requested_on": "2026-10-01"}, by="s").doc()}
    doc.update(rules.move(doc, "in_process", on="2026-10-02", by="s"))
    with pytest.raises(RecordInvalid) as bad:
        rules.move(doc, "granted", on="2026-10-03", by="s", permit="12345")
    assert "permit_number" in bad.value.errors
    assert rules.move(doc, "granted", on="2026-10-03", by="s", permit="9120000000001")["permit_number"] == (
        "9120000000001"
    )


def test_targets_and_figures_parse_what_offices_type() -> None:
    target = rules.Target.parse(
        {"year": "2026", "indicator": "facilitated.halal", "target": "20", "budget": "Rp 50.000.000", "spent": "0"}
    )
    assert (target.target, target.budget) == (20, 50_000_000)
    rules.Target.parse({"year": 2027, "indicator": "ikm_trained"})  # next year's plan may be set
    with pytest.raises(RecordInvalid) as unknown:
        rules.Target.parse({"year": 2026, "indicator": "happiness"})
    assert "indicator" in unknown.value.errors
    figures = rules.YearlyFigures.parse({"ikm_id": 3, "year": "2025", "workers_male": "4", "turnover": "1.500.000"})
    assert figures.workers == 4 and figures.turnover == 1_500_000
    with pytest.raises(RecordInvalid) as ahead:
        rules.YearlyFigures.parse({"ikm_id": 3, "year": "2027"})
    assert "year" in ahead.value.errors


def test_growth_and_indicators() -> None:
    assert rules.growth(100, 112) == pytest.approx(0.12)
    assert rules.growth(0, 5) is None
    codes = rules.indicator_codes()
    assert {"ikm_trained", "credit_disbursed", "workers_absorbed", "facilitated.halal"} <= set(codes)
    assert rules.indicator("facilitated.halal").title == "IKM difasilitasi: Sertifikat halal"  # type: ignore[union-attr]
