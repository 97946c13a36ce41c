"""The school census (pupil level) in the COLLECT "Blade" CSV layout: read and checked, and written.

A local authority downloads a term's census for its schools from COLLECT as one CSV file per census table,
named by the table (`2026_spring_pupilonroll.csv`, ...; the layout `liia-tools-pipeline` describes by year).
sendreform reads these tables of a term, together (several files, or one zip of them):

- `pupilonroll` (required): `pupilonrolltableid` (the row's id, which the other tables refer to), `NativeId`
  (the school: its URN), `upn`, `surname`, `forename`, `dob`, `sex`, `ethnicity`, `entrydate`,
  `enrolstatus`, `senprovision`, `senunitindicator`, `resourcedprovisionindicator` and
  `termlysessionspossible`;
- `senneeds` (spring): `pupilonrolltableid`, `sentype`, `sentyperank`;
- `termlysessiondetailsonroll`: `pupilonrolltableid`, `attendancereason`, `sessions` (sessions missed, by
  reason, in the term before the census);
- `termlyexclusionsonroll`: `pupilonrolltableid`, `startdate`, `category`, `sessions`, `reason1`,
  `senprovision`.

Other tables of the download (addresses, free meals, ...) are not read. The alternative provision census uses
the same tables and columns. Which term: the files' names say it (`2026_spring_...`: the census of spring 2026),
as COLLECT's download and liia name them.

Every value is checked: a UPN's form and check letter (the DfE algorithm), each code against the lists of
`sendreform.standards.codes`, dates, whole numbers, and references between the tables. Each problem names
the file, row, column and reason (`csvfiles.Problem`). Nothing here knows a database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from sendreform.interchange.csvfiles import (
    QUERY,
    Problem,
    RefusedFile,
    bundle,
    csv_bytes,
    date_read,
    flag_read,
    number_read,
    rows_read,
    unbundle,
)
from sendreform.sen2.rules import upn_check_letter, upn_valid_form
from sendreform.standards import codes

TERMS = ("autumn", "spring", "summer")
TABLES = ("pupilonroll", "senneeds", "termlysessiondetailsonroll", "termlyexclusionsonroll")
PUPIL_COLUMNS = ("pupilonrolltableid", "NativeId", "upn", "surname", "forename", "dob", "sex", "ethnicity",
                 "entrydate", "enrolstatus", "senprovision", "senunitindicator", "resourcedprovisionindicator",
                 "termlysessionspossible")
NEED_COLUMNS = ("pupilonrolltableid", "sentype", "sentyperank")
SESSION_COLUMNS = ("pupilonrolltableid", "attendancereason", "sessions")
EXCLUSION_COLUMNS = ("pupilonrolltableid", "startdate", "category", "sessions", "reason1", "senprovision")
_REQUIRED = {"pupilonroll": ("pupilonrolltableid", "NativeId", "upn", "surname", "forename", "dob", "sex",
                             "entrydate", "enrolstatus", "senprovision"),
             "senneeds": NEED_COLUMNS, "termlysessiondetailsonroll": SESSION_COLUMNS,
             "termlyexclusionsonroll": ("pupilonrolltableid", "startdate", "category", "sessions", "reason1")}
_TERM_NAME = re.compile(r"(20\d\d)[ _-]?(autumn|spring|summer)", re.IGNORECASE)
# Enrolments the census's roll stands for: a pupil registered here (single or main); a subsidiary dual
# registration is held by the main school's enrolment.
ON_ROLL = frozenset({"C", "M", "F", "O"})
_CATEGORY = {"PERM": "PERM", "SUSP": "SUSP", "FIXD": "SUSP", "LNCH": "LNCH"}  # FIXD: suspension before 2020/21


def _thursday(year: int, month: int, nth: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 7 * (nth - 1))


def census_date(year: int, term: str) -> dt.date:
    """The census day: the first Thursday of October (autumn), the third Thursday of January (spring) or
    of May (summer)."""
    return {"autumn": _thursday(year, 10, 1), "spring": _thursday(year, 1, 3),
            "summer": _thursday(year, 5, 3)}[term]


def attendance_term(year: int, term: str) -> tuple[str, str]:
    """The term whose sessions a census reports (academic year, TERM code): the term before the census day —
    spring reports the autumn, summer the spring, autumn the summer before."""
    first = year - 1
    return f"{first}/{(first + 1) % 100:02d}", {"spring": "AUT", "summer": "SPR", "autumn": "SUM"}[term]


def term_dates(academic_year: str, term: str) -> tuple[dt.date, dt.date]:
    """The days a term's figures cover, by month: autumn September to December, spring January to April,
    summer May to August (the census counts a term's suspensions and exclusions by their start date)."""
    first = int(academic_year[:4])
    return {"AUT": (dt.date(first, 9, 1), dt.date(first, 12, 31)),
            "SPR": (dt.date(first + 1, 1, 1), dt.date(first + 1, 4, 30)),
            "SUM": (dt.date(first + 1, 5, 1), dt.date(first + 1, 8, 31))}[term]


@dataclass
class Pupil:
    file: str
    row: int
    table_id: str
    urn: int
    upn: str
    surname: str
    forename: str
    birth_date: dt.date
    sex: str
    ethnicity: str | None
    entry_date: dt.date
    enrol_status: str
    sen_provision: str
    sen_unit: bool
    resourced_provision: bool
    sessions_possible: int | None

    @property
    def who(self) -> str:
        return f"UPN {self.upn} ({self.surname}, {self.forename})"

    @property
    def ref(self) -> str:
        return f"{self.file} row {self.row}: {self.who}"


@dataclass
class Exclusion:
    row: int
    start_date: dt.date
    category: str
    sessions: int
    reason: str
    sen_provision: str | None


@dataclass
class Census:
    """A term's census as read: its term, the pupils on roll, and by pupil (pupilonrolltableid) the needs,
    the sessions missed by reason and the suspensions and exclusions. `problems` holds every error and query
    found; a census with an error is not imported."""

    year: int | None = None
    term: str | None = None
    files: list[str] = field(default_factory=list)
    pupils: list[Pupil] = field(default_factory=list)
    needs: dict[str, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))
    absences: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    exclusions: dict[str, list[Exclusion]] = field(default_factory=lambda: defaultdict(list))
    tables: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity != QUERY)

    @property
    def census_date(self) -> dt.date | None:
        return census_date(self.year, self.term) if self.year and self.term else None

    @property
    def period(self) -> str:
        return f"{self.term} {self.year}" if self.term else ""

    def summary(self, name: str) -> str:
        what = f"school census, {self.term} {self.year}" if self.term else "school census, term unknown"
        verdict = "can be imported" if not self.errors else "cannot be imported until the errors are put right"
        queries = len(self.problems) - self.errors
        return (f"{name}: {what}, {len(self.pupils):,} pupils on roll read; {self.errors:,} errors, {queries:,} "
                f"queries; the census {verdict}.")


def _table_of(name: str) -> str | None:
    stem = name.rsplit(".", 1)[0].casefold()
    for table in sorted(TABLES, key=len, reverse=True):
        if stem.endswith(table):
            return table
    return None


def census_read(data: bytes, *, name: str) -> Census:
    """Read a census term: `data` is a zip of the Blade CSV files, or one `pupilonroll` CSV file."""
    census = Census()
    try:
        files = unbundle(data, name=name)
    except RefusedFile as refused:
        census.problems.append(refused.problem)
        return census
    census.files = [f for f, _ in files]
    terms = {(int(m.group(1)), m.group(2).casefold()) for f in [name, *census.files] if (m := _TERM_NAME.search(f))}
    if len(terms) != 1:
        why = ("the files' names do not say which census term they are (name them as COLLECT does, "
               "e.g. 2026_spring_pupilonroll.csv)" if not terms else
               f"the files' names give different terms ({', '.join(f'{t} {y}' for y, t in sorted(terms))})")
        census.problems.append(Problem(name, None, "", "", why, "TERM_UNKNOWN"))
    else:
        census.year, census.term = terms.pop()
    by_table: dict[str, tuple[str, bytes]] = {}
    for file, content in files:
        table = _table_of(file)
        if not file.casefold().endswith(".csv"):
            census.problems.append(Problem(file, None, "", "", "a census table must be a CSV file (a file name "
                                           "ending .csv)", "NOT_CSV"))
        elif table is None:
            census.problems.append(Problem(file, None, "", "", "not a census table sendreform reads (pupilonroll, "
                                           "senneeds, termlysessiondetailsonroll, termlyexclusionsonroll): left "
                                           "out", "TABLE_NOT_READ", severity=QUERY))
        elif table in by_table:
            census.problems.append(Problem(file, None, "", "", f"a second {table} table (the first is "
                                           f"{by_table[table][0]})", "TABLE_TWICE"))
        else:
            by_table[table] = (file, content)
    if "pupilonroll" not in by_table:
        census.problems.append(Problem(name, None, "", "", "no pupilonroll table: the pupils on roll are the "
                                       "census's first table", "NO_PUPILS"))
        return census
    census.tables = set(by_table)
    reading = census.census_date or dt.date.max
    try:
        ids = _pupils(census, *by_table["pupilonroll"], reading)
        if ids is None:  # the pupils could not be read: the other tables refer to them
            return census
        if "senneeds" in by_table:
            _needs(census, *by_table["senneeds"], ids)
        if "termlysessiondetailsonroll" in by_table:
            _sessions(census, *by_table["termlysessiondetailsonroll"], ids)
        if "termlyexclusionsonroll" in by_table:
            _exclusions(census, *by_table["termlyexclusionsonroll"], ids)
    except RefusedFile as refused:
        census.problems.append(refused.problem)
    return census


class _Row:
    """One row's values read one by one, each failure a problem naming its column."""

    def __init__(self, census: Census, file: str, n: int, values: dict, who: str = ""):
        self.census, self.file, self.n, self.values, self.who = census, file, n, values, who
        self.ok = True

    def fail(self, column: str, reason: str, rule: str) -> None:
        self.ok = False
        self.census.problems.append(Problem(self.file, self.n, column, self.values.get(column.casefold(), ""),
                                            reason, rule, who=self.who))

    def text(self, column: str, *, required: bool = True) -> str:
        value = self.values.get(column.casefold(), "")
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
            self.fail(column, f"{day:%-d %B %Y} is after the census day ({not_after:%-d %B %Y})", "DATE_AFTER_CENSUS")
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


def upn_problem(upn: str) -> str | None:
    """Why a UPN is not one, in words; None when it is (form, then the DfE check letter)."""
    if not upn_valid_form(upn):
        return "a UPN is a letter, 11 digits and a digit or letter (13 characters)"
    letter = upn_check_letter(upn)
    if upn[0] != letter:
        return f"the UPN's check letter should be {letter}, not {upn[0]}"
    return None


def _pupils(census: Census, file: str, data: bytes, census_day: dt.date) -> set[str] | None:
    ids: set[str] = set()
    upns: dict[str, int] = {}
    found = len(census.problems)
    rows = rows_read(data, file=file, required=_REQUIRED["pupilonroll"], problems=census.problems)
    if not rows and len(census.problems) > found:
        return None
    for n, values in rows:
        upn = values.get("upn", "").upper()
        who = f"UPN {upn} ({values.get('surname', '')}, {values.get('forename', '')})"
        row = _Row(census, file, n, values, who)
        table_id = row.text("pupilonrolltableid")
        if table_id in ids:
            row.fail("pupilonrolltableid", f"{table_id} is the id of an earlier row too", "DUPLICATE_ID")
        native = row.text("NativeId")
        urn = None
        if native:
            if native.isdigit():
                urn = int(native)
            else:
                row.fail("NativeId", "the school (NativeId) must be its URN, a number", "BAD_URN")
        if upn:
            why = upn_problem(upn)
            if why:
                row.fail("upn", why, "UPN_CHECK_LETTER" if "check letter" in why else "UPN_FORM")
            elif (upn, urn) in upns:
                row.fail("upn", f"the pupil is on this school's roll twice (row {upns[(upn, urn)]} too)",
                         "DUPLICATE_UPN")
            upns[(upn, urn)] = n
        else:
            row.fail("upn", "upn is blank: every pupil on roll has a UPN", "BLANK")
        surname, forename = row.text("surname"), row.text("forename")
        birth = row.date("dob", not_after=census_day)
        sex = row.code("sex", codes.SEX, what="sex code")
        ethnicity = values.get("ethnicity", "")
        if ethnicity:
            ethnicity = codes.ETHNICITY_EXTENDED.get(ethnicity, ethnicity)
            if ethnicity not in codes.ETHNICITY:
                row.fail("ethnicity", f"{values['ethnicity']!r} is not an ethnicity code of the census", "UNKNOWN_CODE")
        entry = row.date("entrydate", not_after=census_day)
        status = row.code("enrolstatus", codes.ENROL_STATUS, what="enrolment status")
        provision = values.get("senprovision", "") or "N"
        if provision not in codes.SEN_PROVISION:
            row.fail("senprovision", f"{provision!r} is not a SEN provision code (N, K or E)", "UNKNOWN_CODE")
        unit, rp = row.flag("senunitindicator"), row.flag("resourcedprovisionindicator")
        possible = row.number("termlysessionspossible", required=False)
        if table_id:
            ids.add(table_id)
        if row.ok:
            census.pupils.append(Pupil(
                file=file, row=n, table_id=table_id, urn=urn, upn=upn, surname=surname, forename=forename,
                birth_date=birth, sex=sex, ethnicity=ethnicity or None, entry_date=entry, enrol_status=status,
                sen_provision=provision, sen_unit=unit, resourced_provision=rp, sessions_possible=possible))
    return ids


def _pupil_of(row: _Row, ids: set[str]) -> str | None:
    table_id = row.text("pupilonrolltableid")
    if table_id and table_id not in ids:
        row.fail("pupilonrolltableid", f"no pupil in the pupilonroll table has the id {table_id}", "NO_SUCH_PUPIL")
        return None
    return table_id or None


def _needs(census: Census, file: str, data: bytes, ids: set[str]) -> None:
    for n, values in rows_read(data, file=file, required=NEED_COLUMNS, problems=census.problems):
        row = _Row(census, file, n, values)
        pupil = _pupil_of(row, ids)
        need = row.code("sentype", codes.NEED_TYPE, what="SEN type")
        rank = row.number("sentyperank")
        if rank == 0:
            row.fail("sentyperank", "the rank of a need starts at 1", "BAD_NUMBER")
        if row.ok and pupil:
            census.needs[pupil].append((need, rank))


_REASONS = {**codes.ATTENDANCE_AUTHORISED, **codes.ATTENDANCE_UNAUTHORISED, **codes.ATTENDANCE_NOT_ABSENCE}


def _sessions(census: Census, file: str, data: bytes, ids: set[str]) -> None:
    for n, values in rows_read(data, file=file, required=SESSION_COLUMNS, problems=census.problems):
        row = _Row(census, file, n, values)
        pupil = _pupil_of(row, ids)
        reason = row.code("attendancereason", _REASONS, what="attendance code")
        sessions = row.number("sessions", required=False) or 0
        if row.ok and pupil:
            got = census.absences[pupil]
            got[reason] = got.get(reason, 0) + sessions


def _exclusions(census: Census, file: str, data: bytes, ids: set[str]) -> None:
    reasons = {**codes.EXCLUSION_REASON}
    for n, values in rows_read(data, file=file, required=_REQUIRED["termlyexclusionsonroll"],
                               problems=census.problems):
        row = _Row(census, file, n, values)
        pupil = _pupil_of(row, ids)
        start = row.date("startdate")
        category = row.code("category", _CATEGORY, what="exclusion category")
        sessions = row.number("sessions", required=False) or 0
        reason = row.code("reason1", reasons, what="exclusion reason")
        provision = row.code("senprovision", codes.SEN_PROVISION, required=False, what="SEN provision code")
        if row.ok and pupil:
            census.exclusions[pupil].append(Exclusion(n, start, _CATEGORY[category], sessions, reason, provision))


# ------------------------------------------------------------------------------------------ the writer


def census_files(*, year: int, term: str, pupils: list[dict], needs: list[dict], absences: list[dict],
                 exclusions: list[dict]) -> list[tuple[str, bytes]]:
    """A term's census as Blade CSV files, from plain rows (`pupils` with the keys of `PUPIL_COLUMNS` and the
    others keyed by `pupilonrolltableid`). Dates are written as COLLECT writes them."""

    def day(value):
        return f"{value:%Y-%b-%d} 00:00:00" if value else ""

    prefix = f"{year}_{term}_"
    rows = [[p["pupilonrolltableid"], p["NativeId"], p["upn"], p["surname"], p["forename"], day(p["dob"]), p["sex"],
             p["ethnicity"] or "", day(p["entrydate"]), p["enrolstatus"], p["senprovision"],
             str(bool(p["senunitindicator"])), str(bool(p["resourcedprovisionindicator"])),
             "" if p["termlysessionspossible"] is None else p["termlysessionspossible"]] for p in pupils]
    files = [(prefix + "pupilonroll.csv", csv_bytes(list(PUPIL_COLUMNS), rows))]
    if term == "spring":
        files.append((prefix + "senneeds.csv", csv_bytes(list(NEED_COLUMNS), [
            [n["pupilonrolltableid"], n["sentype"], n["sentyperank"]] for n in needs])))
    files.append((prefix + "termlysessiondetailsonroll.csv", csv_bytes(list(SESSION_COLUMNS), [
        [a["pupilonrolltableid"], a["attendancereason"], a["sessions"]] for a in absences])))
    files.append((prefix + "termlyexclusionsonroll.csv", csv_bytes(list(EXCLUSION_COLUMNS), [
        [e["pupilonrolltableid"], day(e["startdate"]), e["category"], e["sessions"], e["reason1"], e["senprovision"]]
        for e in exclusions])))
    return files


def census_zip(files: list[tuple[str, bytes]]) -> bytes:
    return bundle(files)
