"""The school census (and the AP census, whose tables are the same) into the canonical tables, for the import
pattern of `sendreform.imports.services`; and a term's census written from them (`census_export_files`).

A term's census (`sendreform.interchange.census`: the COLLECT Blade tables) maps onto (ADR 23):
- `person`: the pupil, matched as SEN2 matches (UPN, then ULN, then name and date of birth); a matched person
  takes the census's names, birth date, UPN, sex and ethnicity (the school's record), keeps the rest.
- `placement` (the enrolment): a pupil on a school's roll (enrolment status C, M, F or O) has a placement
  there open on the census day, added from the entry date when none is stored. A subsidiary dual registration
  (S) is held by the main school's.
- What closes: at each school in the file, a placement open on the census day of a pupil who is not on that
  school's roll any more is ended the day before the census day, and the SEN status recorded there with it.
  Nothing is deleted; a school not in the file is not touched.
- `sen_status`: the pupil's SEN provision (K SEN support, E plan) at the school, from the census day when it
  changed (the open status ended the day before); N ends an open one.
- `sen_need` (spring, when the file has the senneeds table): the primary and secondary need (ranks 1 and 2)
  as SEN2's needs are kept: the same need open is unchanged, a new one starts on the census day, one no longer
  given ends the day before.
- `attendance`: the term before the census (spring: autumn; summer: spring; autumn: the summer before) per
  pupil and school: sessions possible, authorised absence (codes C, C1, C2, E, H, I, J1, M, R, S, T),
  unauthorised (G, N, O, U) and C2 (part-time timetable).
- `exclusion`: each suspension (FIXD before 2020/21), permanent or lunchtime exclusion, with its first reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

from sendreform.imports.services import (
    ImportRefused,
    PersonIn,
    Plan,
    RowIn,
    changes_plan,
    import_apply,
    import_check,
    import_file_read,
    import_preview,
    people_match,
)
from sendreform.interchange.census import (
    ON_ROLL,
    Census,
    attendance_term,
    census_files,
    census_read,
    census_zip,
    term_dates,
)
from sendreform.standards import codes

SOURCE = "census"
MAX_STORED_ISSUES = 20_000
CHUNK = 500


def _id(prefix: str, *parts) -> str:
    text = "|".join("" if p is None else str(p) for p in parts)
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:16]}"


def _open_on(row: dict, day: dt.date, *, start="start_date", end="end_date") -> bool:
    return row[start] <= day and (row[end] is None or row[end] >= day)


@dataclass
class CensusMapping:
    rows: list[RowIn]
    people: list[PersonIn]
    matching: object
    unknown_schools: dict[int, int]  # URN -> pupils named there

    @property
    def blocked(self) -> list[str]:
        reasons = []
        if self.matching.ambiguous:
            reasons.append(f"{len(self.matching.ambiguous)} pupil(s) in the file match more than one stored "
                           "record, or another child's: put the records right (or the file) and check again")
        if self.unknown_schools:
            urns = ", ".join(f"URN {u} ({n} pupils)" for u, n in sorted(self.unknown_schools.items())[:10])
            reasons.append(f"{len(self.unknown_schools)} school(s) in the file are not stored settings ({urns}): "
                           "load the GIAS extract of your schools first")
        return reasons

    def people_summary(self, *, examples: int = 10) -> dict:
        m = self.matching
        return {
            **m.counts(),
            "ambiguous_people": [m.ambiguous[i] for i in sorted(m.ambiguous)],
            "new_examples": [self.people[i].ref for i in m.new[:examples]],
            "matched_examples": [f"{self.people[i].ref}: {pid} by {how}" for i, (pid, how)
                                 in sorted(m.matched.items())[:examples]],
        }


class _Stored:
    """What is stored of the file's people and schools, read once."""

    def __init__(self, person_ids: set[str], establishments: set[str], year: str, term: str):
        from sendreform.inclusion.models import Attendance, Exclusion
        from sendreform.people.models import SenNeed, SenStatus
        from sendreform.statutory.models import Placement

        ids = sorted(person_ids)
        self.placements = defaultdict(list)
        self.statuses = defaultdict(list)
        self.needs = defaultdict(list)
        self.attendance = {}
        self.exclusions = defaultdict(list)  # (person, establishment, start, category) -> ids
        for i in range(0, len(ids), CHUNK):
            part = ids[i:i + CHUNK]
            for p in Placement.objects.filter(person_id__in=part).values(
                    "placement_id", "person_id", "establishment_id", "start_date", "end_date"):
                self.placements[p["person_id"]].append(p)
            for s in SenStatus.objects.filter(person_id__in=part).values():
                self.statuses[s["person_id"]].append(s)
            for n in SenNeed.objects.filter(person_id__in=part).values():
                self.needs[n["person_id"]].append(n)
            for a in Attendance.objects.filter(person_id__in=part, academic_year=year, term=term).values(
                    "id", "person_id", "establishment_id"):
                self.attendance[(a["person_id"], a["establishment_id"])] = a["id"]
            for e in Exclusion.objects.filter(person_id__in=part).order_by("exclusion_id").values(
                    "exclusion_id", "person_id", "establishment_id", "start_date", "category"):
                self.exclusions[(e["person_id"], e["establishment_id"], e["start_date"], e["category"])].append(
                    e["exclusion_id"])
        self.at_schools = list(Placement.objects.filter(establishment_id__in=sorted(establishments)).values(
            "placement_id", "person_id", "establishment_id", "start_date", "end_date"))
        self.statuses_at = defaultdict(list)
        for s in SenStatus.objects.filter(establishment_id__in=sorted(establishments), end_date__isnull=True).values():
            self.statuses_at[(s["person_id"], s["establishment_id"])].append(s)


def census_mapping(*, census: Census) -> CensusMapping:
    """The rows a census term would write, with its pupils matched. Reads only."""
    from sendreform.people.models import Establishment

    day = census.census_date
    before = day - dt.timedelta(days=1)
    year, term = attendance_term(census.year, census.term)
    # One person per UPN (a dual-registered pupil is on two schools' rolls).
    first: dict[str, int] = {}
    for i, p in enumerate(census.pupils):
        first.setdefault(p.upn, i)
    people = [PersonIn(ref=census.pupils[i].ref, surname=census.pupils[i].surname,
                       forename=census.pupils[i].forename, birth_date=census.pupils[i].birth_date,
                       upn=census.pupils[i].upn) for i in first.values()]
    matching = people_match(people=people)
    person_of: dict[str, str] = {}
    matched: set[str] = set()
    for k, upn in enumerate(first):
        if k in matching.matched:
            person_of[upn] = matching.matched[k][0]
            matched.add(upn)
        elif k not in matching.ambiguous:
            person_of[upn] = _id("CEN", upn)
    urns = sorted({p.urn for p in census.pupils})
    schools = {}
    for i in range(0, len(urns), CHUNK):
        schools.update({e["urn"]: e for e in Establishment.objects.filter(urn__in=urns[i:i + CHUNK]).values(
            "urn", "establishment_id", "la_code")})
    unknown: dict[int, int] = defaultdict(int)
    for p in census.pupils:
        if p.urn not in schools:
            unknown[p.urn] += 1
    stored = _Stored(set(person_of.values()), {s["establishment_id"] for s in schools.values()}, year, term)

    rows: list[RowIn] = []
    written: set[str] = set()
    on_roll: dict[str, set[str]] = defaultdict(set)  # establishment -> persons on its roll
    for p in census.pupils:
        pid = person_of.get(p.upn)
        school = schools.get(p.urn)
        if pid is None or school is None:
            continue
        eid = school["establishment_id"]
        label = p.ref
        if pid not in written:
            written.add(pid)
            values = {"person_id": pid, "surname": p.surname, "forename": p.forename, "birth_date": p.birth_date,
                      "upn": p.upn, "sex": p.sex}
            if p.ethnicity or p.upn not in matched:
                values["ethnicity"] = p.ethnicity or "NOBT"
            if p.upn not in matched:
                values.update({"home_la": school["la_code"], "uln": None, "postcode": None})
            rows.append(RowIn("person", values, label=label))
        if p.enrol_status not in ON_ROLL:
            continue
        on_roll[eid].add(pid)
        rows.extend(_placement_rows(p, pid=pid, eid=eid, day=day, stored=stored, label=label))
        rows.extend(_status_rows(p, pid=pid, eid=eid, day=day, before=before, stored=stored, label=label))
        if "senneeds" in census.tables:
            rows.extend(_need_rows(census.needs.get(p.table_id, []), provision=p.sen_provision, pid=pid, day=day,
                                   before=before, stored=stored, label=label))
        if p.sessions_possible is not None:
            got = census.absences.get(p.table_id, {})
            values = {"person_id": pid, "establishment_id": eid, "academic_year": year, "term": term,
                      "sessions_possible": p.sessions_possible,
                      "sessions_authorised": sum(n for c, n in got.items() if c in codes.ATTENDANCE_AUTHORISED),
                      "sessions_unauthorised": sum(n for c, n in got.items() if c in codes.ATTENDANCE_UNAUTHORISED),
                      "sessions_c2": got.get("C2", 0)}
            known = stored.attendance.get((pid, eid))
            if known is not None:
                values["id"] = known
            rows.append(RowIn("attendance", values, label=label))
        seen: dict[tuple, int] = defaultdict(int)
        for e in census.exclusions.get(p.table_id, []):
            # The n-th exclusion of a pupil at a school starting on a day in a category is the n-th stored.
            key = (pid, eid, e.start_date, e.category)
            n = seen[key]
            seen[key] += 1
            same = stored.exclusions.get(key, [])
            exclusion_id = same[n] if n < len(same) else _id("CEX", pid, eid, e.start_date, e.category, n or "")
            rows.append(RowIn("exclusion", {
                "exclusion_id": exclusion_id, "person_id": pid, "establishment_id": eid, "start_date": e.start_date,
                "category": e.category, "sessions": e.sessions, "reason": e.reason,
                "sen_provision": e.sen_provision or p.sen_provision}, label=label))
    rows.extend(_closing_rows(on_roll, day=day, before=before, stored=stored))
    return CensusMapping(rows=rows, people=people, matching=matching, unknown_schools=dict(unknown))


def _placement_rows(p, *, pid, eid, day, stored: _Stored, label):
    for q in stored.placements.get(pid, []):
        if q["establishment_id"] == eid and _open_on(q, day):
            yield RowIn("placement", {"placement_id": q["placement_id"]}, label=label)
            return
    yield RowIn("placement", {
        "placement_id": _id("CPL", pid, eid, p.entry_date), "person_id": pid, "establishment_id": eid,
        "sen_setting": None, "sen_unit": p.sen_unit, "resourced_provision": p.resourced_provision,
        "la_funded": False, "start_date": min(p.entry_date, day), "end_date": None}, label=label)


def _status_rows(p, *, pid, eid, day, before, stored: _Stored, label):
    open_now = [s for s in stored.statuses.get(pid, []) if _open_on(s, day)]
    if p.sen_provision != "N" and any(s["sen_provision"] == p.sen_provision and s["establishment_id"] == eid
                                      for s in open_now):
        return
    for s in open_now:
        yield RowIn("sen_status", {"id": s["id"], "end_date": max(before, s["start_date"])}, closes=True, label=label)
    if p.sen_provision != "N":
        yield RowIn("sen_status", {"person_id": pid, "establishment_id": eid, "sen_provision": p.sen_provision,
                                   "start_date": day, "end_date": None}, label=label)


def _need_rows(needs, *, provision, pid, day, before, stored: _Stored, label):
    open_now = [n for n in stored.needs.get(pid, []) if _open_on(n, day)]
    kept = set()
    wanted = {} if provision == "N" else {rank: need for need, rank in sorted(needs, key=lambda x: x[1])
                                          if rank in (1, 2)}
    for rank, need in sorted(wanted.items()):
        same = [n for n in open_now if n["need_type"] == need and n["need_rank"] == rank]
        if same:
            kept.add(same[0]["id"])
            continue
        yield RowIn("sen_need", {"person_id": pid, "need_type": need, "need_rank": rank, "start_date": day,
                                 "end_date": None}, label=label)
    for n in open_now:
        if n["id"] not in kept:
            yield RowIn("sen_need", {"id": n["id"], "end_date": max(before, n["start_date"])}, closes=True,
                        label=label)


def _closing_rows(on_roll: dict[str, set[str]], *, day, before, stored: _Stored):
    """At each school in the file, the enrolments (and SEN statuses there) of pupils no longer on its roll."""
    for q in stored.at_schools:
        eid = q["establishment_id"]
        if eid in on_roll and q["person_id"] not in on_roll[eid] and q["start_date"] <= day and (
                q["end_date"] is None or q["end_date"] >= day):
            label = f"{q['person_id']}: no longer on the roll of {eid}"
            yield RowIn("placement", {"placement_id": q["placement_id"], "end_date": max(before, q["start_date"])},
                        closes=True, label=label)
            for s in stored.statuses_at.get((q["person_id"], eid), []):
                if s["start_date"] <= day:
                    yield RowIn("sen_status", {"id": s["id"], "end_date": max(before, s["start_date"])},
                                closes=True, label=label)


# ------------------------------------------------------------------------------------------ check, preview, apply


@dataclass
class CensusChecked:
    run: object
    census: Census


def census_check(*, data: bytes, file_name: str, user=None, by_name: str = "") -> CensusChecked:
    """Read and check a census term (a zip of its Blade CSV files, or a pupilonroll CSV) and record the check."""
    census = census_read(data, name=file_name)
    issues = [p.as_issue() for p in census.problems]
    validation = {"summary": census.summary(file_name), "year": census.year, "persons": len(census.pupils),
                  "issues": issues[:MAX_STORED_ISSUES]}
    errors = census.errors if census.pupils or census.errors else 1
    if not census.pupils and not census.errors:
        validation["issues"].append({"rule": "NO_PUPILS", "severity": "error", "line": None, "person": "",
                                     "path": file_name, "value": "", "message": f"{file_name}: no pupils on roll"})
    run = import_check(source=SOURCE, user=user, by_name=by_name, file_name=file_name, data=data,
                       collection_year=census.year, period=census.period,
                       report={"validation": validation, "files": census.files}, errors=errors,
                       queries=len(census.problems) - census.errors)
    return CensusChecked(run=run, census=census)


def census_reopen(*, run) -> CensusChecked:
    return CensusChecked(run=run, census=census_read(import_file_read(run=run), name=run.file_name))


@dataclass
class CensusPreview:
    mapping: CensusMapping
    plan: Plan

    @property
    def blocked(self) -> list[str]:
        return self.mapping.blocked

    def people(self, *, examples: int = 10) -> dict:
        return self.mapping.people_summary(examples=examples)


def census_preview(*, checked: CensusChecked) -> CensusPreview:
    if checked.run.errors:
        raise ImportRefused(f"{checked.run.file_name} has {checked.run.errors:,} error(s): nothing can be imported "
                            "from it until they are put right.")
    mapping = census_mapping(census=checked.census)
    plan = changes_plan(rows=mapping.rows)
    import_preview(run=checked.run, plan=plan, people=mapping.people_summary())
    return CensusPreview(mapping=mapping, plan=plan)


def census_apply(*, checked: CensusChecked, preview: CensusPreview):
    if preview.blocked:
        raise ImportRefused("Nothing was imported: " + "; ".join(preview.blocked) + ".")
    return import_apply(run=checked.run, plan=preview.plan)


_TERM = re.compile(r"(20\d\d)[ _-]?(autumn|spring|summer)", re.IGNORECASE)


def census_bundle(files: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """The files of one census term given together (on the command line) as one import: a zip given alone is
    that zip; several CSV files are zipped, the same files always the same bytes."""
    if len(files) == 1 and files[0][1].startswith(b"PK\x03\x04"):
        return files[0]
    term = next((m for name, _ in files if (m := _TERM.search(name))), None)
    name = f"census_{term.group(1)}_{term.group(2).lower()}.zip" if term else "census.zip"
    return name, census_zip([(n.rsplit("/", 1)[-1], d) for n, d in files])


# ------------------------------------------------------------------------------------------ the census written


def census_export_files(*, year: int, term: str, la_code: str | None = None) -> list[tuple[str, bytes]]:
    """A term's census for the area's schools from the canonical tables, as the Blade CSV files: the pupils
    with a placement at a school with a URN open on the census day (of schools in `la_code`, default every
    school in the area), their SEN status, needs (spring), the attendance of the term before and the
    suspensions and exclusions of that term. Importing it into the same data changes nothing."""
    from sendreform.inclusion.models import Attendance, Exclusion
    from sendreform.interchange.census import census_date
    from sendreform.people.models import Establishment, Person, SenNeed, SenStatus
    from sendreform.statutory.models import Placement

    day = census_date(year, term)
    ay, att_term = attendance_term(year, term)
    schools = Establishment.objects.filter(urn__isnull=False, kind__in=("MAINSTREAM", "SPECIAL", "AP"))
    schools = schools.filter(la_code=la_code) if la_code else schools.filter(in_area=True)
    urn_of = dict(schools.values_list("establishment_id", "urn"))
    placements = (Placement.objects.filter(establishment_id__in=list(urn_of), start_date__lte=day)
                  .exclude(end_date__lt=day).order_by("establishment_id", "person_id", "start_date")
                  .values("person_id", "establishment_id", "start_date", "sen_unit", "resourced_provision"))
    by_person: dict[str, dict] = {}
    for p in placements:
        by_person.setdefault(p["person_id"], p)  # one school per pupil: the first open placement
    ids = sorted(by_person)
    people, status, needs, attendance, exclusions = {}, {}, defaultdict(list), {}, defaultdict(list)
    period = term_dates(ay, att_term)
    for i in range(0, len(ids), CHUNK):
        part = ids[i:i + CHUNK]
        people.update({p["person_id"]: p for p in Person._base_manager.filter(person_id__in=part).values()})
        for s in SenStatus.objects.filter(person_id__in=part, start_date__lte=day).exclude(end_date__lt=day).values():
            status[s["person_id"]] = s
        for n in SenNeed.objects.filter(person_id__in=part, start_date__lte=day).exclude(end_date__lt=day).order_by(
                "need_rank", "id").values():
            if n["need_rank"] not in {r for _, r in needs[n["person_id"]]}:
                needs[n["person_id"]].append((n["need_type"], n["need_rank"]))
        for a in Attendance.objects.filter(person_id__in=part, academic_year=ay, term=att_term).values():
            attendance[(a["person_id"], a["establishment_id"])] = a
        for e in Exclusion.objects.filter(person_id__in=part, start_date__range=period).order_by(
                "start_date", "exclusion_id").values():
            exclusions[(e["person_id"], e["establishment_id"])].append(e)
    pupils, need_rows, absence_rows, exclusion_rows = [], [], [], []
    for n, pid in enumerate(ids, start=1):
        p, person = by_person[pid], people[pid]
        eid = p["establishment_id"]
        table_id = f"P{n:07d}"
        s = status.get(pid)
        provision = s["sen_provision"] if s and s["establishment_id"] == eid else "N"
        a = attendance.get((pid, eid))
        pupils.append({"pupilonrolltableid": table_id, "NativeId": urn_of[eid], "upn": person["upn"] or "",
                       "surname": person["surname"], "forename": person["forename"], "dob": person["birth_date"],
                       "sex": person["sex"], "ethnicity": person["ethnicity"], "entrydate": p["start_date"],
                       "enrolstatus": "C", "senprovision": provision, "senunitindicator": p["sen_unit"],
                       "resourcedprovisionindicator": p["resourced_provision"],
                       "termlysessionspossible": a["sessions_possible"] if a else None})
        if provision != "N":
            need_rows += [{"pupilonrolltableid": table_id, "sentype": t, "sentyperank": r} for t, r in needs[pid]]
        if a:
            other_authorised = a["sessions_authorised"] - a["sessions_c2"]
            for code, sessions in (("I", other_authorised), ("C2", a["sessions_c2"]), ("O", a["sessions_unauthorised"])):
                if sessions:
                    absence_rows.append({"pupilonrolltableid": table_id, "attendancereason": code, "sessions": sessions})
        exclusion_rows += [{"pupilonrolltableid": table_id, "startdate": e["start_date"], "category": e["category"],
                            "sessions": e["sessions"], "reason1": e["reason"], "senprovision": e["sen_provision"]}
                           for e in exclusions.get((pid, eid), [])]
    return census_files(year=year, term=term, pupils=pupils, needs=need_rows, absences=absence_rows,
                        exclusions=exclusion_rows)
