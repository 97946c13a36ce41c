"""A small local area whose figures a person can work out by hand, committed to the test database (the
dashboard reads it through its own Ibis connection, as in production), and an empty cache for each test."""

import datetime as dt

import pytest

AS_AT = dt.date(2026, 3, 31)
# The filters' query string for the as-at date above.
AS_AT_QUERY = "as_at_day=31&as_at_month=3&as_at_year=2026"


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    # Figures are cached by their data version (row counts); two tests' areas could have the same counts.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def area(transactional_db):
    """Two clusters; Oak and Elm primaries in North, Ash secondary in South. Three children with EHC plans
    (from 15 January 2025) on 31 March 2026: Amira (Oak, autism), Ben (Oak, social, emotional and mental
    health) and Chloe (Ash, autism). So ehcp_total is 3: 2 at Oak, 1 at Ash; 2 ASD and 1 SEMH; 2 in North."""
    from tests.factories import (
        ClusterFactory,
        EhcPlanFactory,
        EstablishmentFactory,
        PersonFactory,
        PlacementFactory,
        SenNeedFactory,
        SenStatusFactory,
    )

    north, south = ClusterFactory(cluster_id="N", name="North"), ClusterFactory(cluster_id="S", name="South")
    oak = EstablishmentFactory(establishment_id="OAK", name="Oak Primary School", cluster=north)
    EstablishmentFactory(establishment_id="ELM", name="Elm Primary School", cluster=north)
    ash = EstablishmentFactory(establishment_id="ASH", name="Ash Secondary School", phase="SECONDARY", cluster=south)
    children = [("P1", "Amira", oak, "ASD", dt.date(2016, 3, 27)), ("P2", "Ben", oak, "SEMH", dt.date(2017, 1, 9)),
                ("P3", "Chloe", ash, "ASD", dt.date(2012, 5, 1))]
    for person_id, forename, school, need, birth in children:
        person = PersonFactory(person_id=person_id, forename=forename, birth_date=birth)
        SenStatusFactory(person=person, establishment=school, sen_provision="E")
        SenNeedFactory(person=person, need_type=need)
        PlacementFactory(person=person, establishment=school)
        EhcPlanFactory(person=person)
    return {"oak": oak, "north": north, "ash": ash}
