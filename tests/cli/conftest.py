"""A small hand-built local area in the test database, and a folder of canonical CSV files, for the command's
tests. The database rows are committed (transactional tests) because the command reads them through its own
Ibis connection, as it does in production."""

import csv
import datetime as dt

import pytest

from sendreform.people.models import Cluster, Establishment, Person
from sendreform.standards.schemas import TABLE_ORDER, TABLES
from sendreform.statutory.models import AnnualReview, EhcAssessment, EhcPlan, EhcRequest, Placement

D = dt.date


def _save(*instances):
    for instance in instances:
        instance.save()


@pytest.fixture
def small_area(transactional_db):
    """Two children, two schools, one request in progress and two plans (one issued after 15 January 2026).

    As at 2026-01-15 a snapshot holds: 1 cluster, 2 establishments, 2 people, 1 request (decided),
    1 assessment (still awaiting), 1 plan (EHCP2; EHCP1 is issued later), 1 annual review and 2 placements
    (PL2 still open).
    """
    north = Cluster(cluster_id="C1", name="North")
    oakfield = Establishment(
        establishment_id="E1",
        urn=100001,
        name="Oakfield Primary",
        la_code="870",
        phase="PRIMARY",
        kind="MAINSTREAM",
        funding="MAINTAINED",
        in_area=True,
        cluster=north,
    )
    brookside = Establishment(
        establishment_id="E2",
        urn=100002,
        name="Brookside Academy",
        la_code="870",
        phase="ALL_THROUGH",
        kind="SPECIAL",
        funding="ACADEMY",
        in_area=True,
        cluster=north,
        specialist_places=120,
    )
    amira = Person(
        person_id="P1",
        forename="Amira",
        surname="Khan",
        birth_date=D(2015, 9, 1),
        sex="F",
        ethnicity="ABAN",
        home_la="870",
    )
    ben = Person(
        person_id="P2",
        forename="Ben",
        surname="Okafor",
        birth_date=D(2010, 3, 1),
        sex="M",
        ethnicity="BAFR",
        home_la="870",
    )
    request = EhcRequest(
        request_id="R1",
        person=amira,
        received_date=D(2025, 10, 1),
        request_source=2,
        outcome="Y",
        outcome_date=D(2025, 11, 10),
    )
    assessment = EhcAssessment(assessment_id="A1", request=request, outcome="Y", outcome_date=D(2026, 3, 1))
    new_plan = EhcPlan(plan_id="EHCP1", person=amira, assessment=assessment, start_date=D(2026, 3, 20))
    transferred = EhcPlan(plan_id="EHCP2", person=ben, start_date=D(2023, 5, 2), transfer_in_la="871")
    review = AnnualReview(
        review_id="AR1",
        plan=transferred,
        meeting_date=D(2025, 5, 1),
        decision_date=D(2025, 5, 20),
        outcome="M",
    )
    at_oakfield = Placement(
        placement_id="PL1", person=amira, establishment=oakfield, start_date=D(2024, 9, 1)
    )
    at_brookside = Placement(
        placement_id="PL2",
        person=ben,
        establishment=brookside,
        start_date=D(2023, 9, 1),
        end_date=D(2026, 7, 20),
    )
    _save(
        north,
        oakfield,
        brookside,
        amira,
        ben,
        request,
        assessment,
        new_plan,
        transferred,
        review,
        at_oakfield,
        at_brookside,
    )
    return {"placement": at_oakfield}


def write_csv(path, name, rows):
    columns = TABLES[name].column_names
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows([[row.get(c, "") for c in columns] for row in rows])


@pytest.fixture
def canonical_folder(tmp_path):
    """A folder of canonical CSV files: one clean person, every other table empty."""
    folder = tmp_path / "canonical"
    folder.mkdir()
    for name in TABLE_ORDER:
        write_csv(folder / f"{name}.csv", name, [])
    write_csv(
        folder / "person.csv",
        "person",
        [
            {
                "person_id": "P1",
                "forename": "Amira",
                "surname": "Khan",
                "birth_date": "2015-09-01",
                "sex": "F",
                "ethnicity": "ABAN",
                "home_la": "870",
            },
        ],
    )
    return folder
