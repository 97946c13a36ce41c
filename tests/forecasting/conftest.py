"""A small hand-built local area in the database: thirty children with plans over six January censuses in a
mainstream primary and a maintained special school, a flat population, and unit costs; and the demo users.
A finished forecast run and a finished backtest of a small synthetic area."""

import datetime as dt

import pytest

from sendreform.standards.periods import sen2_census_date


def small_area_build(*, today: dt.date | None = None, censuses: int = 6) -> dict:
    from sendreform.places.models import Population, UnitCost
    from tests.factories import (
        EhcPlanFactory,
        EstablishmentFactory,
        PersonFactory,
        PlacementFactory,
        SenNeedFactory,
    )

    today = today or dt.date.today()
    last = today.year if sen2_census_date(today.year) <= today else today.year - 1
    primary = EstablishmentFactory(establishment_id="OAK", name="Oak Primary School")
    special = EstablishmentFactory(establishment_id="ASH", name="Ash Special School", kind="SPECIAL", phase="ALL_THROUGH",
                                   specialist_places=12)
    # Five children join each year for six years (or `censuses`), one in five in the special school, with ASD or
    # SEMH; each born so they are in year 1 to year 5 when their plan starts.
    for year in range(last - censuses + 1, last + 1):
        start = dt.date(year - 1, 10, 1)
        for i in range(5):
            person = PersonFactory(birth_date=dt.date(year - 7 - i % 5, 3, 1))
            SenNeedFactory(person=person, need_type="ASD" if i % 2 else "SEMH", start_date=start)
            EhcPlanFactory(person=person, start_date=start)
            PlacementFactory(person=person, establishment=special if i == 0 else primary, start_date=start)
    Population.objects.bulk_create([Population(year=y, age=a, population=1500)
                                    for y in range(last - 8, last + 12) for a in range(26)])
    UnitCost.objects.bulk_create([
        UnitCost(setting_category="MAINSTREAM", need_type=None, financial_year=f"{last - 1}-{last % 100:02d}",
                 annual_cost=1_000_000),
        UnitCost(setting_category="MAINTAINED_SPECIAL", need_type=None,
                 financial_year=f"{last - 1}-{last % 100:02d}", annual_cost=2_500_000),
    ])
    return {"last_census": last, "plans": 5 * censuses}


@pytest.fixture
def small_area(db):
    return small_area_build()


@pytest.fixture(scope="session")
def area_history():
    """The history of a small synthetic area (a twentieth of Reading), read from its tables without the
    database, for runs whose pages are tested."""
    from sendreform.demo.generator import generate_area
    from sendreform.forecast.history import history_from_tables

    as_at = dt.date(2026, 3, 1)
    return history_from_tables(tables=generate_area(seed=870, as_at=as_at, scale=0.05), as_at=as_at)


@pytest.fixture
def finished_run(db, area_history):
    """A finished run of the Experts at Hand scenario (100 simulations of 3 years) on the small area."""
    from pathlib import Path

    from sendreform.forecast.model import DEFAULT_HALF_LIFE
    from sendreform.forecasting.models import ForecastRun
    from sendreform.forecasting.services import forecast_run_compute, scenario_create
    from tests.factories import UserFactory

    text = (Path(__file__).resolve().parents[2] / "scenarios" / "experts-at-hand.yaml").read_text(encoding="utf-8")
    officer = UserFactory(username="olu")
    scenario = scenario_create(text=text, by=officer)
    run = ForecastRun.objects.create(scenario=scenario, scenario_name=scenario.name, scenario_text=text, sims=100,
                                     years=3, half_life=DEFAULT_HALF_LIFE, as_at=dt.date(2026, 3, 1),
                                     created_by=officer)
    return forecast_run_compute(run=run, history=area_history)


@pytest.fixture
def finished_backtest(db, area_history):
    """A finished backtest (50 simulations from each origin) of the small area's eight censuses, 2019 to 2026."""
    from sendreform.forecast.model import DEFAULT_HALF_LIFE
    from sendreform.forecasting.models import ForecastBacktest
    from sendreform.forecasting.services import forecast_backtest_compute
    from tests.factories import UserFactory

    backtest = ForecastBacktest.objects.create(sims=50, half_life=DEFAULT_HALF_LIFE, as_at=dt.date(2026, 3, 1),
                                               created_by=UserFactory(username="ade"))
    return forecast_backtest_compute(backtest=backtest, history=area_history)


# The real-England backtest's tests read the repository's extract of the DfE releases cut down to four areas:
# Reading, Slough and Wokingham, and Barnsley (whose 2022 new plans the 2025 release gives
# as the regional 6,078).
ENGLAND_AREAS = ("870", "871", "872", "370")


def small_release_write(folder):
    """The shipped extract (`sendreform/published/data/ehcp`) with only ENGLAND_AREAS' local authority rows
    (England's and the regions' rows kept), in the same layout and gzipped, under `folder`."""
    from pathlib import Path

    import pandas as pd
    from django.conf import settings

    source = Path(settings.PUBLISHED_EHCP)
    for path in source.glob("*/data/*.csv.gz"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        keep = (frame["geographic_level"] != "Local authority") | frame["old_la_code"].isin(ENGLAND_AREAS)
        out = Path(folder) / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        frame[keep].to_csv(out, index=False, compression="gzip")
    return Path(folder)


@pytest.fixture(scope="session")
def england_release(tmp_path_factory):
    return small_release_write(tmp_path_factory.mktemp("ehcp"))


@pytest.fixture(scope="session")
def england_computed(england_release):
    """The four areas' published data and their backtest (50 simulations, seed 870), computed once."""
    from sendreform.forecast.england import england_results
    from sendreform.forecast.published import published_load

    published = published_load(folder=england_release)
    return published, england_results(published=published, sims=50, seed=870)


@pytest.fixture
def finished_england(db, england_release, england_computed, monkeypatch):
    """A finished real-England backtest (50 simulations) of the four areas, stored by the service (the backtest
    itself computed once for the session)."""
    from sendreform.forecast import england
    from sendreform.forecasting.models import EnglandBacktest
    from sendreform.forecasting.services import forecast_england_compute
    from tests.factories import UserFactory

    published, results = england_computed
    monkeypatch.setattr(england, "england_results", lambda **kwargs: results)
    backtest = EnglandBacktest.objects.create(sims=50, source=str(england_release),
                                              created_by=UserFactory(username="ade"))
    return forecast_england_compute(backtest=backtest, published=published)
