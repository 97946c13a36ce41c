"""A scenario and the baseline share their random draws (common random numbers): a scenario that changes nothing
gives exactly the baseline, and one that lowers a transition gives fewer plans simulation by simulation."""

import datetime as dt

import numpy as np
import pytest

from sendreform.demo.generator import generate_area
from sendreform.forecast.history import history_from_tables
from sendreform.forecast.model import parameters_fit, simulate
from sendreform.forecast.scenarios import scenario_parse

SIMS = 200


@pytest.fixture(scope="module")
def params():
    as_at = dt.date(2026, 3, 1)
    history = history_from_tables(tables=generate_area(seed=870, as_at=as_at, scale=0.3), as_at=as_at)
    return parameters_fit(history=history)


def _scale(transition: str, factor: float) -> str:
    return (f"name: {transition} x {factor}\nchanges:\n  - type: scale\n    transition: {transition}\n"
            f"    factor: {factor}\n    from: 2020-01-01\n")


def test_a_scenario_that_changes_nothing_gives_exactly_the_baseline(params):
    # Given the baseline and a scenario that scales leaving by 1 (every code path of a scenario, no change)
    base = simulate(params=params, years=4, sims=SIMS, seed=11)
    same = simulate(params=params, years=4, sims=SIMS, seed=11, scenario=scenario_parse(_scale("leaving", 1.0)))
    # Then every simulation's every count is the baseline's
    assert np.array_equal(base.cube, same.cube)


def test_fewer_joiners_give_fewer_plans_in_every_simulation(params):
    # Given the baseline and a scenario with a fifth fewer joiners from the start
    base = simulate(params=params, years=4, sims=SIMS, seed=11).totals()
    fewer = simulate(params=params, years=4, sims=SIMS, seed=11,
                     scenario=scenario_parse(_scale("joining", 0.8))).totals()
    # Then after the first year no simulation has more plans than its baseline twin, and by the fourth year
    # every one has fewer (the same draws, so the difference is the scenario's, not noise)
    assert (fewer[:, 0] <= base[:, 0]).all()
    assert (fewer[:, 3] < base[:, 3]).all()


def test_more_leaving_gives_fewer_plans_in_every_simulation(params):
    # Given a scenario raising leaving by a half
    base = simulate(params=params, years=4, sims=SIMS, seed=11).totals()
    more = simulate(params=params, years=4, sims=SIMS, seed=11,
                    scenario=scenario_parse(_scale("leaving", 1.5))).totals()
    # Then every simulation has fewer plans than its baseline twin in every year (each occupied cell draws its
    # leavers from its own uniform, so a higher rate means at least as many leavers, cell by cell)
    assert (more < base).all()
