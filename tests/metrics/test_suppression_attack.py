"""The attack on the suppressed dashboard: for every indicator, every breakdown a page shows and every filter
a suppressed role may choose, solve what the shown cells and totals imply about the hidden ones, and find
none of them fixed; and the filtered figures are the unfiltered breakdown's cells, hidden as they are.

The area is the synthetic one at a twentieth of Reading's size, where many groups are small and many not.
"""

import datetime as dt
from fractions import Fraction

import ibis
import pytest

from sendreform.demo.generator import generate_area
from sendreform.metrics import engine, report
from sendreform.metrics.catalogue import CATALOGUE
from sendreform.standards.suppression import SUPPRESSED
from tests.suppression_attack import breakdown_given_away, shown

AS_AT = dt.date(2026, 3, 31)
# What the dashboard offers (`sendreform.indicators.selectors`), repeated here so that a change there is a
# change the attack is run against too (`test_the_attack_covers_what_the_dashboard_offers`).
BREAKDOWNS_SHOWN = ("primary_need", "phase", "cluster", "ethnic_group", "sex", "sen_provision", "local_area")
FILTER_NAMES = ("cluster", "phase", "primary_need")


@pytest.fixture(scope="module")
def tables():
    con = ibis.duckdb.connect()
    for name, table in generate_area(seed=870, as_at=AS_AT, scale=0.05).items():
        con.create_table(name, obj=table)
    return engine.tables_from_connection(con), con


@pytest.fixture(scope="module")
def area_report(tables):
    t, con = tables
    return report.catalogue_report(t, as_at=AS_AT, by=BREAKDOWNS_SHOWN, suppress=True, con=con)


@pytest.fixture(scope="module")
def true_figures(tables):
    t, con = tables
    return {f.id: f for f in engine.evaluate(t, as_ats=[AS_AT], by=BREAKDOWNS_SHOWN, con=con)}


def _attack(ind, kpi, groups, true_groups):
    names, floors, share = report.measure(ind)
    if not names:
        return []
    total = tuple(kpi[n] for n in names)
    by_group = {g.group: g for g in true_groups}
    cells = [tuple(getattr(by_group[g["group"]], n) for n in names) for g in groups]
    seen = [tuple(g[n] for n in names) for g in groups]
    return breakdown_given_away(cells, seen, total, floors=floors, share=share)


def test_no_hidden_cell_of_any_breakdown_can_be_solved(area_report, true_figures):
    hidden_cells = given = 0
    failures = []
    for kpi in area_report["kpis"]:
        ind = CATALOGUE[kpi["id"]]
        for by in (b for b in BREAKDOWNS_SHOWN if b in ind.breakdowns):
            groups = [g for g in kpi["groups"] if g["by"] == by]
            true_groups = [g for g in true_figures[ind.id].groups if g.by == by]
            if by in kpi.get("withheld", ()):
                assert groups == []  # not even which groups there are
                continue
            assert len(groups) == len(true_groups)
            hidden_cells += sum(not shown(g["value"]) for g in groups)
            found = _attack(ind, kpi, groups, true_groups)
            given += len(found)
            if found:
                failures.append((ind.id, by, found))
    assert hidden_cells > 50  # the attack had something to attack
    assert failures == []


def test_small_groups_are_hidden_by_their_children_not_their_sessions(area_report, true_figures):
    # Attendance is a rate over sessions: a group of 1 to 5 children is hidden however many sessions it has.
    checked = 0
    for iid in ("send_attendance_rate", "special_school_attendance_rate", "send_unauthorised_absence_rate"):
        kpi = next(k for k in area_report["kpis"] if k["id"] == iid)
        for g in true_figures[iid].groups:
            if 1 <= g.people <= 5:
                row = next(r for r in kpi["groups"] if r["by"] == g.by and r["group"] == g.group) \
                    if g.by not in kpi.get("withheld", ()) else {"value": SUPPRESSED}
                assert row["value"] == SUPPRESSED, (iid, g.by, g.group, g.people, g.denominator)
                checked += 1
    assert checked > 0


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_a_filtered_figure_is_the_unfiltered_breakdowns_cell_hidden_as_it_is(tables, area_report, name):
    t, con = tables
    kpis = {k["id"]: k for k in area_report["kpis"]}
    values = sorted({g.group for f in engine.evaluate(t, as_ats=[AS_AT], by=[name], con=con) for g in f.groups})
    compared = hidden = 0
    for value in values:
        filtered = report.catalogue_report(t, as_at=AS_AT, by=BREAKDOWNS_SHOWN, filters={name: value},
                                           suppress=True, con=con)
        # The series (one more evaluation) is checked on one part of the area.
        series = report.catalogue_series(t, as_ats=[dt.date(2025, 12, 31), AS_AT], filters={name: value},
                                         suppress=True, con=con) if value == values[0] else None
        for kpi in filtered["kpis"]:
            assert kpi["groups"] == []  # no breakdowns within a filter for a suppressed view
            area = kpis[kpi["id"]]
            if name in area.get("withheld", ()):
                assert kpi["value"] in (SUPPRESSED, None, 0)
                continue
            cell = next((g for g in area["groups"] if g["by"] == name and g["group"] == value), None)
            if cell is None:  # nothing in this part of the area
                continue
            assert (kpi["value"], kpi["numerator"], kpi["denominator"]) == \
                (cell["value"], cell["numerator"], cell["denominator"]), (kpi["id"], name, value)
            # and the series' point on the same date agrees with the summary
            if series is not None:
                point = series[kpi["id"]][-1]
                assert (point["value"], point["numerator"]) == (kpi["value"], kpi["numerator"])
            compared += 1
            hidden += kpi["value"] == SUPPRESSED
    assert compared > 0 and hidden > 0


def test_a_suppressed_view_takes_one_filter_at_a_time(tables):
    t, con = tables
    with pytest.raises(ValueError, match="one filter at a time"):
        report.catalogue_report(t, as_at=AS_AT, filters={"cluster": "870-C1", "phase": "PRIMARY"}, suppress=True,
                                con=con)


def test_the_attack_covers_what_the_dashboard_offers():
    from sendreform.indicators import selectors

    assert selectors.BREAKDOWNS_SHOWN == BREAKDOWNS_SHOWN and selectors.FILTER_NAMES == FILTER_NAMES


def test_the_attack_finds_what_the_old_rule_gave_away(true_figures):
    # The old rule chose secondary cells by the denominator alone: the numerator of a lone hidden group was
    # the total's less the shown ones'. Replayed on one group hidden alone, the attack finds both quantities.
    fig = true_figures["neet_16_17_ehcp_rate"]
    groups = [g for g in fig.groups if g.by == "sex"]
    kpi = {"numerator": fig.numerator, "denominator": fig.denominator}
    rows = [{"group": g.group, "numerator": SUPPRESSED if i == 0 else g.numerator,
             "denominator": SUPPRESSED if i == 0 else g.denominator} for i, g in enumerate(groups)]
    found = _attack(CATALOGUE["neet_16_17_ehcp_rate"], kpi, rows, groups)
    assert ("0.0", Fraction(groups[0].numerator)) in found


def test_quarterly_periods_never_overlap_so_two_dates_cannot_be_differenced(tables):
    # The four quarters of 2025-26, each counting its own quarter, add up to the year to 31 March 2026
    t, con = tables
    ends = [dt.date(2025, 6, 30), dt.date(2025, 9, 30), dt.date(2025, 12, 31), AS_AT]
    ids = ["ehcna_requests", "tribunal_appeals", "send_permanent_exclusions"]
    quarters = report.catalogue_series(t, as_ats=ends, ids=ids, period=engine.QUARTER, con=con)
    year = {f.id: f.value for f in engine.evaluate(t, as_ats=[AS_AT], ids=ids, con=con)}
    for iid in ids:
        assert sum(p["value"] for p in quarters[iid]) == year[iid]
    assert year["ehcna_requests"] > 0
    out = report.catalogue_report(t, as_at=dt.date(2025, 12, 31), ids=ids, period=engine.QUARTER, con=con)
    assert out["period"] == ["2025-10-01", "2025-12-31"]
