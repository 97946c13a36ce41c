"""Hostile input to the readers of the background population and of canonical tables (issue 12): whatever the
bytes, a reader returns something valid or raises `CanonicalFileError` naming the file (and the row and column
where there is one), never another exception; implausible values (census years 1000 to 2899, counts beyond any
local area, dates outside 1900 to 2100, numbers beyond 64 bits) are refused."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendreform.interchange.canonical_files import (
    CanonicalFileError,
    canonical_file_read,
    canonical_files_read,
)
from sendreform.interchange.population import YEARS, population_read
from sendreform.standards.schemas import TABLE_ORDER, TABLES

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
HEADER = "year,age,population\n"


def _population(year: int, count: str = "1000") -> str:
    return HEADER + "".join(f"{year},{age},{count}\n" for age in range(26))


def _read(tmp_path, data: bytes | str, name: str = "population.csv"):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(("text", "where", "message"), [
    (_population(1000), "row 1 (line 2), column year", "1000 is not a census year from 1971 to 2100"),
    (_population(2899), "row 1 (line 2), column year", "2899 is not a census year from 1971 to 2100"),
    (_population(2026, "5000000"), "row 1 (line 2), column population",
     "'5000000' is more people of one age than any local area has"),
    (_population(2026, "1e9"), "row 1 (line 2), column population", "'1e9' is not a number of people"),
    (HEADER, "", "has a header but no rows of population"),
    (HEADER + "2026,0,1\x00\n", "row 1 (line 2), column population", "'1\\x00' is not a number of people"),
    (HEADER + "2026,0," + "9" * 200_000 + "\n", "row 1 (line 2)", "cannot be read as CSV: field larger than field limit"),
    (HEADER + "9" * 5000 + ",0,1\n", "row 1 (line 2), column year", "is not a whole number"),
])
def test_an_implausible_or_broken_population_file_is_refused_naming_row_and_column(tmp_path, text, where, message):
    with pytest.raises(CanonicalFileError) as error:
        population_read(path=_read(tmp_path, text))
    assert str(error.value).startswith(f"{tmp_path / 'population.csv'}{', ' + where if where else ''}: ")
    assert message in str(error.value)


def test_an_ons_file_with_an_implausible_year_column_is_refused(tmp_path):
    text = "AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2899\n" + "".join(
        f"E06000038,Reading,Population,persons,{age},1000\n" for age in range(26))
    with pytest.raises(CanonicalFileError, match="column 2899: 2899 is not a mid-year from 1970 to 2099"):
        population_read(path=_read(tmp_path, text))


def test_a_population_file_that_is_not_utf8_is_refused(tmp_path):
    with pytest.raises(CanonicalFileError, match="is not UTF-8 text"):
        population_read(path=_read(tmp_path, _population(2026).encode("utf-8").replace(b"1000", b"\xff\xfe00")))


@FUZZ
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(lambda t: HEADER + t),
                 st.lists(st.tuples(st.integers(-10, 4000), st.integers(-5, 40),
                                    st.one_of(st.integers(-5, 10**13).map(str), st.text(max_size=8))),
                          max_size=60).map(lambda rows: HEADER + "".join(f"{y},{a},{p}\n" for y, a, p in rows))))
def test_any_population_file_is_read_whole_or_refused_with_the_file_named(tmp_path, data):
    path = _read(tmp_path, data)
    try:
        population = population_read(path=path)
    except CanonicalFileError as error:
        assert str(error).startswith(str(path))
        return
    # What is read is plausible: census years 1971-2100, every age 0-25 of each, counts of people
    assert population.rows and all(year in YEARS and 0 <= age <= 25 for year, age in population.rows)
    assert all(0 <= count <= 1_000_000 for count in population.rows.values())
    assert len(population.rows) == 26 * len(population.years)


PERSON = TABLES["person"].column_names
GOOD_PERSON = {"person_id": "P1", "forename": "Amira", "surname": "Khan", "birth_date": "2015-09-01", "sex": "F",
               "ethnicity": "ABAN", "home_la": "870"}


def _person_csv(rows: list[dict]) -> str:
    return ",".join(PERSON) + "\n" + "".join(",".join(row.get(c, "") for c in PERSON) + "\n" for row in rows)


@pytest.mark.parametrize(("row", "column", "message"), [
    ({"birth_date": "2026-02-30"}, "birth_date", "'2026-02-30' is not a date (YYYY-MM-DD)"),
    ({"birth_date": "0001-01-01"}, "birth_date", "'0001-01-01' is not a date from 1900 to 2100"),
    ({"birth_date": "2999-01-01"}, "birth_date", "'2999-01-01' is not a date from 1900 to 2100"),
])
def test_an_impossible_date_in_a_canonical_file_is_refused_naming_row_and_column(tmp_path, row, column, message):
    path = _read(tmp_path, _person_csv([{**GOOD_PERSON, **row}]), "person.csv")
    with pytest.raises(CanonicalFileError) as error:
        canonical_file_read(path=path, table="person")
    assert str(error.value) == f"{path}, row 1 (line 2), column {column}: {message}"


def test_a_number_beyond_64_bits_in_a_canonical_file_is_refused(tmp_path):
    header = ",".join(TABLES["establishment"].column_names)
    values = {"establishment_id": "E1", "urn": "9" * 30, "name": "Oak", "la_code": "870", "phase": "PRIMARY",
              "kind": "MAINSTREAM", "funding": "MAINTAINED", "in_area": "true"}
    path = _read(tmp_path, header + "\n" + ",".join(values.get(c, "") for c in TABLES["establishment"].column_names)
                 + "\n", "establishment.csv")
    with pytest.raises(CanonicalFileError, match=r"row 1 \(line 2\), column urn: '9{30}' is too large a number"):
        canonical_file_read(path=path, table="establishment")


@FUZZ
@given(st.one_of(st.binary(max_size=1500),
                 st.lists(st.fixed_dictionaries({c: st.one_of(st.just(v), st.text(max_size=12))
                                                 for c, v in GOOD_PERSON.items()}), max_size=8).map(_person_csv)))
def test_any_canonical_csv_is_read_as_its_schema_or_refused_with_the_file_named(tmp_path, data):
    path = _read(tmp_path, data, "person.csv")
    try:
        table = canonical_file_read(path=path, table="person")
    except CanonicalFileError as error:
        assert str(error).startswith(str(path))
        return
    assert table.column_names == PERSON
    births = [d for d in table["birth_date"].to_pylist() if d is not None]
    assert all(dt.date(1900, 1, 1) <= d <= dt.date(2100, 12, 31) for d in births)


def _folder(tmp_path, person_rows: list[dict], placements: list[dict]):
    from tests.cli.conftest import write_csv

    folder = tmp_path / "canonical"
    folder.mkdir(parents=True)
    for name in TABLE_ORDER:
        write_csv(folder / f"{name}.csv", name, [])
    write_csv(folder / "person.csv", "person", person_rows)
    write_csv(folder / "placement.csv", "placement", placements)
    return folder


def test_duplicate_keys_and_orphan_references_are_refused_when_keys_are_checked(tmp_path):
    # Two people with the same person_id
    folder = _folder(tmp_path, [GOOD_PERSON, {**GOOD_PERSON, "forename": "Ben"}], [])
    with pytest.raises(CanonicalFileError) as error:
        canonical_files_read(data_dir=folder, check_keys=True)
    assert str(error.value) == (f"{folder / 'person.csv'}, row 2 (line 3), column person_id: has the same "
                                "person_id as row 1: each row's key must be its own")
    # A placement of a person who is not in person.csv
    folder2 = _folder(tmp_path / "b", [GOOD_PERSON],
                      [{"placement_id": "PL1", "person_id": "P9", "sen_unit": "false", "resourced_provision": "false",
                        "la_funded": "true", "start_date": "2024-09-01"}])
    with pytest.raises(CanonicalFileError) as error:
        canonical_files_read(data_dir=folder2, check_keys=True)
    assert "placement.csv, row 1 (line 2), column person_id: 'P9' is not a person_id of person.csv" in str(error.value)


def test_metrics_on_a_folder_refuses_duplicate_keys_and_orphans_naming_the_file(tmp_path, capsys):
    from sendreform.cli.main import main

    folder = _folder(tmp_path, [GOOD_PERSON, GOOD_PERSON], [])
    assert main(["metrics", "--data", str(folder), "--as-at", "2026-01-15"]) == 2
    assert "person.csv, row 2 (line 3), column person_id: has the same person_id as row 1" in capsys.readouterr().err

