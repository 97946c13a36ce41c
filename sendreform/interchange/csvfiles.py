"""What the CSV readers of outside files share (`census`, `nccis`, `gias`): a problem named by file, row,
column and reason; rows read as dictionaries with their row numbers; dates, numbers and flags read strictly;
and several files kept together as one deterministic zip (the same files, the same bytes, the same hash).

Row numbers are those a spreadsheet shows: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import asdict, dataclass, field

from sendreform.standards.formats import date_words

ERROR = "error"
QUERY = "query"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one value: where (file, row, column), what was found and why it is refused."""

    file: str
    row: int | None
    column: str
    value: str
    reason: str
    rule: str
    severity: str = ERROR
    who: str = ""

    def text(self) -> str:
        where = f"row {self.row}" if self.row else "the file"
        column = f", column {self.column}" if self.column else ""
        return f"{self.file}, {where}{column}: {self.reason}"

    def as_issue(self) -> dict:
        """The shape the import record keeps (`sendreform.imports.sources.report_of`)."""
        return {"rule": self.rule, "severity": self.severity, "message": self.text(), "person": self.who,
                "path": f"{self.file}: {self.column}" if self.column else self.file, "line": self.row,
                "value": self.value}

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Findings:
    """What a reader found in a file: every problem, in file order. Any error refuses the whole file."""

    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity != QUERY)

    def verdict(self, what: str) -> str:
        """'N errors, M queries; the <what> can be imported' (or cannot, until the errors are put right)."""
        can = "can be imported" if not self.errors else "cannot be imported until the errors are put right"
        return f"{self.errors:,} errors, {len(self.problems) - self.errors:,} queries; the {what} {can}."

    def rows(self, data: bytes, *, file: str, required: tuple[str, ...]) -> list[tuple[int, dict]] | None:
        """The file's rows (`rows_read`), or None, the problem kept, when it cannot be read at all."""
        try:
            return rows_read(data, file=file, required=required, problems=self.problems)
        except RefusedFile as refused:
            self.problems.append(refused.problem)
            return None


class RefusedFile(Exception):
    """A file that cannot be read at all (not CSV, not a zip, no header)."""

    def __init__(self, problem: Problem):
        super().__init__(problem.text())
        self.problem = problem


def rows_read(data: bytes, *, file: str, required: tuple[str, ...], problems: list[Problem],
              lower: bool = True) -> list[tuple[int, dict]]:
    """The records of a CSV file as (row number, {column: text}); a header missing a required column is a
    problem naming the column (and gives no rows). Column names are matched ignoring case and spaces."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise RefusedFile(Problem(file, None, "", "", "the file is not text: is it a CSV file?",
                                      "NOT_CSV")) from None
    if "\x00" in text[:4096]:
        raise RefusedFile(Problem(file, None, "", "", "the file is not text: is it a CSV file?", "NOT_CSV"))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise RefusedFile(Problem(file, None, "", "", "the file is empty: it has no header row", "EMPTY")) from None
    names = [_key(h) if lower else h.strip() for h in header]
    missing = [c for c in required if (_key(c) if lower else c) not in names]
    for c in missing:
        problems.append(Problem(file, 1, c, "", f"the column {c} is missing from the header row", "COLUMN_MISSING"))
    if missing:
        return []
    out = []
    try:
        for n, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(names):
                problems.append(Problem(file, n, "", "", f"the row has {len(values)} values but the header "
                                        f"{len(names)} columns", "ROW_LENGTH"))
                continue
            out.append((n, {k: v.strip() for k, v in zip(names, values, strict=False)}))
    except csv.Error as error:
        raise RefusedFile(Problem(file, reader.line_num, "", "", f"the file is not valid CSV ({error})",
                                  "NOT_CSV")) from None
    return out


class RowReader:
    """One row's values read one by one, each failure a problem naming its column."""

    def __init__(self, problems: list[Problem], file: str, n: int, values: dict, who: str = ""):
        self.problems, self.file, self.n, self.values, self.who = problems, file, n, values, who
        self.ok = True

    def fail(self, column: str, reason: str, rule: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.file, self.n, column, self.values.get(_key(column), ""), reason, rule,
                                     who=self.who))

    def text(self, column: str, *, required: bool = True) -> str:
        value = self.values.get(_key(column), "")
        if required and not value:
            self.fail(column, f"{column} is blank", "BLANK")
        return value

    def code(self, column: str, allowed, *, required: bool = True, what: str = "code") -> str | None:
        value = self.text(column, required=required)
        if value and value not in allowed:
            self.fail(column, f"{value!r} is not a {what} sendreform knows ({', '.join(list(allowed)[:20])}"
                      f"{', ...' if len(allowed) > 20 else ''})", "UNKNOWN_CODE")
            return None
        return value or None

    def date(self, column: str, *, required: bool = True, not_after: dt.date | None = None) -> dt.date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            day = date_read(value)
        except ValueError:
            self.fail(column, f"{value!r} is not a date (2025-Apr-25, 2025-04-25 or 25-04-2025)", "BAD_DATE")
            return None
        if not_after and day > not_after:
            self.fail(column, f"{date_words(day)} is after the census day ({date_words(not_after)})", "DATE_AFTER_CENSUS")
            return None
        return day

    def number(self, column: str, *, required: bool = True) -> int | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            return number_read(value)
        except ValueError:
            self.fail(column, f"{value!r} is not a whole number of 0 or more", "BAD_NUMBER")
            return None

    def flag(self, column: str) -> bool:
        value = self.text(column, required=False)
        try:
            return flag_read(value)
        except ValueError:
            self.fail(column, f"{value!r} is not true or false", "BAD_FLAG")
            return False


def _key(name: str) -> str:
    return "".join(name.split()).casefold()


_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), start=1)}


def date_read(text: str) -> dt.date:
    """A date as the census (`2025-Apr-25 00:00:00`), GIAS (`25-04-2025`) or ISO (`2025-04-25`) gives it;
    ValueError otherwise."""
    text = text.strip()
    day = text.split(" ")[0].split("T")[0]
    parts = day.replace("/", "-").split("-")
    if len(parts) != 3:
        raise ValueError(text)
    a, b, c = parts
    if len(a) == 4:
        month = _MONTHS.get(b[:3].casefold()) if not b.isdigit() else int(b)
        if month is None:
            raise ValueError(text)
        return dt.date(int(a), month, int(c))
    if len(c) == 4:
        month = _MONTHS.get(b[:3].casefold()) if not b.isdigit() else int(b)
        if month is None:
            raise ValueError(text)
        return dt.date(int(c), month, int(a))
    raise ValueError(text)


def number_read(text: str) -> int:
    """A whole number, as an export writes one (`10`, `10.0`); ValueError otherwise or when negative."""
    value = float(text)
    if value < 0 or value != int(value):
        raise ValueError(text)
    return int(value)


_TRUE = {"true", "1", "y", "yes", "t"}
_FALSE = {"false", "0", "n", "no", "f", ""}


def flag_read(text: str) -> bool:
    low = text.strip().casefold()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(text)


def bundle(files: list[tuple[str, bytes]]) -> bytes:
    """Several files as one zip, the same bytes for the same files (sorted, fixed times)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in sorted(files):
            info = zipfile.ZipInfo(name.rsplit("/", 1)[-1], date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


def unbundle(data: bytes, *, name: str) -> list[tuple[str, bytes]]:
    """The files in a zip (folders and hidden files left out), or the one file itself."""
    if not data.startswith(b"PK\x03\x04"):
        return [(name, data)]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return [(i.filename.rsplit("/", 1)[-1], z.read(i)) for i in z.infolist()
                    if not i.is_dir() and not i.filename.rsplit("/", 1)[-1].startswith((".", "__"))]
    except zipfile.BadZipFile:
        raise RefusedFile(Problem(name, None, "", "", "the zip file is damaged and cannot be opened",
                                  "BAD_ZIP")) from None


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode("utf-8")
