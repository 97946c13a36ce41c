"""Every canonical table in and out: a council's own lists (and anything else in the canonical shape) read from
CSV files, Parquet files or one .xlsx workbook with a sheet per table, through the import pattern of
`sendreform.imports.services` (check -> preview -> confirm -> record -> reverse; ADR 18, ADR 24); and the
canonical tables written out again the same three ways (`tables_export`).

What a file may be (`tables_read`): a workbook (`.xlsx`, a sheet per table named as the table, the header in
row 1; row 2 may be the template's row of explanation), a `.zip` of `<table>.csv` / `<table>.parquet` files,
or one table's `<table>.csv` or `<table>.parquet`. The command line also takes a folder of those files.
CSV is the canonical CSV of `canonical-schema.md`: a header of column names, dates YYYY-MM-DD, true/false,
an empty field for nothing, UTF-8.

The check reads every row of every table and names each fault by file, sheet, row, column and reason: a value
of the wrong type, a code outside its list, an empty required cell, a column missing or unknown, two rows with
one key, a date before the date it follows, a reference to a row neither the file nor the database holds.
Any fault refuses the whole file; nothing is stored but the record of the check.

Matching: a person is the stored person with the same `person_id`; otherwise the one SEN2 would match
(UPN, then ULN, then name and date of birth; `people_match`), and every row of the file that names the file's
`person_id` is given the stored one. A setting is matched the same way by `establishment_id`, then URN, then
UKPRN. Rows of the tables with no key of their own (needs, attendance, engagement...) are matched to stored
rows by `MATCH_KEYS` (the n-th row of the file with those values to the n-th stored one), so the same file twice
changes nothing. An import never deletes: rows the file leaves
out stay as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sendreform.imports.services import (
    ImportRefused,
    Matching,
    PersonIn,
    Plan,
    RowIn,
    changes_plan,
    import_apply,
    import_check,
    import_file_read,
    import_preview,
    people_match,
    people_summary,
)
from sendreform.imports.workbook import TEMPLATE_SHEETS, column_explanation
from sendreform.interchange.canonical_files import FIRST_DATE, LAST_DATE, CanonicalFileError, canonical_value
from sendreform.interchange.quality import NATURAL_KEYS
from sendreform.standards.codes import CODE_LISTS
from sendreform.standards.schemas import TABLE_ORDER, TABLES, Column

SOURCE = "tables"
MAX_ISSUES = 1_000
CHUNK = 500

# How a row of a table with no key of its own is known again (the stored row it updates).
MATCH_KEYS: dict[str, tuple[str, ...]] = {
    **NATURAL_KEYS,
    "sen_status": ("person_id", "establishment_id", "sen_provision", "start_date"),
    "sen_need": ("person_id", "need_type", "need_rank", "start_date"),
    "eah_involvement": ("referral_id", "discipline", "practitioner_id", "start_date"),
    "planned_places": ("project", "establishment_id", "kind", "need_types", "open_date"),
}

# Rules a row must keep beyond its cells' types and codes (the database's own check constraints), as
# (table, columns named, test, reason). `DATE_ORDER` pairs are added below.
_ROW_RULES = [
    ("ehc_plan", ("cease_reason",), lambda r: (r["cease_date"] is None) == (r["cease_reason"] is None),
     "a cease reason is given exactly when there is a cease date"),
    ("placement", ("sen_setting",), lambda r: (r["establishment_id"] is None) != (r["sen_setting"] is None),
     "a placement names either an establishment_id or a sen_setting, not both and not neither"),
    ("attendance", ("sessions_possible",),
     lambda r: r["sessions_possible"] >= r["sessions_authorised"] + r["sessions_unauthorised"],
     "the sessions possible are fewer than the sessions missed (authorised + unauthorised)"),
    ("part_time_timetable", ("hours_in_school_per_week",),
     lambda r: 0 <= r["hours_in_school_per_week"] <= r["full_time_hours_per_week"],
     "the hours in school are more than the full-time hours, or below 0"),
    ("survey_response", ("score",), lambda r: r["score"] is None or 1 <= r["score"] <= 5,
     "a score is from 1 to 5"),
]


def _date_rules():
    from sendreform.interchange.quality import DATE_ORDER

    for table, earlier, later in DATE_ORDER:
        yield (table, (later,), lambda r, e=earlier, la=later: r[la] is None or r[e] is None or r[la] >= r[e],
               f"{later} is before {earlier}")


ROW_RULES = [*_ROW_RULES, *_date_rules()]


# ------------------------------------------------------------------------------------------ faults


@dataclass(frozen=True)
class TableIssue:
    """One fault in a file: where (file, sheet of a workbook, row as the person sees it, column) and why."""

    file: str
    message: str
    rule: str
    sheet: str = ""
    row: int | None = None  # a workbook's row, a CSV file's line, a Parquet file's row of data (from 1)
    column: str = ""

    @property
    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"{'line' if self.file.endswith('.csv') else 'row'} {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def text(self) -> str:
        return f"{self.where}: {self.message}"

    def as_dict(self) -> dict:
        """As the import pages keep a report's issues (line, severity, rule, person, path, value, message), and
        the file, sheet, row and column on their own."""
        place = ", ".join(p for p in (self.file, f"sheet {self.sheet}" if self.sheet else "",
                                      f"column {self.column}" if self.column else "") if p)
        return {"line": self.row, "severity": "error", "rule": self.rule, "person": "", "path": place, "value": "",
                "message": self.message, "file": self.file, "sheet": self.sheet, "row": self.row,
                "column": self.column}


class _Issues(list):
    cut = False

    def add(self, issue: TableIssue) -> None:
        if len(self) < MAX_ISSUES:
            self.append(issue)
        else:
            self.cut = True


# ------------------------------------------------------------------------------------------ reading


@dataclass
class TableRows:
    """One table as read: its rows (canonical Python values) and, for each, where it is in the file."""

    name: str
    file: str
    sheet: str = ""
    rows: list[dict] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)

    def issue(self, i: int | None, column: str, message: str, rule: str) -> TableIssue:
        return TableIssue(file=self.file, sheet=self.sheet, row=None if i is None else self.numbers[i],
                          column=column, message=message, rule=rule)

    def label(self, i: int) -> str:
        return TableIssue(file=self.file, sheet=self.sheet, row=self.numbers[i], message="", rule="").where


@dataclass
class TablesRead:
    file_name: str
    tables: dict[str, TableRows]
    issues: _Issues

    @property
    def rows(self) -> int:
        return sum(len(t.rows) for t in self.tables.values())


def tables_read(*, data: bytes, file_name: str) -> TablesRead:
    """Every table in `data` (a workbook, a .zip of CSV or Parquet files, or one table's CSV or Parquet file),
    each cell read as its canonical value and checked against its column's type and code list and each row
    against the rules of its table. Faults are collected (up to MAX_ISSUES), never raised."""
    issues = _Issues()
    read = TablesRead(file_name=file_name, tables={}, issues=issues)
    name = PurePosixPath(file_name).name
    suffix = PurePosixPath(name).suffix.lower()
    if suffix == ".xlsx":
        _workbook_read(data, name, read)
    elif suffix == ".zip":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            issues.add(TableIssue(file=name, message="is not a readable .zip file", rule="file"))
            return read
        members = [m for m in archive.infolist() if not m.is_dir() and not PurePosixPath(m.filename).name
                   .startswith(".") and "__MACOSX" not in m.filename]
        if not members:
            issues.add(TableIssue(file=name, message="holds no files: expected <table>.csv or <table>.parquet "
                                                     "files", rule="file"))
        for member in sorted(members, key=lambda m: m.filename):
            _table_file_read(archive.read(member), PurePosixPath(member.filename).name, read)
    elif suffix in (".csv", ".parquet"):
        _table_file_read(data, name, read)
    else:
        issues.add(TableIssue(file=name, rule="file", message="is not a workbook (.xlsx), a .zip of CSV or Parquet "
                              "files, or one table's CSV or Parquet file (named <table>.csv or <table>.parquet)"))
    if not read.tables and not issues:
        issues.add(TableIssue(file=name, rule="file", message="holds no canonical table"))
    for table in read.tables.values():
        _rows_check(table, issues)
    return read


def _table_named(name: str, file: str, read: TablesRead, sheet: str = "") -> str | None:
    table = (sheet or PurePosixPath(name).stem).strip().lower()
    if table not in TABLES:
        read.issues.add(TableIssue(file=file, sheet=sheet, rule="table", message=(
            f"{table!r} is not a canonical table: a {'sheet' if sheet else 'file'} is named after its table, one of "
            + ", ".join(TABLE_ORDER))))
        return None
    if table in read.tables:
        first = read.tables[table]
        read.issues.add(TableIssue(file=file, sheet=sheet, rule="table", message=(
            f"{table} is also in {first.file}{', sheet ' + first.sheet if first.sheet else ''}: give each table once")))
        return None
    return table


def _table_file_read(data: bytes, name: str, read: TablesRead) -> None:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in (".csv", ".parquet"):
        read.issues.add(TableIssue(file=name, rule="file", message="is not a CSV or Parquet file of a canonical table"))
        return
    table = _table_named(name, name, read)
    if table is None:
        return
    if suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            read.issues.add(TableIssue(file=name, rule="file", message=f"is not UTF-8 text ({error.reason})"))
            return
        lines = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(lines, None)
            if header is None:
                read.issues.add(TableIssue(file=name, rule="file", message="is empty: expected a header row"))
                return
            body = ((number, row) for number, row in enumerate(lines, start=2))
            _cells_read(TableRows(table, name), header, body, read, text=True)
        except csv.Error as error:
            read.issues.add(TableIssue(file=name, rule="file", row=lines.line_num,
                                       message=f"cannot be read as CSV: {error}"))
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        source = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError) as error:
        read.issues.add(TableIssue(file=name, rule="file", message=f"is not a readable Parquet file ({error})"))
        return
    columns = [source.column(c).to_pylist() for c in source.column_names]
    body = ((number, list(values)) for number, values in enumerate(zip(*columns, strict=True), start=1))
    _cells_read(TableRows(table, name), source.column_names, body, read, text=False)


def _workbook_read(data: bytes, name: str, read: TablesRead) -> None:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        read.issues.add(TableIssue(file=name, rule="file", message=f"is not a readable .xlsx workbook ({error})"))
        return
    try:
        for sheet in book.worksheets:
            if sheet.title in TEMPLATE_SHEETS:
                continue
            table = _table_named(name, name, read, sheet=sheet.title)
            if table is None:
                continue
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None:
                read.issues.add(TableIssue(file=name, sheet=sheet.title, rule="columns",
                                           message="is empty: expected a header row of column names in row 1"))
                continue
            header = list(header)
            while header and header[-1] in (None, ""):
                header.pop()
            body = ((number, list(values)) for number, values in enumerate(rows, start=2))
            _cells_read(TableRows(table, name, sheet=sheet.title), header, body, read, text=False, workbook=True)
    finally:
        book.close()


def _cells_read(table: TableRows, header, body, read: TablesRead, *, text: bool, workbook: bool = False) -> None:
    """Read every row of one table: the header checked against the table's columns, each cell as its canonical
    value. `body` yields (row number as the person sees it, cells)."""
    spec = TABLES[table.name]
    issues = read.issues
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    bad_header = False
    for position, column in enumerate(names):
        if column not in spec.column_names:
            issues.add(table.issue(None, column or f"(column {position + 1})", (
                f"is not a column of {table.name}: its columns are {', '.join(spec.column_names)}"), "columns"))
            bad_header = True
        elif names.index(column) != position:
            issues.add(table.issue(None, column, "is given twice", "columns"))
            bad_header = True
    missing = [c for c in spec.column_names if c not in names]
    if missing:
        issues.add(table.issue(None, missing[0], "is missing" + (
            f", and so are {', '.join(missing[1:])}" if len(missing) > 1 else ""), "columns"))
        bad_header = True
    if bad_header:
        read.tables[table.name] = table
        return
    positions = [names.index(c.name) for c in spec.columns]
    explanation = column_explanation(spec.columns[0]) if workbook else None
    label = Path(table.file)
    converters = [_converter(c, label) for c in spec.columns]
    for number, cells in body:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        if explanation is not None and number == 2 and cells and cells[positions[0]] == explanation:
            continue  # the template's row of explanation
        if text and len(cells) != len(names):
            issues.add(TableIssue(file=table.file, row=number, rule="columns",
                                  message=f"has {len(cells)} fields; the header has {len(names)}"))
            continue
        row, ok = {}, True
        for column, position, convert in zip(spec.columns, positions, converters, strict=True):
            value = cells[position] if position < len(cells) else None
            if workbook:
                value = _from_excel(value, column)
            try:
                value = convert(number, value)
            except CanonicalFileError as error:
                issues.add(TableIssue(file=table.file, sheet=table.sheet, row=number, column=column.name,
                                      message=error.message, rule="value"))
                ok = False
                continue
            if column.codes and value is not None and str(value) not in CODE_LISTS[column.codes]:
                issues.add(TableIssue(file=table.file, sheet=table.sheet, row=number, column=column.name,
                                      rule="code", message=f"{value!r} is not a {column.codes} code (one of "
                                                           f"{', '.join(CODE_LISTS[column.codes])})"))
                ok = False
            row[column.name] = value
        if ok:
            table.rows.append(row)
            table.numbers.append(number)
    read.tables[table.name] = table


def _converter(column: Column, path: Path):
    """`canonical_value` for one column, with the common well-formed text taken the short way (a whole area is
    millions of cells); anything else, and every fault, goes the canonical way."""
    def canonical(number, value):
        return canonical_value(path=path, row=number, column=column, value=value)

    nullable = column.nullable
    if column.type == "str":
        def convert(number, value):
            if isinstance(value, str):
                value = value.strip()
                return value if value else (None if nullable else "")
            return canonical(number, value)
    elif column.type == "date":
        def convert(number, value):
            if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
                try:
                    day = dt.date.fromisoformat(value)
                except ValueError:
                    return canonical(number, value)
                if FIRST_DATE <= day <= LAST_DATE:
                    return day
            return canonical(number, value)
    elif column.type in ("int", "pence"):
        def convert(number, value):
            if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 18:
                return int(value)
            return canonical(number, value)
    elif column.type == "bool":
        def convert(number, value):
            if value == "true" or value == "false":
                return value == "true"
            return canonical(number, value)
    else:
        convert = canonical
    return convert


def _from_excel(value, column: Column):
    """A workbook cell as the canonical reader takes it: a date typed into Excel comes as a midnight date-time,
    a number as a float, a code typed as a number (a URN in a text column) as a number."""
    if isinstance(value, dt.datetime) and column.type == "date" and value.time() == dt.time():
        return value.date()
    if isinstance(value, float) and value.is_integer() and column.type in ("int", "pence", "str"):
        return int(value) if column.type != "str" else str(int(value))
    if isinstance(value, int) and not isinstance(value, bool) and column.type == "str":
        return str(value)
    if isinstance(value, float) and column.type == "decimal":
        return repr(round(value, 6))
    return value


def _rows_check(table: TableRows, issues: _Issues) -> None:
    """The rules of each row (the database's check constraints) and one row per key."""
    rules = [(columns, test, reason) for name, columns, test, reason in ROW_RULES if name == table.name]
    for i, row in enumerate(table.rows):
        for columns, test, reason in rules:
            if not test(row):
                issues.add(table.issue(i, columns[0], reason, "row"))
    key = TABLES[table.name].key or NATURAL_KEYS.get(table.name, ())
    if key:
        first: dict[tuple, int] = {}
        for i, row in enumerate(table.rows):
            k = tuple(row[c] for c in key)
            if k in first:
                issues.add(table.issue(i, key[0], f"has the same {', '.join(key)} as row {table.numbers[first[k]]}: "
                                                  "each row's key must be its own", "key"))
            else:
                first[k] = i


def tables_files(path: Path) -> list[tuple[str, bytes]]:
    """What `sendreform import tables PATH` reads: one file, or a folder as one .zip (`tables_bundle`)."""
    data, name = tables_bundle(path=path)
    return [(name, data)]


def tables_bundle(*, path: Path) -> tuple[bytes, str]:
    """The bytes and name of what the command line is given: a file as it is; a folder as a .zip of its
    `<table>.csv` and `<table>.parquet` files (names sorted, times fixed, so the same folder hashes the same)."""
    path = Path(path)
    if not path.is_dir():
        return path.read_bytes(), path.name
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in sorted(path.iterdir()):
            if member.is_file() and member.suffix.lower() in (".csv", ".parquet"):
                info = zipfile.ZipInfo(member.name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, member.read_bytes())
    return out.getvalue(), f"{path.name or 'tables'}.zip"


# ------------------------------------------------------------------------------------------ matching


@dataclass
class TablesMapping:
    """What a file would write: its rows, how its people and settings matched, and the faults found only
    against the database (references to rows that are nowhere)."""

    rows: list[RowIn]
    people: list[PersonIn]
    matching: Matching
    settings: dict[str, int]
    issues: list[TableIssue]

    @property
    def blocked(self) -> list[str]:
        if self.matching.ambiguous:
            return [f"{len(self.matching.ambiguous)} person(s) in the file match more than one stored record, or "
                    "another child's: put the records right (or the file) and check again"]
        return []

    def people_summary(self, *, examples: int = 10) -> dict:
        """How the file's people matched (nothing when it names no person table) and its settings."""
        people = people_summary(matching=self.matching, people=self.people, examples=examples) if self.people else {}
        return {**people, "settings": self.settings}

    def plan(self) -> Plan:
        return changes_plan(rows=self.rows)


def _stored(model, column: str, values, fields: tuple[str, ...]) -> list[dict]:
    out = []
    values = sorted({v for v in values if v is not None}, key=str)
    for i in range(0, len(values), CHUNK):
        out.extend(model._base_manager.filter(**{f"{column}__in": values[i:i + CHUNK]}).values(*fields))
    return out


def _person_map(read: TablesRead, matching_people: list[PersonIn]) -> tuple[dict[str, str], Matching]:
    """The file's person_id -> the stored person's, and how each person of the file matched."""
    from sendreform.people.models import Person

    table = read.tables.get("person")
    result = Matching()
    mapping: dict[str, str] = {}
    if table is None:
        return mapping, result
    stored = {r["person_id"]: r for r in _stored(Person, "person_id", [r["person_id"] for r in table.rows],
                                                   ("person_id", "upn"))}
    rest = []
    for i, row in enumerate(table.rows):
        found = stored.get(row["person_id"])
        if found is None:
            rest.append(i)
        elif found["upn"] and row["upn"] and found["upn"].upper() != row["upn"].upper():
            result.ambiguous[i] = (f"{matching_people[i].ref}: person_id {row['person_id']} is stored with another "
                                   f"UPN ({found['upn']})")
        else:
            result.matched[i] = (row["person_id"], "person_id")
    others = people_match(people=[matching_people[i] for i in rest])
    for j, i in enumerate(rest):
        if j in others.matched:
            result.matched[i] = others.matched[j]
        elif j in others.ambiguous:
            result.ambiguous[i] = others.ambiguous[j]
        else:
            result.new.append(i)
    claimed: dict[str, list[int]] = defaultdict(list)
    for i, (pid, _) in result.matched.items():
        claimed[pid].append(i)
    for pid, indexes in claimed.items():
        if len(indexes) > 1:
            for i in indexes:
                result.matched.pop(i)
                result.ambiguous[i] = (f"{matching_people[i].ref}: the file holds {len(indexes)} people who match "
                                       f"{pid}")
    for i, (pid, _) in result.matched.items():
        mapping[table.rows[i]["person_id"]] = pid
    return mapping, result


def _setting_map(read: TablesRead) -> tuple[dict[str, str], dict[str, int]]:
    """The file's establishment_id -> the stored setting's (same id, else URN, else UKPRN), and the counts."""
    from sendreform.people.models import Establishment

    table = read.tables.get("establishment")
    counts: dict[str, int] = defaultdict(int)
    mapping: dict[str, str] = {}
    if table is None:
        return mapping, {}
    fields = ("establishment_id", "urn", "ukprn")
    by_id = {r["establishment_id"] for r in _stored(Establishment, "establishment_id",
                                                    [r["establishment_id"] for r in table.rows], fields)}
    by_urn = {r["urn"]: r["establishment_id"] for r in _stored(Establishment, "urn",
                                                              [r["urn"] for r in table.rows], fields)}
    by_ukprn: dict[int, str] = {}
    for r in sorted(_stored(Establishment, "ukprn", [r["ukprn"] for r in table.rows], fields),
                    key=lambda r: r["establishment_id"]):
        by_ukprn.setdefault(r["ukprn"], r["establishment_id"])
    for row in table.rows:
        eid = row["establishment_id"]
        if eid in by_id:
            counts["matched by establishment_id"] += 1
        elif row["urn"] is not None and row["urn"] in by_urn:
            mapping[eid] = by_urn[row["urn"]]
            counts["matched by URN"] += 1
        elif row["ukprn"] is not None and row["ukprn"] in by_ukprn:
            mapping[eid] = by_ukprn[row["ukprn"]]
            counts["matched by UKPRN"] += 1
        else:
            counts["new"] += 1
    return mapping, dict(counts)


def _model(name: str):
    from django.apps import apps

    return next(m for m in apps.get_models() if m._meta.db_table == name)


def tables_mapping(*, read: TablesRead) -> TablesMapping:
    """The rows a file would write, its people and settings matched to stored ones; references to rows that are
    neither in the file nor stored are faults. Reads only."""
    person = read.tables.get("person")
    people = [PersonIn(ref=person.label(i), surname=r["surname"], forename=r["forename"], birth_date=r["birth_date"],
                       upn=r["upn"], uln=r["uln"]) for i, r in enumerate(person.rows)] if person else []
    person_map, matching = _person_map(read, people)
    setting_map, settings = _setting_map(read)
    remap = {"person.person_id": person_map, "establishment.establishment_id": setting_map}
    issues: list[TableIssue] = []
    tables = {name: read.tables[name] for name in TABLE_ORDER if name in read.tables}
    # Every reference, after matching, to a row the file holds or one already stored.
    rows_of: dict[str, list[dict]] = {}
    for name, table in tables.items():
        rows = []
        for row in table.rows:
            row = dict(row)
            for column in TABLES[name].columns:
                target = column.references or (f"{name}.{column.name}" if name in ("person", "establishment")
                                               and column.name == f"{name}_id" else None)
                if target in remap and row[column.name] in remap[target]:
                    row[column.name] = remap[target][row[column.name]]
            rows.append(row)
        rows_of[name] = rows
    for name, table in tables.items():
        for column in TABLES[name].columns:
            if not column.references:
                continue
            parent, key = column.references.split(".")
            held = {r[key] for r in rows_of.get(parent, [])}
            wanted = {r[column.name] for r in rows_of[name]} - held - {None}
            stored = {r[key] for r in _stored(_model(parent), key, wanted, (key,))}
            for i, row in enumerate(rows_of[name]):
                value = row[column.name]
                if value is not None and value not in held and value not in stored:
                    issues.append(table.issue(i, column.name, (
                        f"{value!r} is not a {key} of the file's {parent} table, nor one stored"), "reference"))
                    if len(issues) >= MAX_ISSUES:
                        break
    rows: list[RowIn] = []
    for name, table in tables.items():
        key = MATCH_KEYS.get(name) if not TABLES[name].key else None
        ids = _stored_ids(name, key, rows_of[name]) if key else {}
        seen: dict[tuple, int] = defaultdict(int)
        for i, row in enumerate(rows_of[name]):
            if key:
                # The n-th row of the file with these values is the n-th stored one (two involvements of one
                # practitioner begun on one day are two rows).
                k = tuple(row[c] for c in key)
                same = ids.get(k, [])
                if seen[k] < len(same):
                    row = {"id": same[seen[k]], **row}
                seen[k] += 1
            rows.append(RowIn(name, row, label=table.label(i)))
    return TablesMapping(rows=rows, people=people, matching=matching, settings=settings, issues=issues)


def _stored_ids(name: str, key: tuple[str, ...], rows: list[dict]) -> dict[tuple, list[int]]:
    """The stored rows of a table with no key of its own, by their `MATCH_KEYS` values (in the order stored)."""
    model = _model(name)
    narrow = next((c for c in key if c in ("person_id", "referral_id", "establishment_id")), None)
    fields = ("id", *key)
    if narrow:
        stored = _stored(model, narrow, [r[narrow] for r in rows], fields)
    else:
        stored = list(model._base_manager.values(*fields))
    out: dict[tuple, list[int]] = defaultdict(list)
    for r in sorted(stored, key=lambda r: r["id"]):
        out[tuple(r[c] for c in key)].append(r["id"])
    return out


# ------------------------------------------------------------------------------------------ check, preview, apply


@dataclass
class TablesChecked:
    """A file read and checked, with its run (recorded) and what it would write (None when it has faults)."""

    run: object
    read: TablesRead
    mapping: TablesMapping | None

    @property
    def issues(self) -> list[TableIssue]:
        return list(self.read.issues) + (self.mapping.issues if self.mapping else [])

    def summary(self) -> str:
        counts = ", ".join(f"{name} {len(t.rows):,}" for name, t in self.read.tables.items())
        verdict = (f"{len(self.issues):,} fault(s){' (the first ' + str(MAX_ISSUES) + ')' if self.read.issues.cut else ''}"
                   "; nothing can be imported from it until they are put right") if self.issues else "no faults"
        return f"{self.read.file_name}: {len(self.read.tables)} table(s) read ({counts or 'none'}); {verdict}."


def _checked(read: TablesRead) -> TablesMapping | None:
    return None if read.issues else tables_mapping(read=read)


def tables_check(*, data: bytes, file_name: str, user=None, by_name: str = "") -> TablesChecked:
    """Read and check a file of canonical tables and record that it was checked (with every fault found).
    Nothing else is stored."""
    read = tables_read(data=data, file_name=file_name)
    mapping = _checked(read)
    checked = TablesChecked(run=None, read=read, mapping=mapping)
    issues = checked.issues
    report = {"validation": {"file": file_name, "tables": {n: len(t.rows) for n, t in read.tables.items()},
                             "issues": [i.as_dict() for i in issues], "issues_cut": read.issues.cut,
                             "errors": len(issues), "summary": checked.summary(),
                             "persons": len(read.tables["person"].rows) if "person" in read.tables else 0}}
    checked.run = import_check(source=SOURCE, user=user, by_name=by_name, file_name=file_name, data=data,
                               collection_year=None, report=report, errors=len(issues), queries=0)
    return checked


def tables_reopen(*, run) -> TablesChecked:
    """A checked run's file again, from the file kept for it, matched against the data as it is now."""
    read = tables_read(data=import_file_read(run=run), file_name=run.file_name)
    return TablesChecked(run=run, read=read, mapping=_checked(read))


@dataclass
class TablesPreview:
    mapping: TablesMapping
    plan: Plan

    @property
    def blocked(self) -> list[str]:
        return self.mapping.blocked

    def people(self, *, examples: int = 10) -> dict:
        return self.mapping.people_summary(examples=examples)


def tables_preview(*, checked: TablesChecked) -> TablesPreview:
    """What the checked file would change, per table, and how its people matched; recorded on its run.
    Raises ImportRefused for a file with faults. Writes nothing to the canonical tables."""
    if checked.mapping is None or checked.issues:
        raise ImportRefused(f"{checked.read.file_name} has {len(checked.issues):,} fault(s): nothing can be imported "
                            "from it until they are put right.")
    plan = checked.mapping.plan()
    import_preview(run=checked.run, plan=plan, people=checked.mapping.people_summary())
    return TablesPreview(mapping=checked.mapping, plan=plan)


def tables_apply(*, checked: TablesChecked, preview: TablesPreview):
    """Apply a previewed file in one transaction; refused while people are ambiguous."""
    blocked = preview.blocked
    if blocked:
        raise ImportRefused("Nothing was imported: " + "; ".join(blocked) + ".")
    return import_apply(run=checked.run, plan=preview.plan)
