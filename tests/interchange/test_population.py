"""Reading the background population as a user brings it: the ONS's subnational projections and mid-year
estimates, and the canonical population.csv. Each file is written here row by row so its figures can be
checked by hand; bad files are refused naming the row and column."""

import csv

import pytest

from sendreform.interchange.canonical_files import CanonicalFileError
from sendreform.interchange.population import population_csv_write, population_read

READING, NEWBURY = "E06000038", "E06000037"


def write(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def snpp(path, *, areas=(READING, NEWBURY), skip_age=None, cell=None):
    """Projections for mid-2025 and mid-2026: persons at age a are 1000 + a + 0.4 (2025) and 1100 + a (2026); males
    and females are given too (and must not be added on top)."""
    rows = []
    for area in areas:
        for sex in ("persons", "males", "females"):
            for age in [*map(str, range(90)), "90 and over", "All ages"]:
                if age == str(skip_age):
                    continue
                share = 1 if sex == "persons" else 0.5
                base = int(age) if age.isdigit() else 90
                rows.append([area, "Reading", "Population", sex, age, round((1000 + base + 0.4) * share, 1),
                             round((1100 + base) * share, 1)])
    if cell:
        row, column, value = cell
        rows[row - 1][column] = value
    return write(path, ["AREA_CODE", "AREA_NAME", "COMPONENT", "SEX", "AGE_GROUP", "2025", "2026"], rows)


def mye(path):
    """Mid-year estimates for 2022 and 2023 by sex (1 males, 2 females): males 500 + a, females 480 + a in 2022,
    each 10 more in 2023."""
    rows = [[READING, "Reading", "E", sex, age, (500 if sex == 1 else 480) + age, (510 if sex == 1 else 490) + age]
            for sex in (1, 2) for age in range(91)]
    return write(path, ["ladcode23", "laname23", "country", "sex", "age", "population_2022", "population_2023"], rows)


def test_projections_give_persons_aged_0_to_25_at_the_next_januarys_census(tmp_path):
    # Given the ONS projections for two areas / When Reading's are read
    population = population_read(path=snpp(tmp_path / "snpp.csv"), area=READING)
    # Then mid-2025 becomes the January 2026 census and mid-2026 January 2027, ages 0 to 25 only, persons only,
    # rounded to the nearest person
    assert population.years == [2026, 2027]
    assert len(population.rows) == 2 * 26
    assert population.rows[(2026, 7)] == 1007  # 1007.4
    assert population.rows[(2027, 25)] == 1125
    assert population.area == READING and population.shape == "ONS subnational population projections"


def test_mid_year_estimates_add_males_and_females(tmp_path):
    population = population_read(path=mye(tmp_path / "mye.csv"))
    # The only area in the file is taken. Mid-2022 at age 10: 510 males + 490 females, for the 2023 census;
    # mid-2023 at age 10: 520 + 500
    assert population.area == READING and population.years == [2023, 2024]
    assert population.rows[(2023, 10)] == 1000
    assert population.rows[(2024, 10)] == 1020


def test_the_canonical_file_reads_as_written(tmp_path):
    read = population_read(path=snpp(tmp_path / "snpp.csv"), area=READING)
    again = population_read(path=population_csv_write(population=read, path=tmp_path / "population.csv"))
    assert again.rows == read.rows and again.area is None


@pytest.mark.parametrize(("make", "area", "message"), [
    (lambda p: snpp(p), None, "holds 2 areas (E06000037, E06000038): say which with --area"),
    (lambda p: snpp(p), "E09000001", "has no rows for area E09000001"),
    (lambda p: snpp(p, areas=(READING,), skip_age=5), READING, "has no population for the 2026 census at age 5"),
    # Row 8 is persons aged 7 in Reading; its 2026 column holds a typing slip
    (lambda p: snpp(p, areas=(READING,), cell=(8, 6, "11O7")), READING, "row 8 (line 9), column 2026: '11O7' is not a "
                                                                        "number of people"),
    (lambda p: write(p, ["name", "value"], [["a", 1]]), None, "nor an ONS population file"),
    (lambda p: write(p, ["year", "age", "population"], [[2026, 26, 100]]), None,
     "row 1 (line 2), column age: 26 is not an age from 0 to 25"),
])
def test_a_file_that_cannot_be_read_says_where(tmp_path, make, area, message):
    path = make(tmp_path / "population.csv")
    with pytest.raises(CanonicalFileError) as error:
        population_read(path=path, area=area)
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)
