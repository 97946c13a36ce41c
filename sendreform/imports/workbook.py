"""The canonical tables as files: the template workbook an officer fills in Excel (a sheet per table, its
headers, a row of explanation, each coded column a drop-down of its code list), and the tables of the database
written out as that workbook, a folder of CSV files or a folder of Parquet files, each of which
`sendreform import tables` reads back (ADR 24)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from sendreform.standards.codes import CODE_LISTS
from sendreform.standards.schemas import TABLE_ORDER, TABLES, Column, arrow_schema

EXCEL_ROWS = 1_048_576
TEMPLATE_SHEETS = ("About", "Code lists")  # the template's own sheets, not tables
FIRST_ROW = 3  # under the header and the row of explanation

# What each table holds and where a council usually has it (docs/onboarding.md says more).
TABLE_PURPOSE = {
    "cluster": "Groups of settings that work together (the council's list).",
    "establishment": "Schools, colleges and other settings (GIAS, and the council's list for those GIAS lacks).",
    "person": "Children and young people, 0-25: one row each (the school census, SEN2, the council's systems).",
    "sen_status": "SEN provision over time: E plan, K SEN support, N none (the school census).",
    "sen_need": "Primary (rank 1) and secondary (rank 2) need over time (the school census, SEN2).",
    "ehc_request": "Requests for an EHC needs assessment (the case management system's SEN2 export).",
    "ehc_assessment": "EHC needs assessments (SEN2).",
    "ehc_plan": "EHC plans issued and ceased (SEN2).",
    "annual_review": "Annual reviews of EHC plans (SEN2, and the case management system for the detail).",
    "ehc_advice": "Advice asked for in an EHC needs assessment (educational psychology, health, social care, the "
                  "setting and others), when it was asked for and received (the case management system).",
    "ehc_case_allocation": "Which SEND caseworker holds each EHC case, from when to when (the case management "
                           "system).",
    "placement": "Where a person is educated over time (SEN2 for plans; the council's placements list).",
    "attendance": "Termly attendance sessions per pupil and school (the school census).",
    "exclusion": "Suspensions and permanent exclusions (the school census).",
    "part_time_timetable": "Part-time timetables (the council's register).",
    "ap_provider": "Alternative provision providers (the council's approved provider list).",
    "ap_commission": "Alternative provision commissioned for a pupil (the council's and schools' records).",
    "neet_activity": "16-17 year olds' activity: EET, NEET or not known (NCCIS).",
    "complaint": "Complaints (the council's complaints log).",
    "tribunal_appeal": "SEND Tribunal appeals (the council's tribunal log).",
    "survey_response": "Survey responses of families, young people and staff (the council's surveys).",
    "eah_engagement": "Each setting's engagement with Experts at Hand (the service's records).",
    "eah_referral": "Referrals to Experts at Hand (the service's records).",
    "eah_involvement": "Practitioners' involvement in a referral (the service's records).",
    "unit_cost": "Annual cost of a place by setting category and need, in pence (the council's finance team).",
    "planned_places": "Places planned to open (the council's sufficiency plan).",
    "population": "The background population by year and age (ONS projections).",
}


def column_explanation(column: Column) -> str:
    """What a column holds, in words: the template's row 2, which the reader knows again and skips."""
    kinds = {"str": "Text", "int": "A whole number", "bool": "TRUE or FALSE", "date": "A date",
             "pence": "Pence, a whole number", "decimal": "A number with at most 2 decimal places"}
    text = kinds[column.type]
    if column.codes:
        text = f"A {column.codes} code (the drop-down; the Code lists sheet says what each means)"
    if column.references:
        table, key = column.references.split(".")
        text += f": a {key} of the {table} sheet, or one already stored"
    return text + (". Optional" if column.nullable else ". Required")


# The tables a council keeps itself, which no other source (GIAS, the school census, SEN2, NCCIS) brings in; the
# establishments and clusters too, for the clusters and what GIAS does not say. The sample the demo writes
# (`tables_own_lists`) holds these and the people they name.
OWN_LISTS = ("cluster", "establishment", "part_time_timetable", "ap_provider", "ap_commission", "complaint",
             "tribunal_appeal", "survey_response", "eah_engagement", "eah_referral", "eah_involvement", "unit_cost",
             "planned_places", "population")


def _code_columns() -> dict[str, bool]:
    """Each code list used by a column, and whether its codes are numbers."""
    out: dict[str, bool] = {}
    for table in TABLES.values():
        for column in table.columns:
            if column.codes:
                out[column.codes] = out.get(column.codes, False) or column.type == "int"
    return out


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def tables_workbook(*, rows: dict | None = None) -> bytes:
    """The workbook as bytes: the About sheet, a sheet per canonical table (header, explanation, then `rows[table]`
    if given: tuples in the table's column order, canonical values) and the Code lists sheet the drop-downs read.
    Without rows it is the template."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    rows = rows or {}
    for name, data in rows.items():
        if len(data) + FIRST_ROW - 1 > EXCEL_ROWS:
            raise ValueError(f"{name} has {len(data):,} rows, more than a sheet holds ({EXCEL_ROWS - FIRST_ROW + 1:,}): "
                             "write CSV or Parquet instead")
    book = Workbook(write_only=True)
    bold, note = Font(bold=True), Font(italic=True, color="505A5F")
    wrap = Alignment(wrap_text=True, vertical="top")

    about = book.create_sheet(TEMPLATE_SHEETS[0])
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 100
    for line in (
        ("sendreform: the canonical tables", ""),
        ("How to fill it in", "Each sheet is a table, named as the table. Row 1 holds the column names (keep them); "
                              "row 2 says what each column holds; enter one row per record from row 3. A coded "
                              "column offers its codes as a drop-down (the Code lists sheet says what each means). "
                              "Dates as dates (or YYYY-MM-DD), TRUE or FALSE for yes or no, an empty cell for "
                              "nothing. Delete the sheets you do not fill, or leave them empty."),
        ("How to load it", "Bring in data (officers, analysts, administrators), or `sendreform import tables FILE`: "
                           "every row is checked, faults are named by sheet, row and column and nothing is stored "
                           "until the preview is confirmed. Loading the same workbook twice changes nothing; the "
                           "last import can be reversed."),
        ("", ""),
        ("Table", "What it holds, and where a council usually has it"),
        *((name, TABLE_PURPOSE[name]) for name in TABLE_ORDER),
    ):
        about.append([WriteOnlyCell(about, value=line[0]), WriteOnlyCell(about, value=line[1])])

    # The code lists first (the drop-downs point at their ranges), written last.
    numeric = _code_columns()
    lists = sorted(numeric)
    ranges = {}
    for i, name in enumerate(lists):
        col = _letter(2 * i + 1)
        ranges[name] = f"'{TEMPLATE_SHEETS[1]}'!${col}$2:${col}${len(CODE_LISTS[name]) + 1}"

    for name in TABLE_ORDER:
        spec = TABLES[name]
        sheet = book.create_sheet(name)
        sheet.freeze_panes = f"A{FIRST_ROW}"
        last = max(len(rows.get(name, ())) + FIRST_ROW - 1, 1000)
        for n, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[_letter(n)].width = max(14, min(40, len(column.name) + 4))
            area = f"{_letter(n)}{FIRST_ROW}:{_letter(n)}{last}"
            if column.codes or column.type == "bool":
                formula = ranges[column.codes] if column.codes else '"TRUE,FALSE"'
                what = f"a {column.codes} code" if column.codes else "TRUE or FALSE"
                check = DataValidation(type="list", formula1=formula, allow_blank=column.nullable,
                                       showErrorMessage=True, errorTitle=f"Not {what}",
                                       error=f"{column.name}: choose {what} from the list.",
                                       promptTitle=column.name, prompt=f"Choose {what}.", showInputMessage=True)
                check.add(area)
                sheet.data_validations.append(check)
        header = []
        for column in spec.columns:
            cell = WriteOnlyCell(sheet, value=column.name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        explanation = []
        for column in spec.columns:
            cell = WriteOnlyCell(sheet, value=column_explanation(column))
            cell.font, cell.alignment = note, wrap
            explanation.append(cell)
        sheet.append(explanation)
        dates = [i for i, c in enumerate(spec.columns) if c.type == "date"]
        for row in rows.get(name, ()):
            cells = list(row)
            for i in dates:
                if cells[i] is not None:
                    cell = WriteOnlyCell(sheet, value=cells[i])
                    cell.number_format = "yyyy-mm-dd"
                    cells[i] = cell
            sheet.append(cells)

    codes = book.create_sheet(TEMPLATE_SHEETS[1])
    header = []
    for name in lists:
        header += [WriteOnlyCell(codes, value=name), WriteOnlyCell(codes, value="means")]
        header[-2].font = header[-1].font = bold
    codes.append(header)
    for r in range(max(len(CODE_LISTS[n]) for n in lists)):
        line = []
        for name in lists:
            items = list(CODE_LISTS[name].items())
            if r < len(items):
                code, label = items[r]
                line += [int(code) if numeric[name] else code, label]
            else:
                line += [None, None]
        codes.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------ export


def tables_from_database() -> dict:
    """Every canonical table of the live database as Arrow, in its canonical schema, rows in key order."""
    from sendreform.common.warehouse import ibis_connection
    from sendreform.interchange.quality import NATURAL_KEYS
    from sendreform.metrics.engine import tables_from_connection

    con = ibis_connection()
    try:
        out = {}
        for name, table in tables_from_connection(con).items():
            order = list(TABLES[name].key or NATURAL_KEYS.get(name) or TABLES[name].column_names)
            out[name] = table.order_by(order).to_pyarrow().cast(arrow_schema(name))
        return out
    finally:
        con.disconnect()


def tables_own_lists(tables: dict) -> dict:
    """Of all the canonical tables, the council's own lists (`OWN_LISTS`) and the people they name (matched, when
    imported, to the people the school census and SEN2 brought in)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = {name: tables[name] for name in TABLE_ORDER if name in OWN_LISTS}
    named = set()
    for table in out.values():
        if "person_id" in table.column_names:
            named |= {v for v in table["person_id"].to_pylist() if v is not None}
    people = tables["person"]
    out["person"] = people.filter(pc.is_in(people["person_id"], value_set=pa.array(sorted(named), pa.string())))
    return {name: out[name] for name in TABLE_ORDER if name in out}


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def table_csv(table) -> bytes:
    """One Arrow table as canonical CSV (the header, dates YYYY-MM-DD, true/false, empty for nothing)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.column_names)
    columns = [c.to_pylist() for c in table.columns]
    for row in zip(*columns, strict=True):
        writer.writerow([_csv_text(v) for v in row])
    return out.getvalue().encode("utf-8")


def tables_export(*, out: Path, fmt: str | None = None, tables: dict | None = None,
                  own_lists: bool = False) -> dict[str, int]:
    """Write the canonical tables (of the database unless `tables` is given; with `own_lists` only the council's
    own lists and the people they name): a path ending .xlsx is the workbook; otherwise `out` is a folder of
    `<table>.csv` (fmt "csv", the default) or `<table>.parquet`. Returns the rows written per table."""
    import pyarrow.parquet as pq

    out = Path(out)
    tables = tables if tables is not None else tables_from_database()
    if own_lists:
        tables = tables_own_lists(tables)
    if out.suffix.lower() == ".xlsx":
        rows = {name: list(zip(*[c.to_pylist() for c in t.columns], strict=True)) for name, t in tables.items()}
        data = tables_workbook(rows=rows)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    else:
        fmt = fmt or "csv"
        if fmt not in ("csv", "parquet"):
            raise ValueError(f"{fmt!r} is not a format: csv or parquet (or a file name ending .xlsx)")
        out.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            if fmt == "csv":
                (out / f"{name}.csv").write_bytes(table_csv(table))
            else:
                pq.write_table(table, out / f"{name}.parquet")
    return {name: t.num_rows for name, t in tables.items()}


def tables_export_zip(*, tables: dict | None = None) -> tuple[bytes, dict[str, int]]:
    """The canonical tables (of the database unless given) as one .zip of `<table>.csv` files, and the rows of
    each: the download of "Bring in data"."""
    import zipfile

    tables = tables if tables is not None else tables_from_database()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, table in tables.items():
            archive.writestr(f"{name}.csv", table_csv(table))
    return out.getvalue(), {name: t.num_rows for name, t in tables.items()}
