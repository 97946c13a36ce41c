"""What the sources share on the way through the import pattern: the preview of a mapping (its plan, why it
cannot be applied, how its people matched; SEN2's too), and for the CSV sources (census, NCCIS, GIAS) the check
recorded with the reader's problems as the run's report and the application. Each source module names its own
`<key>_check/_reopen/_preview/_apply` (`sendreform.imports.sources`) and calls these."""

from __future__ import annotations

from dataclasses import dataclass

from sendreform.imports.services import (
    ImportRefused,
    Plan,
    changes_plan,
    import_apply,
    import_check,
    import_preview,
)

MAX_STORED_ISSUES = 20_000


@dataclass
class Checked:
    """A file read and checked: its run (recorded) and what the reader made of it (`read.problems`)."""

    run: object
    read: object


@dataclass
class Preview:
    mapping: object  # .rows, .blocked, .people_summary(examples=)
    plan: Plan

    @property
    def blocked(self) -> list[str]:
        return self.mapping.blocked

    def people(self, *, examples: int = 10) -> dict:
        return self.mapping.people_summary(examples=examples)


def checked_record(*, source: str, read, data: bytes, file_name: str, user=None, by_name: str = "",
                   persons: int, nothing: str, collection_year: int | None = None, period: str = "",
                   extra: dict | None = None) -> Checked:
    """Record the check of a file `read` by a pure reader (its `problems`, `errors`, `summary`): a file with
    nothing to import (`persons` 0) is an error, `nothing` saying why."""
    issues = [p.as_issue() for p in read.problems]
    errors = read.errors
    if not persons and not errors:
        issues.append({"rule": "NOTHING", "severity": "error", "message": f"{file_name}: {nothing}", "person": "",
                       "path": file_name, "line": None, "value": ""})
        errors = 1
    validation = {"summary": read.summary(file_name), "year": collection_year, "persons": persons,
                  "issues": issues[:MAX_STORED_ISSUES]}
    run = import_check(source=source, user=user, by_name=by_name, file_name=file_name, data=data,
                       collection_year=collection_year, period=period, report={"validation": validation, **(extra or {})},
                       errors=errors, queries=len(read.problems) - read.errors)
    return Checked(run=run, read=read)


def preview_record(*, checked: Checked, mapping) -> Preview:
    if checked.run.errors:
        raise ImportRefused(f"{checked.run.file_name} has {checked.run.errors:,} error(s): nothing can be imported "
                            "from it until they are put right.")
    plan = changes_plan(rows=mapping.rows)
    import_preview(run=checked.run, plan=plan, people={**mapping.people_summary(), "blocked": mapping.blocked})
    return Preview(mapping=mapping, plan=plan)


def preview_apply(*, checked: Checked, preview: Preview):
    if preview.blocked:
        raise ImportRefused("Nothing was imported: " + "; ".join(preview.blocked) + ".")
    return import_apply(run=checked.run, plan=preview.plan)


def people_summary(matching, people, *, examples: int = 10) -> dict:
    """How a file's people matched, as the run page and the command line show it."""
    return {
        **matching.counts(),
        "ambiguous_people": [matching.ambiguous[i] for i in sorted(matching.ambiguous)],
        "new_examples": [people[i].ref for i in matching.new[:examples]],
        "matched_examples": [f"{people[i].ref}: {pid} by {how}" for i, (pid, how)
                             in sorted(matching.matched.items())[:examples]],
    }


def ambiguous_reason(matching) -> list[str]:
    if not matching.ambiguous:
        return []
    return [f"{len(matching.ambiguous)} person(s) in the file match more than one stored record, or another "
            "child's: put the records right (or the file) and check again"]
