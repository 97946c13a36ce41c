"""The pure reader of the DfE release CSVs: figures as published (symbols kept), geography with both codes,
the Yorkshire and the Humber 2022 new plans mended, unknown columns noted, bad input named by file, row and
column. Figures checked by hand against ../shared/data/ehcp."""

import pytest

from sendreform.interchange.published import PublishedDataError, neighbours_read, published_read
from sendreform.published.selectors import NEIGHBOURS_FILE

from .conftest import subset_write


def _find(values, **match):
    found = [v for v in values if all(getattr(v, k) == want for k, want in match.items())]
    assert len(found) == 1, found
    return found[0]


def test_reads_both_releases_with_figures_a_person_can_find(subset):
    r2022, r2025 = published_read(folder=subset)
    assert (r2022.name, r2025.name) == ("education-health-and-care-plans_2022", "education-health-and-care-plans_2025")
    # caseload.csv, 202425, Reading (E06000038, 870), All EHC plans: ehcplans 1966
    reading = _find(r2025.values, file="caseload.csv", code="E06000038", time_period="202425", measure="ehcplans")
    assert (reading.text, reading.number, reading.old_code, reading.level, reading.year) == ("1966", 1966, "870", "la", 2025)
    assert reading.region_code == "E12000008" and reading.name == "Reading"
    england = _find(r2025.values, file="caseload.csv", level="england", time_period="202425", measure="ehcplans")
    assert england.number == 638745 and england.code == "E92000001"
    # timeliness_20_week.csv, 2024, South East: PC_plans_issued_20_weeks_ex 38.2
    south_east = _find(r2025.values, file="timeliness_20_week.csv", code="E12000008", time_period="2024",
                       measure="PC_plans_issued_20_weeks_ex")
    assert south_east.text == "38.2" and south_east.level == "region"
    # The DfE's symbols stay as published: England's 2019 assessments are 'x'
    x = _find(r2025.values, file="assessments.csv", level="england", time_period="2019", measure="assess_in_year")
    assert (x.text, x.number) == ("x", None)
    # the 2022 release: sen2_age_caseload.csv, 2018, Reading, Total: Total_all 1173 (140 statements and 1,033 EHC plans)
    old = _find(r2022.values, file="sen2_age_caseload.csv", code="E06000038", time_period="2018", measure="Total_all")
    assert old.text == "1173" and old.old_code == "870"


def test_the_yorkshire_2022_new_plans_take_each_areas_own_rows(subset):
    _, r2025 = published_read(folder=subset)
    # Published as 6,078 (the regional total) for Barnsley; its own age rows sum to 319
    barnsley = _find(r2025.values, file="newplans.csv", code="E08000016", time_period="2022", measure="new_ehc_plans")
    assert barnsley.number == 319
    assert any("Barnsley (370) 2022 new plans published as 6,078 is not the sum of its own age rows, 319" in note
               for note in r2025.notes)
    # Reading's own total agrees with its rows, so it stays as published
    reading = _find(r2025.values, file="newplans.csv", code="E06000038", time_period="2022", measure="new_ehc_plans")
    assert "Reading" not in " ".join(r2025.notes) and reading.number is not None


def test_a_later_release_with_an_unknown_column_is_read_and_the_column_named(tmp_path):
    subset_write(tmp_path, files=("requests",), codes={"E06000038"})
    old = tmp_path / "education-health-and-care-plans_2025"
    new = tmp_path / "education-health-and-care-plans_2026"
    old.rename(new)
    path = new / "data" / "requests.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",requests_new_measure"] + [line + ",z" for line in lines[1:]]) + "\n")
    (release,) = published_read(folder=tmp_path)
    assert release.year == 2026
    assert any("columns not known to the reader, read as published: requests_new_measure" in n for n in release.notes)
    assert {v.text for v in release.values if v.measure == "requests_new_measure"} == {"z"}


def test_a_row_with_the_wrong_number_of_cells_is_named(tmp_path):
    subset_write(tmp_path, files=("requests",), codes={"E06000038"})
    path = tmp_path / "education-health-and-care-plans_2025" / "data" / "requests.csv"
    lines = path.read_text().splitlines()
    lines[3] += ",12"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(PublishedDataError, match="requests.csv, row 4: 30 cells where the header has 29"):
        published_read(folder=tmp_path)


def test_a_cell_that_is_neither_a_number_nor_a_symbol_is_named_by_row_and_column(tmp_path):
    subset_write(tmp_path, files=("requests",), codes={"E06000038"})
    path = tmp_path / "education-health-and-care-plans_2025" / "data" / "requests.csv"
    lines = path.read_text().splitlines()
    cells = lines[5].split(",")
    cells[12] = "n/a"  # requests_received_in_year
    lines[5] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(PublishedDataError, match=r"requests.csv, row 6, column requests_received_in_year: 'n/a' is "
                                                 "neither a number nor one of the DfE's symbols"):
        published_read(folder=tmp_path)


def test_a_missing_geography_column_is_named(tmp_path):
    subset_write(tmp_path, files=("requests",), codes={"E06000038"})
    path = tmp_path / "education-health-and-care-plans_2025" / "data" / "requests.csv"
    path.write_text(path.read_text().replace("old_la_code", "la_code_old", 1))
    with pytest.raises(PublishedDataError, match="requests.csv, row 1: no column old_la_code"):
        published_read(folder=tmp_path)


def test_the_statistical_neighbours_ship_ten_for_every_area():
    table = neighbours_read(path=NEIGHBOURS_FILE)
    assert len(table) == 153 and all(len(n) == 10 for n in table.values())
    # Reading's ten, nearest first (LAIT 2025)
    assert table["E06000038"] == ("E06000042", "E09000003", "E09000017", "E09000024", "E06000055", "E09000008",
                                  "E09000031", "E08000035", "E06000045", "E09000015")
