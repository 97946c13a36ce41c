"""Another local area's SEN2 return imported into an empty database: its children are found, their records
show the timeline the return describes, and the dashboard's indicators count them."""

import datetime as dt
from pathlib import Path

import pytest

from sendreform.accounts import roles
from sendreform.common.warehouse import ibis_connection
from sendreform.imports.sen2 import sen2_apply, sen2_check, sen2_preview
from sendreform.metrics import engine
from sendreform.people.models import Person
from sendreform.people.selectors import person_search, person_timeline
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the dashboard reads through its own connection

SAMPLE = Path(__file__).parent / "files" / "sen2_2026.xml"
CENSUS = dt.date(2026, 1, 15)


def test_a_second_areas_return_into_an_empty_database_shows_its_children_timeline_and_indicators():
    # The sample 2026 return as LA 931 makes it: five people, two with plans active on the census date.
    data = SAMPLE.read_bytes().replace(b"<LEA>870</LEA>", b"<LEA>931</LEA>")
    checked = sen2_check(data=data, file_name="sen2_931.xml", by_name="pytest")
    assert checked.report.errors == 0
    sen2_apply(checked=checked, preview=sen2_preview(checked=checked, create_establishments=True))
    assert sorted(Person._base_manager.values_list("surname", "home_la")) == [
        ("Begum", "931"), ("Evans", "931"), ("Nowak", "931"), ("Okafor", "931"), ("Smith", "931")]

    officer = UserFactory(role=roles.OFFICER)
    [amara] = person_search(user=officer, text="Okafor")
    events = [(e.date, e.summary) for year in person_timeline(user=officer, person_id=amara.person_id)
              for e in year.events]
    assert (dt.date(2025, 6, 20), "Final EHC plan issued") in events
    assert (dt.date(2025, 6, 20), "Primary need recorded: Autistic spectrum disorder") in events

    # The dashboard's engine on the live database (the browser test opens the dashboard itself).
    con = ibis_connection()
    [figure] = engine.evaluate(engine.tables_from_connection(con), as_ats=[CENSUS], ids=["ehcp_total"], con=con)
    assert figure.value == 2  # Amara Okafor's plan and Sana Begum's, transferred in
