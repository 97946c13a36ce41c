"""The catalogue report: the command's JSON shape, trajectories and suppression."""

import ibis
import pytest

from sendreform.metrics import engine, report
from sendreform.metrics.targets import targets_from_mapping
from tests.metrics.small_area import AS_AT, arrow_tables


@pytest.fixture(scope="module")
def con():
    con = ibis.duckdb.connect()
    for name, table in arrow_tables().items():
        con.create_table(name, obj=table)
    return con


def _report(con, **kw):
    return report.catalogue_report(engine.tables_from_connection(con), as_at=AS_AT, con=con, **kw)


def test_report_has_the_command_json_shape(con):
    out = _report(con, ids=["ehcp_total"])
    assert out["as_at"] == "2026-03-31" and out["period"] == ["2025-04-01", "2026-03-31"]
    [kpi] = out["kpis"]
    assert {"id", "title", "unit", "value", "numerator", "denominator", "expected", "rag", "groups"} <= set(kpi)
    assert kpi["value"] == 12


def test_suppression_hides_small_cells_and_the_next_smallest(con):
    # Given 12 children with plans: 3 girls (P2, P5, P8) and 9 boys
    plain = _report(con, ids=["ehcp_total"], by=["sex"])["kpis"][0]
    assert {g["group"]: g["value"] for g in plain["groups"]} == {"F": 3, "M": 9}
    # When suppressed, 3 is hidden, and so is 9, which would give it away from the total of 12
    hidden = _report(con, ids=["ehcp_total"], by=["sex"], suppress=True)["kpis"][0]
    assert {g["group"]: g["value"] for g in hidden["groups"]} == {"F": "c", "M": "c"}
    assert hidden["value"] == 12


def test_a_rate_on_a_small_denominator_is_hidden(con):
    # ehe_ehcp_return_rate is 1 of 2
    kpi = _report(con, ids=["ehe_ehcp_return_rate"], suppress=True)["kpis"][0]
    assert kpi["value"] == kpi["numerator"] == kpi["denominator"] == "c"
    assert kpi["rag"] is None


def test_rag_against_a_baseline_worked_out_from_the_data(con):
    # Given a baseline taken from the data on 2025-09-30 and a target 50% above it on 2026-03-31
    plan = targets_from_mapping({"indicators": {"ehcp_in_mainstream": {
        "baseline": {"date": "2025-09-30"}, "target": {"change_pct": 50, "date": "2026-03-31"}}}})
    kpi = _report(con, ids=["ehcp_in_mainstream"], targets=plan)["kpis"][0]
    # On 2025-09-30: P1, P2, P5 (at E1 until January), P11 in mainstream; P7 at home until 1 Oct = 4
    # so the target is 6 on 31 Mar, when 4 are in mainstream (P5 unplaced, P7 back)
    assert kpi["expected"] == pytest.approx(6)
    assert kpi["value"] == 4
    # Short by 2, more than a quarter of the planned change of 2 (0.5): RED
    assert kpi["rag"] == "RED"
