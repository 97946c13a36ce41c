"""Every kind of file "Bring in data" and `sendreform import` take: the source registry.

A source is one layout of outside data (SEN2 return, school census, NCCIS, GIAS, the council's own tables).
The page (`/data/`: one upload per source, when each was last loaded and by whom) and the command family
(`sendreform import SOURCE FILE... [--dry-run]`, `sendreform import reverse SOURCE`) are built from this
registry alone, and every source goes through the one pattern of `sendreform.imports.services` (check ->
preview -> confirm -> record -> reverse; ADR 18). This module imports no Django, so the command line can
list the sources before Django is set up.

How another source plugs in
---------------------------
1. Write a module, say `sendreform/imports/ehe.py` (an imagined source; `gias.py` is the shortest real one,
   its pure reader in `sendreform/interchange/gias.py`), with four keyword-only functions named after the
   source's key, of the same shapes as `sendreform/imports/sen2.py`'s. For a CSV layout,
   `sendreform.imports.csvsource` does the recording (`checked_record`, `preview_record`, `preview_apply`).

   - `ehe_check(*, data: bytes, file_name: str, user=None, by_name: str = "")` reads and validates the
     file and records the run with `services.import_check(source="ehe", report={"validation": {...}})`;
     it stores nothing else. It returns an object with `.run` (the `ImportRun`). The validation dict is
     what the run page and the CLI show: `{"summary": "one sentence", "year": ..., "persons": N,
     "issues": [{"rule", "severity" ("error"/"query"), "message", "person", "path" (the column or
     element), "line" (the row or line), "value"}]}` (`report_of` reads it back); `run.errors` > 0 refuses
     the file.
   - `ehe_reopen(*, run)` the same object again from the file kept for the run
     (`services.import_file_read`), for the confirmation page.
   - `ehe_preview(*, checked)` (with `create_establishments: bool = False` too when the source is
     registered with `create_establishments=True`, as SEN2 is) maps the rows onto the canonical
     tables as `RowIn`s (people matched with `services.people_match`), compares them with
     `services.changes_plan`, records the preview with `services.import_preview`, and returns an object
     with `.plan` (the `Plan`), `.blocked` (reasons in words it cannot be applied; empty when it can) and
     `.people(examples=10)` (the dict of `Sen2Mapping.people_summary`: matched, new, ambiguous and their
     examples; `{}` for a source without people).
   - `ehe_apply(*, checked, preview)` refuses (`ImportRefused`) while `preview.blocked`, else
     `services.import_apply(run=checked.run, plan=preview.plan)` (one transaction; `data_changed` after).

   Optionally `ehe_files(path: Path) -> list[tuple[str, bytes]]` turns one command-line PATH (a folder,
   say) into the files to import one after another; by default each PATH is one file read as it is. A
   source with `many=True` takes several files as ONE import (a census term is several tables): its
   `<key>_bundle(files: list[tuple[str, bytes]]) -> tuple[str, bytes]` joins them into the one file
   recorded (`census_bundle` zips them, the same files always the same bytes); the page takes that one file.
2. Add one line at the foot of this module: `source_register(Source(key="ehe", label="Elective home
   education register", short="EHE register", module="sendreform.imports.ehe", suffixes=(".csv",), ...))`.
   The page gains its upload, the run pages show its runs, and `sendreform import ehe FILE` exists.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from sendreform.sen2.report import Issue, Report


@dataclass(frozen=True)
class Source:
    """One kind of file brought in. `key` is `ImportRun.source` and the command's name; `module` holds the
    source's `<key>_check/_reopen/_preview/_apply` functions (imported only when used)."""

    key: str
    label: str  # "SEN2 return": the page's heading for it
    short: str  # "SEN2": "Upload a SEN2 file", "Check the SEN2 file"
    module: str  # "sendreform.imports.sen2"
    suffixes: tuple[str, ...]  # file names it accepts, lower case: (".xml",)
    file_kind: str  # "a SEN2 XML file", for messages
    about: str  # what the file holds, where it comes from: the page's paragraph and the command's help
    hint: str  # under the upload field
    accept: str = ""  # the upload's accept attribute
    max_mb: int = 200
    many: bool = False  # several files on the command line are one import, joined by `<key>_bundle`
    create_establishments: bool = False  # it may name settings not stored, created on request

    def function(self, verb: str):
        return getattr(importlib.import_module(self.module), f"{self.key}_{verb}")

    def accepts(self, file_name: str) -> bool:
        return file_name.lower().endswith(self.suffixes)

    def check(self, *, data: bytes, file_name: str, user=None, by_name: str = ""):
        return self.function("check")(data=data, file_name=file_name, user=user, by_name=by_name)

    def reopen(self, *, run):
        return self.function("reopen")(run=run)

    def preview(self, *, checked, create_establishments: bool = False):
        if self.create_establishments:
            return self.function("preview")(checked=checked, create_establishments=create_establishments)
        return self.function("preview")(checked=checked)

    def apply(self, *, checked, preview):
        return self.function("apply")(checked=checked, preview=preview)

    def bundle(self, files: list[tuple[str, bytes]]) -> tuple[str, bytes]:
        return self.function("bundle")(files)

    def files(self, path) -> list[tuple[str, bytes]]:
        """The files one command-line PATH stands for: the source's `<key>_files` hook, else the file."""
        hook = getattr(importlib.import_module(self.module), f"{self.key}_files", None)
        if hook is not None:
            return hook(path)
        return [(str(path), path.read_bytes())]


SOURCES: dict[str, Source] = {}


def source_register(source: Source) -> Source:
    if source.key in SOURCES or source.key in ("reverse", "samples"):
        raise ValueError(f"a source {source.key!r} is registered already (or the name is taken)")
    SOURCES[source.key] = source
    return source


def source_get(key: str) -> Source | None:
    return SOURCES.get(key)


def sources_list() -> list[Source]:
    """Every source, in the order registered (the page's order)."""
    return list(SOURCES.values())


@dataclass
class RunReport(Report):
    """A run's validation report as kept on it (the shape of the SEN2 report, with the source's own
    one-sentence summary when it gives one), for the page and the command line."""

    said: str = ""

    def summary(self) -> str:
        return self.said or super().summary()


def report_of(*, file_name: str, validation: dict) -> RunReport:
    """The report kept on a run (`run.report["validation"]`) as a report object."""
    issues = [Issue(**{k: i.get(k) for k in ("rule", "severity", "message", "person", "path", "line", "value")})
              for i in validation.get("issues", [])]
    return RunReport(file=file_name, year=validation.get("year"), persons=validation.get("persons", 0),
                     issues=issues, said=validation.get("summary", ""))


source_register(Source(
    key="sen2", label="SEN2 return", short="SEN2", module="sendreform.imports.sen2", suffixes=(".xml",),
    file_kind="a SEN2 XML file", accept=".xml,application/xml,text/xml",
    about="The SEN2 person-level return your case management system makes for the DfE each January holds the "
          "statutory EHC history: requests, assessments, plans, placements, needs and annual reviews. It is "
          "checked as the DfE's COLLECT would: its structure against the return's schema for its collection "
          "year, then the return's validation rules.",
    hint="An XML file from your case management system, for any collection year from 2023",
    create_establishments=True))
source_register(Source(
    key="gias", label="Schools and settings (GIAS)", short="GIAS", module="sendreform.imports.gias",
    suffixes=(".csv",), file_kind="a GIAS extract (CSV)", accept=".csv,text/csv",
    about="Your schools and settings from Get Information About Schools: the \"all establishment data\" CSV "
          "download (or an extract of your area's establishments with its columns). Each is matched by URN; its "
          "name, LA, phase, type, open and close dates, SEN unit and resourced provision and capacities are kept. "
          "Load it before the first census.",
    hint="A CSV file downloaded from GIAS (the columns URN, LA (code), EstablishmentName, TypeOfEstablishment "
         "(code), PhaseOfEducation (code), ...)"))
source_register(Source(
    key="census", label="School census", short="school census", module="sendreform.imports.census",
    suffixes=(".zip", ".csv"), file_kind="a school census term (its COLLECT Blade CSV files, or a zip of them)",
    accept=".zip,.csv,application/zip,text/csv",
    about="The school census your schools send the DfE each term (spring, summer and autumn), as the COLLECT "
          "\"Blade\" CSV files you download for your schools: the pupils on roll with their SEN provision, the "
          "needs (spring), the sessions missed in the term before and the suspensions and exclusions. The AP census "
          "has the same tables. A pupil no longer on a school's roll has their enrolment there ended (nothing is "
          "deleted). Load your schools from GIAS first.",
    hint="A .zip of the term's Blade CSV files as COLLECT names them (2026_spring_pupilonroll.csv, "
         "..._senneeds.csv, ..._termlysessiondetailsonroll.csv, ..._termlyexclusionsonroll.csv), or the "
         "pupilonroll CSV alone",
    many=True))
source_register(Source(
    key="nccis", label="Young people's activity (NCCIS)", short="NCCIS", module="sendreform.imports.nccis",
    suffixes=(".csv",), file_kind="an NCCIS extract (CSV)", accept=".csv,text/csv",
    about="What 16 and 17 year olds are doing, from your client caseload system's NCCIS extract: in education, "
          "employment or training, not (NEET), or not known, as at the extract's day. Young people are matched as "
          "in the other imports.",
    hint="A CSV file with the columns UPN, ULN, Forename, Surname, DateOfBirth, Gender, ActivityCode and AsAt"))
source_register(Source(
    key="tables", label="The council's own tables", short="tables", module="sendreform.imports.tables",
    suffixes=(".xlsx", ".zip", ".csv", ".parquet"),
    file_kind="a workbook (.xlsx) with a sheet per table, a .zip or folder of <table>.csv or <table>.parquet files, "
              "or one <table>.csv or <table>.parquet file",
    accept=".xlsx,.zip,.csv,.parquet",
    about="Any canonical table in sendreform's own shape: the lists a council keeps itself (part-time timetables, "
          "alternative provision providers and commissions, complaints, tribunal appeals, survey responses, "
          "Experts at Hand, unit costs, planned places, clusters) and anything another system can write in that "
          "shape. Fill in the template workbook (a sheet per table, each coded column a drop-down of its codes), or "
          "give CSV or Parquet files named after their tables. People are matched by their person_id, then as SEN2 "
          "matches them; settings by establishment_id, then URN, then UKPRN. Nothing is deleted: rows the file "
          "leaves out stay as they are.",
    hint="The filled-in template (.xlsx), a .zip of <table>.csv or <table>.parquet files, or one such file, e.g. "
         "complaint.csv"))
