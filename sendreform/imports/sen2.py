"""SEN2 in and out of the canonical tables: a return's records mapped onto `person`, `ehc_request`,
`ehc_assessment`, `ehc_plan`, `placement`, `sen_need` and `annual_review` (for the import pattern of
`sendreform.imports.services`), and the return made from them again (`sen2_return`).

What the canonical tables hold of SEN2 (docs/adr/0018-import-pattern.md):
- Person: names, birth date, sex, ethnicity, postcode, UPN, ULN; the return's LA is the home LA of a new
  person. A matched person keeps what the file leaves out.
- Requests: received date, source (`5` other for 2023 and 2024, which have none), outcome and its date,
  mediation and tribunal. Assessments: outcome and its date, the 20-week exception, mediation and tribunal.
  A request the file gives with no received date (a plan transferred in, recorded H) is not a request the
  area handled: only its plan is kept, with no assessment.
- Named plans: start, cease date and reason; the active plan's `TransferLA`.
- Active plans: each `PlacementDetail` is a placement (an establishment by URN or UKPRN, or a SEN2 setting);
  needs are the person's needs open on the census date; the latest review is an annual review (meeting,
  decision, outcome, and whether it was a phase transfer).
- Not held, so read and not stored: RYA, Exported, OtherMediation/OtherTribunal, PlanRes, PlanWBP, PB, OA, DP,
  the named settings of a plan as issued, Res, WBP, ReviewDraft and the phase-transfer dates themselves.

A person in the return whose active plan no longer names a stored open placement or need has it closed the
day before the census date; nothing is deleted. A return shows the data as it stood on its census date, so it
never undoes what is stored with a later date (a decision, cease or review decision after the census date),
nor erases a date its rules leave out (an outcome date for W or H).

The return written from the database (`sen2_return`, `sen2_export`) is the same data the other way: as it
stood on the census date, and the same bytes for the same data, so export -> import -> export round-trips.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass, field

from sendreform.imports.csvsource import Preview
from sendreform.imports.services import (
    ImportRefused,
    PersonIn,
    RowIn,
    changes_plan,
    import_apply,
    import_check,
    import_file_read,
    import_preview,
    people_match,
    people_summary,
)
from sendreform.sen2 import records as r
from sendreform.sen2 import rules
from sendreform.sen2.reader import read_return
from sendreform.sen2.report import Report
from sendreform.sen2.writer import header_new, write_return
from sendreform.standards import codes
from sendreform.standards.periods import age_on, sen2_census_date, sen2_reference_period

SOURCE = "sen2"
OTHER_SOURCE = 5
_SEX = {"M": "M", "F": "F", "U": "U", "1": "M", "2": "F", "0": "U", "9": "U"}


def _id(prefix: str, *parts) -> str:
    text = "|".join("" if p is None else str(p) for p in parts)
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:16]}"


def _flag(value: bool | None) -> bool:
    return bool(value)


def _int(value) -> int | None:
    return None if value in (None, "") else int(value)


@dataclass
class UnknownSetting:
    urn: int | None
    ukprn: int | None
    refs: list[str] = field(default_factory=list)

    @property
    def establishment_id(self) -> str:
        return f"URN{self.urn}" if self.urn else f"UKPRN{self.ukprn}"

    @property
    def label(self) -> str:
        return f"URN {self.urn}" if self.urn else f"UKPRN {self.ukprn}"

    def row(self) -> RowIn:
        """The setting created when the officer confirms: out of area and independent until a GIAS extract
        says otherwise; a provider known only by UKPRN is a specialist post-16 institution."""
        post16 = self.urn is None
        return RowIn("establishment", {
            "establishment_id": self.establishment_id, "urn": self.urn, "ukprn": self.ukprn,
            "name": f"Setting {self.label} (from SEN2, not yet described)", "la_code": "",
            "phase": "POST16" if post16 else "ALL_THROUGH", "kind": "SPECIALIST_POST16" if post16 else "SPECIAL",
            "funding": "INDEPENDENT", "in_area": False, "cluster_id": None, "has_sen_unit": False,
            "has_resourced_provision": False, "capacity": None, "specialist_places": None, "open_date": None,
            "close_date": None}, label=f"{self.label}, named for {len(self.refs)} placement(s)")


@dataclass
class Sen2Mapping:
    """What a return would write: the rows, how its people matched, the settings it names that are not
    stored. `blocked` says in words why it cannot be applied as it stands."""

    rows: list[RowIn]
    people: list[PersonIn]
    matching: object
    unknown_settings: list[UnknownSetting]
    create_establishments: bool

    @property
    def blocked(self) -> list[str]:
        reasons = []
        if self.matching.ambiguous:
            reasons.append(f"{len(self.matching.ambiguous)} person(s) in the file match more than one stored "
                           "record, or another child's: put the records right (or the file) and check again")
        if self.unknown_settings and not self.create_establishments:
            reasons.append(f"{len(self.unknown_settings)} setting(s) named by URN or UKPRN are not stored: "
                           "confirm creating them as out-of-area independent settings, or load them first")
        return reasons

    def people_summary(self, *, examples: int = 10) -> dict:
        return {
            **people_summary(matching=self.matching, people=self.people, examples=examples),
            "unknown_settings": [{"setting": s.label, "placements": len(s.refs), "first": s.refs[0]}
                                 for s in self.unknown_settings],
            "create_establishments": self.create_establishments,
        }

    def plan(self):
        return changes_plan(rows=self.rows)


class _Stored:
    """The stored rows a return's records are matched to (by natural key), read once per import."""

    def __init__(self, person_ids: set[str], urns: set[int], ukprns: set[int]):
        from sendreform.people.models import Establishment, SenNeed
        from sendreform.statutory.models import AnnualReview, EhcAssessment, EhcPlan, EhcRequest, Placement

        ids = sorted(person_ids)
        self.requests = {}
        self.assessments = {}
        self.plans_by_assessment = {}
        self.plans_by_start = {}
        self.placements = defaultdict(list)
        self.needs = defaultdict(list)
        self.reviews = {}
        self.rows: dict[str, dict] = {}  # (table, key) -> the stored row, for what a return must not undo
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            for q in EhcRequest.objects.filter(person_id__in=part).order_by("request_id").values():
                self.requests.setdefault((q["person_id"], q["received_date"]), []).append(q["request_id"])
                self.rows[("ehc_request", q["request_id"])] = q
            for a in EhcAssessment.objects.filter(request__person_id__in=part).order_by("assessment_id").values():
                self.assessments.setdefault(a["request_id"], a["assessment_id"])
                self.rows[("ehc_assessment", a["assessment_id"])] = a
            for p in EhcPlan.objects.filter(person_id__in=part).order_by("plan_id").values():
                self.rows[("ehc_plan", p["plan_id"])] = p
                if p["assessment_id"]:
                    self.plans_by_assessment.setdefault(p["assessment_id"], p["plan_id"])
                self.plans_by_start.setdefault((p["person_id"], p["start_date"]), p["plan_id"])
            for p in Placement.objects.filter(person_id__in=part).values():
                self.placements[p["person_id"]].append(p)
            for n in SenNeed.objects.filter(person_id__in=part).values():
                self.needs[n["person_id"]].append(n)
            for v in AnnualReview.objects.filter(plan__person_id__in=part).order_by("review_id").values():
                self.reviews.setdefault((v["plan_id"], v["meeting_date"]), v["review_id"])
                self.rows[("annual_review", v["review_id"])] = v
        self.by_urn = dict(Establishment.objects.filter(urn__in=urns).values_list("urn", "establishment_id"))
        self.numberless = set(Establishment.objects.filter(urn__isnull=True, ukprn__isnull=True).values_list(
            "establishment_id", flat=True))
        self.by_ukprn = {}
        for ukprn, eid in Establishment.objects.filter(ukprn__in=ukprns).order_by("establishment_id").values_list(
                "ukprn", "establishment_id"):
            self.by_ukprn.setdefault(ukprn, eid)


def _person_in(p: r.Person) -> PersonIn:
    where = f"line {p.line}: " if p.line else ""
    return PersonIn(ref=f"{where}{p.label}", surname=p.surname or "", forename=p.forename or "",
                    birth_date=p.person_birth_date, upn=p.upn, uln=p.unique_learner_number)


def _settings_named(ret: r.Return) -> tuple[set[int], set[int]]:
    urns, ukprns = set(), set()
    for p in ret.persons:
        for q in p.requests:
            for d in (q.active_plans.placement_details if q.active_plans else []):
                if d.urn:
                    urns.add(int(d.urn))
                elif d.ukprn:
                    ukprns.add(int(d.ukprn))
    return urns, ukprns


def sen2_mapping(*, ret: r.Return, create_establishments: bool = False) -> Sen2Mapping:
    """The rows a return would write to the canonical tables, with its people matched. Reads only."""
    header = ret.header
    census = header.reference_date
    lea = header.lea or ""
    people = [_person_in(p) for p in ret.persons]
    matching = people_match(people=people)
    person_ids = {}
    for i, p in enumerate(ret.persons):
        if i in matching.matched:
            person_ids[i] = matching.matched[i][0]
        elif i not in matching.ambiguous:
            person_ids[i] = _id("S2", lea, p.upn or p.unique_learner_number or "",
                                (p.surname or "").casefold(), (p.forename or "").casefold(), p.person_birth_date)
    urns, ukprns = _settings_named(ret)
    stored = _Stored(set(person_ids.values()), urns, ukprns)
    unknown: dict[tuple, UnknownSetting] = {}
    rows: list[RowIn] = []

    for i, p in enumerate(ret.persons):
        if i not in person_ids:
            continue
        pid = person_ids[i]
        label = people[i].ref
        values = {"person_id": pid}
        for column, value in (("surname", p.surname), ("forename", p.forename), ("birth_date", p.person_birth_date),
                              ("upn", p.upn.upper() if p.upn else None), ("uln", p.unique_learner_number),
                              ("postcode", p.post_code)):
            if value is not None or i not in matching.matched:
                values[column] = value
        if p.sex is not None or i not in matching.matched:
            values["sex"] = _SEX.get((p.sex or "U").upper(), "U")
        if p.ethnicity is not None or i not in matching.matched:
            ethnicity = codes.ETHNICITY_EXTENDED.get(p.ethnicity, p.ethnicity)  # extended codes to their main
            values["ethnicity"] = ethnicity if ethnicity in codes.ETHNICITY else "NOBT"
        if i not in matching.matched:
            values["home_la"] = lea
        rows.append(RowIn("person", values, label=label))

        kept_placements: set[str] = set()
        kept_needs: set[int] = set()
        active = False
        seen_requests: dict[dt.date, int] = defaultdict(int)
        for q in p.requests:
            assessment_id = None
            if q.received_date is not None:
                # The n-th request received on a day is the n-th stored one of that day.
                n = seen_requests[q.received_date]
                seen_requests[q.received_date] += 1
                same_day = stored.requests.get((pid, q.received_date), [])
                request_id = same_day[n] if n < len(same_day) else _id("S2R", pid, q.received_date, n or "")
                rows.append(RowIn("ehc_request", _undone_not(stored.rows.get(("ehc_request", request_id)), {
                    "request_id": request_id, "person_id": pid, "received_date": q.received_date,
                    "request_source": _int(q.request_source) or OTHER_SOURCE,
                    "outcome": q.request_outcome or "A", "outcome_date": q.request_outcome_date,
                    "mediation": _flag(q.request_mediation), "tribunal": _flag(q.request_tribunal)}, census,
                    ("outcome", "outcome_date")), label=label))
                a = q.assessment
                if a is not None:
                    assessment_id = stored.assessments.get(request_id) or _id("S2A", request_id)
                    rows.append(RowIn("ehc_assessment", _undone_not(
                        stored.rows.get(("ehc_assessment", assessment_id)), {
                            "assessment_id": assessment_id, "request_id": request_id,
                            "outcome": a.assessment_outcome or "A", "outcome_date": a.assessment_outcome_date,
                            "week20_exception": _flag(a.week20), "mediation": _flag(a.assessment_mediation),
                            "tribunal": _flag(a.assessment_tribunal)}, census, ("outcome", "outcome_date")),
                        label=label))
            named = q.assessment.named_plan if q.assessment else None
            if named is None or named.start_date is None:
                continue
            plan_id = ((stored.plans_by_assessment.get(assessment_id) if assessment_id else None)
                       or stored.plans_by_start.get((pid, named.start_date))
                       or _id("S2P", pid, assessment_id or "", named.start_date))
            ap = q.active_plans
            values = {"plan_id": plan_id, "person_id": pid, "assessment_id": assessment_id,
                      "start_date": named.start_date, "cease_date": named.cease_date,
                      "cease_reason": _int(named.cease_reason) if named.cease_date else None}
            if ap is not None or ("ehc_plan", plan_id) not in stored.rows:  # TransferLA is on active plans only
                values["transfer_in_la"] = ap.transfer_la if ap else None
            rows.append(RowIn("ehc_plan", _undone_not(stored.rows.get(("ehc_plan", plan_id)), values, census,
                                                      ("cease_date", "cease_reason"), date="cease_date"),
                              label=label))
            if ap is None:
                continue
            active = True
            for d in ap.placement_details:
                rows.extend(_placement_rows(d, pid=pid, plan_start=named.start_date, census=census, stored=stored,
                                            unknown=unknown, kept=kept_placements, label=label))
            for need in ap.sen_needs:
                rows.extend(_need_rows(need, pid=pid, plan_start=named.start_date, census=census, stored=stored,
                                       kept=kept_needs, label=label))
            meeting = ap.review_meeting or ap.last_review
            if meeting is not None:
                review_id = stored.reviews.get((plan_id, meeting)) or _id("S2AR", plan_id, meeting)
                values = {"review_id": review_id, "plan_id": plan_id, "meeting_date": meeting,
                          "decision_date": ap.last_review if ap.last_review and ap.last_review >= meeting else None,
                          "outcome": ap.review_outcome}
                if (ap.phase_transfer_due_date or ap.phase_transfer_final_date
                        or ("annual_review", review_id) not in stored.rows):
                    values["phase_transfer"] = bool(ap.phase_transfer_due_date or ap.phase_transfer_final_date)
                rows.append(RowIn("annual_review", _undone_not(stored.rows.get(("annual_review", review_id)), values,
                                                              census, ("decision_date",), date="decision_date"),
                                  label=label))
        if active and census is not None:
            rows.extend(_closing_rows(pid, census=census, stored=stored, kept_placements=kept_placements,
                                      kept_needs=kept_needs, label=label))

    settings = sorted(unknown.values(), key=lambda s: s.establishment_id)
    if create_establishments:
        rows = [s.row() for s in settings] + rows
    rows = _once(rows)
    return Sen2Mapping(rows=rows, people=people, matching=matching, unknown_settings=settings,
                       create_establishments=create_establishments)


def _undone_not(stored: dict | None, values: dict, census: dt.date | None, columns: tuple[str, ...], *,
                date: str = "outcome_date") -> dict:
    """A return shows the data as it stood on its census date, and leaves out the dates its rules forbid (an
    outcome date for W or H). So it does not undo what is stored: a decision stored where the return awaits
    one (A), a decision, cease or review decision dated after the census date, and a date the return had no
    place for all stay as they are."""
    if stored is None or census is None:
        return values
    if values.get("outcome") == "A" and stored.get("outcome") not in (None, "A"):  # decided since that census
        return {k: v for k, v in values.items() if k not in ("outcome", "outcome_date")}
    later = stored.get(date) is not None and stored[date] > census and values.get(date) is None
    if later:
        return {k: v for k, v in values.items() if k not in columns}
    if values.get(date) is None and stored.get(date) is not None and values.get("outcome") == stored.get("outcome"):
        return {k: v for k, v in values.items() if k != date}
    return values


def _once(rows: list[RowIn]) -> list[RowIn]:
    """Each row once: a person's placements and needs are listed under each of their active plans."""
    seen, out = set(), []
    for row in rows:
        v = row.values
        key = (row.table, v.get("id") or v.get("placement_id") or v.get("review_id") or v.get("plan_id")
               or v.get("assessment_id") or v.get("request_id") or v.get("establishment_id") or v.get("person_id"),
               v.get("need_type"), v.get("need_rank"))
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def _open_on(row: dict, on: dt.date) -> bool:
    return row["start_date"] <= on and (row["end_date"] is None or row["end_date"] >= on)


def _placement_rows(d: r.PlacementDetail, *, pid, plan_start, census, stored: _Stored, unknown, kept, label):
    establishment_id = setting = None
    if d.urn or d.ukprn:
        urn, ukprn = (int(d.urn), None) if d.urn else (None, int(d.ukprn))
        establishment_id = stored.by_urn.get(urn) if urn else stored.by_ukprn.get(ukprn)
        if establishment_id is None:  # listed, and created only when the officer confirms
            found = unknown.setdefault((urn, ukprn), UnknownSetting(urn=urn, ukprn=ukprn))
            found.refs.append(label)
            establishment_id = found.establishment_id
    else:
        setting = d.sen_setting if d.sen_setting in codes.SEN_SETTING else "OTH"
    start = d.entry_date or plan_start

    def same(p: dict) -> bool:
        if p["start_date"] != start and not (d.entry_date is None and census and _open_on(p, census)):
            return False
        if establishment_id is not None:
            return p["establishment_id"] == establishment_id
        if p["sen_setting"] is not None:  # UNPLACED is written as NIEO
            return _PLACEMENT_SETTING.get(p["sen_setting"], p["sen_setting"]) == setting
        return p["establishment_id"] in stored.numberless  # a setting with no URN is written as EYP or OTH

    found = [p for p in stored.placements.get(pid, []) if same(p)]
    if found:  # keep what the return could not say more exactly
        establishment_id, setting = found[0]["establishment_id"], found[0]["sen_setting"]
    placement_id = found[0]["placement_id"] if found else _id("S2PL", pid, establishment_id or setting, start)
    kept.add(placement_id)
    yield RowIn("placement", {
        "placement_id": placement_id, "person_id": pid, "establishment_id": establishment_id,
        "sen_setting": setting, "sen_unit": _flag(d.sen_unit_indicator),
        "resourced_provision": _flag(d.resourced_provision_indicator), "start_date": start,
        "end_date": d.leaving_date}, label=label)


def _need_rows(need: r.SENNeed, *, pid, plan_start, census, stored: _Stored, kept, label):
    if need.sen_type not in codes.NEED_TYPE or need.sen_type_rank not in (1, 2):
        return
    open_now = [n for n in stored.needs.get(pid, []) if census is None or _open_on(n, census)]
    same = [n for n in open_now if n["need_type"] == need.sen_type and n["need_rank"] == need.sen_type_rank]
    if same:  # already held as open on the census date: unchanged
        kept.add(same[0]["id"])
        yield RowIn("sen_need", {"id": same[0]["id"], "person_id": pid, "need_type": need.sen_type,
                                 "need_rank": need.sen_type_rank}, label=label)
        return
    # A need first seen in this return: from the plan's start for a person new to needs, from the census date
    # when it replaces one stored.
    start = plan_start if not open_now or census is None else census
    yield RowIn("sen_need", {"person_id": pid, "need_type": need.sen_type, "need_rank": need.sen_type_rank,
                             "start_date": start, "end_date": None}, label=label)


def _closing_rows(pid, *, census, stored: _Stored, kept_placements, kept_needs, label):
    before = census - dt.timedelta(days=1)
    for p in stored.placements.get(pid, []):
        # Open after the census date, as the return counts a placement open (one leaving on it is not).
        if p["placement_id"] not in kept_placements and _open_on(p, census) and p["end_date"] != census:
            yield RowIn("placement", {"placement_id": p["placement_id"], "end_date": max(before, p["start_date"])},
                        closes=True, label=label)
    for n in stored.needs.get(pid, []):
        if n["id"] not in kept_needs and _open_on(n, census):
            yield RowIn("sen_need", {"id": n["id"], "end_date": max(before, n["start_date"])}, closes=True,
                        label=label)


# ------------------------------------------------------------------------------------------ check, preview, apply

MAX_STORED_ISSUES = 20_000


@dataclass
class Sen2Checked:
    """A file read and validated: its run (recorded), its report, and its records (None when unreadable)."""

    run: object
    report: Report | None  # None when reopened from a run (its report is kept on the run)
    ret: r.Return | None


def _validate(data: bytes, file_name: str) -> tuple[Report, r.Return | None]:
    """The report of `sendreform sen2 validate` (structure against our schema of the file's year, then the
    return's rules), and the file's records when it could be read to its end."""
    report = rules.validate(io.BytesIO(data), name=file_name)
    ret = None
    if report.complete:
        ret, _ = read_return(io.BytesIO(data), year=report.year)
    return report, ret


def sen2_check(*, data: bytes, file_name: str, user=None, by_name: str = "") -> Sen2Checked:
    """Read and validate a SEN2 file and record that it was checked (with its report). Nothing else is stored."""
    report, ret = _validate(data, file_name)
    kept = report.as_dict()
    if len(kept["issues"]) > MAX_STORED_ISSUES:
        kept["issues"] = kept["issues"][:MAX_STORED_ISSUES]
        kept["issues_cut"] = True
    header = ret.header if ret else None
    stored = {"validation": kept}
    if header is not None:
        stored["header"] = {"lea": header.lea, "dmo": header.dmo, "dco": header.dco, "dsco": header.dsco,
                            "reference_date": header.reference_date.isoformat() if header.reference_date else None}
    errors = report.errors if ret is not None else max(report.errors, 1)
    run = import_check(source=SOURCE, user=user, by_name=by_name, file_name=file_name, data=data,
                       collection_year=report.year, period=str(header.reference_date or "") if header else "",
                       report=stored, errors=errors, queries=report.queries)
    return Sen2Checked(run=run, report=report, ret=ret)


def sen2_reopen(*, run) -> Sen2Checked:
    """A checked run's records again, from the file kept for it (its report is the one recorded)."""
    data = import_file_read(run=run)
    ret, _ = read_return(io.BytesIO(data), year=run.collection_year)
    return Sen2Checked(run=run, report=None, ret=ret)


Sen2Preview = Preview  # the mapping (a Sen2Mapping) and its plan


def sen2_preview(*, checked: Sen2Checked, create_establishments: bool = False) -> Sen2Preview:
    """What the checked file would change, per table, and how its people matched; recorded on its run.
    Raises ImportRefused for a file with errors. Writes nothing to the canonical tables."""
    if checked.ret is None or checked.run.errors:
        raise ImportRefused(f"{checked.run.file_name} has {checked.run.errors:,} error(s): nothing can be imported "
                            "from it until they are put right.")
    mapping = sen2_mapping(ret=checked.ret, create_establishments=create_establishments)
    plan = mapping.plan()
    import_preview(run=checked.run, plan=plan, people=mapping.people_summary())
    return Sen2Preview(mapping=mapping, plan=plan)


def sen2_apply(*, checked: Sen2Checked, preview: Sen2Preview):
    """Apply a previewed file in one transaction; refused while people are ambiguous or settings unknown."""
    if preview.blocked:
        raise ImportRefused("Nothing was imported: " + "; ".join(preview.blocked) + ".")
    return import_apply(run=checked.run, plan=preview.plan)


# ------------------------------------------------------------------------------------------ the return


@dataclass(frozen=True)
class HeaderAnswers:
    """What the return's header says that the canonical tables do not hold: the LA's number and whether it has
    a designated medical, clinical and social care officer (Y, N, R)."""

    lea: str
    dmo: str = "N"
    dco: str = "N"
    dsco: str = "N"


def sen2_header_answers(*, lea: str | None = None) -> HeaderAnswers:
    """The header of the last applied SEN2 import (its LA and DMO/DCO/DSCO answers), else the LA most people
    with a plan live in and "N" until someone says otherwise. `lea` overrides the LA."""
    from django.db.models import Count

    from sendreform.imports.models import APPLIED, ImportRun
    from sendreform.people.models import Person

    last = ImportRun.objects.filter(source=SOURCE, status=APPLIED).order_by("-applied_at", "-pk").first()
    header = (last.report or {}).get("header", {}) if last else {}
    if lea is None:
        lea = header.get("lea")
    if lea is None:
        top = (Person._base_manager.filter(ehc_plans__isnull=False).values("home_la")
               .annotate(n=Count("person_id", distinct=True)).order_by("-n", "home_la").first())
        lea = top["home_la"] if top else ""
    return HeaderAnswers(lea=lea, dmo=header.get("dmo") or "N", dco=header.get("dco") or "N",
                         dsco=header.get("dsco") or "N")


# Canonical settings SEN2 has no code for; and the settings a plan may name (PlanDetail).
_PLACEMENT_SETTING = {"UNPLACED": "NIEO"}
_PLAN_SETTINGS = frozenset({"OLA", "OPA", "EHE", "EYP", "OTH"})
NOT_RECORDED = "Setting not recorded in sendreform"


def _other(setting: str | None, establishment) -> str | None:
    """SENSettingOther for an 'other' setting: the establishment's name when there is one."""
    if setting not in ("OTH", "NIEO"):
        return None
    if setting == "NIEO":
        return codes.SEN_SETTING["NIEO"] if establishment is None else establishment.name[:100]
    return establishment.name[:100] if establishment is not None else NOT_RECORDED


def _plan_details(active_plan: r.ActivePlans | None) -> list[r.PlanDetail]:
    """The settings a plan names. The canonical tables do not keep the settings named when a plan was issued,
    so the return names those the plan's placements are in on the census date (a ceased plan, OTH)."""
    details = []
    for p in (active_plan.placement_details if active_plan else []):
        setting = p.sen_setting
        other = p.sen_setting_other
        if setting is not None and setting not in _PLAN_SETTINGS:
            setting, other = "OTH", codes.SEN_SETTING.get(setting, setting)
        details.append(r.PlanDetail(urn=p.urn, ukprn=p.ukprn, sen_setting=setting, sen_setting_other=other,
                                    placement_rank=p.placement_rank, sen_unit_indicator=p.sen_unit_indicator,
                                    resourced_provision_indicator=p.resourced_provision_indicator))
    return details or [r.PlanDetail(sen_setting="OTH", sen_setting_other=NOT_RECORDED, placement_rank=1)]


def _as_at(row: dict, census: dt.date, *, pending: tuple[str, ...]) -> dict:
    """A request or assessment as it stood on the census date: a decision dated after it is awaited (A);
    an outcome that is no decision in the period carries no date."""
    if row["outcome_date"] is not None and row["outcome_date"] > census:
        return {**row, "outcome": "A", "outcome_date": None}
    if row["outcome"] in pending:
        return {**row, "outcome_date": None}
    return row


def _upn_unknown(birth_date: dt.date, census: dt.date) -> str:
    """Why a person has neither UPN nor ULN, as far as the canonical tables can say: under 6 and not yet given
    one (UN1), otherwise not yet known to the LA (UN8)."""
    return "UN1" if age_on(birth_date, census) < 6 else "UN8"


def _in_period(day: dt.date | None, start: dt.date, end: dt.date) -> bool:
    return day is not None and start <= day <= end


def sen2_return(*, year: int, answers: HeaderAnswers, made_at: dt.datetime | None = None) -> r.Return:
    """The SEN2 return of collection `year` from the canonical tables: every person with a plan active on the
    census date (with its placements, needs and latest review), a plan issued or ceased in the previous
    calendar year, or a request or assessment received, decided or still open in it.

    `made_at` (the header's DateTime) is the census date at midnight unless given, so the same data always
    gives the same file.
    """
    from sendreform.people.models import Person, SenNeed
    from sendreform.statutory.models import AnnualReview, EhcAssessment, EhcPlan, EhcRequest, Placement

    census = sen2_census_date(year)
    period = sen2_reference_period(year)
    start, end = period.start, period.end

    issued = list(EhcPlan.objects.filter(start_date__lte=census).order_by("plan_id").values())
    plans = [p for p in issued
             if (p["cease_date"] is None or p["cease_date"] > census or _in_period(p["cease_date"], start, end))]
    active = {p["plan_id"] for p in plans if p["cease_date"] is None or p["cease_date"] > census}
    # The data as it stood on the census date: a decision dated after it had not been made yet.
    requests = {q["request_id"]: _as_at(q, census, pending=("A", "W", "H"))
                for q in EhcRequest.objects.filter(received_date__lte=census).values()}
    assessments: dict[str, dict] = {}
    for a in EhcAssessment.objects.filter(request_id__in=list(requests)).order_by("assessment_id").values():
        assessments.setdefault(a["request_id"], _as_at(a, census, pending=("A", "W")))
    plan_by_assessment = {}
    for p in plans:
        if p["assessment_id"]:
            plan_by_assessment.setdefault(p["assessment_id"], p)
    issued_by_assessment = {}
    for p in issued:
        if p["assessment_id"]:
            issued_by_assessment.setdefault(p["assessment_id"], p)
    assessment_request = {a["assessment_id"]: rid for rid, a in assessments.items()}
    wanted_requests = set()
    for rid, q in requests.items():
        a = assessments.get(rid)
        if (_in_period(q["received_date"], start, end) or _in_period(q["outcome_date"], start, end)
                or q["outcome"] == "A" or (a and (_in_period(a["outcome_date"], start, end) or a["outcome"] == "A"))
                or (a and a["assessment_id"] in plan_by_assessment)):
            wanted_requests.add(rid)
    orphan_plans = [p for p in plans if not p["assessment_id"] or p["assessment_id"] not in assessment_request]

    person_ids = ({requests[rid]["person_id"] for rid in wanted_requests} | {p["person_id"] for p in orphan_plans})
    people = {p["person_id"]: p for p in Person._base_manager.filter(person_id__in=person_ids).values()}
    placements = defaultdict(list)
    for p in (Placement.objects.filter(person_id__in=person_ids, start_date__lte=census)
              .select_related("establishment").order_by("start_date", "placement_id")):
        if p.end_date is None or p.end_date > census:
            placements[p.person_id].append(p)
    needs = defaultdict(list)
    for n in SenNeed.objects.filter(person_id__in=person_ids, start_date__lte=census).order_by(
            "need_rank", "need_type", "id").values():
        if (n["end_date"] is None or n["end_date"] >= census) and n["need_rank"] not in {
                m["need_rank"] for m in needs[n["person_id"]]}:
            needs[n["person_id"]].append(n)
    reviews = {}
    for v in AnnualReview.objects.filter(plan_id__in=active, meeting_date__lte=census).order_by(
            "meeting_date", "review_id").values():
        reviews[v["plan_id"]] = v  # the latest meeting on or before the census date

    def active_plans(plan: dict) -> r.ActivePlans | None:
        if plan["plan_id"] not in active:
            return None
        pid = plan["person_id"]
        details = []
        for rank, p in enumerate(placements[pid], start=1):
            e = p.establishment
            urn = str(e.urn) if e and e.urn else None
            ukprn = str(e.ukprn) if e and not e.urn and e.ukprn else None
            setting = _PLACEMENT_SETTING.get(p.sen_setting, p.sen_setting)
            if e is not None and not (urn or ukprn):  # a setting with neither number: its kind
                setting = "EYP" if e.kind == "EY_PVI" else "OTH"
            details.append(r.PlacementDetail(
                urn=urn, ukprn=ukprn, sen_setting=setting, sen_setting_other=_other(setting, e),
                placement_rank=rank, entry_date=p.start_date,
                leaving_date=p.end_date, sen_unit_indicator=p.sen_unit,
                resourced_provision_indicator=p.resourced_provision))
        if not details:  # an active plan with no setting on the census date
            details.append(r.PlacementDetail(sen_setting="NIEO", sen_setting_other=_other("NIEO", None),
                                             placement_rank=1, entry_date=plan["start_date"],
                                             sen_unit_indicator=False, resourced_provision_indicator=False))
        review = reviews.get(plan["plan_id"])
        decided = review["decision_date"] if review and review["decision_date"] and review[
            "decision_date"] <= census else None
        return r.ActivePlans(
            transfer_la=plan["transfer_in_la"], placement_details=details,
            sen_needs=[r.SENNeed(sen_type=n["need_type"], sen_type_rank=n["need_rank"]) for n in needs[pid]],
            review_meeting=review["meeting_date"] if review and year >= 2024 else None,
            review_outcome=review["outcome"] if review and year >= 2024 else None,
            last_review=(decided if year >= 2024 else review and (decided or review["meeting_date"])) or None)

    def named(plan: dict | None, active_plan: r.ActivePlans | None) -> r.NamedPlan | None:
        if plan is None:
            return None
        ceased = plan["cease_date"] if plan["cease_date"] and plan["cease_date"] <= census else None
        return r.NamedPlan(start_date=plan["start_date"], plan_details=_plan_details(active_plan), cease_date=ceased,
                           cease_reason=str(plan["cease_reason"]) if ceased else None)

    by_person: dict[str, list[r.Request]] = defaultdict(list)
    for rid in sorted(wanted_requests, key=lambda k: (requests[k]["received_date"], k)):
        q = requests[rid]
        # Assessed only once it was decided to (Y), or before the period (H).
        a = assessments.get(rid) if q["outcome"] in ("Y", "H") else None
        plan = issued_by_assessment.get(a["assessment_id"]) if a else None
        if a and plan is None and a["outcome"] == "Y":
            a = {**a, "outcome_date": None}  # to be issued: no plan yet on the census date
        assessment = None
        current = active_plans(plan) if plan else None
        if a is not None:
            assessment = r.Assessment(
                assessment_outcome=a["outcome"], assessment_outcome_date=a["outcome_date"],
                assessment_mediation=a["mediation"], assessment_tribunal=a["tribunal"],
                week20=a["week20_exception"], named_plan=named(plan, current))
        by_person[q["person_id"]].append(r.Request(
            received_date=q["received_date"], request_source=str(q["request_source"]) if year >= 2025 else None,
            request_outcome_date=q["outcome_date"], request_outcome=q["outcome"], request_mediation=q["mediation"],
            request_tribunal=q["tribunal"], assessment=assessment, active_plans=current))
    for plan in sorted(orphan_plans, key=lambda p: (p["start_date"], p["plan_id"])):
        # A plan with no request handled here (transferred in, or from before the records began): recorded
        # as historical, as the DfE's guide asks of the importing LA.
        current = active_plans(plan)
        by_person[plan["person_id"]].append(r.Request(
            request_outcome="H", assessment=r.Assessment(assessment_outcome="H", named_plan=named(plan, current)),
            active_plans=current))

    persons = []
    for pid, reqs in by_person.items():
        p = people[pid]
        persons.append(r.Person(
            surname=p["surname"], forename=p["forename"], person_birth_date=p["birth_date"], sex=p["sex"],
            ethnicity=p["ethnicity"], post_code=p["postcode"], upn=p["upn"], unique_learner_number=p["uln"],
            upn_unknown=None if p["upn"] or p["uln"] else _upn_unknown(p["birth_date"], census),
            requests=reqs))
    header = header_new(year=year, lea=answers.lea, dmo=answers.dmo, dco=answers.dco, dsco=answers.dsco,
                        date_time=made_at or dt.datetime.combine(census, dt.time()))
    return r.Return(header=header, persons=persons)


def sen2_export_bytes(*, year: int, lea: str | None = None, made_at: dt.datetime | None = None):
    """The return of `year` as XML bytes, the writer's summary (counts by module) and the validation report of
    what was written, as `sendreform sen2 validate` would give it."""
    ret = sen2_return(year=year, answers=sen2_header_answers(lea=lea), made_at=made_at)
    out = io.BytesIO()
    summary = write_return(ret.header, ret.persons, out, year=year)
    data = out.getvalue()
    report, _ = _validate(data, f"sen2_{year}.xml")
    return data, summary, report


def sen2_export(*, year: int, out, lea: str | None = None, made_at: dt.datetime | None = None):
    """Write the return of `year` to the path `out`; returns the summary and the validation report."""
    from pathlib import Path

    data, summary, report = sen2_export_bytes(year=year, lea=lea, made_at=made_at)
    Path(out).write_bytes(data)
    return summary, report
