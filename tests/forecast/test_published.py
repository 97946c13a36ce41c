"""The published-data loader on the DfE release CSVs in ../shared/data/ehcp (figures checkable in the files)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sendreform.forecast.published import PublishedDataError, published_load

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "ehcp"
pytestmark = pytest.mark.skipif(not (DATA / "SOURCES.md").exists(), reason="the DfE release CSVs are not here")


@pytest.fixture(scope="module")
def published():
    return published_load(folder=DATA)


def test_areas_merged_and_left_out(published):
    # 152 authorities in the 2025 release; Dorset/BCP, Northamptonshire and Cumbria each one area; City of
    # London (201) and the Isles of Scilly (420) left out.
    assert len(published.areas) == 148
    assert {"201", "420", "835", "928", "909", "942"}.isdisjoint(published.areas.index)
    assert published.area_key("E06000059") == "Dorset and BCP"
    assert published.area_key("E06000063") == "Cumbria"
    assert published.totals().notna().all().all()


def test_census_totals(published):
    totals = published.totals()
    # Reading (870): sen2_age_caseload.csv 2010 Total_all 783; caseload.csv 202425 ehcplans 1966.
    assert totals.loc["870", 2010] == 783 and totals.loc["870", 2025] == 1966
    # Dorset county 1490 + Poole 441 + Bournemouth 579 in 2010; BCP 4432 + Dorset 4333 in January 2025.
    assert totals.loc["Dorset and BCP", 2010] == 2510
    assert totals.loc["Dorset and BCP", 2025] == 4432 + 4333
    # North and West Northamptonshire 2842 + 2847 in 2022 (2022 release).
    assert totals.loc["Northamptonshire", 2022] == 2842 + 2847
    # Reading's age groups in 2022: under 5 43, 5-10 552, 11-15 514, 16-19 337, 20-25 107.
    assert published.stock.loc[("870", 2022)].iloc[:5].tolist() == [43, 552, 514, 337, 107]


def test_yorkshire_2022_new_plans_from_own_breakdown(published):
    new = published.new_totals()
    # newplans.csv gives Barnsley (370) and York (816) 6,078 (the regional total) for 2022; their own
    # age rows sum to 319 and 100.
    assert new.loc["370", 2022] == 319 and new.loc["816", 2022] == 100
    assert sum("6,078" in d for d in published.defects) == 15
    # Reading's new plans: 2015 from sen2_mi.csv (79), 2024 from newplans.csv (302).
    assert new.loc["870", 2015] == 79 and new.loc["870", 2024] == 302
    assert 2014 not in new.columns  # four months of EHC plans only
    # Leicester's 2023 new plans are 'x' (not available) in newplans.csv: listed, left for the model to fill.
    assert np.isnan(new.loc["856", 2023])
    assert any("Leicester (856) 2023 new plans not published" in d for d in published.defects)


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(PublishedDataError, match="sen2_age_caseload.csv: not found"):
        published_load(folder=tmp_path)


def test_cli_forecasts_and_backtests_one_area_from_the_published_data(tmp_path, capsys):
    from sendreform.cli.main import main

    assert main(["forecast", "run", "--published", str(DATA), "--area", "E06000038", "--years", "2",
                 "--sims", "100", "--out", str(tmp_path / "run")]) == 0
    run = pd.read_csv(tmp_path / "run" / "published_forecast.csv")
    out = capsys.readouterr().out
    assert list(run["year"]) == [2026, 2027] and "Reading" in out
    # What the backtest says of the model 2 years ahead: origins 2020-2023, four of them for Reading.
    assert "forecasts made from the 4 January censuses 2020 to 2023" in out and "every one of those 4 censuses" in out
    assert main(["forecast", "backtest", "--published", str(DATA), "--areas", "870", "--sims", "50",
                 "--out", str(tmp_path / "bt")]) == 0
    frame = pd.read_csv(tmp_path / "bt" / "england_backtest.csv", dtype={"area": str})
    # Origins 2016-2024, six methods; Reading's actual in January 2020 seen from the 2019 census: 1,364.
    assert set(frame["origin"]) == set(range(2016, 2025)) and frame["method"].nunique() == 6
    assert (frame.query("origin == 2019 and horizon == 1")["actual"] == 1364).all()
    assert main(["forecast", "run", "--published", str(DATA), "--area", "E99999999",
                 "--out", str(tmp_path / "x")]) == 2
    assert "no local area 'E99999999'" in capsys.readouterr().err
