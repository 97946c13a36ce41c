"""A reader of the DfE's "Education, health and care plans" release CSVs (explore-education-statistics), every
measure of every row as the DfE publishes it, with its symbols kept.

A release is a folder `<name>/data/*.csv` (or `*.csv.gz`); `published_read(folder=...)` reads every release
folder under `folder` (the layout of ../shared/data/ehcp). The two releases known are 2022 (sen2_*.csv, the
series 2010-2022) and 2025 (caseload.csv, newplans.csv, ...); a later release in the 2025 layout is read as
well, and whatever the reader does not know (a file, a column) is said in `PublishedRelease.notes`, not
guessed at. A row that cannot be read stops the reading with its file, row and column (PublishedDataError).

Geography: England (level "National", the country code), the nine regions (region code) and each local
authority with both its nine-character code (new_la_code, which changes when a council is reorganised) and
its three-digit DfE code (old_la_code, which does not: Northumberland, Gateshead, Buckinghamshire, North
Yorkshire and Somerset keep theirs). `BOUNDARY_CHANGES` lists the reorganisations the data shows, where a
successor's series starts afresh; `SMALL_AREAS` lists the two areas left out of ranks and neighbour medians.

Data defects are mended here and reported in `notes`: an area-year whose new plans total
(newplans.csv, "New EHC plans") disagrees with the sum of its own "Age when plan started" rows takes the sum
(the 2025 release gives all fifteen Yorkshire and the Humber areas the regional total, 6,078, as their 2022
new plans); the published text is kept beside it.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# The DfE's symbols (explore-education-statistics conventions), kept as published.
SYMBOLS = {
    "c": "suppressed to protect confidentiality",
    "x": "not available",
    "z": "not applicable",
    "low": "rounds to 0 but is not 0",
    "u": "low reliability",
}
LEVELS = {"National": "england", "Regional": "region", "Local authority": "la"}
GEOGRAPHY = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
             "region_name", "new_la_code", "old_la_code", "la_name")
# The breakdown columns of each layout: the 2025 layout's topic and breakdown; the 2022 files' own.
BREAKDOWNS = {
    "sen2_age_caseload.csv": (None, "characteristic_age"),
    "sen2_estab_caseload.csv": ("establishment_type", "establishment_group"),
    "sen2_mi.csv": (None, None),
}
DEFAULT_BREAKDOWN = ("breakdown_topic", "breakdown")
# The measure columns of each file the reader knows (the 2022 and 2025 releases); any other column is read and
# named in the notes.
KNOWN_MEASURES = {
    "sen2_age_caseload.csv": "Total_st,Total_st_pc,Total_ehc,Total_ehc_pc,Total_all,Total_all_pc",
    "sen2_estab_caseload.csv": "Total_st,Total_st_pc,Total_ehc,Total_ehc_pc,Total_all,Total_all_pc",
    "sen2_mi.csv": (
        "NewallEHC,NewallEHC_pc,NewallEHC_AssnoneEHC_sum,AssnoneEHC,AssnoneEHC_pc,AssnodecisionEHC,AssRefusedEHC,"
        "AssRefusedEHC_pc,Assnone,Assnodecision,AssRefused,Mtosi,Sitom,MtoPar,SitoPar,Dislea,Dismet,Disoth,Disleft,"
        "MtosiEHC,SitomEHC,MtoParEHC,SitoParEHC,DisleaEHC,DismetEHC,DisothEHC,DisleftEHC,InreqEHC,InreqryaEHC,"
        "TotIncExcEHC,IncExc20weekEHC,IncExc20weekRate,TotNoExcEHC,NoExc20weekEHC,NoExc20weekRate,TotIncExc,"
        "IncExc26week,TotNoExc,NoExc26week,StatementstoEHC,StatementstoNoEHC,PersonalBudgets,OrgArrangements,"
        "DirectPayEducation,DirectPaySocialCare,DirectPayHealth,DirectPayIntegrated,NewEHCMediation,NewEHCTribunal,"
        "NewEHCTribunal_pc"),
    "annual_reviews.csv": (
        "total_ehc_plans,review_expected,review_not_expected,review_meeting_25,review_meeting_24,"
        "review_meeting_prior_24,total_review_meeting,no_review_meeting,review_decision25,review_decision24,"
        "review_decision_prior24,review_decision_not_due,review_decision_outstanding,outcome_amend,outcome_cease,"
        "outcome_maintan,no_outcome,number_decsion_4weeks,number_decision_gt_4weeks,pc_decsion_4weeks,"
        "pc_decision_gt_4weeks"),
    "assessments.csv": (
        "assess_in_year,assess_issued,assess_issued_pc,assess_not_issued,assess_not_issued_pc,assess_not_made,"
        "assess_not_made_pc,assess_withdrawn,assess_withdrawn_pc,outcome_decision_within_time,"
        "outcome_decision_over_time,outcome_decision_within_time_pc,outcome_decision_over_time_pc,"
        "number_assess_mediation,number_assess_tribunal,number_asssess_mediation_tribunal,number_other_mediation,"
        "number_other_tribunal,number_other_mediation_tribunal"),
    "ceased_plans.csv": "max_age,needs_met,he,employ,transfer,no_engage,moved_outside_eng,deceased,not_rec,other,"
                        "total_ceased",
    "requests.csv": (
        "requests_received_in_year,requests_rya,requests_decided_to_assess,requests_decided_not_to_assess,"
        "requests_decision_not_made,requests_withdrawn,request_assess_pc,request_not_assess_pc,"
        "request_outstanding_pc,request_withdrawn_pc,request_outcome_six_weeks,request_outcome_over_6_weeks,"
        "request_outcome_six_weeks_pc,request_outcome_over_6_weeks_pc,mediation_related_request,"
        "tribunal_related_request,tribunal_after_mediation_request"),
    "timeliness_20_week.csv": (
        "plans_issued_den,plans_issued_den_ex,plans_issued_within_20_weeks,plans_issued_20_weeks_ex,"
        "pc_plans_issued_within_20_weeks,PC_plans_issued_20_weeks_ex,plans_issued_gt20weeks_ltYear,"
        "plans_issued_gt20weeks_ltYear_ex,pc_plans_issued_gt20weeks_ltYear,PC_plans_issued_gt20weeks_ltYear_ex,"
        "plans_issued_gt_1_year,plans_issued_gt_1_year_ex,pc_plans_issued_gt_1_year,PC_plans_issued_gt_1_year_ex"),
}
_PLACEMENTS = (
    "mainstream_la_maintained,mainstream_la_maintained_resourced_provision,mainstream_la_maintained_senunit,"
    "mainstream_academy,mainstream_academy_resourced_provision,mainstream_academy_senunit,mainstream_free_school,"
    "mainstream_free_school_resourced_provision,mainstream_free_school_senunit,mainstream_independent,"
    "mainstream_total,mainstream_total_pc,special_la_maintained,special_academy_free,special_independent,"
    "special_non_maintained,special_total,special_total_pc,ap_pru_academy,ap_pru_free_school,ap_pru_la_maintained,"
    "ap_pru_total,AP_PRU_total_pc,general_fe_tertiary_colleges,specialist_post_16_institutions,ukrlp_provider,"
    "fe_total,fe_total_pc,elective_home_education,other_arrangements_la,other_arrangements_parents,online_provider,"
    "w_settings,other_schools,other_placement_settings,neet,neet_ntci,neet_other,neet_other_csa,ed_elsewhere,"
    "ed_elsewhere_pc,nm_early_years,nm_early_years_pc,placement_unknown,placement_unknown_pc,await_prov_2022,"
    "perm_ex_2022")
_NEEDS = (
    "ehc_plans,number_asd,number_hi,number_mld,number_msi,number_oth,number_pd,number_pmld,number_semh,number_slcn,"
    "number_sld,number_spld,number_vi,number_need_unknown,asd_pc,hi_pc,mld_pc,msi_pc,oth_pc,pd_pc,pmld_pc,semh_pc,"
    "slcn_pc,sld_pc,spld_pc,vi_pc,unknown_pc")
KNOWN_MEASURES |= {"caseload.csv": "ehcplans," + _PLACEMENTS, "newplans.csv": "new_ehc_plans," + _PLACEMENTS,
                   "sen_needs_all_plans.csv": _NEEDS, "sen_need_newplans.csv": _NEEDS}
KNOWN_MEASURES = {name: tuple(columns.split(",")) for name, columns in KNOWN_MEASURES.items()}

# Reorganisations the data shows: the successors' series start afresh (their predecessors' rows stay under the
# predecessors' codes). Code changes without a boundary change keep the DfE's three-digit code, so an area's
# series runs across them.
BOUNDARY_CHANGES = (
    ("Bournemouth, Poole and Dorset", 2019, ("835", "836", "837"), ("838", "839"),
     "Bournemouth, Poole and Dorset county (to 2019) became Bournemouth, Christchurch and Poole and Dorset "
     "(from 2020), Christchurch moving across"),
    ("Northamptonshire", 2021, ("928",), ("940", "941"),
     "Northamptonshire (to 2021) was split into North and West Northamptonshire (from 2022)"),
    ("Cumbria", 2023, ("909",), ("942", "943"),
     "Cumbria (to 2023) was split into Cumberland and Westmorland and Furness (from 2024)"),
)
CODE_CHANGES = (
    ("Northumberland", "929", "E06000048", "E06000057"), ("Gateshead", "390", "E08000020", "E08000037"),
    ("Buckinghamshire", "825", "E10000002", "E06000060"), ("North Yorkshire", "815", "E10000023", "E06000065"),
    ("Somerset", "933", "E10000027", "E06000066"),
)
# 9 to 26 plans each: one child moves a rate by 4-10% and their cells are suppressed; not ranked, not in medians.
SMALL_AREAS = {"201": "City of London", "420": "Isles of Scilly"}
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_RELEASE = re.compile(r"education-health-and-care-plans_(\d{4})$")


class PublishedDataError(ValueError):
    """A release file that cannot be read as the DfE publishes it; names the file, row and column."""


@dataclass(frozen=True)
class PublishedValue:
    """One published cell: where and when, which breakdown, which measure, the text as published."""

    file: str
    row: int  # the line in the file (the header is line 1)
    time_period: str
    time_identifier: str
    level: str  # england, region or la
    code: str  # E92000001, the region code or the local authority's nine-character code
    old_code: str  # the DfE's three-digit code (local authorities only)
    name: str
    region_code: str
    region_name: str
    breakdown_topic: str
    breakdown: str
    measure: str
    text: str  # as published: a number or one of SYMBOLS
    number: float | None

    @property
    def year(self) -> int:
        """The year the figure belongs to: a calendar year as it is; an academic year's January census (202425 is
        January 2025)."""
        period = self.time_period
        return int(period[:4]) + 1 if len(period) == 6 else int(period)


@dataclass
class PublishedRelease:
    name: str  # the folder's name, e.g. education-health-and-care-plans_2025
    year: int
    files: list[str] = field(default_factory=list)
    values: list[PublishedValue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _open(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def _headline(file: str, topic: str, breakdown: str) -> bool:
    """The row of the whole group (all plans, all requests, ...), not a breakdown of it. The 2022 files' age
    and establishment rows keep their totals' rows; sen2_mi.csv has no breakdown."""
    if file == "sen2_estab_caseload.csv":
        return topic == "Total"
    if file == "sen2_age_caseload.csv":
        return breakdown == "Total"
    return topic == breakdown


def _file_read(path: Path, release: PublishedRelease, *, headline_only: bool) -> Iterator[PublishedValue]:
    file = path.name.removesuffix(".gz")
    label = f"{release.name}/data/{file}"
    with _open(path) as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise PublishedDataError(f"{label}: the file is empty")
        missing = [c for c in GEOGRAPHY if c not in header]
        topic_column, breakdown_column = BREAKDOWNS.get(file, DEFAULT_BREAKDOWN)
        missing += [c for c in (topic_column, breakdown_column) if c and c not in header]
        if missing:
            raise PublishedDataError(f"{label}, row 1: no column {', '.join(missing)} (the DfE's layout has them)")
        structural = set(GEOGRAPHY) | {topic_column, breakdown_column}
        measures, seen = [], set()
        for index, column in enumerate(header):
            if column in structural:
                continue
            if column in seen:
                release.notes.append(f"{label}: column {column} appears twice; the first is read")
                continue
            seen.add(column)
            measures.append((index, column))
        known = KNOWN_MEASURES.get(file)
        if known is None:
            release.notes.append(f"{label}: a file the reader does not know; its {len(measures)} columns are read "
                                 "as published measures")
        else:
            unknown = [c for _, c in measures if c not in known]
            if unknown:
                release.notes.append(f"{label}: columns not known to the reader, read as published: "
                                     f"{', '.join(unknown)}")
            absent = [c for c in known if c not in seen]
            if absent:
                release.notes.append(f"{label}: columns of earlier releases not in this one: {', '.join(absent)}")
        at = {column: header.index(column) for column in structural if column}
        for line, cells in enumerate(reader, start=2):
            if not cells:
                continue
            if len(cells) != len(header):
                raise PublishedDataError(f"{label}, row {line}: {len(cells)} cells where the header has {len(header)}")
            level = LEVELS.get(cells[at["geographic_level"]])
            if level is None:
                raise PublishedDataError(f"{label}, row {line}, column geographic_level: "
                                         f"{cells[at['geographic_level']]!r} is not one of {', '.join(LEVELS)}")
            period = cells[at["time_period"]]
            if not re.fullmatch(r"\d{4}(\d{2})?", period):
                raise PublishedDataError(f"{label}, row {line}, column time_period: {period!r} is not a year "
                                         "(2024) or an academic year (202425)")
            topic = cells[at[topic_column]] if topic_column else "Total"
            breakdown = cells[at[breakdown_column]] if breakdown_column else "Total"
            if headline_only and not _headline(file, topic, breakdown) and not (
                    file == "newplans.csv" and topic == "Age when plan started"):
                continue
            code = {"england": cells[at["country_code"]], "region": cells[at["region_code"]],
                    "la": cells[at["new_la_code"]]}[level]
            if not code:
                raise PublishedDataError(f"{label}, row {line}: a {cells[at['geographic_level']]} row with no code")
            name = {"england": cells[at["country_name"]], "region": cells[at["region_name"]],
                    "la": cells[at["la_name"]]}[level]
            common = dict(file=file, row=line, time_period=period, time_identifier=cells[at["time_identifier"]],
                          level=level, code=code, old_code=cells[at["old_la_code"]] if level == "la" else "",
                          name=name, region_code=cells[at["region_code"]], region_name=cells[at["region_name"]],
                          breakdown_topic=topic, breakdown=breakdown)
            for index, column in measures:
                text = cells[index].strip()
                if _NUMBER.match(text):
                    number = float(text)
                elif text in SYMBOLS:
                    number = None
                else:
                    raise PublishedDataError(f"{label}, row {line}, column {column}: {text!r} is neither a number "
                                             f"nor one of the DfE's symbols ({', '.join(SYMBOLS)})")
                yield PublishedValue(measure=column, text=text, number=number, **common)


def _mend_new_plans(release: PublishedRelease) -> None:
    """A local authority's new plans total that is not the sum of its own age rows takes the sum."""
    ages: dict[tuple, list[float | None]] = defaultdict(list)
    for v in release.values:
        if v.file == "newplans.csv" and v.measure == "new_ehc_plans" and v.breakdown_topic == "Age when plan started":
            ages[(v.code, v.time_period)].append(v.number)
    for i, v in enumerate(release.values):
        if not (v.file == "newplans.csv" and v.measure == "new_ehc_plans" and v.level == "la"
                and v.breakdown_topic == "New EHC plans" and v.number is not None):
            continue
        parts = ages.get((v.code, v.time_period))
        if not parts or any(p is None for p in parts):
            continue
        own = sum(parts)
        if own != v.number:
            release.values[i] = PublishedValue(**{**v.__dict__, "text": f"{own:.0f}", "number": own})
            release.notes.append(f"{release.name}/data/newplans.csv, row {v.row}: {v.name} ({v.old_code}) "
                                 f"{v.time_period} new plans published as {v.number:,.0f} is not the sum of its own "
                                 f"age rows, {own:,.0f}; the sum is taken")


def release_read(*, folder: Path | str, headline_only: bool = True) -> PublishedRelease:
    """One release folder (`.../education-health-and-care-plans_2025`, holding data/*.csv or *.csv.gz).
    headline_only keeps the whole-group rows of each file (and newplans.csv's age rows, which mend its totals);
    otherwise every breakdown (sex, ethnicity, age ...) is read too."""
    folder = Path(folder)
    match = _RELEASE.search(folder.name)
    if not match:
        raise PublishedDataError(f"{folder}: not a release folder (education-health-and-care-plans_YYYY)")
    release = PublishedRelease(name=folder.name, year=int(match.group(1)))
    paths = sorted((folder / "data").glob("*.csv")) + sorted((folder / "data").glob("*.csv.gz"))
    if not paths:
        raise PublishedDataError(f"{folder}/data: no release CSVs (*.csv or *.csv.gz)")
    for path in paths:
        release.files.append(path.name.removesuffix(".gz"))
        release.values.extend(_file_read(path, release, headline_only=headline_only))
    _mend_new_plans(release)
    if headline_only:
        release.values = [v for v in release.values
                          if not (v.file == "newplans.csv" and v.breakdown_topic == "Age when plan started")]
    return release


def published_read(*, folder: Path | str, headline_only: bool = True) -> list[PublishedRelease]:
    """Every release folder under `folder`, oldest first (or `folder` itself when it is one)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PublishedDataError(f"{folder}: no such folder")
    if _RELEASE.search(folder.name):
        return [release_read(folder=folder, headline_only=headline_only)]
    releases = [release_read(folder=sub, headline_only=headline_only)
                for sub in sorted(folder.iterdir()) if sub.is_dir() and _RELEASE.search(sub.name)]
    if not releases:
        raise PublishedDataError(f"{folder}: no release folders (education-health-and-care-plans_YYYY/data)")
    return sorted(releases, key=lambda r: r.year)


def neighbours_read(*, path: Path | str) -> dict[str, tuple[str, ...]]:
    """The statistical neighbours file: la_code then sn1..sn10 (nearest first), nine-character codes."""
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if not header or header[0] != "la_code":
            raise PublishedDataError(f"{path}, row 1: the first column must be la_code")
        out = {}
        for line, cells in enumerate(reader, start=2):
            codes = [c.strip() for c in cells if c.strip()]
            bad = next((c for c in codes if not re.fullmatch(r"E\d{8}", c)), None)
            if bad:
                raise PublishedDataError(f"{path}, row {line}: {bad!r} is not a nine-character area code")
            if codes[0] in codes[1:]:
                raise PublishedDataError(f"{path}, row {line}: {codes[0]} is its own neighbour")
            out[codes[0]] = tuple(codes[1:])
    return out
