import datetime as dt

import pytest

from sendreform.accounts import roles
from tests.factories import (
    EstablishmentFactory,
    PersonFactory,
    PlacementFactory,
    SenStatusFactory,
    UserFactory,
)

D = dt.date.fromisoformat


@pytest.fixture
def school(db):
    return EstablishmentFactory(name="Oakfield Primary School")


@pytest.fixture
def other_school(db):
    return EstablishmentFactory(name="Riverside Secondary School", phase="SECONDARY")


@pytest.fixture
def pupil(school):
    """A year-6 pupil (born 1 October 2014) on Oakfield's roll since September 2021, on SEN support."""
    person = PersonFactory(forename="Amira", surname="Khan", birth_date=D("2014-10-01"))
    PlacementFactory(person=person, establishment=school, start_date=D("2021-09-01"), end_date=None)
    SenStatusFactory(person=person, establishment=school, sen_provision="K", start_date=D("2021-09-01"),
                     end_date=None)
    return person


@pytest.fixture
def senco(school):
    return UserFactory(username="senco1", role=roles.SENCO, establishment=school, first_name="Sam",
                       last_name="Okafor", email="senco@example.org")


@pytest.fixture
def caseworker(db):
    return UserFactory(username="cara", role=roles.CASEWORKER, first_name="Cara", last_name="Nwosu",
                       email="cara@example.org")


@pytest.fixture
def manager(db):
    return UserFactory(username="tom", role=roles.TEAM_MANAGER, first_name="Tom", last_name="Brennan")


@pytest.fixture
def health(db):
    return UserFactory(username="hannah", role=roles.HEALTH, first_name="Hannah", last_name="Reid",
                       email="hannah@example.org")
