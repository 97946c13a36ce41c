"""Young people's activity (16 to 17) from an NCCIS client-level CSV extract, read and checked, and written.

A local authority records each young person's current activity in its client caseload system and returns it
to the National Client Caseload Information System (NCCIS) monthly. sendreform reads a CSV extract of that
caseload, one row per young person, with the columns (matched ignoring case and spaces) `UPN`, `ULN`,
`Forename`, `Surname`, `DateOfBirth`, `Gender` and `ActivityCode` (the NCCIS current-activity code, three
digits), and `AsAt` (the day the activity is recorded as at, usually the month end). The activity codes group
as the DfE's NEET figures do: 1xx-4xx in education, employment or training (EET), 5xx-6xx not (NEET), 8xx
not known; 7xx (left the area, in custody, ...) is outside the measure and left out as a query.
Every problem names the file, row, column and reason. Nothing here knows a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sendreform.interchange.census import upn_problem
from sendreform.interchange.csvfiles import QUERY, Findings, Problem, RowReader, csv_bytes
from sendreform.sen2.rules import uln_valid
from sendreform.standards.formats import date_words

REQUIRED = ("Forename", "Surname", "DateOfBirth", "ActivityCode", "AsAt")
COLUMNS = ("UPN", "ULN", "Forename", "Surname", "DateOfBirth", "Gender", "ActivityCode", "AsAt")
_GROUPS = {"1": "EET", "2": "EET", "3": "EET", "4": "EET", "5": "NEET", "6": "NEET", "8": "NOT_KNOWN"}
# The code each activity is written as (the sample files): full-time education, NEET seeking work, not known.
WRITTEN = {"EET": "110", "NEET": "540", "NOT_KNOWN": "810"}


def activity_of(code: str) -> str | None:
    """EET, NEET or NOT_KNOWN for an NCCIS current-activity code; None for 7xx (outside the measure)."""
    return _GROUPS.get(code[0])


@dataclass
class YoungPerson:
    row: int
    upn: str | None
    uln: str | None
    forename: str
    surname: str
    birth_date: dt.date
    sex: str
    activity: str
    as_at: dt.date

    @property
    def ref(self) -> str:
        who = f"UPN {self.upn}" if self.upn else f"ULN {self.uln}" if self.uln else "no UPN or ULN"
        return f"row {self.row}: {who} ({self.surname}, {self.forename})"


@dataclass
class Caseload(Findings):
    people: list[YoungPerson] = field(default_factory=list)
    read: int = 0

    @property
    def as_at(self) -> dt.date | None:
        return max((p.as_at for p in self.people), default=None)

    def summary(self, name: str) -> str:
        when = f" as at {date_words(self.as_at)}" if self.as_at else ""
        return f"{name}: NCCIS caseload{when}, {self.read:,} young people read; " + self.verdict("extract")


def nccis_read(data: bytes, *, name: str) -> Caseload:
    caseload = Caseload()
    seen: dict[str, int] = {}
    for n, values in caseload.rows(data, file=name, required=REQUIRED) or []:
        caseload.read += 1
        who = f"{values.get('surname', '')}, {values.get('forename', '')}"
        row = RowReader(caseload.problems, name, n, values, who=who)
        upn = row.text("UPN", required=False).upper() or None
        if upn and (why := upn_problem(upn)):
            row.fail("UPN", why, "UPN_CHECK_LETTER" if "check letter" in why else "UPN_FORM")
        uln = row.text("ULN", required=False) or None
        if uln and not uln_valid(uln):
            row.fail("ULN", "a ULN is 10 digits whose last is the check digit of the others", "ULN_CHECK")
        for column, number in (("UPN", upn), ("ULN", uln)):
            if number and f"{column}{number}" in seen:
                row.fail(column, f"the same {column} as row {seen[f'{column}{number}']}", "DUPLICATE")
            elif number:
                seen[f"{column}{number}"] = n
        forename, surname = row.text("Forename"), row.text("Surname")
        as_at = row.date("AsAt")
        birth = row.date("DateOfBirth", not_after=as_at)
        gender = (row.text("Gender", required=False) or "U").upper()[:1]
        sex = {"M": "M", "F": "F", "1": "M", "2": "F"}.get(gender)
        if sex is None and gender not in ("U", "0", "9", "N"):
            row.fail("Gender", f"{gender!r} is not M, F or U", "UNKNOWN_CODE")
        code = row.text("ActivityCode")
        activity = None
        if code:
            if not (code.isdigit() and len(code) == 3 and code[0] in "12345678"):
                row.fail("ActivityCode", f"{code!r} is not an NCCIS activity code (three digits, 110 to 830)",
                         "UNKNOWN_CODE")
            else:
                activity = activity_of(code)
                if activity is None:
                    caseload.problems.append(Problem(name, n, "ActivityCode", code, "a 7xx activity (left the area, "
                                                     "custody, ...) is outside the NEET measure: left out",
                                                     "OUTSIDE_MEASURE", severity=QUERY, who=who))
                    continue
        if row.ok:
            caseload.people.append(YoungPerson(n, upn, uln, forename, surname, birth, sex or "U", activity, as_at))
    return caseload


def nccis_csv(people: list[dict]) -> bytes:
    """Young people (UPN, ULN, forename, surname, birth_date, sex, activity, as_at) as the extract read."""
    return csv_bytes(list(COLUMNS), [
        [p["upn"], p["uln"], p["forename"], p["surname"], f"{p['birth_date']:%Y-%m-%d}", p["sex"],
         WRITTEN[p["activity"]], f"{p['as_at']:%Y-%m-%d}"] for p in people])
