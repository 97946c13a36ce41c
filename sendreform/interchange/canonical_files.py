"""Reading a folder of canonical tables (`<table>.csv` or `<table>.parquet`) into Arrow and DuckDB.

CSV follows `canonical-schema.md`: a header row of column names, dates ISO, booleans true/false, null as an
empty field, UTF-8. A file that cannot be read stops everything with a `CanonicalFileError` naming the file,
row and column; unknown codes and impossible dates are not read errors, the data-quality check reports them.

A check a file passed is remembered (`Verdicts`, ADR 31): the same file, unchanged, is not checked again.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from sendreform.metrics.lazy import lazy_import
from sendreform.metrics.plans import cache_dir, code_version
from sendreform.standards.codes import CODE_LISTS
from sendreform.standards.schemas import TABLE_ORDER, TABLES, Column, arrow_schema

pa = lazy_import("pyarrow")  # read only when a file has to be read or checked

_INT = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BOOLS = {"true": True, "false": False}
_DECIMAL_LIMIT = Decimal("9999999.99")  # decimal(9, 2)
_INT_LIMIT = 2**63 - 1  # int64
# Dates outside these years are not a mistake the data-quality check should count but input that cannot be meant.
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


class CanonicalFileError(ValueError):
    """A canonical file that cannot be read: says which file, row and column, and why."""

    def __init__(self, *, path: Path, message: str, row: int | None = None, column: str | None = None):
        self.path, self.row, self.column, self.message = Path(path), row, column, message
        where = [str(path)]
        if row is not None:
            # Row 1 is the first row of data; in a CSV file it is on line 2, under the header.
            where.append(f"row {row} (line {row + 1})" if self.path.suffix == ".csv" else f"row {row}")
        if column is not None:
            where.append(f"column {column}")
        super().__init__(f"{', '.join(where)}: {message}")


def canonical_files_read(*, data_dir: Path | str, tables: Iterable[str] = TABLE_ORDER,
                         check_keys: bool = False) -> dict[str, pa.Table]:
    """Every named canonical table from `data_dir`, each cast to its exact `arrow_schema`. With `check_keys`, two
    rows with one key, or a reference to a row of a read table that is not there, stop it, naming the file, row
    and column."""
    import duckdb

    folder = Path(data_dir)
    if not folder.is_dir():
        raise CanonicalFileError(path=folder, message="is not a folder")
    out, relations = {}, {}
    con = duckdb.connect()
    for name in tables:
        path = _table_file(folder, name)
        out[name] = canonical_file_read(path=path, table=name)
        con.register(f"__{name}", _numbered(out[name]))
        relations[name] = (path, f'"__{name}"')
    if check_keys:
        _keys_check(relations, lambda sql: con.execute(sql).fetchone())
    con.close()
    return out


def canonical_files_connect(*, data_dir: Path | str, check_codes: bool = False, check_keys: bool = False):
    """A DuckDB Ibis connection holding every canonical table from `data_dir` (`canonical_files_open`)."""
    import ibis

    return ibis.duckdb.from_connection(canonical_files_open(data_dir=data_dir, check_codes=check_codes,
                                                            check_keys=check_keys))


def canonical_files_open(*, data_dir: Path | str, check_codes: bool = False, check_keys: bool = False):
    """A DuckDB connection (the DB-API one, without Ibis) holding every canonical table from `data_dir`. A
    Parquet file already in the canonical Arrow schema is read where it lies (a view over the file, so a folder
    larger than memory can be queried); any other file is read and converted into memory. With `check_codes`, a
    value outside its code list stops it, naming the file, row and column, as a required column left empty
    always does; with `check_keys`, two rows with one key or a reference to a row that is not there does. A
    check an unchanged file has passed before is not run again (`Verdicts`)."""
    import duckdb

    folder = Path(data_dir)
    if not folder.is_dir():
        raise CanonicalFileError(path=folder, message="is not a folder")
    con = duckdb.connect()
    verdicts = Verdicts()
    relations = {}
    for name in TABLE_ORDER:
        path = _table_file(folder, name)
        canonical = ("canonical", name, verdicts.identity(path))
        if path.suffix == ".parquet" and (verdicts.passed(*canonical) or _parquet_canonical(path, name)):
            verdicts.record(*canonical)
            _parquet_view(con, path, name, check_codes=check_codes, verdicts=verdicts)
            relations[name] = (path, f"(SELECT *, file_row_number + 1 AS __row FROM "
                                     f"read_parquet({_sql_text(str(path))}, file_row_number = true))")
        else:
            table = canonical_file_read(path=path, table=name)
            if check_codes:
                _codes_check(path, name, table)
            con.register("__arrow", table)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM __arrow')
            if check_keys:
                con.register("__arrow", _numbered(table))
                con.execute(f'CREATE TEMPORARY TABLE "__{name}" AS SELECT * FROM __arrow')
            con.unregister("__arrow")
            relations[name] = (path, f'"__{name}"')
    if check_keys:
        _keys_check(relations, lambda sql: con.execute(sql).fetchone(), verdicts=verdicts)
    return con


class Verdicts:
    """The checks files have passed, each remembered by what it checked: the check, the code that checks, and
    each file's identity (path, size, modification and change times, inode, and a hash of its first and last
    64 KiB, where a Parquet file keeps its row groups' statistics). A changed file has another identity and is
    checked again; a failed check is never remembered. Kept as empty files under `<cache>/verdicts`."""

    EDGE = 64 * 1024

    def __init__(self):
        folder = cache_dir()
        self.folder = None if folder is None else folder / "verdicts"
        self._identities: dict[Path, str] = {}

    def identity(self, path: Path) -> str:
        if path not in self._identities:
            stat, digest = path.stat(), hashlib.sha256()
            with path.open("rb") as handle:
                digest.update(handle.read(self.EDGE))
                if stat.st_size > self.EDGE:
                    handle.seek(max(self.EDGE, stat.st_size - self.EDGE))
                    digest.update(handle.read(self.EDGE))
            self._identities[path] = json.dumps([str(path.resolve()), stat.st_size, stat.st_mtime_ns,
                                                 stat.st_ctime_ns, stat.st_ino, digest.hexdigest()])
        return self._identities[path]

    def _marker(self, what: tuple) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / hashlib.sha256(json.dumps([_checks_version(), *what]).encode()).hexdigest()

    def passed(self, *what) -> bool:
        marker = self._marker(what)
        return marker is not None and marker.exists()

    def record(self, *what) -> None:
        marker = self._marker(what)
        if marker is None:
            return
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # a cache that cannot be written: the checks run every time


@cache
def _checks_version() -> str:
    """The checks' own code: this module, the data-quality keys, and the schemas and code lists."""
    here = Path(__file__).resolve()
    return hashlib.sha256(b"".join([code_version().encode(), here.read_bytes(),
                                    (here.parent / "quality.py").read_bytes()])).hexdigest()


def _numbered(table: pa.Table) -> pa.Table:
    """The table with `__row`, each row's number in its file (from 1)."""
    return table.append_column("__row", pa.array(range(1, table.num_rows + 1), type=pa.int64()))


def _keys_check(relations: dict[str, tuple[Path, str]], fetch, verdicts: Verdicts | None = None) -> None:
    """Stop at the first row whose key another row has, and at the first reference to a row that is not there
    (among the tables given). `relations` maps a table to its file and an SQL relation of its columns and
    `__row`, the row's number in the file; `fetch` runs a query and returns its first row. With `verdicts`, a
    check the same files passed before is skipped."""

    def done(*what) -> bool:
        return verdicts is not None and verdicts.passed(*what)

    def passed(*what) -> None:
        if verdicts is not None:
            verdicts.record(*what)

    def identity(name: str) -> str:
        return verdicts.identity(relations[name][0]) if verdicts is not None else ""

    for name, (path, rel) in relations.items():
        key = () if done("key", name, identity(name)) else TABLES[name].key or _natural_key(name)
        if key:
            cols = ", ".join(f'"{c}"' for c in key)
            found = fetch(f"SELECT __row, __first FROM (SELECT __row, "
                          f"min(__row) OVER (PARTITION BY {cols}) AS __first, "
                          f"row_number() OVER (PARTITION BY {cols} ORDER BY __row) AS __n FROM {rel}) "
                          "WHERE __n = 2 ORDER BY __row LIMIT 1")
            if found:
                raise CanonicalFileError(path=path, row=found[0], column=key[0],
                                         message=f"has the same {', '.join(key)} as row {found[1]}: each row's key "
                                                 "must be its own")
        passed("key", name, identity(name))
        for column in TABLES[name].columns:
            if not column.references:
                continue
            parent, parent_column = column.references.split(".")
            reference = ("reference", name, column.name, identity(name), identity(parent) if parent in relations else "")
            if parent not in relations or done(*reference):
                continue
            c = f'"{column.name}"'
            found = fetch(f"SELECT __row, {c} FROM {rel} WHERE {c} IS NOT NULL AND {c} NOT IN "
                          f'(SELECT "{parent_column}" FROM {relations[parent][1]} '
                          f'WHERE "{parent_column}" IS NOT NULL) '
                          "ORDER BY __row LIMIT 1")
            if found:
                raise CanonicalFileError(
                    path=path, row=found[0], column=column.name,
                    message=f"{found[1]!r} is not a {parent_column} of {relations[parent][0].name}")
            passed(*reference)


def _natural_key(name: str) -> tuple[str, ...]:
    from sendreform.interchange.quality import NATURAL_KEYS  # imports Ibis: only when a key is checked

    return NATURAL_KEYS.get(name, ())


def _parquet_canonical(path: Path, name: str) -> bool:
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError):
        return False  # read the slow way, which says what is wrong with the file
    return all(
        field.name in schema.names and schema.field(field.name).type == field.type for field in arrow_schema(name)
    )


def _parquet_view(con, path: Path, name: str, *, check_codes: bool, verdicts: Verdicts | None = None) -> None:
    """A view of the file's canonical columns, after one pass that finds the first empty required cell and, with
    `check_codes`, the first unknown code (rows counted from 1, as in the file); `con` is a DuckDB connection.
    With `verdicts`, the pass is skipped for a file that passed it before."""
    source = f"read_parquet({_sql_text(str(path))}, file_row_number = true)"
    checks = [(c, f'"{c.name}" IS NULL', "is empty but required") for c in TABLES[name].columns if not c.nullable]
    if check_codes:
        for column in (c for c in TABLES[name].columns if c.codes):
            allowed = ", ".join(str(int(x)) if column.type == "int" else _sql_text(x) for x in CODE_LISTS[column.codes])
            checks.append((column, f'"{column.name}" IS NOT NULL AND "{column.name}" NOT IN ({allowed})', None))
    verdict = ("cells", name, check_codes, verdicts.identity(path) if verdicts else "")
    if checks and not (verdicts and verdicts.passed(*verdict)):
        firsts = ", ".join(f"min(file_row_number) FILTER (WHERE {condition})" for _, condition, _ in checks)
        found = con.execute(f"SELECT {firsts} FROM {source}").fetchone()
        bad = [(row, column, message) for row, (column, _, message) in zip(found, checks, strict=True) if row is not None]
        if bad:
            row, column, message = min(bad, key=lambda b: b[0])
            if message is None:
                value = con.execute(f'SELECT "{column.name}" FROM {source} WHERE file_row_number = {row}').fetchone()[0]
                message = f"{value!r} is not a {column.codes} code"
            raise CanonicalFileError(path=path, row=row + 1, column=column.name, message=message)
        if verdicts:
            verdicts.record(*verdict)
    columns = ", ".join(f'"{c}"' for c in TABLES[name].column_names)
    con.execute(f'CREATE VIEW "{name}" AS SELECT {columns} FROM read_parquet({_sql_text(str(path))})')


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _codes_check(path: Path, name: str, table: pa.Table) -> None:
    """Stop at the first value outside its code list, naming the file, row and column."""
    import pyarrow.compute as pc

    for column in (c for c in TABLES[name].columns if c.codes):
        allowed = [int(c) if column.type == "int" else c for c in CODE_LISTS[column.codes]]
        values = table[column.name]
        bad = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=pa.array(allowed))))
        rows = pc.indices_nonzero(bad.combine_chunks())
        if len(rows):
            row = rows[0].as_py()
            raise CanonicalFileError(path=path, row=row + 1, column=column.name,
                                     message=f"{values[row].as_py()!r} is not a {column.codes} code")


def canonical_file_read(*, path: Path, table: str) -> pa.Table:
    """One canonical table from a CSV or Parquet file."""
    if path.suffix == ".csv":
        return _csv_read(path, table)
    return _parquet_read(path, table)


def _table_file(folder: Path, name: str) -> Path:
    found = [
        folder / f"{name}.{suffix}" for suffix in ("parquet", "csv") if (folder / f"{name}.{suffix}").exists()
    ]
    if not found:
        raise CanonicalFileError(
            path=folder / f"{name}.csv", message=f"missing: no {name}.csv or {name}.parquet"
        )
    if len(found) > 1:
        raise CanonicalFileError(
            path=found[0],
            message=f"both {name}.parquet and {name}.csv exist; keep one so it is clear which is read",
        )
    return found[0]


def _csv_read(path: Path, name: str) -> pa.Table:
    columns = TABLES[name].columns
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise CanonicalFileError(path=path, message="is empty: expected a header row of column names")
            header = [h.strip() for h in header]
            _require_columns(path, name, header)
            positions = [header.index(c.name) for c in columns]
            values: list[list] = [[] for _ in columns]
            for row_number, row in enumerate(reader, start=1):
                if not row:
                    continue
                if len(row) != len(header):
                    raise CanonicalFileError(
                        path=path,
                        row=row_number,
                        message=f"has {len(row)} fields; the header has {len(header)}",
                    )
                for i, (column, position) in enumerate(zip(columns, positions, strict=True)):
                    values[i].append(_value(path, row_number, column, row[position]))
    except UnicodeDecodeError as error:
        raise CanonicalFileError(path=path, message=f"is not UTF-8 text ({error.reason})") from None
    except csv.Error as error:  # a NUL byte, a field over the csv module's limit, a quote left open
        raise CanonicalFileError(path=path, row=max(reader.line_num - 1, 1),
                                 message=f"cannot be read as CSV: {error}") from None
    return pa.Table.from_arrays(
        [pa.array(v, type=f.type) for v, f in zip(values, arrow_schema(name), strict=True)],
        schema=arrow_schema(name),
    )


def _parquet_read(path: Path, name: str) -> pa.Table:
    import pyarrow.parquet as pq

    try:
        source = pq.read_table(path)
    except (pa.ArrowException, OSError) as error:
        raise CanonicalFileError(path=path, message=f"is not a readable Parquet file ({error})") from None
    _require_columns(path, name, source.column_names)
    schema = arrow_schema(name)
    arrays = []
    for column, target in zip(TABLES[name].columns, schema, strict=True):
        data = source.column(column.name)
        if data.type == target.type:
            if not column.nullable and data.null_count:
                first = data.is_null().to_pylist().index(True) + 1
                raise CanonicalFileError(
                    path=path, row=first, column=column.name, message="is empty but required"
                )
            arrays.append(data)
        else:
            # A column stored with another type (dates as text, say) is read value by value to find bad rows.
            arrays.append(
                pa.array(
                    [_value(path, row, column, v) for row, v in enumerate(data.to_pylist(), start=1)],
                    type=target.type,
                )
            )
    return pa.Table.from_arrays(arrays, schema=schema)


def _require_columns(path: Path, name: str, present: list[str]) -> None:
    missing = [c for c in TABLES[name].column_names if c not in present]
    if missing:
        raise CanonicalFileError(
            path=path,
            column=missing[0],
            message="is missing" + (f", and so are {', '.join(missing[1:])}" if len(missing) > 1 else ""),
        )


def canonical_value(*, path: Path, row: int, column: Column, value):
    """One cell of a canonical table as its canonical Python value (text as in CSV, or a native value); raises
    `CanonicalFileError` naming the file, row and column when it cannot be one."""
    return _value(path, row, column, value)


def _value(path: Path, row: int, column: Column, value):
    """One cell as its canonical Python value; text and native values are both accepted."""

    def bad(message: str) -> CanonicalFileError:
        return CanonicalFileError(path=path, row=row, column=column.name, message=f"{value!r} {message}")

    if isinstance(value, str):
        value = value.strip()
        if value == "":
            value = None
    if value is None:
        if column.nullable:
            return None
        if column.type == "str":
            return ""  # CSV cannot tell an empty text from a null: a required text column keeps it as ''
        raise CanonicalFileError(path=path, row=row, column=column.name, message="is empty but required")
    kind = column.type
    if kind == "str":
        return str(value)
    if kind in ("int", "pence"):
        if isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, str) and _INT.match(value))
        ):
            raise bad("is not a whole number")
        if abs(int(value)) > _INT_LIMIT:
            raise bad("is too large a number")
        return int(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if str(value).lower() not in _BOOLS:
            raise bad("is not true or false")
        return _BOOLS[str(value).lower()]
    if kind == "date":
        if isinstance(value, dt.datetime):
            raise bad("is a date and time; expected a date (YYYY-MM-DD)")
        day = value
        if not isinstance(day, dt.date):
            if not (isinstance(value, str) and _DATE.match(value)):
                raise bad("is not a date (YYYY-MM-DD)")
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                raise bad("is not a date (YYYY-MM-DD)") from None
        if not FIRST_DATE <= day <= LAST_DATE:
            raise bad(f"is not a date from {FIRST_DATE.year} to {LAST_DATE.year}")
        return day
    if kind == "decimal":
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise bad("is not a decimal number") from None
        if (
            not number.is_finite()
            or abs(number) > _DECIMAL_LIMIT
            or number != number.quantize(Decimal("0.01"))
        ):
            raise bad("is not a decimal number with at most 7 digits before the point and 2 after")
        return number.quantize(Decimal("0.01"))
    raise AssertionError(f"unknown canonical type {kind}")
