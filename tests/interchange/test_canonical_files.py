"""Reading a folder of canonical CSV and Parquet files, and the errors that name the file, row and column."""

import csv
import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sendreform.interchange.canonical_files import (
    CanonicalFileError,
    canonical_files_connect,
    canonical_files_read,
)
from sendreform.standards.schemas import TABLE_ORDER, TABLES, arrow_schema

PERSON_HEADER = TABLES["person"].column_names


def write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def folder(tmp_path):
    """A folder with a header-only CSV for every canonical table."""
    for name in TABLE_ORDER:
        write_csv(tmp_path / f"{name}.csv", TABLES[name].column_names, [])
    return tmp_path


def person_row(**values):
    row = {
        "person_id": "P1",
        "upn": "",
        "uln": "",
        "forename": "Amira",
        "surname": "Khan",
        "birth_date": "2015-09-01",
        "sex": "F",
        "ethnicity": "WBRI",
        "postcode": "",
        "home_la": "870",
    } | values
    return [row[c] for c in PERSON_HEADER]


def test_csv_values_are_read_as_their_canonical_types(folder):
    # Given a person and a part-time timetable as CSV text
    write_csv(folder / "person.csv", PERSON_HEADER, [person_row()])
    write_csv(
        folder / "part_time_timetable.csv",
        TABLES["part_time_timetable"].column_names,
        [["T1", "P1", "E1", "2026-01-05", "", "", "7.5", "32.50", "anxiety", "2026-02-02"]],
    )
    # When the folder is read
    tables = canonical_files_read(data_dir=folder)
    # Then dates are dates, empty fields are nulls and decimals have two places
    [person] = tables["person"].to_pylist()
    assert (person["birth_date"], person["upn"]) == (dt.date(2015, 9, 1), None)
    [ptt] = tables["part_time_timetable"].to_pylist()
    assert (ptt["hours_in_school_per_week"], ptt["end_date"]) == (Decimal("7.50"), None)
    assert tables["person"].schema.equals(arrow_schema("person"))


def test_a_folder_read_into_duckdb_has_every_table(folder):
    write_csv(folder / "person.csv", PERSON_HEADER, [person_row(), person_row(person_id="P2")])
    con = canonical_files_connect(data_dir=folder)
    assert con.table("person").count().execute() == 2
    assert con.table("placement").count().execute() == 0


def test_a_missing_table_file_is_named(folder):
    (folder / "placement.csv").unlink()
    with pytest.raises(
        CanonicalFileError, match=r"placement\.csv: missing: no placement\.csv or placement\.parquet"
    ):
        canonical_files_read(data_dir=folder)


def test_a_missing_column_is_named(folder):
    write_csv(folder / "person.csv", [c for c in PERSON_HEADER if c != "birth_date"], [])
    with pytest.raises(CanonicalFileError, match=r"person\.csv, column birth_date: is missing"):
        canonical_files_read(data_dir=folder)


def test_an_unreadable_date_names_the_file_row_and_column(folder):
    # Given a second person born on 30 February
    write_csv(
        folder / "person.csv",
        PERSON_HEADER,
        [person_row(), person_row(person_id="P2", birth_date="2015-02-30")],
    )
    # When the folder is read / Then the error says where: row 2 of the data, line 3 of the file
    with pytest.raises(CanonicalFileError) as error:
        canonical_files_read(data_dir=folder)
    assert str(error.value).endswith(
        "person.csv, row 2 (line 3), column birth_date: '2015-02-30' is not a date (YYYY-MM-DD)"
    )
    assert (error.value.path.name, error.value.row, error.value.column) == ("person.csv", 2, "birth_date")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"birth_date": "01/09/2015"}, "column birth_date: '01/09/2015' is not a date (YYYY-MM-DD)"),
        ({"birth_date": ""}, "column birth_date: is empty but required"),
    ],
)
def test_other_bad_csv_values(folder, values, message):
    write_csv(folder / "person.csv", PERSON_HEADER, [person_row(**values)])
    with pytest.raises(CanonicalFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        canonical_files_read(data_dir=folder)


def test_bad_numbers_and_booleans_are_named(folder):
    header = TABLES["complaint"].column_names
    write_csv(folder / "complaint.csv", header, [["CP1", "2025-12-01", "CORPORATE", "yes", "1", "", ""]])
    with pytest.raises(
        CanonicalFileError, match="row 1 \\(line 2\\), column about_send: 'yes' is not true or false"
    ):
        canonical_files_read(data_dir=folder)
    write_csv(folder / "complaint.csv", header, [["CP1", "2025-12-01", "CORPORATE", "true", "one", "", ""]])
    with pytest.raises(CanonicalFileError, match="column stage: 'one' is not a whole number"):
        canonical_files_read(data_dir=folder)


def test_parquet_in_the_canonical_schema_is_read_as_it_is(folder):
    (folder / "person.csv").unlink()
    table = pa.Table.from_pylist(
        [
            {
                "person_id": "P1",
                "forename": "Amira",
                "surname": "Khan",
                "birth_date": dt.date(2015, 9, 1),
                "sex": "F",
                "ethnicity": "WBRI",
                "home_la": "870",
            }
        ],
        schema=arrow_schema("person"),
    )
    pq.write_table(table, folder / "person.parquet")
    assert canonical_files_read(data_dir=folder)["person"].to_pylist()[0]["birth_date"] == dt.date(2015, 9, 1)


def test_parquet_with_dates_as_text_names_the_bad_row(folder):
    # Given a Parquet file whose dates were written as text, the third unreadable
    (folder / "person.csv").unlink()
    rows = [
        {c: None for c in PERSON_HEADER}
        | {
            "person_id": f"P{i}",
            "forename": "A",
            "surname": "B",
            "birth_date": day,
            "sex": "F",
            "ethnicity": "WBRI",
            "home_la": "870",
        }
        for i, day in enumerate(["2015-09-01", "2016-01-31", "2016-31-01"], start=1)
    ]
    pq.write_table(pa.Table.from_pylist(rows), folder / "person.parquet")
    with pytest.raises(
        CanonicalFileError, match=r"person\.parquet, row 3, column birth_date: '2016-31-01' is not a date"
    ):
        canonical_files_read(data_dir=folder)


def test_both_a_csv_and_a_parquet_file_for_one_table_is_refused(folder):
    pq.write_table(arrow_schema("person").empty_table(), folder / "person.parquet")
    with pytest.raises(CanonicalFileError, match="both person.parquet and person.csv exist"):
        canonical_files_read(data_dir=folder)


def person_parquet(folder, rows):
    """person.parquet in the canonical Arrow schema, replacing person.csv."""
    (folder / "person.csv").unlink()
    names = PERSON_HEADER
    values = [dict(zip(names, r, strict=True)) for r in rows]
    for v in values:
        v["birth_date"] = dt.date.fromisoformat(v["birth_date"])
        for key in ("upn", "uln", "postcode"):
            v[key] = v[key] or None
    # Written as another tool would, every column nullable: the canonical types, but no promise of values
    schema = pa.schema([f.with_nullable(True) for f in arrow_schema("person")])
    pq.write_table(pa.Table.from_pylist(values, schema=schema), folder / "person.parquet")
    return folder / "person.parquet"


def test_a_canonical_parquet_file_is_queried_where_it_lies(folder):
    # Given person.parquet already in the canonical schema
    person_parquet(folder, [person_row(), person_row(person_id="P2", sex="M")])
    # When the folder is connected
    con = canonical_files_connect(data_dir=folder, check_codes=True)
    # Then person is a view over the file (nothing copied into memory) with the file's rows; CSV tables are copied
    kinds = dict(con.raw_sql("SELECT table_name, table_type FROM information_schema.tables").fetchall())
    assert kinds["person"] == "VIEW" and kinds["placement"] == "BASE TABLE"
    assert con.table("person").sex.value_counts().to_pandas().set_index("sex")["sex_count"].to_dict() == {"F": 1, "M": 1}
    assert con.table("person").columns == tuple(PERSON_HEADER)


@pytest.mark.parametrize(("change", "message"), [
    ({"sex": "X"}, "row 2, column sex: 'X' is not a SEX code"),
    ({"forename": None}, "row 2, column forename: is empty but required"),
])
def test_a_bad_cell_in_a_parquet_file_names_its_row_and_column(folder, change, message):
    path = person_parquet(folder, [person_row(), person_row(person_id="P2", **change)])
    with pytest.raises(CanonicalFileError) as error:
        canonical_files_connect(data_dir=folder, check_codes=True)
    assert str(error.value) == f"{path}, {message}"


def test_an_unknown_code_in_a_csv_file_names_its_row_and_column(folder):
    write_csv(folder / "person.csv", PERSON_HEADER, [person_row(), person_row(person_id="P2", ethnicity="ZZZZ")])
    with pytest.raises(CanonicalFileError, match=r"person\.csv, row 2 \(line 3\), column ethnicity: 'ZZZZ' is not a"):
        canonical_files_connect(data_dir=folder, check_codes=True)
    # Without the check (the data-quality command reports unknown codes itself) the folder is read
    assert canonical_files_connect(data_dir=folder).table("person").count().execute() == 2
