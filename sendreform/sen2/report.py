"""A validation report of one SEN2 file: every failure with the person, element path, line, rule, value and
message, as text, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import asdict, dataclass, field

ERROR = "error"  # the file cannot be submitted
QUERY = "query"  # must be explained to the DfE


@dataclass(frozen=True, slots=True)
class Issue:
    """One failure of one rule at one place in the file."""

    rule: str
    severity: str
    message: str
    person: str = ""  # "UPN A123... (Surname, Forename)"; empty for the header
    path: str = ""  # /Message/Persons/Person[3]/Requests[1]/ReceivedDate
    line: int | None = None
    value: str = ""  # the value found, as in the file


COLUMNS = ("line", "severity", "rule", "person", "path", "value", "message")


@dataclass
class Report:
    """Every issue of a file, in file order, and what was read."""

    file: str
    year: int | None = None
    persons: int = 0
    issues: list[Issue] = field(default_factory=list)
    complete: bool = True  # False when the file could not be read to its end (not XML, no header, ...)

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity == ERROR)

    @property
    def queries(self) -> int:
        return sum(1 for i in self.issues if i.severity == QUERY)

    @property
    def ok(self) -> bool:
        """True when the file can be submitted: no errors (queries need only an explanation)."""
        return self.errors == 0

    def by_rule(self) -> list[tuple[str, str, int]]:
        """(rule, severity, count) for every rule that failed, most frequent first."""
        counts = Counter((i.rule, i.severity) for i in self.issues)
        return [(rule, sev, n) for (rule, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    def summary(self) -> str:
        year = f"collection year {self.year}" if self.year else "collection year unknown"
        verdict = "can be submitted" if self.ok else "cannot be submitted until the errors are put right"
        if not self.complete:
            verdict = "could not be read to its end"
        return (f"{self.file}: SEN2 {year}, {self.persons} people read; {self.errors} errors, "
                f"{self.queries} queries; the file {verdict}.")

    def text(self) -> str:
        out = [self.summary()]
        if self.issues:
            out.append("")
            out.append("By rule:")
            out += [f"  {rule:<34} {sev:<6} {n}" for rule, sev, n in self.by_rule()]
            out.append("")
        for i in self.issues:
            where = f"line {i.line}" if i.line else "line ?"
            who = f"  {i.person}" if i.person else ""
            value = f" = {i.value!r}" if i.value else ""
            out.append(f"{where}: {i.severity.upper()} {i.rule}{who}")
            out.append(f"    {i.path}{value}")
            out.append(f"    {i.message}")
        return "\n".join(out) + "\n"

    def csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(COLUMNS)
        for i in self.issues:
            writer.writerow(["" if getattr(i, c) is None else getattr(i, c) for c in COLUMNS])
        return buf.getvalue()

    def as_dict(self) -> dict:
        return {"file": self.file, "year": self.year, "persons": self.persons, "complete": self.complete,
                "errors": self.errors,
                "queries": self.queries, "ok": self.ok,
                "issues": [{c: asdict(i)[c] for c in COLUMNS} for i in self.issues]}

    def json(self) -> str:
        return json.dumps(self.as_dict(), indent=2) + "\n"

    def render(self, fmt: str) -> str:
        """The report as `text`, `csv` or `json`."""
        return {"text": self.text, "csv": self.csv, "json": self.json}[fmt]()
