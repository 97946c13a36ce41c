"""The returns tests use the plan tests' fixtures (Reading's plan, loaded; users of each role) and a small area:
8 children with EHC plans in a mainstream school from January 2025, and 4 more from 1 August 2026, so the
quarterly return's "children with EHC plans in mainstream" is 8 at 30 June 2026 and 12 at 30 September 2026."""

import datetime as dt

import pytest

from tests.plan.conftest import reading_plan, reading_text, users  # noqa: F401 - fixtures, found by name


@pytest.fixture
def small_area(transactional_db):
    from tests.factories import EhcPlanFactory, EstablishmentFactory, PersonFactory, PlacementFactory

    school = EstablishmentFactory()
    for start in [dt.date(2025, 1, 15)] * 8 + [dt.date(2026, 8, 1)] * 4:
        person = PersonFactory()
        EhcPlanFactory(person=person, start_date=start)
        PlacementFactory(person=person, establishment=school, start_date=start)
    return school
