"""Trajectories and RAG, worked by hand."""

import datetime as dt

import pytest

from sendreform.metrics.catalogue import CATALOGUE
from sendreform.metrics.targets import (
    PlanFileError,
    Point,
    Trajectory,
    rag,
    targets_from_mapping,
    targets_load,
)

D = dt.date


def test_straight_line_between_baseline_and_target():
    # Given a baseline of 10 on 1 Jan 2026 and a target of 20 on 1 Jan 2027 (365 days)
    t = Trajectory("x", Point(D(2026, 1, 1), 10), Point(D(2027, 1, 1), 20))
    # Then 182 days in the expected value is 10 + 10 x 182/365, held at the ends
    assert t.expected(D(2026, 7, 2)) == pytest.approx(10 + 10 * 182 / 365)
    assert t.expected(D(2025, 6, 1)) == 10
    assert t.expected(D(2028, 1, 1)) == 20


def test_rag_bands_are_a_quarter_of_the_planned_change():
    # Given expected 14.986 on the day and a planned change of 10 (amber allowance 2.5), better is up
    t = Trajectory("x", Point(D(2026, 1, 1), 10), Point(D(2027, 1, 1), 20))
    day = D(2026, 7, 2)
    expected, band = t.expected(day), t.band(day)
    assert band == 2.5
    assert rag(actual=15, expected=expected, band=band, better="up") == "GREEN"
    assert rag(actual=13, expected=expected, band=band, better="up") == "AMBER"  # short by 1.99
    assert rag(actual=12, expected=expected, band=band, better="up") == "RED"  # short by 2.99
    # and where lower is better, being above expected is the shortfall
    assert rag(actual=16, expected=expected, band=band, better="down") == "AMBER"
    assert rag(actual=12, expected=expected, band=band, better="down") == "GREEN"


def test_milestones_are_read_as_the_latest_reached():
    # Given Reading's Experts at Hand milestones: 50% on 30 Sep 2026, 75% on 31 Dec, 90% on 31 Mar 2027
    plan = targets_load("plans/reading.yaml", known_ids=CATALOGUE)
    t = plan.get("eah_settings_engaged_pct")
    assert t.expected(D(2026, 11, 15)) == 50
    assert t.expected(D(2027, 1, 1)) == 75
    # before the first milestone: the straight line from the baseline (0 on 30 Jun 2026), 32 of 92 days
    assert t.expected(D(2026, 8, 1)) == pytest.approx(50 * 32 / 92)


def test_relative_target_resolves_once_the_baseline_is_known():
    # Given +35% on a baseline worked out from the data
    plan = targets_load("plans/reading.yaml", known_ids=CATALOGUE)
    t = plan.get("maintained_special_places")
    assert t.needs_baseline_from_data
    resolved = t.with_baseline_value(200)
    assert resolved.target.value == pytest.approx(270)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"nope": {}}, "indicators.nope: no indicator has this id"),
        ({"ehcp_total": {"baseline": {"date": "2026-13-01"}}}, "indicators.ehcp_total.baseline.date"),
        ({"ehcp_total": {"target": {"change_pct": 5, "date": "2027-01-01"}}}, "needs a baseline"),
        ({"ehcp_total": {"baseline": {"date": "2026-01-01", "value": "many"}}}, "is not a number"),
    ],
)
def test_a_malformed_plan_names_the_place(spec, message):
    with pytest.raises(PlanFileError, match=message.replace(".", r"\.")):
        targets_from_mapping({"indicators": spec}, source="plan.yaml", known_ids=CATALOGUE)
