"""ADR 31: the engine's kept plans (each request's SQL on disk, replayed without building a query), the
data-quality verdicts of unchanged files, and the plan's baselines in the report's own pass give the figures
the engine gives without them."""

import datetime as dt
import os
import shutil
import sqlite3

import ibis
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from sendreform.cli.main import main
from sendreform.interchange import canonical_files
from sendreform.interchange.canonical_files import CanonicalFileError, canonical_files_open
from sendreform.metrics import engine, plans, report
from sendreform.metrics.catalogue import CATALOGUE, PERSON_BREAKDOWNS
from sendreform.metrics.targets import targets_from_mapping
from tests.metrics import small_area
from tests.metrics.conftest import _load
from tests.metrics.multi_area import AS_AT


@pytest.fixture
def folder(multi_area_folder):
    return multi_area_folder


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SENDREFORM_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _refuse_compiling(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a request with a kept plan was compiled again")

    monkeypatch.setattr(engine, "Runner", refuse)


def _flat(figures):
    """Every figure and every group of every breakdown, as comparable rows."""
    rows = []
    for fig in figures:
        for f in [fig, *fig.groups]:
            rows.append(((f.id, f.as_at, f.by, f.group, f.units, f.people, f.note),
                         [f.value, f.numerator, f.denominator, f.ratio]))
    return rows


def _same(a, b):
    assert [key for key, _ in a] == [key for key, _ in b]
    for (key, xs), (_, ys) in zip(a, b, strict=True):
        for x, y in zip(xs, ys, strict=True):
            assert x == y if None in (x, y) else x == pytest.approx(y, rel=1e-12), key


def _by_everything(con):
    return engine.evaluate(None, as_ats=[AS_AT, dt.date(2025, 12, 31)], by=PERSON_BREAKDOWNS, con=con)


def test_every_breakdown_is_the_same_replayed_from_the_kept_plan(folder, cache, monkeypatch):
    # Given two synthetic areas, the whole catalogue at two dates by every breakdown with no cache at all
    monkeypatch.setenv("SENDREFORM_CACHE_DIR", "")
    compiled = _flat(_by_everything(canonical_files_open(data_dir=folder)))
    # When it is run with the cache (compiled and kept), then on a new connection from the kept plan alone
    monkeypatch.setenv("SENDREFORM_CACHE_DIR", str(cache))
    recorded = _flat(_by_everything(canonical_files_open(data_dir=folder)))
    assert len(list((cache / "plans").glob("*.json"))) == 1
    _refuse_compiling(monkeypatch)
    replayed = _flat(_by_everything(canonical_files_open(data_dir=folder)))
    # Then every figure and every group is the same
    _same(compiled, recorded)
    _same(compiled, replayed)
    areas = {key[3] for key, _ in compiled if key[0] == "ehcp_total" and key[2] == "local_area"}
    assert areas == {"870", "871"}
    assert len(compiled) > 1000


def test_sqlite_replays_a_kept_plan_on_a_plain_connection(tmp_path, cache, monkeypatch):
    # Given the hand-built area in SQLite, evaluated through Ibis (compiled and kept)
    path = tmp_path / "area.sqlite"
    con = _load(ibis.sqlite.connect(str(path)), decimals_as_float=True)
    kw = dict(as_ats=[small_area.AS_AT], by=["local_area", "primary_need", "sen_provision"])
    recorded = _flat(engine.evaluate(None, con=con, **kw))
    # When a plain sqlite3 connection, as the live command opens, replays the kept plan
    _refuse_compiling(monkeypatch)
    replayed = _flat(engine.evaluate(None, con=sqlite3.connect(path), **kw))
    # Then the figures are the same, and still the hand-worked ones
    _same(recorded, replayed)
    assert dict(replayed)[("ehcp_total", small_area.AS_AT, None, None, 12, 12, None)][0] == 12


def test_a_changed_catalogue_compiles_its_requests_again(tmp_path, cache, monkeypatch):
    # Given the engine's source (copied, so that it can be changed) and a request's plan kept on disk
    sources = []
    for folder in plans.SOURCES:
        sources.append(tmp_path / "src" / folder.name)
        shutil.copytree(folder, sources[-1], ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(plans, "SOURCES", tuple(sources))
    plans.code_version.cache_clear()
    try:
        con = _load(ibis.duckdb.connect())
        [fig] = engine.evaluate(None, as_ats=[small_area.AS_AT], ids=["ehcp_total"], con=con)
        assert fig.value == 12
        # When the kept plan is altered to fetch another number, the next run gives that number (the plan runs)
        [kept] = (cache / "plans").glob("*.json")
        text = kept.read_text()
        kept.write_text(text.replace("SUM(", "100 * SUM(", 1))
        [fig] = engine.evaluate(None, as_ats=[small_area.AS_AT], ids=["ehcp_total"], con=con)
        assert fig.value == 1200
        # Then once the catalogue changes, the request is compiled again from the catalogue
        catalogue = sources[0] / "catalogue.py"
        catalogue.write_text(catalogue.read_text() + "\n# a changed indicator\n")
        plans.code_version.cache_clear()
        [fig] = engine.evaluate(None, as_ats=[small_area.AS_AT], ids=["ehcp_total"], con=con)
        assert fig.value == 12
    finally:
        plans.code_version.cache_clear()


def test_an_unchanged_file_is_not_checked_again(folder, tmp_path, cache, monkeypatch):
    # Given a folder every check passed
    copy = shutil.copytree(folder, tmp_path / "copy")
    canonical_files_open(data_dir=copy, check_codes=True, check_keys=True)

    # When it is opened again with the checks unable to run, Then it opens from the remembered verdicts
    def refuse(*args, **kwargs):
        raise AssertionError("checked again")

    monkeypatch.setattr(canonical_files, "_natural_key", refuse)
    monkeypatch.setattr(canonical_files, "_parquet_canonical", refuse)
    con = canonical_files_open(data_dir=copy, check_codes=True, check_keys=True)
    assert con.execute("SELECT count(DISTINCT home_la) FROM person").fetchone() == (2,)


def test_a_changed_file_is_checked_again(folder, tmp_path, cache):
    # Given a folder every check passed
    copy = shutil.copytree(folder, tmp_path / "copy")
    canonical_files_open(data_dir=copy, check_codes=True, check_keys=True)
    # When person.parquet is rewritten with an unknown sex code in row 3, keeping its modification time
    path = copy / "person.parquet"
    before = os.stat(path)
    person = pq.read_table(path)
    sex = person["sex"].to_pylist()
    sex[2] = "Q"
    pq.write_table(person.set_column(person.schema.get_field_index("sex"), "sex", pc.cast(sex, person["sex"].type)),
                   path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    # Then the check runs again and names the file, row and column
    with pytest.raises(CanonicalFileError, match=r"person.parquet, row 3, column sex: 'Q' is not a SEX code"):
        canonical_files_open(data_dir=copy, check_codes=True, check_keys=True)


def test_a_stock_does_not_read_the_period():
    # The report works out a stock's baseline on a date whose period is a flow's (report._baseline_dates):
    # every stock gives the same figure whatever the period.
    con = _load(ibis.duckdb.connect())
    stocks = [iid for iid, ind in CATALOGUE.items() if not ind.flow]
    day = small_area.AS_AT
    runs = [engine.evaluate(None, as_ats=[day], period=period, ids=stocks, con=con)
            for period in (None, (day - dt.timedelta(days=364), day), (dt.date(2000, 1, 1), dt.date(2000, 1, 2)))]
    for first, *others in zip(*runs, strict=True):
        for other in others:
            assert (other.value, other.numerator, other.denominator) == (first.value, first.numerator,
                                                                         first.denominator), first.id


def test_the_plans_baselines_come_from_the_reports_own_pass(cache, monkeypatch):
    # Given a plan whose baselines (a stock and a flow) are worked out from the data on 2025-12-31
    con = _load(ibis.duckdb.connect())
    targets = targets_from_mapping({"indicators": {
        "ehcp_total": {"baseline": {"date": "2025-12-31"}, "target": {"change_pct": 10, "date": "2027-03-31"}},
        "ehcna_requests": {"baseline": {"date": "2025-12-31"}, "target": {"change_pct": -20, "date": "2027-03-31"}},
    }})
    ids = ["ehcp_total", "ehcna_requests", "tribunal_appeals"]
    apart = report.trajectories_resolved(None, ids, targets, con)
    calls = []
    evaluate = engine.evaluate
    monkeypatch.setattr(engine, "evaluate", lambda *a, **kw: calls.append(kw["as_ats"]) or evaluate(*a, **kw))
    # When the report is made
    out = report.catalogue_report(None, as_at=small_area.AS_AT, ids=ids, by=["sex"], targets=targets, con=con)
    # Then one evaluation covered the report and the baselines, and the expected values are those of the
    # baselines worked out on their own
    assert calls == [[small_area.AS_AT, dt.date(2025, 12, 31)]]
    for kpi in out["kpis"]:
        ind = CATALOGUE[kpi["id"]]
        expected, _ = report.expected_on(ind, apart.get(kpi["id"]), small_area.AS_AT,
                                         engine.period_of(small_area.AS_AT))
        assert kpi["expected"] == (None if expected is None else round(expected, 4)), kpi["id"]
    # All twelve plans had started by 2025-12-31 (the last, P11, in September); P9's ceased that day.
    assert apart["ehcp_total"].baseline.value == 12


def test_the_command_shows_no_plan_terms_for_a_folder_of_other_areas(folder, cache, capsys):
    # Given Reading's plan and a folder of two areas' children
    assert main(["metrics", "--data", str(folder), "--as-at", AS_AT.isoformat(), "--kpi", "inmss_placements",
                 "--format", "csv"]) == 0
    out = capsys.readouterr()
    # Then it says why it shows no expected value or RAG, and shows none
    assert "plans/reading.yaml is the plan of Reading (870)" in out.err
    assert out.out.splitlines()[1].endswith(",,,,,")
