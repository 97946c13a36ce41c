"""The SEN2 return's validation rules that can be checked from the file, and `validate`, which streams a
file through the reader and these rules into a report.

Each rule has an id, a severity (error: the file cannot be submitted; query: it must be explained to the
DfE), the collection years it applies to, and a message in plain English. The rules come from the DfE's
SEN2 guide as `../shared/research/data-standards.md` §1.5 sets it out (the DfE's own rule numbers are not
published openly, so the ids are ours). A check yields, for each failure, the element and the value found.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sendreform.sen2.reader import Reader
from sendreform.sen2.records import Header, Person, PlanDetail
from sendreform.sen2.report import ERROR, QUERY, Issue, Report
from sendreform.standards import codes
from sendreform.standards.periods import academic_year, sen2_census_date

Finding = tuple  # (element, value) or (element, value, message): the message replaces the rule's


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    module: str
    message: str
    first_year: int = 2023

    def applies(self, year: int) -> bool:
        return year >= self.first_year


RULES: dict[str, Rule] = {}
_CHECKS: dict[str, list[tuple[Rule, Callable]]] = {}


def rule(id: str, severity: str, modules: str, message: str, *, first_year: int = 2023):
    """Register a check for one or more modules (space-separated): header, person, request, assessment,
    plan, plandetail, activeplans, placement, need."""

    def wrap(fn: Callable[..., Iterable[Finding]]):
        assert id not in RULES, id
        RULES[id] = Rule(id, severity, modules, message, first_year)
        for module in modules.split():
            _CHECKS.setdefault(module, []).append((RULES[id], fn))
        return fn

    return wrap


@dataclass
class Context:
    """What a check may need beside its record: the return's year, census date and LA, and the records
    above the one being checked."""

    year: int
    census: dt.date
    lea: str | None = None
    person: Person | None = None
    request: object = None
    assessment: object = None
    plan: object = None
    active: object = None
    upns: set = field(default_factory=set)
    ulns: set = field(default_factory=set)
    checks: dict = field(default_factory=dict)  # module -> the checks that apply in `year`
    over_25_born_by: dt.date | None = None  # born on or before: 25 or over on 31 August before the census

    def __post_init__(self):
        self.checks = {m: [(r, fn) for r, fn in pairs if r.applies(self.year)] for m, pairs in _CHECKS.items()}
        start = academic_year(self.census).start
        self.over_25_born_by = dt.date(start.year - 25, 8, 31)


# ------------------------------------------------------------------------------------------ identifiers

_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # the 23 letters of UPNs (no I, O, S); A = 0 ... Z = 22
_UPN = re.compile(r"[A-Z][0-9]{11}[0-9A-Z]")
_ULN = re.compile(r"[1-9][0-9]{9}")


def upn_check_letter(upn: str) -> str:
    """The DfE check letter of a UPN: characters 2 to 13 times weights 2 to 13 (a letter in place 13, as in a
    temporary UPN, counts as its place in the UPN alphabet), summed, modulo 23, as a letter of that alphabet."""
    total = 0
    for weight, char in enumerate(upn[1:13], start=2):
        total += weight * (int(char) if char.isdigit() else _UPN_LETTERS.index(char))
    return _UPN_LETTERS[total % 23]


def upn_valid_form(upn: str) -> bool:
    return bool(_UPN.fullmatch(upn)) and (upn[12].isdigit() or upn[12] in _UPN_LETTERS)


def uln_valid(uln: str) -> bool:
    """The ULN check digit: digits 1 to 9 times weights 10 to 2, summed, modulo 11; a remainder of 0 is never
    issued, otherwise the tenth digit is 10 minus the remainder."""
    if not _ULN.fullmatch(uln):
        return False
    remainder = sum(int(d) * w for d, w in zip(uln[:9], range(10, 1, -1), strict=True)) % 11
    return remainder != 0 and int(uln[9]) == 10 - remainder


_LA = re.compile(r"[0-9]{3}")
_URN = re.compile(r"[1-9][0-9]{5}")
_UKPRN = re.compile(r"1[0-9]{7}")
_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}")


def _in(element: str, attr: str, allowed) -> Callable:
    """A check that the item, when given, is one of `allowed`."""

    def check(record, ctx):
        value = getattr(record, attr)
        if value is not None and value not in allowed:
            yield element, value

    return check


def _after(day: dt.date | None, ctx: Context) -> bool:
    return day is not None and day > ctx.census


# ----------------------------------------------------------------------------------------------- header


@rule("HEADER_COLLECTION", ERROR, "header", "The header's Collection must be SEN2.")
def _(h: Header, ctx):
    if h.collection != "SEN2":
        yield "Collection", h.collection


@rule("HEADER_REFERENCE_DATE", ERROR, "header",
      "The header's ReferenceDate must be the census date: the third Thursday of January of the collection year.")
def _(h: Header, ctx):
    if h.reference_date != ctx.census:
        yield "ReferenceDate", h.reference_date, (f"The header's ReferenceDate must be the census date "
                                                  f"{ctx.census.isoformat()} (the third Thursday of January).")


@rule("HEADER_SOURCE_LEVEL", ERROR, "header", "The header's SourceLevel must be L (local authority).")
def _(h: Header, ctx):
    if h.source_level != "L":
        yield "SourceLevel", h.source_level


@rule("HEADER_LEA", ERROR, "header", "The header's LEA must be the local authority's 3-digit DfE number.")
def _(h: Header, ctx):
    if not (h.lea and _LA.fullmatch(h.lea)):
        yield "LEA", h.lea


@rule("HEADER_OFFICER_CODE", ERROR, "header",
      "DMO, DCO and DSCO must be Y (yes), N (no) or R (recruitment in progress).")
def _(h: Header, ctx):
    for element, value in (("DMO", h.dmo), ("DCO", h.dco), ("DSCO", h.dsco)):
        if value is not None and value not in codes.DESIGNATED_OFFICER:
            yield element, value


@rule("HEADER_DSCO_MISSING", ERROR, "header",
      "From 2026 the header must say whether there is a designated social care officer (DSCO).", first_year=2026)
def _(h: Header, ctx):
    if h.dsco is None:
        yield "DSCO", ""


# ----------------------------------------------------------------------------------------------- person


@rule("PERSON_IDENTIFIER", ERROR, "person",
      "A person needs a UPN, a ULN, or a reason the UPN is not known (UPNunknown).")
def _(p: Person, ctx):
    if not (p.upn or p.unique_learner_number or p.upn_unknown):
        yield "UPN", ""


@rule("UPN_FORMAT", ERROR, "person",
      "A UPN is 13 characters: a letter, 11 digits, then a digit (or a letter for a temporary UPN).")
def _(p: Person, ctx):
    if p.upn and not upn_valid_form(p.upn):
        yield "UPN", p.upn


@rule("UPN_CHECK_LETTER", ERROR, "person", "The UPN's first letter is not the check letter its digits give.")
def _(p: Person, ctx):
    if p.upn and upn_valid_form(p.upn) and p.upn[0] != (letter := upn_check_letter(p.upn)):
        yield "UPN", p.upn, f"The UPN's check letter should be {letter}, not {p.upn[0]}: the UPN is mistyped."


@rule("UPN_DUPLICATE", ERROR, "person", "Another person earlier in the file has the same UPN.")
def _(p: Person, ctx):
    if p.upn:
        if p.upn in ctx.upns:
            yield "UPN", p.upn
        ctx.upns.add(p.upn)


@rule("UPN_UNKNOWN_WITH_UPN", ERROR, "person", "UPNunknown gives a reason for a missing UPN, but a UPN is given.")
def _(p: Person, ctx):
    if p.upn and p.upn_unknown:
        yield "UPNunknown", p.upn_unknown


@rule("UPN_UNKNOWN_CODE", ERROR, "person", "UPNunknown must be one of UN1, UN2, UN3, UN5, UN8, UN9 or UN10.")
def _(p: Person, ctx):
    if p.upn_unknown and p.upn_unknown not in codes.UPN_UNKNOWN:
        yield "UPNunknown", p.upn_unknown


@rule("ULN_FORMAT", ERROR, "person", "A ULN is 10 digits and does not start with 0.")
def _(p: Person, ctx):
    if p.unique_learner_number and not _ULN.fullmatch(p.unique_learner_number):
        yield "UniqueLearnerNumber", p.unique_learner_number


@rule("ULN_CHECK_DIGIT", ERROR, "person", "The ULN's last digit is not the check digit its other digits give.")
def _(p: Person, ctx):
    uln = p.unique_learner_number
    if uln and _ULN.fullmatch(uln) and not uln_valid(uln):
        yield "UniqueLearnerNumber", uln


@rule("ULN_DUPLICATE", ERROR, "person", "Another person earlier in the file has the same ULN.")
def _(p: Person, ctx):
    if p.unique_learner_number:
        if p.unique_learner_number in ctx.ulns:
            yield "UniqueLearnerNumber", p.unique_learner_number
        ctx.ulns.add(p.unique_learner_number)


@rule("SEX_CODE", ERROR, "person", "Sex must be M (male) or F (female).")
def _(p: Person, ctx):
    if p.sex not in ("M", "F"):
        yield ("GenderCurrent" if ctx.year == 2023 else "Sex"), p.sex


@rule("ETHNICITY_CODE", ERROR, "person", "Ethnicity must be a CBDS ethnicity code (such as WBRI, AIND, NOBT).")
def _(p: Person, ctx):
    if p.ethnicity not in codes.ETHNICITY and p.ethnicity not in codes.ETHNICITY_EXTENDED:
        yield "Ethnicity", p.ethnicity


@rule("BIRTH_DATE_AFTER_CENSUS", ERROR, "person", "The date of birth is after the census date.")
def _(p: Person, ctx):
    if _after(p.person_birth_date, ctx):
        yield "PersonBirthDate", p.person_birth_date


@rule("AGE_OVER_25", QUERY, "person",
      "The person was 25 or over at the start of the academic year: an EHC plan runs to the end of the "
      "academic year in which the young person turns 25.")
def _(p: Person, ctx):
    if p.person_birth_date and p.person_birth_date <= ctx.over_25_born_by:
        yield "PersonBirthDate", p.person_birth_date


@rule("POSTCODE_FORMAT", QUERY, "person", "The postcode is not in the form of a UK postcode (such as RG1 2LU).")
def _(p: Person, ctx):
    if p.post_code and not _POSTCODE.fullmatch(p.post_code.upper().strip()):
        yield "PostCode", p.post_code


@rule("PERSON_NO_REQUESTS", ERROR, "person", "A person in the return needs at least one Requests module.")
def _(p: Person, ctx):
    if not p.requests:
        yield "Requests", ""


@rule("REQUEST_DUPLICATE", QUERY, "person", "Two requests of this person were received on the same date.")
def _(p: Person, ctx):
    seen = set()
    for r in p.requests:
        if r.received_date is not None:
            if r.received_date in seen:
                yield "Requests", r.received_date
            seen.add(r.received_date)


@rule("ACTIVE_PLANS_MORE_THAN_ONE", ERROR, "person",
      "A person can have only one plan active on the census date, but ActivePlans is given in more than one "
      "request.")
def _(p: Person, ctx):
    if sum(1 for r in p.requests if r.active_plans is not None) > 1:
        yield "Requests", ""


def _plan_open_on_census(plan, ctx) -> bool:
    return (plan.start_date is not None and plan.start_date <= ctx.census
            and (plan.cease_date is None or plan.cease_date > ctx.census))


@rule("ACTIVE_PLANS_MISSING", ERROR, "person",
      "A plan that was open on the census date (started and not ceased) needs an ActivePlans module.")
def _(p: Person, ctx):
    for r in p.requests:
        plan = r.assessment.named_plan if r.assessment else None
        if plan is not None and _plan_open_on_census(plan, ctx) and r.active_plans is None:
            yield "Requests", plan.start_date


# ---------------------------------------------------------------------------------------------- request


@rule("REQUEST_OUTCOME_MISSING", ERROR, "request", "Every request needs a RequestOutcome.")
def _(r, ctx):
    if r.request_outcome is None:
        yield "RequestOutcome", ""


rule("REQUEST_OUTCOME_CODE", ERROR, "request", "RequestOutcome must be Y, N, A, W or H.")(
    _in("RequestOutcome", "request_outcome", codes.REQUEST_OUTCOME))


@rule("RECEIVED_DATE_MISSING", ERROR, "request",
      "A request needs the date it was received (ReceivedDate) unless its outcome is historical (H).")
def _(r, ctx):
    if r.received_date is None and r.request_outcome != "H":
        yield "ReceivedDate", ""


@rule("RECEIVED_AFTER_CENSUS", ERROR, "request", "The request was received after the census date.")
def _(r, ctx):
    if _after(r.received_date, ctx):
        yield "ReceivedDate", r.received_date


@rule("REQUEST_SOURCE_MISSING", QUERY, "request",
      "From 2026 every request other than a historical one needs its RequestSource.", first_year=2026)
def _(r, ctx):
    if r.request_source is None and r.request_outcome != "H":
        yield "RequestSource", ""


rule("REQUEST_SOURCE_CODE", ERROR, "request", "RequestSource must be 1, 2, 3, 4 or 5.", first_year=2025)(
    _in("RequestSource", "request_source", codes.REQUEST_SOURCE))


@rule("REQUEST_OUTCOME_DATE_MISSING", ERROR, "request",
      "When the LA decided whether to assess (RequestOutcome Y or N), RequestOutcomeDate is needed.")
def _(r, ctx):
    if r.request_outcome in ("Y", "N") and r.request_outcome_date is None:
        yield "RequestOutcomeDate", ""


@rule("REQUEST_OUTCOME_DATE_UNEXPECTED", ERROR, "request",
      "RequestOutcomeDate must be left out when no decision was made in the period (RequestOutcome A, W or H).")
def _(r, ctx):
    if r.request_outcome in ("A", "W", "H") and r.request_outcome_date is not None:
        yield "RequestOutcomeDate", r.request_outcome_date


@rule("REQUEST_OUTCOME_BEFORE_RECEIVED", ERROR, "request",
      "The decision whether to assess (RequestOutcomeDate) is dated before the request was received.")
def _(r, ctx):
    if r.request_outcome_date and r.received_date and r.request_outcome_date < r.received_date:
        yield "RequestOutcomeDate", r.request_outcome_date


@rule("REQUEST_OUTCOME_AFTER_CENSUS", ERROR, "request", "RequestOutcomeDate is after the census date.")
def _(r, ctx):
    if _after(r.request_outcome_date, ctx):
        yield "RequestOutcomeDate", r.request_outcome_date


@rule("ASSESSMENT_NOT_EXPECTED", ERROR, "request",
      "An Assessment module is given, but the LA did not decide to assess (RequestOutcome is N, A or W).")
def _(r, ctx):
    if r.assessment is not None and r.request_outcome in ("N", "A", "W"):
        yield "Assessment", r.request_outcome


@rule("ASSESSMENT_MISSING", ERROR, "request",
      "The LA decided to assess (RequestOutcome Y), so the request needs an Assessment module.")
def _(r, ctx):
    if r.assessment is None and r.request_outcome == "Y":
        yield "Assessment", ""


@rule("EXPORTED_LA", ERROR, "request", "Exported must be the 3-digit DfE number of the LA the person moved to.")
def _(r, ctx):
    if r.exported is not None and not _LA.fullmatch(r.exported):
        yield "Exported", r.exported


# ------------------------------------------------------------------------------------------- assessment


@rule("ASSESSMENT_OUTCOME_MISSING", ERROR, "assessment", "Every Assessment needs an AssessmentOutcome.")
def _(a, ctx):
    if a.assessment_outcome is None:
        yield "AssessmentOutcome", ""


rule("ASSESSMENT_OUTCOME_CODE", ERROR, "assessment", "AssessmentOutcome must be Y, N, A, W or H.")(
    _in("AssessmentOutcome", "assessment_outcome", codes.ASSESSMENT_OUTCOME))


@rule("ASSESSMENT_DATE_MISSING", ERROR, "assessment",
      "When the LA decided not to issue a plan (AssessmentOutcome N), AssessmentOutcomeDate is the date the "
      "family was told and is needed.")
def _(a, ctx):
    if a.assessment_outcome == "N" and a.assessment_outcome_date is None:
        yield "AssessmentOutcomeDate", ""


@rule("ASSESSMENT_DATE_UNEXPECTED", ERROR, "assessment",
      "AssessmentOutcomeDate must be left out while no decision has been made or after a withdrawal "
      "(AssessmentOutcome A or W).")
def _(a, ctx):
    if a.assessment_outcome in ("A", "W") and a.assessment_outcome_date is not None:
        yield "AssessmentOutcomeDate", a.assessment_outcome_date


@rule("ASSESSMENT_BEFORE_REQUEST", ERROR, "assessment",
      "AssessmentOutcomeDate is before the request was received or before the decision to assess.")
def _(a, ctx):
    day = a.assessment_outcome_date
    r = ctx.request
    if day and any(d and day < d for d in (r.received_date, r.request_outcome_date)):
        yield "AssessmentOutcomeDate", day


@rule("ASSESSMENT_AFTER_CENSUS", ERROR, "assessment", "AssessmentOutcomeDate is after the census date.")
def _(a, ctx):
    if _after(a.assessment_outcome_date, ctx):
        yield "AssessmentOutcomeDate", a.assessment_outcome_date


@rule("NAMED_PLAN_NOT_EXPECTED", ERROR, "assessment",
      "A NamedPlan is given, but no plan was to be issued (AssessmentOutcome is N, A or W).")
def _(a, ctx):
    if a.named_plan is not None and a.assessment_outcome in ("N", "A", "W"):
        yield "NamedPlan", a.assessment_outcome


@rule("NAMED_PLAN_MISSING", ERROR, "assessment",
      "The plan was issued (AssessmentOutcome Y with its date), so the Assessment needs a NamedPlan module.")
def _(a, ctx):
    if a.named_plan is None and a.assessment_outcome == "Y" and a.assessment_outcome_date is not None:
        yield "NamedPlan", ""


# ------------------------------------------------------------------------------------------- named plan


@rule("PLAN_START_MISSING", ERROR, "plan", "A NamedPlan needs its StartDate.")
def _(n, ctx):
    if n.start_date is None:
        yield "StartDate", ""


@rule("PLAN_START_BEFORE_REQUEST", ERROR, "plan", "The plan's StartDate is before the request was received.")
def _(n, ctx):
    if n.start_date and ctx.request.received_date and n.start_date < ctx.request.received_date:
        yield "StartDate", n.start_date


@rule("PLAN_START_BEFORE_ISSUE", QUERY, "plan",
      "The plan's StartDate is before it was issued (AssessmentOutcomeDate).")
def _(n, ctx):
    issued = ctx.assessment.assessment_outcome_date
    if n.start_date and issued and n.start_date < issued:
        yield "StartDate", n.start_date


@rule("PLAN_START_AFTER_CENSUS", ERROR, "plan", "The plan's StartDate is after the census date.")
def _(n, ctx):
    if _after(n.start_date, ctx):
        yield "StartDate", n.start_date


@rule("CEASE_REASON_MISSING", ERROR, "plan", "A ceased plan (CeaseDate given) needs its CeaseReason.")
def _(n, ctx):
    if n.cease_date is not None and n.cease_reason is None:
        yield "CeaseReason", ""


@rule("CEASE_DATE_MISSING", ERROR, "plan", "A CeaseReason is given without the CeaseDate.")
def _(n, ctx):
    if n.cease_reason is not None and n.cease_date is None:
        yield "CeaseDate", ""


rule("CEASE_REASON_CODE", ERROR, "plan", "CeaseReason must be a number from 1 to 9.")(
    _in("CeaseReason", "cease_reason", codes.CEASE_REASON))


@rule("CEASE_BEFORE_START", ERROR, "plan", "The plan's CeaseDate is before its StartDate.")
def _(n, ctx):
    if n.cease_date and n.start_date and n.cease_date < n.start_date:
        yield "CeaseDate", n.cease_date


@rule("CEASE_AFTER_CENSUS", ERROR, "plan", "The plan's CeaseDate is after the census date.")
def _(n, ctx):
    if _after(n.cease_date, ctx):
        yield "CeaseDate", n.cease_date


rule("PLAN_RES_CODE", ERROR, "plan", "PlanRes must be A (38 to 51 weeks) or B (52 weeks), or left out.")(
    _in("PlanRes", "plan_res", codes.RESIDENTIAL))


rule("PLAN_WBP_CODE", ERROR, "plan",
      "PlanWBP must be A (apprenticeship), T (traineeship) or S (supported internship), or left out.")(
    _in("PlanWBP", "plan_wbp", codes.WORK_BASED_LEARNING))


rule("DP_CODE", ERROR, "plan", "DP must be E (education), H (health), S (social care) or I (integrated).")(
    _in("DP", "dp", codes.DIRECT_PAYMENT))


@rule("DP_WITHOUT_PB", QUERY, "plan",
      "Direct payments (DP) are recorded, but no personal budget was taken up (PB is not 1).")
def _(n, ctx):
    if n.dp is not None and not n.pb:
        yield "DP", n.dp


@rule("PLAN_DETAIL_MISSING", ERROR, "plan",
      "A NamedPlan needs at least one PlanDetail: the setting named in the plan (or OTH if none is named).")
def _(n, ctx):
    if not n.plan_details:
        yield "PlanDetail", ""


def _ranks(records, element: str, attr: str):
    """Findings when ranks are not exactly one 1 and otherwise distinct."""
    ranks = [getattr(r, attr) for r in records if getattr(r, attr) is not None]
    if ranks and ranks.count(1) != 1:
        yield element, ", ".join(map(str, ranks)), None
    elif len(set(ranks)) != len(ranks):
        yield element, ", ".join(map(str, ranks)), None


@rule("PLAN_DETAIL_RANKS", ERROR, "plan",
      "The plan's settings need exactly one main setting (PlacementRank 1) and no rank given twice.")
def _(n, ctx):
    for element, value, _m in _ranks(n.plan_details, "PlanDetail", "placement_rank"):
        yield element, value


# --------------------------------------------------------------------------- settings: plan and placement

_PLAN_SETTINGS = ("OLA", "OPA", "EHE", "EYP", "OTH")
_PLACEMENT_SETTINGS = (*_PLAN_SETTINGS, "NEET", "NIEC", "NIEO")


@rule("SETTING_MISSING", ERROR, "plandetail placement",
      "A setting needs its URN, its UKPRN or, when it has neither, a SENSetting code.")
def _(s, ctx):
    if not (s.urn or s.ukprn or s.sen_setting):
        yield "URN", ""


@rule("SETTING_MORE_THAN_ONE", ERROR, "plandetail placement",
      "Give only one of URN, UKPRN and SENSetting for a setting.")
def _(s, ctx):
    given = [name for name, v in (("URN", s.urn), ("UKPRN", s.ukprn), ("SENSetting", s.sen_setting)) if v]
    if len(given) > 1:
        yield given[1], " and ".join(given)


@rule("URN_FORMAT", ERROR, "plandetail placement", "A URN is the setting's 6-digit number in Get Information "
      "about Schools.")
def _(s, ctx):
    if s.urn is not None and not _URN.fullmatch(s.urn):
        yield "URN", s.urn


@rule("UKPRN_FORMAT", ERROR, "plandetail placement", "A UKPRN is 8 digits starting with 1.")
def _(s, ctx):
    if s.ukprn is not None and not _UKPRN.fullmatch(s.ukprn):
        yield "UKPRN", s.ukprn


@rule("SEN_SETTING_CODE", ERROR, "plandetail placement",
      "SENSetting must be OLA, OPA, EHE, EYP or OTH (and, for a placement, also NEET, NIEC or NIEO).")
def _(s, ctx):
    allowed = _PLAN_SETTINGS if isinstance(s, PlanDetail) else _PLACEMENT_SETTINGS
    if s.sen_setting is not None and s.sen_setting not in allowed:
        yield "SENSetting", s.sen_setting


@rule("SEN_SETTING_OTHER_MISSING", QUERY, "plandetail placement",
      "Say more about an 'other' setting (SENSetting OTH or NIEO) in SENSettingOther.")
def _(s, ctx):
    if s.sen_setting in ("OTH", "NIEO") and not s.sen_setting_other:
        yield "SENSettingOther", ""


@rule("PLACEMENT_RANK_MISSING", ERROR, "plandetail placement",
      "Every setting needs its PlacementRank (1 for the main one).")
def _(s, ctx):
    if s.placement_rank is None:
        yield "PlacementRank", ""


@rule("UNIT_WITHOUT_URN", ERROR, "plandetail placement",
      "An SEN unit or resourced provision (indicator 1) must belong to a school with a URN.")
def _(s, ctx):
    if (s.sen_unit_indicator or s.resourced_provision_indicator) and not s.urn:
        yield ("SENunitIndicator" if s.sen_unit_indicator else "ResourcedProvisionIndicator"), "1"


# ------------------------------------------------------------------------------------------- placements


@rule("PLACEMENT_ENTRY_MISSING", ERROR, "placement", "A placement needs the date the person started (EntryDate).")
def _(s, ctx):
    if s.entry_date is None:
        yield "EntryDate", ""


@rule("PLACEMENT_LEAVING_BEFORE_ENTRY", ERROR, "placement", "The placement's LeavingDate is before its EntryDate.")
def _(s, ctx):
    if s.entry_date and s.leaving_date and s.leaving_date < s.entry_date:
        yield "LeavingDate", s.leaving_date


@rule("PLACEMENT_ENTRY_AFTER_CENSUS", ERROR, "placement", "The placement's EntryDate is after the census date.")
def _(s, ctx):
    if _after(s.entry_date, ctx):
        yield "EntryDate", s.entry_date


rule("RES_CODE", ERROR, "placement activeplans", "Res must be A (38 to 51 weeks) or B (52 weeks), or left out.")(
    _in("Res", "res", codes.RESIDENTIAL))


rule("WBP_CODE", ERROR, "placement activeplans",
      "WBP must be A (apprenticeship), T (traineeship) or S (supported internship), or left out.")(
    _in("WBP", "wbp", codes.WORK_BASED_LEARNING))


# ----------------------------------------------------------------------------------------- active plans


@rule("ACTIVE_PLAN_WITHOUT_NAMED_PLAN", ERROR, "activeplans",
      "ActivePlans is given, but the request has no NamedPlan (a transferred-in plan is recorded with "
      "AssessmentOutcome H and its NamedPlan).")
def _(ap, ctx):
    if ctx.plan is None:
        yield "", ""


@rule("ACTIVE_PLAN_CEASED", ERROR, "activeplans",
      "ActivePlans is for a plan open on the census date, but this plan ceased on or before it.")
def _(ap, ctx):
    if ctx.plan is not None and ctx.plan.cease_date is not None and ctx.plan.cease_date <= ctx.census:
        yield "", ctx.plan.cease_date


@rule("PLACEMENT_MISSING", ERROR, "activeplans",
      "An active plan needs at least one PlacementDetail (use a SENSetting such as NIEO when there is no setting).")
def _(ap, ctx):
    if not ap.placement_details:
        yield "PlacementDetail", ""


@rule("PLACEMENT_RANKS", ERROR, "activeplans",
      "The placements open on the census date need exactly one main placement (PlacementRank 1) and no rank "
      "given twice.")
def _(ap, ctx):
    open_ = [p for p in ap.placement_details if p.leaving_date is None or p.leaving_date > ctx.census]
    for element, value, _m in _ranks(open_, "PlacementDetail", "placement_rank"):
        yield element, value


@rule("NEED_MISSING", ERROR, "activeplans", "An active plan needs its primary type of need (SENneed with rank 1).")
def _(ap, ctx):
    if not ap.sen_needs:
        yield "SENneed", ""


@rule("NEED_RANKS", ERROR, "activeplans",
      "An active plan needs exactly one primary need (SENtypeRank 1), at most one secondary need (rank 2), and "
      "no more than two needs.")
def _(ap, ctx):
    if ap.sen_needs:
        ranks = [n.sen_type_rank for n in ap.sen_needs]
        if ranks.count(1) != 1 or len(set(ranks)) != len(ranks) or len(ranks) > 2:
            yield "SENneed", ", ".join(map(str, ranks))


@rule("NEED_TYPE_REPEATED", ERROR, "activeplans", "The same type of need is given twice for one plan.")
def _(ap, ctx):
    types = [n.sen_type for n in ap.sen_needs]
    if len(set(types)) != len(types):
        yield "SENneed", ", ".join(t or "" for t in types)


@rule("TRANSFER_LA_CODE", ERROR, "activeplans",
      "TransferLA must be the 3-digit DfE number of the LA the plan transferred in from.")
def _(ap, ctx):
    if ap.transfer_la is not None and not _LA.fullmatch(ap.transfer_la):
        yield "TransferLA", ap.transfer_la


@rule("TRANSFER_LA_SELF", ERROR, "activeplans", "TransferLA is this LA's own number: a plan transfers in from "
      "another LA.")
def _(ap, ctx):
    if ap.transfer_la is not None and ap.transfer_la == ctx.lea:
        yield "TransferLA", ap.transfer_la


rule("REVIEW_OUTCOME_CODE", ERROR, "activeplans",
      "ReviewOutcome must be M (maintain), A (amend) or C (cease).", first_year=2024)(
    _in("ReviewOutcome", "review_outcome", codes.REVIEW_OUTCOME))


@rule("REVIEW_OUTCOME_WITHOUT_MEETING", ERROR, "activeplans",
      "A ReviewOutcome is given without the date of the review meeting (ReviewMeeting).", first_year=2024)
def _(ap, ctx):
    if ap.review_outcome is not None and ap.review_meeting is None:
        yield "ReviewMeeting", ""


@rule("REVIEW_MEETING_WITHOUT_OUTCOME", QUERY, "activeplans",
      "A review meeting is recorded without its outcome (ReviewOutcome).", first_year=2025)
def _(ap, ctx):
    if ap.review_meeting is not None and ap.review_outcome is None:
        yield "ReviewOutcome", ""


@rule("REVIEW_DECISION_BEFORE_MEETING", ERROR, "activeplans",
      "LastReview (the date the family was told the decision) is before the review meeting.", first_year=2024)
def _(ap, ctx):
    if ap.last_review and ap.review_meeting and ap.last_review < ap.review_meeting:
        yield "LastReview", ap.last_review


@rule("REVIEW_AFTER_CENSUS", ERROR, "activeplans", "A review date is after the census date.")
def _(ap, ctx):
    for element, day in (("ReviewMeeting", ap.review_meeting), ("LastReview", ap.last_review),
                         ("ReviewDraft", ap.review_draft)):
        if _after(day, ctx):
            yield element, day


@rule("REVIEW_BEFORE_PLAN", ERROR, "activeplans", "The annual review is dated before the plan started.")
def _(ap, ctx):
    start = ctx.plan.start_date if ctx.plan is not None else None
    for element, day in (("ReviewMeeting", ap.review_meeting), ("LastReview", ap.last_review)):
        if start and day and day < start:
            yield element, day


@rule("REVIEW_OVERDUE", QUERY, "activeplans",
      "The plan is more than a year old but no annual review is recorded in the 12 months to the census date.")
def _(ap, ctx):
    start = ctx.plan.start_date if ctx.plan is not None else None
    year_before = ctx.census.replace(year=ctx.census.year - 1)
    if start and start < year_before:
        latest = max((d for d in (ap.review_meeting, ap.last_review) if d), default=None)
        if latest is None or latest < year_before:
            yield "LastReview", latest or ""


@rule("PHASE_TRANSFER_LATE", QUERY, "activeplans",
      "The plan was finalised for the phase transfer (PhaseTransferFinalDate) after the statutory deadline "
      "(PhaseTransferDueDate).", first_year=2025)
def _(ap, ctx):
    if ap.phase_transfer_final_date and ap.phase_transfer_due_date and \
            ap.phase_transfer_final_date > ap.phase_transfer_due_date:
        yield "PhaseTransferFinalDate", ap.phase_transfer_final_date


# ------------------------------------------------------------------------------------------------ needs


@rule("NEED_TYPE_CODE", ERROR, "need",
      "SENtype must be an SEN2 type of need: SPLD, MLD, SLD, PMLD, SEMH, SLCN, HI, VI, MSI, PD, ASD, OTH (and DS "
      "from 2025).")
def _(n, ctx):
    allowed = set(codes.NEED_TYPE) - {"NSA"} - ({"DS"} if ctx.year < 2025 else set())
    if n.sen_type not in allowed:
        yield "SENtype", n.sen_type


@rule("NEED_RANK_VALUE", ERROR, "need", "SENtypeRank must be 1 (primary need) or 2 (secondary need).")
def _(n, ctx):
    if n.sen_type_rank not in (1, 2):
        yield "SENtypeRank", n.sen_type_rank


# ------------------------------------------------------------------------------------------------ driver


def _value(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _run(module: str, record, ctx: Context, who: str, out: list[Issue]) -> None:
    for r, check in ctx.checks.get(module, ()):
        for finding in check(record, ctx):
            element, value = finding[0], finding[1]
            message = finding[2] if len(finding) > 2 and finding[2] else r.message
            lines = record.lines or {}
            path = f"{record.path or ''}/{element}" if element else (record.path or "")
            out.append(Issue(rule=r.id, severity=r.severity, message=message, person=who, path=path,
                             line=lines.get(element, record.line), value=_value(value)))


def context_new(header: Header | None, year: int) -> Context:
    return Context(year=year, census=sen2_census_date(year), lea=header.lea if header else None)


def header_issues(header: Header, ctx: Context) -> list[Issue]:
    out: list[Issue] = []
    _run("header", header, ctx, "", out)
    return out


def person_issues(person: Person, ctx: Context) -> list[Issue]:
    """Every rule's failures for one person (and, through `ctx`, across the people checked before)."""
    out: list[Issue] = []
    who = person.label
    ctx.person = person
    _run("person", person, ctx, who, out)
    for request in person.requests:
        ctx.request, ctx.assessment, ctx.plan, ctx.active = request, request.assessment, None, None
        _run("request", request, ctx, who, out)
        if request.assessment is not None:
            _run("assessment", request.assessment, ctx, who, out)
            ctx.plan = request.assessment.named_plan
            if ctx.plan is not None:
                _run("plan", ctx.plan, ctx, who, out)
                for detail in ctx.plan.plan_details:
                    _run("plandetail", detail, ctx, who, out)
        active = request.active_plans
        if active is not None:
            ctx.active = active
            _run("activeplans", active, ctx, who, out)
            for placement in active.placement_details:
                _run("placement", placement, ctx, who, out)
            for need in active.sen_needs:
                _run("need", need, ctx, who, out)
    return out


def _line_key(issue: Issue) -> tuple:
    return (issue.line is None, issue.line or 0)


def validate(source: str | Path | BinaryIO, *, year: int | None = None, name: str | None = None,
             progress: Callable[[int], None] | None = None) -> Report:
    """Read and check a SEN2 file as a stream: structure against our XSD, then every rule. The report lists
    the issues in file order. `progress`, if given, is called with the number of people read every 10,000."""
    reader = Reader(source, year=year, name=name)
    report = Report(file=reader.name)
    found: list[Issue] = []
    ctx = None
    for person in reader:
        if ctx is None:
            ctx = context_new(reader.header, reader.year)
            found += header_issues(reader.header, ctx)
        found += person_issues(person, ctx)
        if progress and reader.persons_read % 10_000 == 0:
            progress(reader.persons_read)
    if ctx is None and reader.header is not None:
        found += header_issues(reader.header, context_new(reader.header, reader.year))
    report.year = reader.year
    report.persons = reader.persons_read
    report.complete = not reader.fatal
    report.issues = sorted([*reader.issues, *found], key=_line_key)
    return report


def records_validate(header: Header, persons: Iterable[Person], *, year: int | None = None) -> Iterator[Issue]:
    """The rules' failures for records held in memory (no structure check: records are not XML)."""
    year = year or header.year
    ctx = context_new(header, year)
    yield from header_issues(header, ctx)
    for person in persons:
        yield from person_issues(person, ctx)
