"""A small hand-built local area in the database: thirty children with plans over six January censuses in a
mainstream primary and a maintained special school, a flat population, and unit costs; and the demo users."""

import datetime as dt

import pytest

from sendreform.standards.periods import sen2_census_date


def small_area_build(*, today: dt.date | None = None) -> dict:
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
    # Five children join each year for six years, one in five in the special school, with ASD or SEMH; each
    # born so they are in year 1 to year 5 when their plan starts.
    for year in range(last - 5, last + 1):
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
    return {"last_census": last, "plans": 30}


@pytest.fixture
def small_area(db):
    return small_area_build()
