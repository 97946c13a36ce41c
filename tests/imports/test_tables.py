"""`import tables`: every canonical table from CSV, Parquet or a workbook, through the import pattern (ADR 24).

Each class of bad input is refused with its file, sheet, row, column and reason and changes nothing; people are
matched as SEN2 matches them; the same file twice changes nothing; the last import can be reversed; and the
canonical tables of a generated area exported and imported into an empty database give the same indicators."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from sendreform.imports.models import APPLIED, REVERSED, ImportRun
from sendreform.imports.services import import_reverse
from sendreform.imports.tables import (
    tables_apply,
    tables_bundle,
    tables_check,
    tables_preview,
    tables_read,
)
from sendreform.imports.workbook import TEMPLATE_SHEETS, column_explanation, table_csv, tables_workbook
from sendreform.people.models import Person, SenNeed
from sendreform.standards.codes import CODE_LISTS
from sendreform.standards.schemas import TABLE_ORDER, TABLES, arrow_schema
from sendreform.voice.models import Complaint
from tests.factories import EstablishmentFactory, PersonFactory

pytestmark = pytest.mark.django_db

D = dt.date


def _csv(name: str, rows: list[dict]) -> bytes:
    columns = TABLES[name].column_names
    lines = [",".join(columns)] + [",".join(str(r.get(c, "")) for c in columns) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


PERSON = {"person_id": "C-1", "upn": "A870200024001", "uln": "", "forename": "Amira", "surname": "Khan",
          "birth_date": "2015-09-01", "sex": "F", "ethnicity": "ABAN", "postcode": "RG1 1AA", "home_la": "870"}
COMPLAINT = {"complaint_id": "CP1", "received_date": "2025-10-01", "route": "CORPORATE", "about_send": "true", "stage": "1",
             "closed_date": "2025-11-01", "upheld": "false"}


def _import(data: bytes, file_name: str):
    checked = tables_check(data=data, file_name=file_name, by_name="test")
    assert not checked.issues, [i.text() for i in checked.issues]
    preview = tables_preview(checked=checked)
    tables_apply(checked=checked, preview=preview)
    return preview


def _faults(data: bytes, file_name: str) -> list[str]:
    checked = tables_check(data=data, file_name=file_name, by_name="test")
    assert checked.run.errors == len(checked.issues)
    return [i.text() for i in checked.issues]


# ------------------------------------------------------------------------------------------ each class of fault


@pytest.mark.parametrize(("row", "fault"), [
    ({"birth_date": "01/09/2015"}, "person.csv, line 2, column birth_date: '01/09/2015' is not a date (YYYY-MM-DD)"),
    ({"sex": "X"}, "person.csv, line 2, column sex: 'X' is not a SEX code (one of M, F, U)"),
    ({"surname": "", "birth_date": ""}, "person.csv, line 2, column birth_date: is empty but required"),
])
def test_a_bad_cell_is_named_by_file_line_and_column_and_nothing_is_stored(row, fault):
    faults = _faults(_csv("person", [{**PERSON, **row}]), "person.csv")
    assert faults == [fault]
    assert not Person.objects.exists()


def test_a_missing_or_unknown_column_and_an_unknown_table_are_refused():
    text = _csv("complaint", [COMPLAINT]).replace(b"upheld", b"upheld_flag")
    faults = _faults(_zip({"complaint.csv": text, "complaints_2025.csv": b"a\n1\n"}), "lists.zip")
    assert faults == [
        "complaint.csv, column upheld_flag: is not a column of complaint: its columns are complaint_id, "
        "received_date, route, about_send, stage, closed_date, upheld",
        "complaint.csv, column upheld: is missing",
        "complaints_2025.csv: 'complaints_2025' is not a canonical table: a file is named after its table, one of "
        + ", ".join(TABLE_ORDER),
    ]
    assert not Complaint.objects.exists()


def test_two_rows_with_one_key_a_date_out_of_order_and_a_dangling_reference_are_refused():
    complaints = _csv("complaint", [COMPLAINT, {**COMPLAINT, "closed_date": "2025-09-01"}])
    appeal = {"appeal_id": "T1", "person_id": "NOBODY", "lodged_date": "2025-01-02", "appeal_type": "CONTENTS",
              "outcome": "", "decided_date": ""}
    assert _faults(complaints, "complaint.csv") == [
        "complaint.csv, line 3, column closed_date: closed_date is before received_date",
        "complaint.csv, line 3, column complaint_id: has the same complaint_id as row 2: each row's key must be "
        "its own",
    ]
    assert _faults(_csv("tribunal_appeal", [appeal]), "tribunal_appeal.csv") == [
        "tribunal_appeal.csv, line 2, column person_id: 'NOBODY' is not a person_id of the file's person table, "
        "nor one stored"]
    assert not Complaint.objects.exists()


def test_a_file_that_is_not_a_table_file_is_refused():
    assert _faults(b"%PDF-1.7", "minutes.pdf") == [
        "minutes.pdf: is not a workbook (.xlsx), a .zip of CSV or Parquet files, or one table's CSV or Parquet file "
        "(named <table>.csv or <table>.parquet)"]
    assert _faults(b"not a zip", "lists.xlsx")[0].startswith("lists.xlsx: is not a readable .xlsx workbook")
    assert _faults(b"\xff\xfe\x00", "person.csv") == ["person.csv: is not UTF-8 text (invalid start byte)"]


def test_a_workbook_fault_names_the_sheet_and_the_excel_row():
    book = load_workbook(io.BytesIO(tables_workbook()))
    sheet = book["complaint"]
    sheet.append(["CP1", D(2025, 10, 1), "CORPORATE", True, 1, None, None])
    sheet.append(["CP2", D(2025, 10, 2), "NOT_A_ROUTE", True, 1, None, None])
    out = io.BytesIO()
    book.save(out)
    faults = _faults(out.getvalue(), "council lists.xlsx")
    allowed = ", ".join(CODE_LISTS["COMPLAINT_ROUTE"])
    assert faults == [f"council lists.xlsx, sheet complaint, row 4, column route: 'NOT_A_ROUTE' is not a "
                      f"COMPLAINT_ROUTE code (one of {allowed})"]


# ------------------------------------------------------------------------------------------ the pattern


def test_a_workbook_is_imported_matched_as_sen2_matches_and_twice_changes_nothing_and_is_reversed():
    # Given Amira stored (from SEN2, say) under another id, with her UPN
    stored = PersonFactory(person_id="S2-amira", upn="A870200024001", forename="Amira", surname="Khan",
                           birth_date=D(2015, 9, 1))
    school = EstablishmentFactory(establishment_id="URN100001", urn=100001)
    book = load_workbook(io.BytesIO(tables_workbook()))
    book["person"].append(["C-1", "A870200024001", None, "Amira", "Khan", D(2015, 9, 1), "F", "ABAN", "RG1 1AA",
                           "870"])
    book["person"].append(["C-2", None, None, "Ben", "Okafor", D(2012, 3, 1), "M", "BAFR", None, "870"])
    # The council's own id for the school; the URN is the stored one.
    book["establishment"].append(["OAK", 100001, None, "Oak Primary", "870", "PRIMARY", "MAINSTREAM", "MAINTAINED",
                                  True, None, False, False, 420, None, None, None])
    book["sen_need"].append(["C-1", "ASD", 1, D(2024, 9, 1), None])
    book["part_time_timetable"].append(["PTT1", "C-2", "OAK", D(2025, 1, 6), D(2025, 2, 14), None, 15, 32.5,
                                        "Anxiety", D(2025, 1, 20)])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()

    # When it is checked and previewed
    checked = tables_check(data=data, file_name="lists.xlsx", by_name="test")
    assert checked.issues == []
    preview = tables_preview(checked=checked)
    people = preview.mapping.people_summary()
    # Then Amira is matched by UPN, Ben is new, and the school is the stored one by URN
    assert (people["matched"], people["new"], people["matched by UPN"]) == (1, 1, 1)
    assert people["settings"] == {"matched by URN": 1}
    counts = preview.plan.counts()
    assert counts["person"] == {"added": 1, "changed": 1, "closed": 0, "unchanged": 0}  # Amira's ethnicity
    assert counts["sen_need"]["added"] == 1 and counts["part_time_timetable"]["added"] == 1
    assert not SenNeed.objects.exists()  # nothing stored by the preview

    # When it is confirmed
    tables_apply(checked=checked, preview=preview)
    # Then the rows are stored under the stored ids
    assert SenNeed.objects.get().person_id == stored.person_id
    from sendreform.inclusion.models import PartTimeTimetable

    ptt = PartTimeTimetable.objects.get()
    assert (ptt.person.forename, ptt.establishment_id, str(ptt.hours_in_school_per_week)) == ("Ben", school.pk,
                                                                                              "15.00")
    assert Person.objects.get(pk="S2-amira").ethnicity == "ABAN"

    # And the same workbook again changes nothing
    again = tables_check(data=data, file_name="lists.xlsx", by_name="test")
    plan = tables_preview(checked=again).plan
    assert plan.changes == 0
    assert plan.counts()["sen_need"] == {"added": 0, "changed": 0, "closed": 0, "unchanged": 1}
    tables_apply(checked=again, preview=tables_preview(checked=again))

    # And reversing the first import (after the empty second is reversed) puts everything back
    first = ImportRun.objects.filter(source="tables", status=APPLIED).order_by("applied_at").first()
    import_reverse(run=ImportRun.objects.filter(source="tables", status=APPLIED).order_by("-applied_at").first())
    import_reverse(run=first)
    assert ImportRun.objects.get(pk=first.pk).status == REVERSED
    assert not SenNeed.objects.exists() and not PartTimeTimetable.objects.exists()
    assert list(Person.objects.values_list("person_id", "ethnicity")) == [("S2-amira", "WBRI")]


def test_csv_parquet_and_a_folder_read_the_same(tmp_path):
    table = pa.Table.from_pylist([{"complaint_id": "CP1", "received_date": D(2025, 10, 1), "route": "CORPORATE",
                                   "about_send": True, "stage": 1, "closed_date": None, "upheld": None}],
                                 schema=arrow_schema("complaint"))
    out = io.BytesIO()
    pq.write_table(table, out)
    parquet = tables_read(data=out.getvalue(), file_name="complaint.parquet")
    text = tables_read(data=table_csv(table), file_name="complaint.csv")
    (tmp_path / "complaint.csv").write_bytes(table_csv(table))
    data, name = tables_bundle(path=tmp_path)
    folder = tables_read(data=data, file_name=name)
    assert parquet.tables["complaint"].rows == text.tables["complaint"].rows == folder.tables["complaint"].rows
    assert parquet.tables["complaint"].rows == [table.to_pylist()[0]]
    assert tables_bundle(path=tmp_path) == (data, name)  # the same folder hashes the same


# ------------------------------------------------------------------------------------------ the template


def test_the_template_has_a_sheet_per_table_headers_explanations_and_drop_downs_of_each_code_list():
    book = load_workbook(io.BytesIO(tables_workbook()))
    assert book.sheetnames == [TEMPLATE_SHEETS[0], *TABLE_ORDER, TEMPLATE_SHEETS[1]]
    codes = book[TEMPLATE_SHEETS[1]]
    lists = {codes.cell(1, c).value: c for c in range(1, codes.max_column + 1, 2)}
    for name in TABLE_ORDER:
        sheet = book[name]
        columns = TABLES[name].columns
        assert [c.value for c in sheet[1]] == [c.name for c in columns]
        assert [c.value for c in sheet[2]] == [column_explanation(c) for c in columns]
        validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
        for n, column in enumerate(columns, start=1):
            letter = sheet.cell(1, n).column_letter
            check = validations.get(f"{letter}3")
            if column.codes:
                # The drop-down is the range of the code list's codes on the Code lists sheet.
                col = codes.cell(1, lists[column.codes]).column_letter
                last = len(CODE_LISTS[column.codes]) + 1
                assert check.type == "list" and check.formula1 == f"'Code lists'!${col}$2:${col}${last}"
                listed = [str(codes.cell(r, lists[column.codes]).value) for r in range(2, last + 1)]
                assert listed == list(CODE_LISTS[column.codes])
            elif column.type == "bool":
                assert check.formula1 == '"TRUE,FALSE"'
            else:
                assert check is None, f"{name}.{column.name}"
    # the sex drop-down, by hand: person's seventh column offers M, F, U
    assert "sex" == book["person"]["G1"].value


def test_the_template_filled_in_loads(tmp_path):
    book = load_workbook(io.BytesIO(tables_workbook()))
    book["complaint"].append(["CP1", D(2025, 10, 1), "CORPORATE", True, 1, D(2025, 11, 3), False])
    out = io.BytesIO()
    book.save(out)
    _import(out.getvalue(), "template.xlsx")
    stored = Complaint.objects.get()
    assert (stored.route, stored.closed_date, stored.upheld) == ("CORPORATE", D(2025, 11, 3), False)


# ------------------------------------------------------------------------------------------ the page and the command


def _lists_workbook() -> bytes:
    book = load_workbook(io.BytesIO(tables_workbook()))
    book["complaint"].append(["CP1", D(2025, 10, 1), "CORPORATE", True, 1, D(2025, 11, 3), False])
    book["complaint"].append(["CP2", D(2025, 12, 1), "LGSCO", True, 2, None, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_officer_brings_in_a_workbook_on_the_page_and_downloads_the_template_and_the_tables(
        transactional_db, client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sendreform.accounts import roles
    from sendreform.accounts.models import AuditEntry
    from tests.factories import UserFactory

    settings.SENDREFORM_IMPORT_DIR = str(tmp_path)
    client.force_login(UserFactory(role=roles.OFFICER))
    page = client.get("/data/").content.decode()
    assert "Download the template workbook" in page and 'value="tables"' in page
    template = client.get("/data/tables/template.xlsx")
    assert load_workbook(io.BytesIO(template.content)).sheetnames[1] == "cluster"

    response = client.post("/data/", {"source": "tables", "file": SimpleUploadedFile("lists.xlsx", _lists_workbook())})
    run = ImportRun.objects.get()
    assert response.url == f"/data/imports/{run.pk}/"
    preview = client.get(response.url).content.decode()
    assert "complaint" in preview and not Complaint.objects.exists()
    assert run.counts["complaint"] == {"added": 2, "changed": 0, "closed": 0, "unchanged": 0}
    client.post(f"/data/imports/{run.pk}/confirm/", {"action": "apply"})
    assert sorted(Complaint.objects.values_list("complaint_id", "route")) == [("CP1", "CORPORATE"), ("CP2", "LGSCO")]

    download = client.get("/data/tables/sendreform-tables.zip")
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert archive.read("complaint.csv").decode().splitlines() == [
            "complaint_id,received_date,route,about_send,stage,closed_date,upheld",
            "CP1,2025-10-01,CORPORATE,true,1,2025-11-03,false", "CP2,2025-12-01,LGSCO,true,2,,"]
    assert AuditEntry.objects.filter(detail="canonical tables as CSV: 2 rows").exists()


def test_a_workbook_with_faults_shows_each_on_its_page_and_stores_nothing(client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sendreform.accounts import roles
    from tests.factories import UserFactory

    settings.SENDREFORM_IMPORT_DIR = str(tmp_path)
    client.force_login(UserFactory(role=roles.ANALYST))
    data = _csv("complaint", [{**COMPLAINT, "stage": "first"}])
    response = client.post("/data/", {"source": "tables", "file": SimpleUploadedFile("complaint.csv", data)})
    page = client.get(response.url).content.decode()
    assert "&#x27;first&#x27; is not a whole number" in page and "complaint.csv, column stage" in page
    assert ImportRun.objects.get().errors == 1 and not Complaint.objects.exists()


def test_import_tables_dry_run_then_yes_from_a_folder_and_export_and_template_commands(transactional_db, tmp_path,
                                                                                       capsys):
    from sendreform.cli.main import main

    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "complaint.csv").write_bytes(_csv("complaint", [COMPLAINT]))
    assert main(["import", "tables", str(folder), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "lists.zip: 1 table(s) read (complaint 1); no faults." in out
    assert not Complaint.objects.exists()
    assert main(["import", "tables", str(folder), "--yes"]) == 0
    assert Complaint.objects.get().complaint_id == "CP1"
    assert main(["tables", "export", "--out", str(tmp_path / "out.xlsx")]) == 0
    book = load_workbook(tmp_path / "out.xlsx")
    assert [c.value for c in book["complaint"][3]] == ["CP1", dt.datetime(2025, 10, 1), "CORPORATE", True, 1,
                                                      dt.datetime(2025, 11, 1), False]
    (folder / "complaint.csv").write_bytes(_csv("complaint", [{**COMPLAINT, "route": "PHONE"}]))
    assert main(["import", "tables", str(folder), "--yes"]) == 1
    assert "line 2: ERROR code" in capsys.readouterr().out
    assert main(["tables", "template", "--out", str(tmp_path / "t.xlsx")]) == 0
    assert load_workbook(tmp_path / "t.xlsx")["person"]["A1"].value == "person_id"


def test_rows_without_a_key_that_share_their_values_are_paired_in_order_so_twice_changes_nothing():
    # Two involvements of one practitioner begun on one day (as the synthetic area has) are two rows
    PersonFactory(person_id="C-1")
    need = {"person_id": "C-1", "need_type": "ASD", "need_rank": "1", "start_date": "2024-09-01"}
    data = _csv("sen_need", [{**need, "end_date": "2025-01-01"}, {**need, "end_date": "2025-06-01"}])
    first = _import(data, "sen_need.csv")
    assert first.plan.counts()["sen_need"]["added"] == 2
    again = _import(data, "sen_need.csv")
    assert again.plan.counts()["sen_need"] == {"added": 0, "changed": 0, "closed": 0, "unchanged": 2}
    assert sorted(SenNeed.objects.values_list("end_date", flat=True)) == [D(2025, 1, 1), D(2025, 6, 1)]


def test_a_person_whose_id_is_stored_with_another_upn_is_ambiguous_and_stops_the_import():
    from sendreform.imports.services import ImportRefused

    PersonFactory(person_id="C-1", upn="B870200024009")
    checked = tables_check(data=_csv("person", [PERSON]), file_name="person.csv", by_name="test")
    preview = tables_preview(checked=checked)
    people = preview.people()
    assert people["ambiguous"] == 1
    assert people["ambiguous_people"] == ["person.csv, line 2: person_id C-1 is stored with another UPN "
                                          "(B870200024009)"]
    with pytest.raises(ImportRefused, match="1 person"):
        tables_apply(checked=checked, preview=preview)
    assert Person.objects.get().upn == "B870200024009"


def test_a_csv_line_with_too_few_fields_is_named():
    data = _csv("complaint", [COMPLAINT]) + b"CP2,2025-10-02\n"
    assert _faults(data, "complaint.csv") == ["complaint.csv, line 3: has 2 fields; the header has 7"]
