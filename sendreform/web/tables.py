"""One table definition for both a GOV.UK table on the page and its CSV download, so the two never differ."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from sendreform.standards import formats

# Spreadsheet programs run a cell starting with one of these as a formula; a leading apostrophe stops that.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """A column: `key` of each row's value, its heading, whether it is a number (right-aligned), and the
    key of a row value holding a link for this cell, if any."""

    key: str
    label: str
    numeric: bool = False
    link_key: str = ""


@dataclass(frozen=True)
class Cell:
    text: str
    href: str = ""
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    caption: str
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]]
    csv_url: str = ""
    empty_text: str = "There is nothing to show."

    @property
    def head(self) -> list[Column]:
        return list(self.columns)

    @property
    def body(self) -> list[list[Cell]]:
        return [
            [Cell(text=html_text(row.get(c.key)), href=str(row.get(c.link_key) or "") if c.link_key else "",
                  numeric=c.numeric) for c in self.columns]
            for row in self.rows
        ]


def html_text(value) -> str:
    """A value as the page shows it: dates in words (1 September 2025), booleans Yes/No, nothing as blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return formats.datetime_words(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(value, dt.date):
        return formats.date_words(value)
    if isinstance(value, int):
        return formats.number(value)
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def csv_text(value) -> str:
    """A value as the CSV holds it: ISO dates, true/false, and no cell a spreadsheet would run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(_FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def table_csv_response(*, table: Table, filename: str) -> HttpResponse:
    """The table as a CSV file download (UTF-8 with a byte-order mark so Excel reads it correctly)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([c.label for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_text(row.get(c.key)) for c in table.columns])
    return response


def rows_from(items: Iterable, **getters: Callable[[Any], Any]) -> list[dict[str, Any]]:
    """Rows for a Table from any objects: each keyword names a column key and how to read it."""
    return [{key: get(item) for key, get in getters.items()} for item in items]
