"""The real-England backtest and the aggregate path on small hand-made aggregates (no data files needed)."""

import numpy as np
import pandas as pd
import pytest

from sendreform.forecast.aggregate import Settings, aggregate_forecast, pooled_growth
from sendreform.forecast.england import MODEL, aim_check, england_backtest, england_summary, published_run
from sendreform.forecast.published import AGE_GROUPS, Published

YEARS = range(2010, 2026)
NEW_YEARS = range(2015, 2025)


def _published(stock: np.ndarray, new: np.ndarray) -> Published:
    """Areas 'A0', 'A1', ... with total plans `stock` (areas x 2010-2025) and new plans `new` (2015-2024)."""
    keys = [f"A{i}" for i in range(len(stock))]
    index = pd.MultiIndex.from_product([keys, list(YEARS)], names=["area", "year"])
    frame = pd.DataFrame(np.nan, index=index, columns=list(AGE_GROUPS)).assign(total=stock.ravel())
    new_index = pd.MultiIndex.from_product([keys, list(NEW_YEARS)], names=["area", "year"])
    new_frame = pd.DataFrame(np.nan, index=new_index, columns=list(AGE_GROUPS)).assign(total=new.ravel())
    areas = pd.DataFrame({"name": [f"Area {k}" for k in keys], "codes": [f"E0{i}" for i in range(len(keys))]},
                         index=pd.Index(keys, name="area"))
    return Published(areas=areas, stock=frame, new=new_frame, ceased=pd.DataFrame(), setting=pd.DataFrame(),
                     need=pd.DataFrame())


def _steady(n_areas=4, leave=0.1, join=100.0, growth=1.05):
    """Areas whose new plans grow 5% a year and 10% of plans leave each year, from 1,000 plans in 2010."""
    stock = np.zeros((n_areas, len(YEARS)))
    stock[:, 0] = 1000 * (1 + np.arange(n_areas) / 10)
    joins = join * growth ** np.arange(len(YEARS))[None, :] * (1 + np.arange(n_areas)[:, None] / 10)
    for t in range(1, len(YEARS)):
        stock[:, t] = stock[:, t - 1] * (1 - leave) + joins[:, t - 1]
    return stock, joins[:, 5:15]  # new plans in 2015-2024: the year before each census


@pytest.mark.parametrize("settings", [
    Settings(), Settings(damping_from="pooled"), Settings(joining="share", level_years=3, leave_window=3)],
    ids=["chosen", "damping estimated from pooled histories", "joining as a share of the stock"])
def test_a_forecast_made_at_an_origin_reads_no_later_year(settings):
    stock, new = _steady()
    stock = stock * (1 + 0.03 * np.sin(np.arange(len(YEARS))))[None, :]  # not a straight path, so choices differ
    base = england_backtest(published=_published(stock, new), sims=50, origins=range(2019, 2020), settings=settings)
    # Every census after 2019 and the new plans of 2019 on (which land in the 2020 census) changed wildly
    later = stock.copy()
    later[:, 10:] *= 3.0
    later_new = new.copy()
    later_new[:, 4:] *= 5.0
    moved = england_backtest(published=_published(later, later_new), sims=50, origins=range(2019, 2020),
                             settings=settings)
    # The forecasts and their intervals are unchanged, and only the actuals moved.
    cols = ["forecast", "lo95", "hi95"]
    pd.testing.assert_frame_equal(base[cols], moved[cols])
    assert (moved["actual"] == base["actual"] * 3).all()


def test_the_model_follows_a_known_stock_and_flow():
    # Given areas whose new plans grow 5% a year and 10% leave: at origin 2019, the stock in 2020 is
    # S(2019) * 0.9 + N(2019), with N(2019) = N(2018) * 1.05.
    stock, new = _steady()
    draws = aggregate_forecast(stock=stock[:, :10], new=new[:, :4], horizon=3, sims=2000, seed=1,
                               settings=Settings(damping=1.0))
    expected = stock[:, 10:13]
    median = np.median(draws, axis=1)
    # The median is within 1% of the truth at 1, 2 and 3 years (the pooled growth is the areas' own 5%).
    assert pooled_growth(new[:, :4]) == pytest.approx(np.log(1.05))
    assert np.abs(median / expected - 1).max() < 0.01


def test_the_chosen_model_is_unbiased_on_a_stationary_known_process():
    # Given areas at rest: 100 new plans a year and 10% of 1,000 plans leaving, so 1,000 at every census
    stock = np.full((3, len(YEARS)), 1000.0)
    new = np.full((3, 10), 100.0)
    draws = aggregate_forecast(stock=stock[:, :10], new=new[:, :4], horizon=3, sims=4000, seed=5)
    # Half the simulations count joiners, half take them as a share of the stock: 2,000 each
    assert draws.shape == (3, 4000, 3)
    # The median is within 1% of 1,000 at 1, 2 and 3 years, and the 95% interval holds it
    median = np.median(draws, axis=1)
    assert np.abs(median / 1000 - 1).max() < 0.01, median
    low, high = np.percentile(draws, [2.5, 97.5], axis=1)
    assert (low < 1000).all() and (high > 1000).all()


def test_summary_counts_wins_and_coverage_by_hand():
    frame = pd.DataFrame({
        "area": ["a", "a", "b", "b"], "origin": 2020, "horizon": 1, "method": [MODEL, "last value"] * 2,
        "forecast": [105.0, 100.0, 190.0, 200.0], "lo95": [100.0, np.nan, 180.0, np.nan],
        "hi95": [110.0, np.nan, 195.0, np.nan], "actual": [104.0, 104.0, 200.0, 200.0]})
    frame["error"] = (frame["forecast"] - frame["actual"]) / frame["actual"]
    frame["abs_error"] = frame["error"].abs()
    frame["covered"] = np.where(frame["lo95"].isna(), np.nan, (frame["lo95"] <= frame["actual"])
                                & (frame["actual"] <= frame["hi95"]))
    s = england_summary(frame, {"r": (2020, 2020)}).set_index("method")
    # Area a: model 1/104 off, last value 4/104: the model wins; area b: last value exact, the model 5% off.
    assert s.loc[MODEL, "wins"] == 50 and s.loc["last value", "model_closer"] == 50
    assert s.loc[MODEL, "coverage95"] == 50  # a's 100-110 holds 104; b's 180-195 misses 200
    assert s.loc[MODEL, "median_ape"] == pytest.approx((1 / 104 + 0.05) / 2 * 100)
    assert not aim_check(s.reset_index(), "r")["beats every baseline on median error"]


def test_published_run_names_an_unknown_area():
    stock, new = _steady()
    published = _published(stock, new)
    frame = published_run(published=published, area="E01", years=2, sims=100)
    assert list(frame["year"]) == [2026, 2027] and (frame["p2_5"] <= frame["median"]).all()
    with pytest.raises(KeyError, match="no local area 'E99'"):
        published_run(published=published, area="E99")


def test_aggregate_and_pupil_paths_agree_on_the_synthetic_area():
    import datetime as dt

    from sendreform.demo.generator import generate_area
    from sendreform.forecast.aggregate import aggregate_from_history
    from sendreform.forecast.history import history_from_tables
    from sendreform.forecast.model import parameters_fit, simulate

    history = history_from_tables(tables=generate_area(seed=870, as_at=dt.date(2026, 3, 1), scale=0.3),
                                  as_at=dt.date(2026, 3, 1))
    stock, new = aggregate_from_history(history)
    aggregate = np.median(aggregate_forecast(stock=stock[None, :], new=new[None, :], horizon=3, sims=500)[0],
                          axis=0)
    pupil = np.median(simulate(params=parameters_fit(history=history), years=3, sims=500).totals(), axis=0)
    # The two paths' medians of total plans are within 5% of each other at 1, 2 and 3 years ahead (with ADR 19's
    # settings 0.3%, 2.7% and 4.0%: 653, 688, 721 against 651, 670, 693; the aggregate path carries on the
    # pooled growth of new plans, the pupil-level path a trend shrunk towards none).
    assert np.abs(aggregate / pupil - 1).max() < 0.05, (aggregate, pupil)


def test_a_year_an_area_did_not_publish_is_filled_from_its_own_years():
    stock, new = _steady(n_areas=2)
    gap = new[:, :8].copy()
    gap[0, 6] = np.nan  # an interior year: the geometric mean of its neighbours, which is the 5% path itself
    full = aggregate_forecast(stock=stock[:, :14], new=new[:, :8], horizon=1, sims=200, seed=3)
    filled = aggregate_forecast(stock=stock[:, :14], new=gap, horizon=1, sims=200, seed=3)
    assert np.allclose(np.median(full, axis=1), np.median(filled, axis=1), rtol=0.002)
    last = new[:, :8].copy()
    last[1, 7] = np.nan  # the latest year: the year before's value carried on, so a lower forecast
    lower = aggregate_forecast(stock=stock[:, :14], new=last, horizon=1, sims=200, seed=3)
    assert np.median(lower[1]) < np.median(full[1])


def test_the_accuracy_sentence_from_a_backtest_by_hand():
    from sendreform.forecast.england import accuracy_sentence

    # Ten areas' model forecasts 2 years ahead from 2020 and 2021, errors 1% to 10% (area a9 the worst at 10%,
    # and -10% from 2021), beside a 2019 origin and a 1-year forecast that must not count.
    rows = [{"area": f"a{i}", "origin": o, "horizon": 2, "method": MODEL, "error": (i + 1) / 100 * (-1) ** (o - 2020)}
            for i in range(10) for o in (2020, 2021)]
    rows += [{"area": "a0", "origin": 2019, "horizon": 2, "method": MODEL, "error": 0.5},
             {"area": "a0", "origin": 2020, "horizon": 1, "method": MODEL, "error": 0.5},
             {"area": "a0", "origin": 2020, "horizon": 2, "method": "last value", "error": 0.5}]
    frame = pd.DataFrame(rows).assign(abs_error=lambda f: f["error"].abs())
    text = accuracy_sentence(frame, area="a9", area_name="Area nine")
    # The 90th percentile of 1, 1, 2, 2, ..., 10, 10 (%) is 9.1%: "within 9%".
    assert text == ("Over the last 2 years (forecasts made from the 2 January censuses 2020 to 2021), the model's "
                    "forecasts of total plans 2 years ahead were within 9% of what happened in 9 out of 10 "
                    "forecasts, over 10 English local areas. For Area nine they were within 10.0% at every one of "
                    "those 2 censuses (median 10.0%).")
    assert accuracy_sentence(frame, area="nowhere").endswith("over 10 English local areas.")
    assert accuracy_sentence(frame, horizon=3) == ""
