"""A school census term brought in through the browser, as an officer would: a term whose file has a pupil
with a bad UPN is refused, the report naming the file, row and column; the corrected term's preview shows the
pupils matched and the enrolment it closes; the import is confirmed and can be reversed. Every page is checked
with axe-core against WCAG 2.2 A and AA."""

import pytest
from playwright.sync_api import expect

from sendreform.accounts.services import demo_users_ensure
from sendreform.imports.census import census_export_files
from sendreform.interchange.census import census_zip
from sendreform.statutory.models import Placement
from tests.imports.test_census import _area, upn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload(page, path):
    with page.expect_file_chooser() as chooser:
        page.get_by_label("Upload a school census file").click()
    chooser.value.set_files(str(path))
    page.get_by_role("button", name="Check the school census file").click()


def test_an_officer_brings_in_a_census_term_checks_its_preview_and_confirms_it(page, settings, tmp_path, sign_in,
                                                                                 axe_check):
    settings.SENDREFORM_IMPORT_DIR = str(tmp_path / "imports")
    demo_users_ensure()
    _area()
    # The spring 2026 census of Oakfield and Elm: Ben Bell is no longer on Oakfield's roll.
    files = [(n, b"".join(line for line in d.splitlines(keepends=True) if b"Bell" not in line))
             for n, d in census_export_files(year=2026, term="spring")]
    good = tmp_path / "census_2026_spring.zip"
    good.write_bytes(census_zip(files))
    ada = upn("870200024001")
    wrong = ("B" if ada[0] != "B" else "C") + ada[1:]
    bad = tmp_path / "census_2026_spring_bad.zip"
    bad.write_bytes(census_zip([(n, d.replace(ada.encode(), wrong.encode())) for n, d in files]))

    page.set_default_timeout(30_000)
    sign_in(page, "officer")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Bring in data").click()
    expect(page.get_by_role("heading", name="School census", exact=True)).to_be_visible()
    axe_check(page)

    # A bad UPN: refused, the row and column named, nothing stored
    _upload(page, bad)
    expect(page.get_by_role("heading", level=1)).to_have_text("census_2026_spring_bad.zip cannot be imported")
    failures = page.get_by_role("table", name="Failures", exact=True)
    expect(failures).to_contain_text("2026_spring_pupilonroll.csv, row 2, column upn: the UPN's check letter "
                                     f"should be {ada[0]}, not {wrong[0]}")
    axe_check(page)

    # The corrected term: previewed, the enrolment that closes shown, nothing stored yet
    page.get_by_role("link", name="Bring in data").first.click()
    _upload(page, good)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what census_2026_spring.zip would change")
    expect(page.get_by_text("2 matched a child or young person already stored")).to_contain_text("0 new")
    counts = page.get_by_role("table", name="What the import changes, by table")
    expect(counts.get_by_role("row").filter(has_text="Placements")).to_contain_text("1")
    expect(page.get_by_role("table", name="Examples of the changes")).to_contain_text("no longer on the roll of OAK")
    assert Placement.objects.get(placement_id="PL-BEN").end_date is None
    axe_check(page)

    # Confirmed: the enrolment is ended, and the import can be reversed
    page.get_by_role("button", name="Import the file").click()
    expect(page.get_by_role("alert")).to_contain_text("census_2026_spring.zip imported: 1 rows added, changed or "
                                                      "closed.")
    expect(page.get_by_role("link", name="Reverse this import")).to_be_visible()
    assert str(Placement.objects.get(placement_id="PL-BEN").end_date) == "2026-01-14"
    axe_check(page)
