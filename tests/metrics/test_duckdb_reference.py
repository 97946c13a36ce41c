"""The hand-written DuckDB query bench/metrics.py times `sendreform metrics --data` against computes what the
engine computes, area by area, so the benchmark's ratio compares like with like."""

import pytest

from bench.duckdb_reference import METRICS, reference
from sendreform.interchange.canonical_files import canonical_files_open
from sendreform.metrics import engine
from tests.metrics.multi_area import AS_AT


def test_the_hand_written_query_gives_the_engines_figures_by_local_area(multi_area_folder):
    figures = engine.evaluate(None, as_ats=[AS_AT], ids=list(METRICS), by=["local_area"],
                              con=canonical_files_open(data_dir=multi_area_folder))
    ours = {(f.id, g.group): g.value for f in figures for g in f.groups}
    theirs = {(metric, area): value for metric, area, value in reference(str(multi_area_folder), AS_AT)}
    assert set(theirs) == set(ours)
    assert {area for _, area in ours} == {"870", "871"}
    for key, value in ours.items():
        assert theirs[key] == pytest.approx(value), key
