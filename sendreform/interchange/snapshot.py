"""Dated snapshots: every canonical table as the data stood on an as-at date, as Parquet with a manifest.

A board pack or a return names the snapshot it was computed from (as-at date and content hash), so the same
numbers can be produced again from the same files. The rules that turn today's data into "the data as it
stood on the as-at date" are data, `AS_AT_RULES`, one entry per table:

- `event`: rows whose event date is after the as-at are dropped (they had not happened yet);
- `later`: when a later date on a kept row is after the as-at, that date is blanked and the fields that
  only become known with it are reset (a request decided after the as-at was still awaiting: outcome "A");
- `decided_by`: rows that only exist once another row's date has passed are dropped when it had not (an
  assessment exists only once its request was decided);
- `term_started`: attendance keeps academic years and terms that had started by the as-at.

After the per-table rules, a row whose reference (from `Column.references`) points at a row the snapshot
dropped is dropped too: it belonged to something that did not exist yet.

Per table, "dropped:" names the date after which a row is dropped and "blanked:" the later dates that are
blanked, with what is reset alongside:

    cluster               dropped: -               blanked: -
    establishment         dropped: - (a setting proposed to open is known in advance, planned places
                                   point at it, and metrics test open_date)
                          blanked: close_date
    person                dropped: birth_date      blanked: -
    sen_status, sen_need  dropped: start_date      blanked: end_date
    ehc_request           dropped: received_date   blanked: outcome_date -> outcome "A" (awaiting),
                                                   mediation and tribunal false
    ehc_assessment        dropped: its request's outcome_date (not decided yet, so no assessment)
                          blanked: outcome_date -> outcome "A", mediation and tribunal false
    ehc_plan              dropped: start_date      blanked: cease_date -> cease_reason null (active)
    annual_review         dropped: meeting_date    blanked: decision_date -> outcome null
    ehc_advice            dropped: requested_date  blanked: received_date
    ehc_case_allocation   dropped: start_date      blanked: end_date
    placement             dropped: start_date      blanked: end_date
    attendance            dropped: academic years and terms starting after the as-at (AUT 1 September,
                                   SPR 1 January, SUM the day after Easter Sunday)
    exclusion             dropped: start_date      blanked: -
    part_time_timetable   dropped: start_date      blanked: end_date (planned_end_date and review_date
                                                   are plans made at the start: kept)
    ap_provider           dropped: -               blanked: approved_date -> approved false
    ap_commission         dropped: start_date      blanked: end_date
    neet_activity         dropped: as_at           blanked: -
    complaint             dropped: received_date   blanked: closed_date -> upheld null
    tribunal_appeal       dropped: lodged_date     blanked: decided_date -> outcome null
    survey_response       dropped: submitted_date  blanked: -
    eah_engagement        dropped: as_at           blanked: -
    eah_referral          dropped: received_date   blanked: triage_date -> tier null; first_support_date;
                                                   review_date; closed_date -> outcome null
    eah_involvement       dropped: start_date      blanked: end_date
    unit_cost, planned_places, population: kept whole (budgets, plans and projections are about the future)

What the rules cannot restore: values overwritten in place before the as-at was chosen (an establishment's
capacity, a complaint's stage, the hours of an involvement, a termly attendance total for a term in progress).

The content hash is independent of the Parquet writer: see `CONTENT_HASH_METHOD`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from json.encoder import encode_basestring
from pathlib import Path
from types import MappingProxyType

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sendreform.standards.periods import academic_year
from sendreform.standards.schemas import TABLE_ORDER, TABLES, arrow_schema

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "sendreform-snapshot/1"


@dataclass(frozen=True)
class AsAtRule:
    """How one table is cut back to an as-at date (see the module docstring)."""

    event: str | None = None
    later: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    decided_by: tuple[str, str, str] | None = None  # (column, referenced table, that table's date column)
    term_started: bool = False


_ENDS = {"end_date": {"end_date": None}}

AS_AT_RULES: Mapping[str, AsAtRule] = MappingProxyType(
    {
        "cluster": AsAtRule(),
        "establishment": AsAtRule(later={"close_date": {"close_date": None}}),
        "person": AsAtRule(event="birth_date"),
        "sen_status": AsAtRule(event="start_date", later=_ENDS),
        "sen_need": AsAtRule(event="start_date", later=_ENDS),
        "ehc_request": AsAtRule(
            event="received_date",
            later={
                "outcome_date": {"outcome_date": None, "outcome": "A", "mediation": False, "tribunal": False}
            },
        ),
        "ehc_assessment": AsAtRule(
            decided_by=("request_id", "ehc_request", "outcome_date"),
            later={
                "outcome_date": {"outcome_date": None, "outcome": "A", "mediation": False, "tribunal": False}
            },
        ),
        "ehc_plan": AsAtRule(
            event="start_date", later={"cease_date": {"cease_date": None, "cease_reason": None}}
        ),
        "annual_review": AsAtRule(
            event="meeting_date", later={"decision_date": {"decision_date": None, "outcome": None}}
        ),
        "ehc_advice": AsAtRule(event="requested_date", later={"received_date": {"received_date": None}}),
        "ehc_case_allocation": AsAtRule(event="start_date", later=_ENDS),
        "placement": AsAtRule(event="start_date", later=_ENDS),
        "attendance": AsAtRule(term_started=True),
        "exclusion": AsAtRule(event="start_date"),
        "part_time_timetable": AsAtRule(event="start_date", later=_ENDS),
        "ap_provider": AsAtRule(later={"approved_date": {"approved_date": None, "approved": False}}),
        "ap_commission": AsAtRule(event="start_date", later=_ENDS),
        "neet_activity": AsAtRule(event="as_at"),
        "complaint": AsAtRule(
            event="received_date", later={"closed_date": {"closed_date": None, "upheld": None}}
        ),
        "tribunal_appeal": AsAtRule(
            event="lodged_date", later={"decided_date": {"decided_date": None, "outcome": None}}
        ),
        "survey_response": AsAtRule(event="submitted_date"),
        "eah_engagement": AsAtRule(event="as_at"),
        "eah_referral": AsAtRule(
            event="received_date",
            later={
                "triage_date": {"triage_date": None, "tier": None},
                "first_support_date": {"first_support_date": None},
                "review_date": {"review_date": None},
                "closed_date": {"closed_date": None, "outcome": None},
            },
        ),
        "eah_involvement": AsAtRule(event="start_date", later=_ENDS),
        "unit_cost": AsAtRule(),
        "planned_places": AsAtRule(),
        "population": AsAtRule(),
    }
)

CONTENT_HASH_METHOD = (
    "sha256 over UTF-8 text: for each table in TABLE_ORDER, the line '# <table>', then the JSON array of its "
    "canonical column names, then one line per row, each the compact JSON array of its values (null, "
    "true/false, integers, dates as YYYY-MM-DD, decimals as strings with two places), rows sorted by that "
    "line; every line ends with a newline. Independent of the Parquet writer and of row order in the source."
)


def terms_started(as_at: dt.date) -> tuple[str, tuple[str, ...]]:
    """The academic year of `as_at` and the terms of it that had started by then (AUT, SPR, SUM)."""
    year = academic_year(as_at)
    starts = {
        "AUT": year.start,
        "SPR": dt.date(year.end.year, 1, 1),
        "SUM": _easter_sunday(year.end.year) + dt.timedelta(days=1),
    }
    return year.name, tuple(term for term, start in starts.items() if start <= as_at)


def tables_as_at(*, tables: Mapping[str, ibis.Table], as_at: dt.date) -> dict[str, ibis.Table]:
    """Each given canonical table as it stood on `as_at`, canonical columns only, as lazy Ibis expressions.

    Tables may be a subset: references are followed only to tables that are given.
    """
    day = ibis.literal(as_at, type="date")
    out: dict[str, ibis.Table] = {}
    for name in TABLE_ORDER:
        if name not in tables:
            continue
        raw = tables[name]
        rule = AS_AT_RULES[name]
        t = raw.select(TABLES[name].column_names)
        if rule.event:
            t = t.filter(t[rule.event].isnull() | (t[rule.event] <= day))
        if rule.term_started:
            year, terms = terms_started(as_at)
            t = t.filter((t.academic_year < year) | ((t.academic_year == year) & t.term.isin(terms)))
        if rule.decided_by:
            column, parent_name, parent_date = rule.decided_by
            if parent_name in tables:
                parent = tables[parent_name]
                undecided = parent.filter(parent[parent_date] > day)[column]
                t = t.filter(~t[column].isin(undecided))
        if rule.later:
            t = t.mutate(**_resets(t, rule.later, day))
        for column in TABLES[name].columns:
            if column.references:
                parent_name, parent_column = column.references.split(".")
                if parent_name in out and _drops_rows(parent_name):
                    t = t.filter(
                        t[column.name].isnull() | t[column.name].isin(out[parent_name][parent_column])
                    )
        out[name] = t
    return out


def snapshot_write(
    *,
    con,
    as_at: dt.date,
    out_dir: Path | str,
    code_version: str,
    created_at: dt.datetime | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict:
    """Write every canonical table of the Ibis connection `con` as it stood on `as_at`, and the manifest.

    One `<table>.parquet` per table (exact `arrow_schema`, rows in content order) and `manifest.json`, written
    last so a folder with a manifest is complete. Returns the manifest.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    expressions = tables_as_at(tables={name: con.table(name) for name in TABLE_ORDER}, as_at=as_at)
    content = hashlib.sha256()
    entries = {}
    for done, name in enumerate(TABLE_ORDER):
        if progress:
            progress(name, done, len(TABLE_ORDER))
        table, lines = _canonical_rows(name, con.to_pyarrow(expressions[name]))
        pq.write_table(table, out / f"{name}.parquet")
        table_hash = hashlib.sha256()
        for text in _hash_lines(name, lines):
            content.update(text)
            table_hash.update(text)
        entries[name] = {"file": f"{name}.parquet", "rows": table.num_rows, "sha256": table_hash.hexdigest()}
    if progress:
        progress("manifest", len(TABLE_ORDER), len(TABLE_ORDER))
    created = created_at or dt.datetime.now(dt.UTC)
    manifest = {
        "format": MANIFEST_FORMAT,
        "as_at": as_at.isoformat(),
        "content_hash": f"sha256:{content.hexdigest()}",
        "content_hash_method": CONTENT_HASH_METHOD,
        "rules": "rows as they stood on the as-at date: sendreform.interchange.snapshot.AS_AT_RULES",
        "code_version": code_version,
        "created_at": created.isoformat(timespec="seconds"),
        "tables": entries,
    }
    (out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def content_hash(*, tables: Mapping[str, pa.Table]) -> str:
    """The content hash of canonical tables held as Arrow (every table of `TABLE_ORDER` must be given)."""
    content = hashlib.sha256()
    for name in TABLE_ORDER:
        _, lines = _canonical_rows(name, tables[name])
        for text in _hash_lines(name, lines):
            content.update(text)
    return f"sha256:{content.hexdigest()}"


def _resets(t: ibis.Table, later: Mapping[str, Mapping[str, object]], day) -> dict:
    # Every condition reads the row as it was, so blanking a date never hides the reset of its dependants.
    resets = {}
    for date_column, fields in later.items():
        is_later = t[date_column] > day
        for column, value in fields.items():
            resets[column] = ibis.ifelse(is_later, ibis.literal(value, type=t[column].type()), t[column])
    return resets


def _drops_rows(name: str) -> bool:
    rule = AS_AT_RULES[name]
    if rule.event or rule.decided_by or rule.term_started:
        return True
    return any(c.references and _drops_rows(c.references.split(".")[0]) for c in TABLES[name].columns)


def _canonical_rows(name: str, table: pa.Table) -> tuple[pa.Table, list[str]]:
    """The table cast to its canonical Arrow schema and sorted by content, with each row's hash line."""
    schema = arrow_schema(name)
    table = table.select(schema.names).cast(schema)
    lines = _row_lines(table)
    # Arrow sorts text by its UTF-8 bytes, which is the order of code points that Python's sort uses.
    order = pc.sort_indices(lines)
    return table.take(order), lines.take(order).to_pylist()


def _row_lines(table: pa.Table) -> pa.Array:
    """Each row as the compact JSON array of its values, built column by column in Arrow."""
    if table.num_rows == 0:
        return pa.array([], type=pa.string())
    cells = [_json_cells(column.combine_chunks()) for column in table.columns]
    joined = pc.binary_join_element_wise(*cells, ",")
    return pc.binary_join_element_wise("[", joined, "]", "")


def _json_cells(column: pa.Array) -> pa.Array:
    kind = column.type
    if pa.types.is_string(kind):
        # The C encoder json.dumps itself uses for text when ensure_ascii is off.
        cells = pa.array([None if v is None else encode_basestring(v) for v in column.to_pylist()], pa.string())
    elif pa.types.is_boolean(kind):
        cells = pc.if_else(column, "true", "false")
    elif pa.types.is_integer(kind):
        cells = pc.cast(column, pa.string())
    else:  # dates (ISO) and decimals (two places) are JSON strings
        cells = pc.binary_join_element_wise('"', pc.cast(column, pa.string()), '"', "")
    return pc.fill_null(cells, "null")


def _json_value(value):
    """One value as the content hash writes it (the reference for `_json_cells`)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def _hash_lines(name: str, lines: Iterable[str]) -> Iterable[bytes]:
    yield f"# {name}\n".encode()
    yield (json.dumps(TABLES[name].column_names, separators=(",", ":")) + "\n").encode()
    for line in lines:
        yield (line + "\n").encode()


def _easter_sunday(year: int) -> dt.date:
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher): the summer term starts the day after.
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)
