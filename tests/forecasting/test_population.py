"""The background population page: everyone reads what is stored by January census and age group (with its CSVs
and the history of replacements); officers, analysts and administrators upload an ONS file, check what was read
beside what is stored, and confirm before anything changes; a file that cannot be read names its row and column
and changes nothing; other roles are refused."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.dateformat import format as date_format

from sendreform.accounts import roles
from sendreform.cli.main import main
from sendreform.places.models import Population, PopulationLoad
from tests.factories import UserFactory
from tests.forecasting.test_views import csv_rows, page_tables

pytestmark = pytest.mark.django_db

PAGE, CONFIRM = "/forecasts/population/", "/forecasts/population/confirm/"
STORED = "Background population by January census and age group"
IN_FILE = "Population in the file by January census and age group"
STORED_NOW = "Population stored now for the same censuses"
DIFFERENCE = "Difference in population: the file less what is stored now"
HEADER = ["January census", "Under 5", "5-10", "11-15", "16-19", "20-25", "Total (ages 0 to 25)"]


def mye_text(*, areas=("E06000038",), blank=None) -> str:
    """ONS mid-year estimates for mid-2024 to mid-2027 (the January 2025 to 2028 censuses), ages 0 to 90: in
    mid-2025 males number 300 + age and females 290 + age, ten more of each every year after (ten fewer in
    mid-2024). So in January 2026 the persons aged a number 590 + 2a. `blank` empties one cell: (sex, age, year)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    years = range(2024, 2028)
    writer.writerow(["ladcode23", "laname23", "country", "sex", "age", *[f"population_{y}" for y in years]])
    for area in areas:
        for sex in (1, 2):
            for age in range(91):
                values = [(300 if sex == 1 else 290) + age + 10 * (y - 2025) for y in years]
                if blank and blank[:2] == (sex, age):
                    values[blank[2] - 2024] = ""
                writer.writerow([area, "Reading", "E", sex, age, *values])
    return out.getvalue()


def upload(text: str, name: str = "mye-2027.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def stored():
    """1,000 people at every age for the January 2024 to 2027 censuses."""
    Population.objects.bulk_create([Population(year=y, age=a, population=1000) for y in range(2024, 2028)
                                    for a in range(26)])


def _client(client, role, username=None):
    user = UserFactory(role=role, **({"username": username} if username else {}))
    client.force_login(user)
    return user


def _stored() -> dict[tuple[int, int], int]:
    return {(p.year, p.age): p.population for p in Population.objects.all()}


def test_an_officer_uploads_an_ons_file_checks_it_and_replaces_the_population(client, stored):
    # Given an officer and 1,000 people stored at every age for January 2024 to 2027
    _client(client, roles.OFFICER, username="olu")
    before = _stored()
    # When they upload mid-year estimates for mid-2024 to mid-2027
    response = client.post(PAGE, {"file": upload(mye_text()), "area": ""})
    # Then they are asked to check what was read, and nothing is stored yet
    assert response.status_code == 302 and response["Location"] == CONFIRM
    assert _stored() == before and not PopulationLoad.objects.exists()
    page = client.get(CONFIRM)
    text = page.content.decode()
    assert "Check the population before it is stored</h1>" in text
    assert "ONS mid-year estimates" in text and "E06000038" in text and "mye-2027.csv" in text
    assert "2025 to 2028 (4 years of ages 0 to 25: 104 rows)" in text
    assert "Nothing is stored yet for the January 2028 census: that year will be added." in text
    tables = page_tables(page)
    # January 2026 is mid-2025: persons aged a are 590 + 2a, so ages 5 to 10 are 6 x 590 + 2 x (5 + ... + 10)
    # = 3,540 + 90 = 3,630, under 5s 5 x 590 + 2 x 10 = 2,970, and ages 0 to 25 26 x 590 + 2 x 325 = 15,990
    assert tables[IN_FILE][0] == HEADER
    assert tables[IN_FILE][2] == ["2026", "2,970", "3,630", "3,080", "2,500", "3,810", "15,990"]
    # January 2028 (mid-2027) is 40 more at each age: 6 x 40 more aged 5 to 10
    assert tables[IN_FILE][4][:3] == ["2028", "3,170", "3,870"]
    # Beside it what is stored now for those censuses (6 ages of 1,000 aged 5 to 10), and the difference
    assert tables[STORED_NOW][1:] == [[str(y), "5,000", "6,000", "5,000", "4,000", "6,000", "26,000"]
                                      for y in (2025, 2026, 2027)]
    assert tables[DIFFERENCE][2] == ["2026", "-2,030", "-2,370", "-1,920", "-1,500", "-2,190", "-10,010"]
    assert [row[0] for row in tables[DIFFERENCE][1:]] == ["2025", "2026", "2027"]
    assert ">Replace the stored population for these years</button>" in text and ">Cancel</button>" in text

    # When they confirm
    token = client.session["forecasting-population-upload"]["token"]
    response = client.post(CONFIRM, {"upload": token, "action": "replace"})
    # Then the file's censuses are stored, January 2024 is kept, and they are told what changed
    assert response.status_code == 302 and response["Location"] == PAGE
    after = _stored()
    assert after[(2026, 4)] == 598 and after[(2028, 10)] == 590 + 2 * 10 + 2 * 20
    assert all(after[(2024, a)] == 1000 for a in range(26))
    assert len(after) == 5 * 26
    page = client.get(PAGE)
    text = page.content.decode()
    assert "govuk-notification-banner--success" in text
    assert "Population replaced for the January 2025 to 2028 censuses: 26 added, 78 changed, 0 unchanged" in text
    rows = page_tables(page)[STORED]
    assert rows[1] == ["2024", "5,000", "6,000", "5,000", "4,000", "6,000", "26,000"]
    assert rows[3] == ["2026", "2,970", "3,630", "3,080", "2,500", "3,810", "15,990"]
    assert "Stored now: the January 2024 to 2028 censuses (5 years of ages 0 to 25, 130 rows)." in text
    # And the banner shows once
    assert "govuk-notification-banner" not in client.get(PAGE).content.decode()


def test_the_history_shows_who_replaced_it_when_and_from_which_file(client, stored, tmp_path):
    # Given a load on the command line, then the same file uploaded by an analyst
    path = tmp_path / "mye-2027.csv"
    path.write_text(mye_text(), encoding="utf-8")
    assert main(["population", "load", str(path)]) == 0
    _client(client, roles.ANALYST, username="ana")
    client.post(PAGE, {"file": upload(mye_text()), "area": ""})
    client.post(CONFIRM, {"upload": client.session["forecasting-population-upload"]["token"], "action": "replace"})
    # When the page is read
    page = client.get(PAGE)
    # Then the second changed nothing, and both are in the history, the latest first
    assert "0 added, 0 changed, 104 unchanged" in page.content.decode()
    history = page_tables(page)["Replacements of the population: who, when and from which file"]
    assert history[0] == ["When", "Who", "File", "What it was", "Area", "January censuses", "Rows added",
                          "Rows changed", "Rows unchanged"]
    assert history[1][1:] == ["ana", "mye-2027.csv", "ONS mid-year estimates", "E06000038", "2025 to 2028", "0",
                              "0", "104"]
    assert history[2][1:] == ["sendreform population load", str(path), "ONS mid-year estimates", "E06000038",
                              "2025 to 2028", "26", "78", "0"]
    load = PopulationLoad.objects.get(source="mye-2027.csv")
    assert load.by.username == "ana" and (load.year_from, load.year_to) == (2025, 2028)
    # And its CSV holds what the table shows
    assert csv_rows(client.get("/forecasts/population/history.csv"))[1][1:] == history[1][1:]


def test_each_csv_holds_exactly_what_its_table_shows(client, stored):
    _client(client, roles.OFFICER)
    shown = page_tables(client.get(PAGE))[STORED]
    download = client.get("/forecasts/population/by-age-group.csv")
    assert download["Content-Type"].startswith("text/csv")
    assert csv_rows(download) == [[cell.replace(",", "") for cell in row] for row in shown]
    # Every stored row, as the canonical population.csv
    rows = csv_rows(client.get("/forecasts/population/population.csv"))
    assert rows[0] == ["year", "age", "population"] and len(rows) == 1 + 4 * 26
    assert rows[1] == ["2024", "0", "1000"] and rows[-1] == ["2027", "25", "1000"]
    # And the check page's tables, while a file waits
    client.post(PAGE, {"file": upload(mye_text()), "area": ""})
    tables = page_tables(client.get(CONFIRM))
    for key, caption in (("file", IN_FILE), ("stored", STORED_NOW), ("difference", DIFFERENCE)):
        download = csv_rows(client.get(f"/forecasts/population/confirm/{key}.csv"))
        assert download == [[cell.replace(",", "") for cell in row] for row in tables[caption]], key


def test_the_every_row_download_can_be_uploaded_again_and_changes_nothing(client, stored):
    _client(client, roles.ADMIN)
    text = client.get("/forecasts/population/population.csv").content.decode()
    response = client.post(PAGE, {"file": upload(text, name="population.csv"), "area": ""})
    assert response.status_code == 302
    page = client.get(CONFIRM).content.decode()
    assert "canonical population.csv" in page and "None: a canonical population.csv names no area" in page
    client.post(CONFIRM, {"upload": client.session["forecasting-population-upload"]["token"], "action": "replace"})
    assert "Population replaced for the January 2024 to 2027 censuses: 0 added, 0 changed, 104 unchanged" in \
        client.get(PAGE).content.decode()


def test_a_file_that_cannot_be_read_names_the_row_and_column_and_stores_nothing(client, stored):
    _client(client, roles.OFFICER)
    before = _stored()
    # Given a file whose females aged 4 have no mid-2025 figure (the 96th row of data: 91 males come first)
    page = client.post(PAGE, {"file": upload(mye_text(blank=(2, 4, 2025))), "area": ""})
    text = page.content.decode()
    # Then the error summary names the uploaded file, the row and the column, and nothing is stored or waiting
    assert page.status_code == 400 and "<title>Error: " in text
    assert "govuk-error-summary" in text
    assert "mye-2027.csv, row 96 (line 97), column population_2025: is empty" in text
    assert '<a href="#id_file">' in text
    assert "/tmp" not in text
    assert _stored() == before and not PopulationLoad.objects.exists()
    assert "forecasting-population-upload" not in client.session


def test_a_file_of_two_areas_asks_which_area(client, stored):
    _client(client, roles.OFFICER)
    page = client.post(PAGE, {"file": upload(mye_text(areas=("E06000038", "E06000039"))), "area": ""})
    text = page.content.decode()
    assert page.status_code == 400
    assert ("mye-2027.csv, column ladcode23: holds 2 areas (E06000038, E06000039): enter the code of the area to "
            "use in Area code") in text
    assert '<a href="#id_area">' in text
    # When they say which, it is read
    response = client.post(PAGE, {"file": upload(mye_text(areas=("E06000038", "E06000039"))), "area": "e06000039"})
    assert response.status_code == 302
    assert client.session["forecasting-population-upload"]["area"] == "E06000039"
    # And an area the file does not hold is refused on the area code
    page = client.post(PAGE, {"file": upload(mye_text()), "area": "E06000040"})
    assert page.status_code == 400 and "has no rows for area E06000040: check the area code" in page.content.decode()


@pytest.mark.parametrize(("file", "area", "message"), [
    (None, "", "Select a population CSV file"),
    (SimpleUploadedFile("mye.xlsx", b"PK\x03\x04"), "", "The selected file must be a CSV (a file name ending .csv)"),
    (SimpleUploadedFile("big.csv", b"x" * (5 * 1024 * 1024 + 1)), "", "The selected file must be smaller than 5 MB"),
    (SimpleUploadedFile("empty.csv", b""), "", "The selected file is empty"),
    (SimpleUploadedFile("mye.csv", mye_text().encode()), "Reading",
     "Enter the area code as the ONS writes it, a letter and 8 digits, like E06000038"),
])
def test_a_file_that_is_not_a_small_csv_is_refused(client, stored, file, area, message):
    _client(client, roles.OFFICER)
    page = client.post(PAGE, {"area": area, **({"file": file} if file else {})})
    assert page.status_code == 400 and message in page.content.decode()
    assert not PopulationLoad.objects.exists()


def test_cancelling_stores_nothing(client, stored):
    _client(client, roles.OFFICER)
    before = _stored()
    client.post(PAGE, {"file": upload(mye_text()), "area": ""})
    token = client.session["forecasting-population-upload"]["token"]
    response = client.post(CONFIRM, {"upload": token, "action": "cancel"})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert "Nothing was changed: mye-2027.csv was not stored." in client.get(PAGE).content.decode()
    assert _stored() == before and not PopulationLoad.objects.exists()
    # And confirming it afterwards (from another tab) changes nothing either
    client.post(CONFIRM, {"upload": token, "action": "replace"})
    assert "Nothing was changed: the file you confirmed is no longer waiting" in client.get(PAGE).content.decode()
    assert _stored() == before


def test_a_confirmation_of_an_older_upload_stores_nothing(client, stored):
    # Given a first file read, then a second one: the first's confirmation is stale
    _client(client, roles.OFFICER)
    client.post(PAGE, {"file": upload(mye_text()), "area": ""})
    first = client.session["forecasting-population-upload"]["token"]
    client.post(PAGE, {"file": upload(mye_text(), name="again.csv"), "area": ""})
    before = _stored()
    client.post(CONFIRM, {"upload": first, "action": "replace"})
    assert _stored() == before
    # And the page says a file is still waiting
    assert "again.csv has been read and is waiting for you to check it" in client.get(PAGE).content.decode()


def test_a_board_member_reads_the_population_but_cannot_replace_it(client, stored):
    # Given a board member
    _client(client, roles.BOARD_MEMBER)
    page = client.get(PAGE)
    text = page.content.decode()
    # Then they see the table and the history, and no form
    assert page.status_code == 200
    assert page_tables(page)[STORED][1] == ["2024", "5,000", "6,000", "5,000", "4,000", "6,000", "26,000"]
    assert "Read the file" not in text and 'type="file"' not in text
    assert "Council SEND officers, analysts and administrators can replace the population." in text
    # And an upload or a confirmation sent anyway is refused, and nothing changes
    before = _stored()
    assert client.post(PAGE, {"file": upload(mye_text()), "area": ""}).status_code == 403
    assert client.get(CONFIRM).status_code == 403
    assert client.post(CONFIRM, {"upload": "x", "action": "replace"}).status_code == 403
    assert _stored() == before and not PopulationLoad.objects.exists()
    assert client.get("/forecasts/population/population.csv").status_code == 200


def test_nothing_stored_says_what_that_means(client):
    _client(client, roles.OFFICER)
    text = client.get(PAGE).content.decode()
    assert "No population is stored. A forecast run cannot join anyone without it" in text
    assert "Download every stored row" not in text


def test_the_page_says_which_censuses_the_latest_run_used(client, stored, finished_run):
    # Given a run that learned from the January 2019 to 2026 censuses and projected 3 years
    _client(client, roles.PCF_REP)
    text = " ".join(client.get(PAGE).content.decode().split())
    finished = date_format(timezone.localtime(finished_run.finished), "j F Y")
    assert (f'run {finished_run.pk}</a> (finished {finished}), measured joining against the '
            "population of the January 2020 to 2026 censuses and projected new plans from that of January 2027 to "
            "2029") in text


def test_the_forecasts_pages_link_to_the_population(client):
    _client(client, roles.BOARD_MEMBER)
    text = client.get("/forecasts/").content.decode()
    assert 'href="/forecasts/population/">Population</a>' in text
    assert "Runs join from the area's <a class=\"govuk-link\" href=\"/forecasts/population/\">background population" \
        in text
    assert 'href="/forecasts/population/" aria-current="page">Population</a>' in client.get(PAGE).content.decode()


def test_signing_in_is_needed(client):
    for response in (client.get(PAGE), client.post(PAGE, {}), client.get(CONFIRM),
                     client.get("/forecasts/population/population.csv")):
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_a_canonical_file_of_one_census_is_read_and_stored(client, stored):
    # Given a population.csv holding the January 2026 census only: 2,000 at every age
    _client(client, roles.OFFICER)
    text = "year,age,population\n" + "".join(f"2026,{age},2000\n" for age in range(26))
    client.post(PAGE, {"file": upload(text, name="population.csv"), "area": ""})
    page = client.get(CONFIRM).content.decode()
    assert "2026 (1 year of ages 0 to 25: 26 rows)" in page
    client.post(CONFIRM, {"upload": client.session["forecasting-population-upload"]["token"], "action": "replace"})
    assert "Population replaced for the January 2026 census: 0 added, 26 changed, 0 unchanged" in \
        client.get(PAGE).content.decode()
    assert _stored()[(2026, 25)] == 2000 and _stored()[(2027, 25)] == 1000
