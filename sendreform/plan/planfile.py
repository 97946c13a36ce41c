"""The plan file (`plans/<area>.yaml`): read with the line of every value, checked, and written back.

`plan_file_read` turns the text into the canonical mapping (what `plan_file_text` writes), raising
PlanFileError with the line and the reason for anything malformed; `plan_file_text` writes the mapping in
one fixed layout, so reading and writing a file in that layout gives back the same bytes. The `indicators:`
section keeps the shape `sendreform.metrics.targets` reads.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import yaml

from sendreform.governance.models import (
    ACTION_STATUSES,
    BOARD_KINDS,
    DECISION_STATUSES,
    IMPACTS,
    LIKELIHOODS,
)
from sendreform.metrics.catalogue import CATALOGUE
from sendreform.metrics.targets import PlanFileError as TargetsError
from sendreform.metrics.targets import targets_from_mapping
from sendreform.plan.models import BLOCK_KINDS, INVESTMENT_CATEGORIES, MILESTONE_STATUSES
from sendreform.standards.links import link_problem

HEADER = """\
# A Local SEND Reform Plan as data: the local area, the indicators' baselines, targets and milestones, the
# plan (building blocks and enablers, roadmap, workstreams, milestones, trajectories, investment), its
# governance and its risks. Load it with `sendreform plan import FILE`; `sendreform plan export` writes it.
"""
QUARTER = re.compile(r"^(\d{4})-(\d{2}) Q([1-4])$")
RAGS = ("Red", "Amber", "Green")


class PlanFileError(ValueError):
    """A malformed plan file: names the file, the line and the reason."""

    def __init__(self, *, source: str, line: int | None, reason: str):
        self.source, self.line, self.reason = source, line, reason
        super().__init__(f"{source}: line {line}: {reason}" if line else f"{source}: {reason}")


def quarter_is_valid(quarter: str) -> bool:
    """Whether the text is a financial-year quarter written like "2026-27 Q2" (the years consecutive)."""
    return bool(QUARTER.match(quarter)) and int(quarter[5:7]) == (int(quarter[:4]) + 1) % 100


def quarters_of_years(years: list[str]) -> list[str]:
    """The quarters of roadmap years written like "2026/27", in order: 2026-27 Q1 to Q4, and so on."""
    out = []
    for year in years:
        match = re.match(r"^(\d{4})/(\d{2})$", year)
        if match:
            out += [f"{match.group(1)}-{match.group(2)} Q{q}" for q in range(1, 5)]
    return [q for q in out if quarter_is_valid(q)]


def quarter_end(quarter: str) -> dt.date:
    """The last day of a financial-year quarter written like "2026-27 Q2" (July to September 2026)."""
    match = QUARTER.match(quarter)
    year = int(match.group(1))
    return {1: dt.date(year, 6, 30), 2: dt.date(year, 9, 30), 3: dt.date(year, 12, 31),
            4: dt.date(year + 1, 3, 31)}[int(match.group(3))]


# ----------------------------------------------------------------------------------------------- reading


class _Map(dict):
    line = 0
    key_lines: dict


class _Seq(list):
    line = 0
    item_lines: list


class _Loader(yaml.SafeLoader):
    pass


def _construct_map(loader, node):
    loader.flatten_mapping(node)
    out = _Map()
    out.line, out.key_lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(None, None, f"{key!r} appears twice", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_seq(loader, node):
    out = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    out.line, out.item_lines = node.start_mark.line + 1, [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


class _Check:
    """Reads values out of the loaded file, raising PlanFileError at the value's line."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, line, reason):
        raise PlanFileError(source=self.source, line=line, reason=reason)

    def mapping(self, value, where, line, *, required=(), optional=()) -> _Map:
        if not isinstance(value, dict):
            self.fail(getattr(value, "line", line), f"{where} must be a mapping of fields")
        for key in value:
            if key not in required and key not in optional:
                allowed = ", ".join([*required, *optional])
                self.fail(value.key_lines[key], f"{where}: unknown field {key!r} (fields: {allowed})")
        for key in required:
            if key not in value:
                self.fail(value.line, f"{where}: {key} is missing")
        return value

    def seq(self, m, key, where) -> list:
        value = m.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(m.key_lines[key], f"{where}.{key} must be a list")
        return value

    def text(self, m, key, where, *, required=False) -> str:
        value = m.get(key)
        if value is None:
            if required:
                self.fail(m.line, f"{where}: {key} is missing")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(m.key_lines[key], f"{where}.{key} must be text")
        text = str(value).strip()
        if required and not text:
            self.fail(m.key_lines[key], f"{where}.{key} is empty")
        return text

    def texts(self, m, key, where) -> list[str]:
        items = self.seq(m, key, where)
        for item in items:
            if not isinstance(item, str):
                self.fail(getattr(items, "line", m.key_lines[key]), f"{where}.{key} must be a list of text")
        return [str(i) for i in items]

    def date(self, m, key, where, *, required=True) -> dt.date | None:
        value = m.get(key)
        if value is None and not required:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            if not FIRST_DATE <= value <= LAST_DATE:
                self.fail(m.key_lines[key], f"{where}.{key}: {value} is not a date from {FIRST_DATE.year} to "
                                            f"{LAST_DATE.year}")
            return value
        line = m.key_lines.get(key, m.line)
        self.fail(line, f"{where}.{key}: {value!r} is not a date (YYYY-MM-DD)" if key in m
                  else f"{where}: {key} is missing")

    def number(self, m, key, where):
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not abs(value) < LARGEST:
            self.fail(m.key_lines[key], f"{where}.{key}: {value!r} is not a number" if not isinstance(value, float)
                      or math.isfinite(value) else f"{where}.{key}: {value!r} is not a finite number")
        return value

    def pence(self, m, key, where):
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < LARGEST * 100:
            self.fail(m.key_lines[key], f"{where}.{key}: {value!r} is not a whole number of pence")
        return value

    def choice(self, m, key, where, choices, *, default=None) -> str:
        value = m.get(key, default)
        if value not in choices:
            self.fail(m.key_lines.get(key, m.line),
                      f"{where}.{key}: {value!r} is not one of {', '.join(map(str, choices))}")
        return value

    def quarter(self, m, key, where) -> str:
        value = self.text(m, key, where, required=True)
        if not quarter_is_valid(value):
            self.fail(m.key_lines[key], f"{where}.{key}: {value!r} is not a quarter like 2026-27 Q2")
        return value


MAX_TEXT = 5_000_000  # characters: Reading's plan is about 100,000
FIRST_DATE, LAST_DATE = dt.date(1990, 1, 1), dt.date(2100, 12, 31)
LARGEST = 10**12  # no figure of a plan (a count, a percentage, pence of spend) is near this
_DATE_LIKE = re.compile(r"(?<![\w.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w.:-])")


def _impossible_date_line(text: str) -> tuple[int, str] | None:
    """The first line with a date-shaped value that is no date (2026-02-30), which YAML cannot load."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _DATE_LIKE.finditer(line.split("#")[0]):
            try:
                dt.date(*map(int, match.groups()))
            except ValueError:
                return number, match.group(0)
    return None


def yaml_lined_load(text: str, *, source: str):
    """YAML text loaded with the line of every mapping and sequence (`key_lines`, `item_lines`), for a reader
    that names the file, line and field of whatever is wrong; PlanFileError if the text is not YAML. The plan
    file and the other files of `plans/` (the quarterly return's layout, the data template's mapping) use it."""
    if len(text) > MAX_TEXT:
        raise PlanFileError(source=source, line=None,
                            reason=f"the file has {len(text):,} characters; a plan file is at most {MAX_TEXT:,}")
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise PlanFileError(source=source, line=mark.line + 1 if mark else None,
                            reason=f"not valid YAML: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise PlanFileError(source=source, line=None, reason=f"not valid YAML: {exc}") from exc
    except RecursionError as exc:
        raise PlanFileError(source=source, line=None, reason="not valid YAML: nested too deeply") from exc
    except (ValueError, TypeError, OverflowError) as exc:  # YAML's own date reading: 2026-02-30, 2026-13-01
        where = _impossible_date_line(text)
        raise PlanFileError(
            source=source, line=where[0] if where else None,
            reason=f"{where[1]!r} is not a date" if where else f"a value cannot be read ({exc})") from exc


LinedCheck = _Check  # reads values out of what yaml_lined_load gave, failing at the value's line


def plan_file_read(text: str, *, source: str = "plan file") -> dict:
    """The canonical mapping of a plan file; PlanFileError (file, line, reason) if anything is wrong."""
    data = yaml_lined_load(text, source=source)
    c = _Check(source)
    top = c.mapping(data, "the file", 1, required=("local_area", "plan"),
                    optional=("indicators", "governance", "risks"))
    out = {"local_area": _local_area(c, top), "indicators": _indicators(c, top)}
    out["plan"] = _plan(c, top["plan"], out["indicators"])
    out["governance"] = _governance(c, top)
    out["risks"] = _risks(c, top, {b["key"] for b in out["governance"]["boards"]})
    return out


def _local_area(c, top) -> dict:
    m = c.mapping(top["local_area"], "local_area", top.key_lines["local_area"], required=("name",),
                  optional=("la_code", "new_la_code"))
    out = {"name": c.text(m, "name", "local_area", required=True)}
    for key in ("la_code", "new_la_code"):
        if key in m:
            out[key] = c.text(m, key, "local_area")
    return out


def _indicators(c, top) -> dict:
    if top.get("indicators") is None:
        return {}
    section = c.mapping(top["indicators"], "indicators", top.key_lines["indicators"], optional=tuple(top["indicators"]))
    out = {}
    for iid, spec in section.items():
        where = f"indicators.{iid}"
        if iid not in CATALOGUE:
            c.fail(section.key_lines[iid], f"{where}: no indicator has this id")
        spec = c.mapping(spec if spec is not None else _Map(), where, section.key_lines[iid],
                         optional=("baseline", "target", "note", "milestones"))
        item = {}
        if "baseline" in spec:
            b = c.mapping(spec["baseline"], f"{where}.baseline", spec.key_lines["baseline"], required=("date",),
                          optional=("value",))
            item["baseline"] = {k: v for k, v in (("value", c.number(b, "value", f"{where}.baseline")),
                                                  ("date", c.date(b, "date", f"{where}.baseline"))) if v is not None}
        if "target" in spec:
            t = c.mapping(spec["target"], f"{where}.target", spec.key_lines["target"], required=("date",),
                          optional=("value", "change_pct"))
            value, change = c.number(t, "value", f"{where}.target"), c.number(t, "change_pct", f"{where}.target")
            if (value is None) == (change is None):
                c.fail(t.line, f"{where}.target: give exactly one of value and change_pct")
            if change is not None and "baseline" not in item:
                c.fail(t.key_lines["change_pct"], f"{where}.target.change_pct: a relative target needs a baseline")
            item["target"] = ({"value": value} if value is not None else {"change_pct": change})
            item["target"]["date"] = c.date(t, "date", f"{where}.target")
        if "note" in spec:
            item["note"] = c.text(spec, "note", where)
        if "milestones" in spec:
            points = []
            for i, p in enumerate(c.seq(spec, "milestones", where)):
                p = c.mapping(p, f"{where}.milestones[{i}]", spec.key_lines["milestones"],
                              required=("date", "value"))
                points.append({"date": c.date(p, "date", f"{where}.milestones[{i}]"),
                               "value": c.number(p, "value", f"{where}.milestones[{i}]")})
            item["milestones"] = points
        out[iid] = item
    try:  # the metrics layer must read the section too
        targets_from_mapping({"indicators": out}, source=c.source, known_ids=CATALOGUE)
    except TargetsError as exc:
        c.fail(top.key_lines["indicators"], str(exc))
    return out


def _plan(c, m, indicators) -> dict:
    m = c.mapping(m, "plan", 1, required=("title", "building_blocks"),
                  optional=("summary", "roadmap_years", "workstreams", "investment_note", "investment"))
    out = {"title": c.text(m, "title", "plan", required=True)}
    if m.get("summary"):
        out["summary"] = c.text(m, "summary", "plan")
    years = []
    for i, y in enumerate(c.seq(m, "roadmap_years", "plan")):
        where = f"plan.roadmap_years[{i}]"
        y = c.mapping(y, where, m.key_lines["roadmap_years"], required=("year",), optional=("headline",))
        years.append({"year": c.text(y, "year", where, required=True), "headline": c.text(y, "headline", where)})
    out["roadmap_years"] = years
    year_names = [y["year"] for y in years]
    blocks, keys = [], set()
    for i, b in enumerate(c.seq(m, "building_blocks", "plan")):
        where = f"plan.building_blocks[{i}]"
        b = c.mapping(b, where, m.key_lines["building_blocks"], required=("key", "kind", "name"),
                      optional=("vision", "roadmap", "success_measures"))
        key = c.text(b, "key", where, required=True)
        if key in keys:
            c.fail(b.key_lines["key"], f"{where}.key: {key!r} is used twice")
        keys.add(key)
        block = {"key": key, "kind": c.choice(b, "kind", where, BLOCK_KINDS),
                 "name": c.text(b, "name", where, required=True)}
        if b.get("vision"):
            block["vision"] = c.texts(b, "vision", where)
        if b.get("roadmap"):
            r = c.mapping(b["roadmap"], f"{where}.roadmap", b.key_lines["roadmap"], optional=year_names)
            block["roadmap"] = {year: c.texts(r, year, f"{where}.roadmap") for year in r}
        measures = []
        for j, s in enumerate(c.seq(b, "success_measures", where)):
            sw = f"{where}.success_measures[{j}]"
            s = c.mapping(s, sw, b.key_lines["success_measures"], required=("name",), optional=year_names)
            measures.append({"name": c.text(s, "name", sw, required=True),
                             **{year: c.text(s, year, sw) for year in s if year != "name"}})
        if measures:
            block["success_measures"] = measures
        blocks.append(block)
    out["building_blocks"] = blocks
    out["workstreams"] = _workstreams(c, m, keys)
    if m.get("investment_note"):
        out["investment_note"] = c.text(m, "investment_note", "plan")
    out["investment"] = _investment(c, m)
    return out


def _workstreams(c, m, block_keys) -> list:
    out, keys = [], set()
    for i, w in enumerate(c.seq(m, "workstreams", "plan")):
        where = f"plan.workstreams[{i}]"
        w = c.mapping(w, where, m.key_lines["workstreams"], required=("key", "building_block", "name"),
                      optional=("lead", "lead_support", "outcome", "success_measures", "note", "quarters"))
        key = c.text(w, "key", where, required=True)
        if key in keys:
            c.fail(w.key_lines["key"], f"{where}.key: {key!r} is used twice")
        keys.add(key)
        block = c.text(w, "building_block", where, required=True)
        if block not in block_keys:
            c.fail(w.key_lines["building_block"], f"{where}.building_block: no building block has key {block!r}")
        item = {"key": key, "building_block": block, "name": c.text(w, "name", where, required=True)}
        for field in ("lead", "lead_support"):
            if w.get(field):
                item[field] = c.text(w, field, where)
        for field in ("outcome", "success_measures"):
            if w.get(field):
                item[field] = c.texts(w, field, where)
        if w.get("note"):
            item["note"] = c.text(w, "note", where)
        quarters = []
        for j, q in enumerate(c.seq(w, "quarters", where)):
            qw = f"{where}.quarters[{j}]"
            q = c.mapping(q, qw, w.key_lines["quarters"], required=("quarter",),
                          optional=("milestones", "trajectory"))
            quarter = {"quarter": c.quarter(q, "quarter", qw), "milestones": [], "trajectory": []}
            for k, ms in enumerate(c.seq(q, "milestones", qw)):
                mw = f"{qw}.milestones[{k}]"
                ms = c.mapping(ms, mw, q.key_lines["milestones"], required=("text",),
                               optional=("status", "evidence", "links"))
                milestone = {"text": c.text(ms, "text", mw, required=True),
                             "status": c.choice(ms, "status", mw, MILESTONE_STATUSES, default="not_started")}
                if ms.get("evidence"):
                    milestone["evidence"] = c.text(ms, "evidence", mw)
                if ms.get("links"):
                    milestone["links"] = c.texts(ms, "links", mw)
                    for n, link in enumerate(milestone["links"]):
                        if problem := link_problem(link):
                            c.fail(ms["links"].item_lines[n], f"{mw}.links[{n}]: {problem} ({link!r})")
                quarter["milestones"].append(milestone)
            for k, tr in enumerate(c.seq(q, "trajectory", qw)):
                tw = f"{qw}.trajectory[{k}]"
                tr = c.mapping(tr, tw, q.key_lines["trajectory"], required=("text",), optional=("indicators",))
                point = {"text": c.text(tr, "text", tw, required=True)}
                ids = c.texts(tr, "indicators", tw)
                for iid in ids:
                    if iid not in CATALOGUE:
                        c.fail(tr.key_lines["indicators"], f"{tw}.indicators: no indicator has the id {iid!r}")
                if ids:
                    point["indicators"] = ids
                quarter["trajectory"].append(point)
            for empty in ("milestones", "trajectory"):
                if not quarter[empty]:
                    del quarter[empty]
            quarters.append(quarter)
        if quarters:
            item["quarters"] = quarters
        out.append(item)
    return out


def _investment(c, m) -> list:
    out = []
    for i, line in enumerate(c.seq(m, "investment", "plan")):
        where = f"plan.investment[{i}]"
        line = c.mapping(line, where, m.key_lines["investment"], required=("category",),
                         optional=("heading", "quarters"))
        item = {"category": c.choice(line, "category", where, INVESTMENT_CATEGORIES)}
        if line.get("heading"):
            item["heading"] = c.text(line, "heading", where)
        quarters = []
        for j, q in enumerate(c.seq(line, "quarters", where)):
            qw = f"{where}.quarters[{j}]"
            q = c.mapping(q, qw, line.key_lines["quarters"], required=("quarter",),
                          optional=("description", "planned_pence", "actual_pence"))
            entry = {"quarter": c.quarter(q, "quarter", qw)}
            if q.get("description"):
                entry["description"] = c.text(q, "description", qw)
            for key in ("planned_pence", "actual_pence"):
                value = c.pence(q, key, qw)
                if value is not None:
                    entry[key] = value
            quarters.append(entry)
        item["quarters"] = quarters
        out.append(item)
    return out


def _governance(c, top) -> dict:
    if top.get("governance") is None:
        return {"boards": [], "meetings": []}
    g = c.mapping(top["governance"], "governance", top.key_lines["governance"], optional=("boards", "meetings"))
    boards, keys = [], []
    for i, b in enumerate(c.seq(g, "boards", "governance")):
        where = f"governance.boards[{i}]"
        b = c.mapping(b, where, g.key_lines["boards"], required=("key", "name", "purpose"),
                      optional=("kind", "sro", "membership", "chair", "cadence", "decision_rights",
                                "escalation_route", "escalates_to"))
        key = c.text(b, "key", where, required=True)
        if key in keys:
            c.fail(b.key_lines["key"], f"{where}.key: {key!r} is used twice")
        keys.append(key)
        board = {"key": key, "name": c.text(b, "name", where, required=True),
                 "kind": c.choice(b, "kind", where, BOARD_KINDS, default="group")}
        if "sro" in b:
            if not isinstance(b["sro"], bool):
                c.fail(b.key_lines["sro"], f"{where}.sro must be true or false")
            if b["sro"]:
                board["sro"] = True
        board["purpose"] = c.text(b, "purpose", where, required=True)
        for field in ("membership", "chair", "cadence", "decision_rights", "escalation_route", "escalates_to"):
            if b.get(field):
                board[field] = c.text(b, field, where)
        boards.append((board, b))
    for board, b in boards:
        if board.get("escalates_to") and board["escalates_to"] not in keys:
            c.fail(b.key_lines["escalates_to"], f"escalates_to: no board has key {board['escalates_to']!r}")
    if sum(1 for board, _ in boards if board.get("sro")) > 1:
        c.fail(g.key_lines["boards"], "governance.boards: only one may be the senior responsible officer (sro)")
    meetings = []
    for i, mt in enumerate(c.seq(g, "meetings", "governance")):
        where = f"governance.meetings[{i}]"
        mt = c.mapping(mt, where, g.key_lines["meetings"], required=("board", "date"),
                       optional=("title", "notes", "decisions", "actions"))
        board = c.text(mt, "board", where, required=True)
        if board not in keys:
            c.fail(mt.key_lines["board"], f"{where}.board: no board has key {board!r}")
        meeting = {"board": board, "date": c.date(mt, "date", where)}
        for field in ("title", "notes"):
            if mt.get(field):
                meeting[field] = c.text(mt, field, where)
        decisions = []
        for j, d in enumerate(c.seq(mt, "decisions", where)):
            dw = f"{where}.decisions[{j}]"
            d = c.mapping(d, dw, mt.key_lines["decisions"], required=("text",), optional=("status",))
            decisions.append({"text": c.text(d, "text", dw, required=True),
                              "status": c.choice(d, "status", dw, DECISION_STATUSES, default="agreed")})
        actions = []
        for j, a in enumerate(c.seq(mt, "actions", where)):
            aw = f"{where}.actions[{j}]"
            a = c.mapping(a, aw, mt.key_lines["actions"], required=("text", "owner", "due"), optional=("status",))
            actions.append({"text": c.text(a, "text", aw, required=True),
                            "owner": c.text(a, "owner", aw, required=True), "due": c.date(a, "due", aw),
                            "status": c.choice(a, "status", aw, ACTION_STATUSES, default="open")})
        if decisions:
            meeting["decisions"] = decisions
        if actions:
            meeting["actions"] = actions
        meetings.append(meeting)
    return {"boards": [board for board, _ in boards], "meetings": meetings}


def _risks(c, top, board_keys) -> list:
    out, refs = [], set()
    for i, r in enumerate(c.seq(top, "risks", "the file")):
        where = f"risks[{i}]"
        r = c.mapping(r, where, top.key_lines["risks"],
                      required=("ref", "title", "inherent", "residual", "owner", "review_date"),
                      optional=("plan_wording", "mitigations", "escalates_to", "note"))
        ref = c.text(r, "ref", where, required=True)
        if ref in refs:
            c.fail(r.key_lines["ref"], f"{where}.ref: {ref!r} is used twice")
        refs.add(ref)
        risk = {"ref": ref, "title": c.text(r, "title", where, required=True)}
        if risk["title"].endswith((",", ";", ":", "-", "–")):
            # The register, the pack and the home pages show the title whole: one that stops mid-sentence reads as
            # a fault of the service (Reading's own table cut two titles).
            c.fail(r.key_lines["title"], f"{where}.title ends with {risk['title'][-1]!r}: give the whole title")
        if r.get("plan_wording"):
            pw = c.mapping(r["plan_wording"], f"{where}.plan_wording", r.key_lines["plan_wording"],
                           optional=("impact", "likelihood", "rag", "residual_rag"))
            wording = {k: c.text(pw, k, f"{where}.plan_wording") for k in ("impact", "likelihood") if k in pw}
            for k in ("rag", "residual_rag"):
                if k in pw:
                    wording[k] = c.choice(pw, k, f"{where}.plan_wording", RAGS)
            risk["plan_wording"] = wording
        for stage in ("inherent", "residual"):
            s = c.mapping(r[stage], f"{where}.{stage}", r.key_lines[stage], required=("impact", "likelihood"))
            risk[stage] = {"impact": c.choice(s, "impact", f"{where}.{stage}", IMPACTS),
                           "likelihood": c.choice(s, "likelihood", f"{where}.{stage}", LIKELIHOODS)}
        if r.get("mitigations"):
            risk["mitigations"] = c.texts(r, "mitigations", where)
        risk["owner"] = c.text(r, "owner", where, required=True)
        risk["review_date"] = c.date(r, "review_date", where)
        if r.get("escalates_to"):
            risk["escalates_to"] = c.text(r, "escalates_to", where)
            if risk["escalates_to"] not in board_keys:
                c.fail(r.key_lines["escalates_to"], f"{where}.escalates_to: no board has key {risk['escalates_to']!r}")
        if r.get("note"):
            risk["note"] = c.text(r, "note", where)
        out.append(risk)
    return out


# ----------------------------------------------------------------------------------------------- writing


class _Flow(dict):
    """A mapping written on one line, as the indicators section writes baselines, targets and milestones."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)  # lists indented under their key, as people write them


_Dumper.add_representer(_Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data.items(),
                                                                    flow_style=True))


def plan_file_text(data: dict) -> str:
    """The canonical mapping as YAML in the one layout `plan_file_read` round-trips byte for byte."""
    doc = dict(data)
    indicators = {}
    for iid, spec in data.get("indicators", {}).items():
        item = {}
        for key in ("baseline", "target"):
            if key in spec:
                item[key] = _Flow(spec[key])
        if "note" in spec:
            item["note"] = spec["note"]
        if "milestones" in spec:
            item["milestones"] = [_Flow(p) for p in spec["milestones"]]
        indicators[iid] = item
    doc["indicators"] = indicators
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096,
                     default_flow_style=False)
    return HEADER + body
