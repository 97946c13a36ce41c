"""The council's own lists brought in through the browser, as an officer would: the template workbook
downloaded from "Bring in data", a workbook with a fault refused with its sheet, row and column, the put-right
workbook previewed (a child matched by UPN, the rows each table gains) and confirmed; then the dashboard counts
the complaints it holds. Every page is checked with axe-core against WCAG 2.2 A and AA."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from sendreform.accounts.services import demo_users_ensure
from sendreform.imports.workbook import tables_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = dt.date


@pytest.fixture
def officer_signed_up(settings, tmp_path):
    settings.SENDREFORM_IMPORT_DIR = str(tmp_path / "imports")
    demo_users_ensure()


def _workbook(path, route: str):
    book = load_workbook(io.BytesIO(tables_workbook()))
    book["person"].append(["C-1", "A870200024001", None, "Amira", "Khan", D(2015, 9, 1), "F", "ABAN", None, "870"])
    book["tribunal_appeal"].append(["T1", "C-1", D(2025, 11, 2), "CONTENTS", None, None])
    book["complaint"].append(["CP1", D(2025, 10, 1), route, True, 1, D(2025, 11, 3), False])
    book.save(path)
    return str(path)


def _upload(page, path):
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Bring in data").click()
    with page.expect_file_chooser() as chooser:
        page.get_by_label("Upload a tables file").click()
    chooser.value.set_files(path)
    page.get_by_role("button", name="Check the tables file").click()


def test_an_officer_brings_in_the_council_lists_workbook(page, officer_signed_up, sign_in, axe_check, tmp_path):
    from tests.factories import PersonFactory

    PersonFactory(person_id="S2-amira", upn="A870200024001", forename="Amira", surname="Khan",
                  birth_date=D(2015, 9, 1))
    page.set_default_timeout(60_000)
    sign_in(page, "officer")

    # Given the template workbook, downloaded from "Bring in data"
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Bring in data").click()
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template workbook").click()
    assert download.value.suggested_filename == "sendreform-tables-template.xlsx"
    template = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert template["complaint"]["A1"].value == "complaint_id"

    # When a workbook with a route that is not a code is uploaded, it is refused with its place
    _upload(page, _workbook(tmp_path / "bad.xlsx", "BY_POST"))
    expect(page.get_by_role("heading", level=1)).to_have_text("bad.xlsx cannot be imported")
    expect(page.get_by_role("table").filter(has_text="'BY_POST' is not a COMPLAINT_ROUTE code")).to_contain_text(
        "bad.xlsx, sheet complaint, column route")
    axe_check(page)

    # When the put-right workbook is uploaded, the preview matches Amira by UPN and counts each table's rows
    _upload(page, _workbook(tmp_path / "lists.xlsx", "CORPORATE"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what lists.xlsx would change")
    expect(page.get_by_text("1 matched a child or young person already stored")).to_contain_text("1 by UPN")
    counts = page.get_by_role("table", name="What the import changes, by table")
    expect(counts.get_by_role("row").filter(has_text="complaint")).to_contain_text("1")
    axe_check(page)

    # And confirmed, it is imported and can be reversed
    page.get_by_role("button", name="Import the file").click()
    expect(page.get_by_role("alert")).to_contain_text("lists.xlsx imported:")
    expect(page.get_by_role("link", name="Reverse this import")).to_be_visible()
    axe_check(page)

    from sendreform.voice.models import TribunalAppeal

    assert TribunalAppeal.objects.get().person_id == "S2-amira"
