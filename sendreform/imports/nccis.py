"""Young people's activity from an NCCIS extract into the canonical `neet_activity` table (ADR 23), through the
import pattern; and the stored activity written as an extract (`nccis_export_csv`).

Each young person is matched as SEN2 and the census match (UPN, then ULN, then name and date of birth); a
young person not stored is added (home LA the area's, ethnicity not obtained). Their activity is kept as at the
extract's day with their academic age (age on the 31 August before); the same person and day again is the
same row, changed if the activity changed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sendreform.imports.csvsource import (
    Checked,
    Preview,
    ambiguous_reason,
    checked_record,
    people_summary,
    preview_apply,
    preview_record,
)
from sendreform.imports.services import PersonIn, RowIn, import_file_read, people_match
from sendreform.interchange.nccis import Caseload, nccis_csv, nccis_read
from sendreform.standards.periods import academic_age

SOURCE = "nccis"
CHUNK = 500


@dataclass
class NccisMapping:
    rows: list[RowIn]
    people: list[PersonIn]
    matching: object

    @property
    def blocked(self) -> list[str]:
        return ambiguous_reason(self.matching)

    def people_summary(self, *, examples: int = 10) -> dict:
        return people_summary(self.matching, self.people, examples=examples)


def _area_la() -> str:
    from sendreform.people.models import Person

    top = Counter(Person._base_manager.values_list("home_la", flat=True)[:5000]).most_common(1)
    return top[0][0] if top else ""


def nccis_mapping(*, caseload: Caseload) -> NccisMapping:
    import hashlib

    from sendreform.inclusion.models import NeetActivity

    people = [PersonIn(ref=p.ref, surname=p.surname, forename=p.forename, birth_date=p.birth_date, upn=p.upn,
                       uln=p.uln) for p in caseload.people]
    matching = people_match(people=people)
    ids = {i: pid for i, (pid, _) in matching.matched.items()}
    stored = {}
    known = sorted(set(ids.values()))
    for i in range(0, len(known), CHUNK):
        for a in NeetActivity.objects.filter(person_id__in=known[i:i + CHUNK]).values("id", "person_id", "as_at"):
            stored[(a["person_id"], a["as_at"])] = a["id"]
    home = _area_la() if matching.new else ""
    rows = []
    for i, p in enumerate(caseload.people):
        if i in matching.ambiguous:
            continue
        if i in ids:
            pid = ids[i]
        else:
            key = p.upn or p.uln or f"{p.surname.casefold()}|{p.forename.casefold()}|{p.birth_date}"
            pid = f"NCC-{hashlib.sha1(key.encode()).hexdigest()[:16]}"
            rows.append(RowIn("person", {"person_id": pid, "upn": p.upn, "uln": p.uln, "forename": p.forename,
                                         "surname": p.surname, "birth_date": p.birth_date, "sex": p.sex,
                                         "ethnicity": "NOBT", "postcode": None, "home_la": home}, label=p.ref))
        values = {"person_id": pid, "as_at": p.as_at, "academic_age": academic_age(p.birth_date, p.as_at),
                  "activity": p.activity}
        if (pid, p.as_at) in stored:
            values["id"] = stored[(pid, p.as_at)]
        rows.append(RowIn("neet_activity", values, label=p.ref))
    return NccisMapping(rows=rows, people=people, matching=matching)


def nccis_check(*, data: bytes, file_name: str, user=None, by_name: str = "") -> Checked:
    caseload = nccis_read(data, name=file_name)
    as_at = caseload.as_at
    return checked_record(source=SOURCE, read=caseload, data=data, file_name=file_name, user=user, by_name=by_name,
                          persons=len(caseload.people), nothing="no young people in the measure",
                          collection_year=as_at.year if as_at else None, period=str(as_at or ""))


def nccis_reopen(*, run) -> Checked:
    return Checked(run=run, read=nccis_read(import_file_read(run=run), name=run.file_name))


def nccis_preview(*, checked: Checked) -> Preview:
    return preview_record(checked=checked, mapping=nccis_mapping(caseload=checked.read))


nccis_apply = preview_apply


def nccis_export_csv(*, as_at=None) -> bytes:
    """The activity stored as at `as_at` (default the latest day held) as an NCCIS extract."""
    from sendreform.inclusion.models import NeetActivity
    from sendreform.people.models import Person

    if as_at is None:
        as_at = NeetActivity.objects.order_by("-as_at").values_list("as_at", flat=True).first()
    rows = []
    activity = list(NeetActivity.objects.filter(as_at=as_at).order_by("person_id").values())
    ids = [a["person_id"] for a in activity]
    people = {}
    for i in range(0, len(ids), CHUNK):
        people.update({p["person_id"]: p for p in Person._base_manager.filter(person_id__in=ids[i:i + CHUNK]).values()})
    for a in activity:
        p = people[a["person_id"]]
        rows.append({"upn": p["upn"], "uln": p["uln"], "forename": p["forename"], "surname": p["surname"],
                     "birth_date": p["birth_date"], "sex": p["sex"], "activity": a["activity"], "as_at": a["as_at"]})
    return nccis_csv(rows)
