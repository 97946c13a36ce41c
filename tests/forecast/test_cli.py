"""`sendreform forecast run --data` writes summary.json with the documented shape and CSVs that agree with it."""

import datetime as dt
import json

import pandas as pd
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from sendreform.cli.main import main
from sendreform.demo.generator import generate_area
from sendreform.forecast.history import TABLES_READ


@pytest.fixture(scope="module")
def area_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("area")
    tables = generate_area(seed=870, as_at=dt.date(2026, 3, 1), scale=0.3)
    for name in TABLES_READ:
        if name == "population":
            pacsv.write_csv(tables[name], folder / "population.csv")
        else:
            pq.write_table(tables[name], folder / f"{name}.parquet")
    return folder


def test_forecast_run_writes_summary_json_with_the_documented_shape(area_folder, tmp_path):
    out = tmp_path / "run"
    status = main(["forecast", "run", "--data", str(area_folder), "--as-at", "2026-03-01", "--sims", "100",
                   "--years", "3", "--out", str(out), "--scenario", "scenarios/experts-at-hand.yaml"])
    assert status == 0
    summary = json.loads((out / "summary.json").read_text())
    assert [r["year"] for r in summary["total_plans"]] == [2027, 2028, 2029]
    for row in summary["total_plans"]:
        assert set(row) == {"year", "median", "p2_5", "p25", "p75", "p97_5"}
        assert row["p2_5"] <= row["p25"] <= row["median"] <= row["p75"] <= row["p97_5"]
    assert len(summary["inputs_hash"]) == 16 and summary["code_version"]
    assert summary["scenario"]["name"] == "Experts at Hand and local specialist places"
    total = pd.read_csv(out / "total_plans.csv")
    projected = total[total["kind"] == "projection"]
    assert projected["median"].tolist() == [r["median"] for r in summary["total_plans"]]
    assert (out / "scenario_vs_baseline.csv").exists()
    assert (out / "data-template.xlsx").exists()


def test_a_bad_scenario_stops_the_run_naming_the_line(area_folder, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nchanges:\n  - type: scale\n    transition: flying\n    factor: 1\n    from: 2027-01-01\n")
    status = main(["forecast", "run", "--data", str(area_folder), "--scenario", str(bad), "--out",
                   str(tmp_path / "o")])
    assert status == 2
    assert "bad.yaml, line 4: transition must be one of" in capsys.readouterr().err


def test_forecast_backtest_writes_a_report_beside_the_naive_forecasts(area_folder, tmp_path):
    out = tmp_path / "backtest"
    status = main(["forecast", "backtest", "--data", str(area_folder), "--as-at", "2026-03-01", "--sims", "50",
                   "--out", str(out)])
    assert status == 0
    frame = pd.read_csv(out / "backtest.csv")
    # Censuses 2019-2026: origins 2021-2025, each 1 to 3 years ahead as far as the history reaches (5+4+3).
    assert sorted(frame["origin"].unique().tolist()) == [2021, 2022, 2023, 2024, 2025]
    assert len(frame) == 12
    # The last value forecast from 2022 is the count of January 2022 (the actual 1 year ahead of 2021).
    from_2022 = frame[frame["origin"] == 2022]
    actual_2022 = frame[(frame["origin"] == 2021) & (frame["year"] == 2022)]["actual"].iloc[0]
    assert (from_2022["last_value"] == actual_2022).all()
    summary = pd.read_csv(out / "backtest_summary.csv")
    assert summary["horizon"].tolist() == [1, 2, 3] and summary["origins"].tolist() == [5, 4, 3]
    report = (out / "backtest.md").read_text()
    assert "## Verdict" in report and "linear trend" in report
    # The breakdowns come from the same origins: 12 rows for each of age group, setting category and need.
    cells = pd.read_csv(out / "backtest_breakdowns.csv")
    assert cells.groupby("breakdown").size().to_dict() == {"age group": 12, "primary need": 12, "setting category": 12}
    assert "## By age group, setting category and primary need" in report
    assert "## What happened in the history" in report


def test_a_breakdowns_last_value_error_is_last_years_categories_against_this_years(area_folder, tmp_path):
    # Given the backtest of the area
    out = tmp_path / "backtest"
    assert main(["forecast", "backtest", "--data", str(area_folder), "--as-at", "2026-03-01", "--sims", "20",
                 "--out", str(out)]) == 0
    # When the setting category counts of January 2024 and 2025 are taken from the run's own history CSV
    run = tmp_path / "run"
    assert main(["forecast", "run", "--data", str(area_folder), "--as-at", "2026-03-01", "--sims", "20",
                 "--years", "1", "--out", str(run)]) == 0
    settings = pd.read_csv(run / "plans_by_setting.csv")
    history = settings[settings["kind"] == "actual"].pivot_table(index="setting", columns="year", values="median",
                                                                  fill_value=0)
    # Then the last value's error from 2024, one year ahead, is the sum of the categories' changes over 2025's plans
    by_hand = 100 * (history[2025] - history[2024]).abs().sum() / history[2025].sum()
    cells = pd.read_csv(out / "backtest_breakdowns.csv")
    row = cells[(cells["breakdown"] == "setting category") & (cells["origin"] == 2024) & (cells["horizon"] == 1)]
    assert row["last_value"].iloc[0] == pytest.approx(by_hand)


@pytest.mark.parametrize(("model", "sentence"), [
    ([4, 4, 4], "The model beats both naive forecasts at every horizon."),
    ([4, 6, 7], "The model does not beat both naive forecasts at every horizon: at 2 and 3 years ahead a naive "
                "forecast was closer."),
    ([6, 4, 4], "The model does not beat both naive forecasts at every horizon: at 1 year ahead a naive forecast "
                "was closer."),
])
def test_the_verdict_names_the_horizons_a_naive_forecast_won(model, sentence):
    # Errors by horizon: the last value's 9%, the linear trend's 5%, the model's as given
    from sendreform.forecast.backtest import backtest_headline

    summary = pd.DataFrame({"horizon": [1, 2, 3], "model_mape": model, "last_value_mape": [9] * 3,
                            "linear_trend_mape": [5] * 3})
    assert backtest_headline(summary) == sentence


@pytest.fixture(scope="module")
def folder_to_january_2025(area_folder, tmp_path_factory):
    """The area's tables as they stood on 31 January 2025: a history that ends in January 2025."""
    import ibis

    from sendreform.interchange.snapshot import tables_as_at

    folder = tmp_path_factory.mktemp("to-2025")
    tables = {name: ibis.memtable(pq.read_table(area_folder / f"{name}.parquet"))
              for name in TABLES_READ if name != "population"}
    for name, table in tables_as_at(tables=tables, as_at=dt.date(2025, 1, 31)).items():
        pq.write_table(table.to_pyarrow(), folder / f"{name}.parquet")
    (folder / "population.csv").write_bytes((area_folder / "population.csv").read_bytes())
    return folder


def test_forecast_run_on_a_folder_takes_the_last_census_the_data_covers(folder_to_january_2025, tmp_path, capsys):
    # Given a folder whose history ends in January 2025, when a forecast is run on it without --as-at
    out = tmp_path / "run"
    status = main(["forecast", "run", "--data", str(folder_to_january_2025), "--sims", "100", "--years", "2",
                   "--out", str(out)])
    # Then it forecasts from the January 2025 census, the last the data covers, not from January 2026
    assert status == 0
    assert "Forecast from the January 2025 census" in capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text())
    assert [r["year"] for r in summary["total_plans"]] == [2026, 2027]
    # And the 95% interval for 2027 is a forecast, not 123 to 22,654 plans: within half to twice the median
    row = summary["total_plans"][1]
    assert row["median"] / 2 < row["p2_5"] <= row["p97_5"] < row["median"] * 2


def test_forecast_run_refuses_an_as_at_beyond_what_the_data_covers(folder_to_january_2025, tmp_path, capsys):
    status = main(["forecast", "run", "--data", str(folder_to_january_2025), "--as-at", "2026-06-30", "--sims", "20",
                   "--out", str(tmp_path / "run")])
    assert status == 2
    error = capsys.readouterr().err
    assert "--as-at 2026-06-30 means the January 2026 census" in error
    assert "Leave --as-at out to forecast from the January 2025 census" in error
    assert not (tmp_path / "run").exists()


def test_forecast_run_refuses_a_folder_whose_population_is_only_a_header(folder_to_january_2025, tmp_path, capsys):
    folder = tmp_path / "data"
    folder.mkdir()
    for path in folder_to_january_2025.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "population.csv").write_text("year,age,population\n", encoding="utf-8")
    assert main(["forecast", "run", "--data", str(folder), "--sims", "20", "--out", str(tmp_path / "run")]) == 2
    assert "the data has no background population" in capsys.readouterr().err
