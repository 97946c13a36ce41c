"""How a plan file is merged into the plan the database holds (ADR 16): the report of what an import adds,
changes and keeps, the three-way merge of one item's fields, and the checks that refuse a file cut short.

An item the app edits (a workstream, milestone, investment line or risk) remembers the file's values it was
last imported with (`imported`). A field the app has not changed since then takes the file's value; a field
the app has changed keeps the app's value, and the report says what the file would have made it. Nothing is
ever deleted by an import: an item the file no longer holds is kept and listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sendreform.plan.planfile import PlanFileError

# A section of the plan file, how to count its items in the canonical mapping, and the name of one item.
SECTIONS = {
    "indicators": (lambda d: len(d["indicators"]), "indicator targets"),
    "plan.building_blocks": (lambda d: len(d["plan"]["building_blocks"]), "building blocks and enablers"),
    "plan.workstreams": (lambda d: len(d["plan"]["workstreams"]), "workstreams"),
    "plan.workstreams[].quarters[].milestones": (
        lambda d: sum(len(q.get("milestones", [])) for w in d["plan"]["workstreams"] for q in w.get("quarters", [])),
        "milestones"),
    "plan.investment": (lambda d: sum(len(line["quarters"]) for line in d["plan"]["investment"]),
                        "investment lines"),
    "governance.boards": (lambda d: len(d["governance"]["boards"]), "boards"),
    "risks": (lambda d: len(d["risks"]), "risks"),
}


@dataclass
class PlanImportReport:
    """What importing a file does: items added, fields changed (old → new), the app's edits kept over the
    file's values, and items in the database but not in the file, which are kept."""

    source: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.changed)

    def text(self) -> str:
        parts = [f"Importing {self.source}: {len(self.added)} added, {len(self.changed)} changed, "
                 f"{len(self.kept_edits)} edits made in the app kept, {len(self.kept)} not in the file and kept."]
        for title, lines in (("Added", self.added), ("Changed (old → new)", self.changed),
                             ("Edited in the app since the last import: the app's value is kept", self.kept_edits),
                             ("In the database but not in the file: kept (nothing is deleted)", self.kept)):
            if lines:
                parts += ["", f"{title}:", *(f"  - {line}" for line in lines)]
        return "\n".join(parts) + "\n"


def plain(value):
    """A field's value as the `imported` record keeps it (JSON): dates as text, a board by its key."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "_meta"):
        return getattr(value, "key", None) or value.pk
    return value


def shown(value) -> str:
    value = plain(value)
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, list):
        return "; ".join(map(str, value)) or "(none)"
    text = str(value)
    return repr(text if len(text) <= 80 else text[:77] + "...")


def fields_merge(report: PlanImportReport, *, item, label: str, values: dict, tracked: bool,
                 quiet: tuple = ("position",)) -> list[dict]:
    """Set `item`'s fields from the file's `values`, three-way when `tracked` (the item keeps `imported`, the
    file's values at its last import): a field the app changed since then keeps the app's value. Returns the
    changes made, as the history records them; the report gets a line for each change and each edit kept."""
    base = item.imported if tracked else None
    changes = []
    for name, theirs in values.items():
        ours = getattr(item, name)
        if plain(ours) == plain(theirs):
            continue
        edited = base is not None and plain(ours) != base.get(name, plain(theirs))
        if edited:
            report.kept_edits.append(f"{label}: {name.replace('_', ' ')} stays {shown(ours)} "
                                     f"(the file says {shown(theirs)})")
            continue
        if name not in quiet:
            report.changed.append(f"{label}: {name.replace('_', ' ')} {shown(ours)} → {shown(theirs)}")
            changes.append({"field": name.replace("_", " ").capitalize(), "before": shown(ours),
                            "after": shown(theirs)})
        setattr(item, name, theirs)
    if tracked:
        item.imported = {name: plain(value) for name, value in values.items()}
    return changes


def file_shortfall(*, text: str, source: str, stored: dict | None, new: dict, allow_fewer: bool) -> None:
    """Refuse a file that looks cut short: one that ends part-way through a line, lacks a section the stored
    plan has, or holds under half the items of a section the stored plan has (unless `allow_fewer`)."""
    lines = text.split("\n")
    if text and not text.endswith("\n"):
        raise PlanFileError(source=source, line=len(lines),
                            reason=f"the file ends part-way through line {len(lines)} ({lines[-1][-40:]!r}): it "
                                   "looks cut off; save the whole file again")
    if stored is None or allow_fewer:
        return
    present = {line.split(":")[0] for line in lines if line[:1].isalpha()}
    for section, (count, what) in SECTIONS.items():
        top, had = section.split(".")[0], count(stored)
        if had and top not in present:
            raise PlanFileError(source=source, line=len(lines),
                                reason=f"the file has no {top}: section, but the plan holds {had} {what}; a "
                                       "cut-off file? Give --allow-fewer if this is meant (nothing is deleted)")
    for section, (count, what) in SECTIONS.items():
        had, has = count(stored), count(new)
        if had >= 2 and has < had / 2:
            raise PlanFileError(source=source, line=None,
                                reason=f"{section}: the file holds {has} {what} where the plan holds {had}; a "
                                       "cut-off file? Give --allow-fewer if this is meant (nothing is deleted)")
