"""One SEN2 return as plain records: the header, and per person the requests, assessments, named plans,
active plans, placements and needs, as the DfE's SEN2 person-level specification of each collection year
(2023 to 2026) gives them.

Field names follow the SEN2 element names in snake case (`ReceivedDate` -> `received_date`,
`UniqueLearnerNumber` -> `unique_learner_number`); the `element` metadata of each field names the element.
Values keep the return's codes (`"Y"`, `"H"`, `"ASD"`); `0`/`1` items are `bool`; dates are `datetime.date`;
an item left out of the file is `None` (or an empty list for repeated modules).

Every record also carries `line`, `path` and `lines`: where the reader found it (line number, element path
such as `/Message/Persons/Person[12]/Requests[2]/ActivePlans`, and the line of each of its items), for
validation reports. They are not part of the
record's value: two records that differ only there compare equal, so `read(write(x)) == x`.

Where the years differ (`ELEMENT_ORDER`):
- 2023: the person's sex is `GenderCurrent`; residential (`Res`) and work-based learning (`WBP`) sit on
  `ActivePlans`; the only annual-review item is `LastReview`; there is no `RequestSource` and no `DSCO`.
- 2024: `Sex`; `Res` and `WBP` move onto each `PlacementDetail`; `ReviewMeeting` and `ReviewOutcome` added.
- 2025: `RequestSource`, `ReviewDraft`, `PhaseTransferDueDate`, `PhaseTransferFinalDate` and the header's
  `DSCO` added (voluntary); the need type `DS` (Down syndrome) added; `LastReview` moves after `ReviewMeeting`.
- 2026: `RequestSource` and `DSCO` mandatory; `LastReview` is the last item of `ActivePlans`.
Collection years after 2026 use the 2026 layout until a newer specification is published (`spec_year`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

COLLECTION_YEARS = (2023, 2024, 2025, 2026)


def spec_year(year: int) -> int:
    """The specification year whose layout and schema a collection `year` uses (2027 -> 2026)."""
    if year < COLLECTION_YEARS[0]:
        raise ValueError(f"SEN2 is person level from 2023; {year} is not a supported collection year")
    return min(year, COLLECTION_YEARS[-1])


def _item(element: str, kind: str = "str"):
    """A field for one SEN2 data item: `kind` is str, date, datetime, int, flag (0/1), one (a module that
    occurs at most once) or many (a repeated module)."""
    if kind == "many":
        return field(default_factory=list, metadata={"element": element, "kind": kind})
    return field(default=None, metadata={"element": element, "kind": kind})


def _where():
    """`line`, `path` and `lines`: where the record was read from; not part of its value."""
    return field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class Header:
    """`Message/Header`: the collection and the local authority that makes the return.

    `dmo`, `dco` and `dsco` are the LA's answers (Y yes, N no, R recruitment in progress) on whether it has a
    designated medical officer, a designated clinical officer and (from 2025) a designated social care
    officer.
    """

    collection: str | None = _item("Collection")  # always "SEN2"
    year: int | None = _item("Year", "int")  # the collection year, e.g. 2026
    reference_date: dt.date | None = _item("ReferenceDate", "date")  # the census date
    source_level: str | None = _item("SourceLevel")  # "L": local authority
    lea: str | None = _item("LEA")  # the 3-digit DfE local authority number, e.g. "870" (Reading)
    software_code: str | None = _item("SoftwareCode")
    release: str | None = _item("Release")
    serial_no: str | None = _item("SerialNo")  # 3 digits
    date_time: dt.datetime | None = _item("DateTime", "datetime")  # when the file was made
    dmo: str | None = _item("DMO")
    dco: str | None = _item("DCO")
    dsco: str | None = _item("DSCO")  # from 2025
    line: int | None = _where()
    path: str | None = _where()
    lines: dict[str, int] | None = _where()  # element name -> line of each item read


@dataclass(slots=True)
class SENNeed:
    """Module 5c `SENneed`: a type of need and its rank (1 primary, 2 secondary)."""

    sen_type: str | None = _item("SENtype")
    sen_type_rank: int | None = _item("SENtypeRank", "int")
    line: int | None = _where()
    path: str | None = _where()
    lines: dict[str, int] | None = _where()  # element name -> line of each item read


@dataclass(slots=True)
class PlanDetail:
    """Module 4b `PlanDetail`: a setting named in the plan when it was issued. Exactly one of `urn`,
    `ukprn` and `sen_setting` is given; `sen_setting_other` describes an `OTH` setting."""

    urn: str | None = _item("URN")  # GIAS 6-digit unique reference number
    ukprn: str | None = _item("UKPRN")  # 8-digit UK provider reference number
    sen_setting: str | None = _item("SENSetting")  # a setting type when there is no URN or UKPRN
    sen_setting_other: str | None = _item("SENSettingOther")
    placement_rank: int | None = _item("PlacementRank", "int")  # 1 main, 2 second (dual placement)
    sen_unit_indicator: bool | None = _item("SENunitIndicator", "flag")
    resourced_provision_indicator: bool | None = _item("ResourcedProvisionIndicator", "flag")
    line: int | None = _where()
    path: str | None = _where()
    lines: dict[str, int] | None = _where()  # element name -> line of each item read


@dataclass(slots=True)
class PlacementDetail:
    """Module 5b `PlacementDetail`: a placement of an active plan, with its dates; from 2024 with its
    residential (`res`: A 38-51 weeks, B 52 weeks) and work-based learning (`wbp`) items."""

    urn: str | None = _item("URN")
    ukprn: str | None = _item("UKPRN")
    sen_setting: str | None = _item("SENSetting")
    sen_setting_other: str | None = _item("SENSettingOther")
    placement_rank: int | None = _item("PlacementRank", "int")
    entry_date: dt.date | None = _item("EntryDate", "date")
    leaving_date: dt.date | None = _item("LeavingDate", "date")
    sen_unit_indicator: bool | None = _item("SENunitIndicator", "flag")
    resourced_provision_indicator: bool | None = _item("ResourcedProvisionIndicator", "flag")
    res: str | None = _item("Res")  # from 2024
    wbp: str | None = _item("WBP")  # from 2024: A apprenticeship, T traineeship, S supported internship
    line: int | None = _where()
    path: str | None = _where()
    lines: dict[str, int] | None = _where()  # element name -> line of each item read


@dataclass(slots=True)
class ActivePlans:
    """Module 5a `ActivePlans`: a plan open on the census date, its placements, needs and annual review.

    `transfer_la` is the LA the plan transferred in from during the year. `last_review` is the date the LA
    told the family its decision after the latest annual review; `review_meeting` the date of that meeting,
    `review_outcome` its decision (M maintain, A amend, C cease), `review_draft` (from 2025) the date a
    draft amended plan was issued; `phase_transfer_due_date` and `phase_transfer_final_date` (from 2025)
    the statutory deadline and the date the plan was finalised for a phase transfer.
    """

    transfer_la: str | None = _item("TransferLA")
    placement_details: list[PlacementDetail] = _item("PlacementDetail", "many")
    res: str | None = _item("Res")  # 2023 only; on each placement from 2024
    wbp: str | None = _item("WBP")  # 2023 only
    sen_needs: list[SENNeed] = _item("SENneed", "many")
    review_meeting: dt.date | None = _item("ReviewMeeting", "date")  # from 2024
    review_outcome: str | None = _item("ReviewOutcome")  # from 2024
    last_review: dt.date | None = _item("LastReview", "date")
    review_draft: dt.date | None = _item("ReviewDraft", "date")  # from 2025
    phase_transfer_due_date: dt.date | None = _item("PhaseTransferDueDate", "date")  # from 2025
    phase_transfer_final_date: dt.date | None = _item("PhaseTransferFinalDate", "date")  # from 2025
    line: int | None = _where()
    path: str | None = _where()
    lines: dict[str, int] | None = _where()  # element name -> line of each item read


@dataclass(slots=True)
class NamedPlan:
    """Module 4a `NamedPlan`: the EHC plan issued, its named settings, and when and why it ceased.

    `plan_res` residential (A 38-51 weeks, B 52 weeks), `plan_wbp` work-based learning (A apprenticeship,
    T traineeship, S supported internship), `pb` personal budget taken up, `oa` organised arrangements in
    place, `dp` direct payments (E education, H health, S social care, I integrated).
    """

    start_date: dt.date | None = _item("StartDate", "date")
    plan_details: list[PlanDetail] = _item("PlanDetail", "many")
    plan_res: str | None = _item("PlanRes")
    plan_wbp: str | None = _item("PlanWBP")
    pb: bool | None = _item("PB", "flag")
    oa: bool | None = _item("OA", "flag")
    dp: str | None = _item("DP")
    cease_date: dt.date | None = _item("CeaseDate", "date")
    cease_reason: str | None = _item("CeaseReason")
    line: int | None = _where()
    path: str | None = _where()
    lines: dict[str, int] | None = _where()  # element name -> line of each item read


@dataclass(slots=True)
class Assessment:
    """Module 3 `Assessment`: the EHC needs assessment and the decision whether to issue a plan.

    `assessment_outcome_date` is the date the plan was issued, or the family was told it would not be.
    `week20` is True when an exception to the 20-week time limit applies.
    """

    assessment_outcome: str | None = _item("AssessmentOutcome")  # Y, N, A, W, H
    assessment_outcome_date: dt.date | None = _item("AssessmentOutcomeDate", "date")
    assessment_mediation: bool | None = _item("AssessmentMediation", "flag")
    assessment_tribunal: bool | None = _item("AssessmentTribunal", "flag")
    other_mediation: bool | None = _item("OtherMediation", "flag")
    other_tribunal: bool | None = _item("OtherTribunal", "flag")
    week20: bool | None = _item("Week20", "flag")
    named_plan: NamedPlan | None = _item("NamedPlan", "one")
    line: int | None = _where()
    path: str | None = _where()
    lines: dict[str, int] | None = _where()  # element name -> line of each item read


@dataclass(slots=True)
class Request:
    """Module 2 `Requests`: one request for an EHC needs assessment and what followed it.

    `rya` is True when the request was made while the young person was in relevant youth accommodation;
    `exported` is the LA the person moved to before the assessment was completed (a 3-digit LA number).
    The active plan hangs off the request, beside the assessment, as in the XML.
    """

    received_date: dt.date | None = _item("ReceivedDate", "date")
    request_source: str | None = _item("RequestSource")  # from 2025: 1 to 5
    rya: bool | None = _item("RYA", "flag")
    request_outcome_date: dt.date | None = _item("RequestOutcomeDate", "date")
    request_outcome: str | None = _item("RequestOutcome")  # Y, N, A, W, H
    request_mediation: bool | None = _item("RequestMediation", "flag")
    request_tribunal: bool | None = _item("RequestTribunal", "flag")
    exported: str | None = _item("Exported")
    assessment: Assessment | None = _item("Assessment", "one")
    active_plans: ActivePlans | None = _item("ActivePlans", "one")
    line: int | None = _where()
    path: str | None = _where()
    lines: dict[str, int] | None = _where()  # element name -> line of each item read


@dataclass(slots=True)
class Person:
    """Module 1 `Person`: a child or young person and every request about them in the return.

    A person has a `upn` (13 characters), a `unique_learner_number` (10 digits) or a `upn_unknown` reason
    (UN1 to UN10). `sex` is read from `Sex` (from 2024) or `GenderCurrent` (2023).
    """

    surname: str | None = _item("Surname")
    forename: str | None = _item("Forename")
    person_birth_date: dt.date | None = _item("PersonBirthDate", "date")
    sex: str | None = _item("Sex")
    ethnicity: str | None = _item("Ethnicity")
    post_code: str | None = _item("PostCode")
    upn: str | None = _item("UPN")
    unique_learner_number: str | None = _item("UniqueLearnerNumber")
    upn_unknown: str | None = _item("UPNunknown")
    requests: list[Request] = _item("Requests", "many")
    line: int | None = _where()
    path: str | None = _where()
    lines: dict[str, int] | None = _where()  # element name -> line of each item read

    @property
    def label(self) -> str:
        """Who this is, for a report: "UPN A123... (Surname, Forename)"."""
        if self.upn:
            ident = f"UPN {self.upn}"
        elif self.unique_learner_number:
            ident = f"ULN {self.unique_learner_number}"
        else:
            ident = "no UPN or ULN"
        return f"{ident} ({self.surname or ''}, {self.forename or ''})"

    def sort_key(self) -> tuple:
        """The order people are written in: by UPN, then ULN, then name and birth date."""
        return (self.upn or "~", self.unique_learner_number or "~", self.surname or "", self.forename or "",
                self.person_birth_date or dt.date.min)


@dataclass(slots=True)
class Return:
    """A whole SEN2 return held in memory: fine for a local area; stream England with the reader."""

    header: Header
    persons: list[Person] = field(default_factory=list)


# The elements of each record in the order the year's XML gives them (element names, SEN2 spelling).
_PERSON = ("Surname", "Forename", "PersonBirthDate", "Sex", "Ethnicity", "PostCode", "UPN",
           "UniqueLearnerNumber", "UPNunknown", "Requests")
_ASSESSMENT = ("AssessmentOutcome", "AssessmentOutcomeDate", "AssessmentMediation", "AssessmentTribunal",
               "OtherMediation", "OtherTribunal", "Week20", "NamedPlan")
_NAMED_PLAN = ("StartDate", "PlanDetail", "PlanRes", "PlanWBP", "PB", "OA", "DP", "CeaseDate", "CeaseReason")
_PLAN_DETAIL = ("URN", "UKPRN", "SENSetting", "SENSettingOther", "PlacementRank", "SENunitIndicator",
                "ResourcedProvisionIndicator")
_PLACEMENT_2023 = ("URN", "UKPRN", "SENSetting", "SENSettingOther", "PlacementRank", "EntryDate", "LeavingDate",
                   "SENunitIndicator", "ResourcedProvisionIndicator")
_NEED = ("SENtype", "SENtypeRank")
_SOURCE_2023 = ("SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime", "DMO", "DCO")
_REQUEST_2023 = ("ReceivedDate", "RYA", "RequestOutcomeDate", "RequestOutcome", "RequestMediation",
                 "RequestTribunal", "Exported", "Assessment", "ActivePlans")
_REQUEST_2025 = ("ReceivedDate", "RequestSource", *_REQUEST_2023[1:])

_HEADER_2023 = ("Collection", "Year", "ReferenceDate", *_SOURCE_2023)
_YEAR_2023 = {
    Header: _HEADER_2023,
    Person: tuple("GenderCurrent" if e == "Sex" else e for e in _PERSON),
    Request: _REQUEST_2023,
    Assessment: _ASSESSMENT,
    NamedPlan: _NAMED_PLAN,
    PlanDetail: _PLAN_DETAIL,
    ActivePlans: ("TransferLA", "PlacementDetail", "Res", "WBP", "SENneed", "LastReview"),
    PlacementDetail: _PLACEMENT_2023,
    SENNeed: _NEED,
}
_YEAR_2024 = {
    **_YEAR_2023,
    Person: _PERSON,
    ActivePlans: ("TransferLA", "PlacementDetail", "SENneed", "ReviewMeeting", "ReviewOutcome", "LastReview"),
    PlacementDetail: (*_PLACEMENT_2023, "Res", "WBP"),
}
_YEAR_2025 = {
    **_YEAR_2024,
    Header: (*_HEADER_2023, "DSCO"),
    Request: _REQUEST_2025,
    ActivePlans: ("TransferLA", "PlacementDetail", "SENneed", "ReviewMeeting", "LastReview", "ReviewOutcome",
                  "ReviewDraft", "PhaseTransferDueDate", "PhaseTransferFinalDate"),
}
_YEAR_2026 = {
    **_YEAR_2025,
    ActivePlans: ("TransferLA", "PlacementDetail", "SENneed", "ReviewMeeting", "ReviewOutcome", "ReviewDraft",
                  "PhaseTransferDueDate", "PhaseTransferFinalDate", "LastReview"),
}
ELEMENT_ORDER: dict[int, dict[type, tuple[str, ...]]] = {2023: _YEAR_2023, 2024: _YEAR_2024, 2025: _YEAR_2025,
                                                          2026: _YEAR_2026}

# The record type a module element holds.
MODULE_TYPES: dict[str, type] = {
    "Requests": Request, "Assessment": Assessment, "NamedPlan": NamedPlan, "PlanDetail": PlanDetail,
    "ActivePlans": ActivePlans, "PlacementDetail": PlacementDetail, "SENneed": SENNeed,
}


def element_fields(cls: type) -> dict[str, tuple[str, str]]:
    """Element name -> (field name, kind) for a record type; `GenderCurrent` is the 2023 name of `Sex`."""
    out = {f.metadata["element"]: (f.name, f.metadata["kind"]) for f in fields(cls) if "element" in f.metadata}
    if cls is Person:
        out["GenderCurrent"] = out["Sex"]
    return out
