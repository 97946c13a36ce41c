"""A small local area for the Experts at Hand tests: two clusters, Oak (North) with three children on its
roll, Ash (South) with one; a lead, an officer, Oak's SENCo, two practitioners, a board member."""

import datetime as dt
from decimal import Decimal

import pytest

from sendreform.accounts import roles
from tests.factories import (
    ClusterFactory,
    EahPractitionerFactory,
    EstablishmentFactory,
    PersonFactory,
    SenStatusFactory,
    UserFactory,
)


@pytest.fixture
def area(db):
    north, south = ClusterFactory(cluster_id="N", name="North"), ClusterFactory(cluster_id="S", name="South")
    oak = EstablishmentFactory(
        establishment_id="OAK", name="Oak Primary School", cluster=north, phase="PRIMARY"
    )
    ash = EstablishmentFactory(
        establishment_id="ASH", name="Ash Secondary School", cluster=south, phase="SECONDARY"
    )
    amira = PersonFactory(person_id="P1", forename="Amira", surname="Khan", birth_date=dt.date(2016, 3, 27))
    ben = PersonFactory(person_id="P2", forename="Ben", surname="Okoro", birth_date=dt.date(2015, 5, 1))
    # Year 6 in 2026/27: moves to secondary in 2027/28.
    cara = PersonFactory(person_id="P3", forename="Cara", surname="Lee", birth_date=dt.date(2015, 10, 2))
    dan = PersonFactory(person_id="P4", forename="Dan", surname="Hill", birth_date=dt.date(2012, 1, 9))
    for child in (amira, ben, cara):
        SenStatusFactory(person=child, establishment=oak)
    SenStatusFactory(person=dan, establishment=ash)
    EahPractitionerFactory(
        practitioner_id="870-EAH01",
        name="Priya Shah",
        discipline="EP",
        weekly_hours=Decimal("10.0"),
        email="priya@example.org",
    )
    EahPractitionerFactory(
        practitioner_id="870-EAH04", name="Sam Ortiz", discipline="SALT", weekly_hours=Decimal("20.0")
    )
    users = {
        "lead": UserFactory(username="lead", role=roles.EAH_LEAD, email="lead@example.org"),
        "lead2": UserFactory(username="lead2", role=roles.EAH_LEAD, first_name="Lee", last_name="Second"),
        "officer": UserFactory(username="officer", role=roles.OFFICER),
        "senco": UserFactory(
            username="senco", role=roles.SENCO, establishment=oak, email="senco@oak.example"
        ),
        "ash_senco": UserFactory(username="ash-senco", role=roles.SENCO, establishment=ash),
        "practitioner": UserFactory(
            username="priya", role=roles.EAH_PRACTITIONER, practitioner_id="870-EAH01"
        ),
        "other_practitioner": UserFactory(
            username="sam", role=roles.EAH_PRACTITIONER, practitioner_id="870-EAH04"
        ),
        "board": UserFactory(username="board", role=roles.BOARD_MEMBER),
        "pcf": UserFactory(username="pcf", role=roles.PCF_REP),
        "cluster_lead": UserFactory(username="north-lead", role=roles.CLUSTER_LEAD, cluster=north),
    }
    return {
        "oak": oak,
        "ash": ash,
        "north": north,
        "south": south,
        "amira": amira,
        "ben": ben,
        "cara": cara,
        "dan": dan,
        "users": users,
    }
