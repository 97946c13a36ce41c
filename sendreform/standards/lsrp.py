"""The DfE Local SEND Reform Plan (LSRP) data template as the DfE lays it out: its section titles, its rows
(the five age groups, the fourteen provision rows, the thirteen primary needs, the 7.1-7.7 provision groups)
and the year convention, with the mapping from our setting categories and need codes onto its rows as data.

The facts are from the public reading of the DfE template, `MastodonC/witan.send.lsrp` (`lsrp.clj` for the
section titles, `lsrp/domains.clj` for the rows, `lsrp/assumptions.clj` for the conventions), spelt as it
spells them. An area whose categories map otherwise gives its own entries (`lsrp_mapping_with`), which
replace the standard entries for the same category and phase; `docs/architecture.md` says where they are set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sendreform.standards.codes import NEED_TYPE, SETTING_CATEGORY

# Calendar years of the template's columns. The DfE asks for "the actual number for 2025 calendar year": the
# count at the end of that calendar year, that is the January census of the year after (2025 -> January 2026).
# Requests, assessments and plans from assessments (10-12) count what happened in the calendar year.
YEARS = (2025, 2026, 2027, 2028, 2029)
YEAR_CONVENTION = (
    "A calendar year's column counts EHC plans at the end of that calendar year, that is at the January school "
    "census of the year after (the 2025 column is the January 2026 census; 2029 is January 2030). Requests, "
    "assessments and assessments resulting in a plan (sections 10 to 12) are those of the calendar year itself, "
    "1 January to 31 December, which is the period between the two January censuses.")


def census_year(year: int) -> int:
    """The January census a calendar year's column of plans is counted at."""
    return year + 1


TOTAL = "Total"
FIRST_COLUMN = "Calendar Year"

AGE_GROUPS = ("Under 5", "Age 5 to 10", "Age 11 to 15", "Age 16 to 19", "Age 20 to 25")

PROVISION_ROWS = (
    "Early Years settings including PVIs",
    "Mainstream schools or academies",
    "Support bases in mainstream settings",
    "Specialist bases in mainstream settings",
    "Maintained special schools or special academies",
    "NMSS or independent schools - LA funded placements",
    "NMSS or independent schools - other suitable arrangements",
    "Alternative Provision",
    "Mainstream Post 16 provision",
    "Mainstream Post 16 specialist provision",
    "Specialist Post-16 institutions",
    "Elective Home Education (EHE)",
    "Other arrangements by LA (EOTAS)",
    "Other (including hospital schools where applicable)",
)

NEEDS = (
    "Autistic Spectrum Disorder",
    "Hearing Impairment",
    "Moderate Learning Difficulty",
    "Multi- Sensory Impairment",
    "Physical Disability",
    "Profound & Multiple Learning Difficulty",
    "Social, Emotional and Mental Health",
    "Speech, Language and Communications needs",
    "Severe Learning Difficulty",
    "Specific Learning Difficulty",
    "Visual Impairment",
    "Other Difficulty/Disability",
    "SEN support but no specialist assessment of type of need",
)
NO_ASSESSMENT_NEED = NEEDS[-1]  # SEN support only: never the primary need of a plan, so 0 in section 7

# The 7.1-7.7 groups: each a union of provision rows (EHE, EOTAS and "Other" are in none of them).
PROVISION_GROUPS = (
    ("7.1", "Early Years Settings including PVIs", (PROVISION_ROWS[0],)),
    ("7.2", "Mainstream Schools or Academies (including Support Bases)", PROVISION_ROWS[1:3]),
    ("7.3", "Specialist Bases", (PROVISION_ROWS[3],)),
    ("7.4", "Maintained Special Schools or Special Academies", (PROVISION_ROWS[4],)),
    ("7.5", "Non-Maintained Special Schools or Independent Schools", PROVISION_ROWS[5:7]),
    ("7.6", "AP or Hospital Schools", (PROVISION_ROWS[7],)),
    ("7.7", "Post-16 (Further Education or Specialist Further Education) Settings", PROVISION_ROWS[8:11]),
)

TITLES = {
    "5.1": "5.1 Total number of EHC plans by age group (with estimated future projections)",
    "6": "6. Current and projected number of all CYP with EHC plans by provision",
    "7": "7. Current and projected number of all CYP with EHC plans by primary need",
    **{n: f"{n} Current and projected number of all CYP with EHC plans in {name} by primary need"
       for n, name, _ in PROVISION_GROUPS},
    "10": "10. Current and projected number of all EHCNA requests by CYP age",
    "11": "11. Current and projected number of all EHC Needs Assessments by CYP age",
    "12": "12. Current and projected number of all EHCNAs that result in an EHCP",
}
SECTION_ROWS = {
    "5.1": AGE_GROUPS, "6": PROVISION_ROWS, "7": NEEDS,
    **{n: NEEDS for n, _, _ in PROVISION_GROUPS},
    "10": AGE_GROUPS, "11": AGE_GROUPS, "12": AGE_GROUPS,
}

PRE16, POST16, ANY_PHASE = "pre16", "post16", "any"
PHASES = (PRE16, POST16, ANY_PHASE)


@dataclass(frozen=True)
class ProvisionEntry:
    """Plans in a setting category, in a phase (pre-16: up to year 11; post-16: year 12 on), go in a row."""

    setting: str
    phase: str
    row: str
    reason: str = ""


# The standard mapping of our setting categories onto the fourteen rows. "Support bases in mainstream settings"
# (funded by the setting, not the LA, so not recorded) and "NMSS or independent schools - other suitable
# arrangements" have no category of ours and stay 0 unless an area maps one onto them.
PROVISION_MAP = (
    ProvisionEntry("EARLY_YEARS", ANY_PHASE, PROVISION_ROWS[0]),
    ProvisionEntry("MAINSTREAM", PRE16, PROVISION_ROWS[1]),
    ProvisionEntry("MAINSTREAM", POST16, PROVISION_ROWS[8], "a mainstream school's sixth form"),
    ProvisionEntry("MAINSTREAM_BASE", PRE16, PROVISION_ROWS[3], "LA-funded SEN units and resourced provision"),
    ProvisionEntry("MAINSTREAM_BASE", POST16, PROVISION_ROWS[9], "a specialist base with post-16 provision"),
    ProvisionEntry("MAINTAINED_SPECIAL", ANY_PHASE, PROVISION_ROWS[4]),
    ProvisionEntry("INMSS", ANY_PHASE, PROVISION_ROWS[5], "placements the LA funds"),
    ProvisionEntry("AP", ANY_PHASE, PROVISION_ROWS[7]),
    ProvisionEntry("POST16_MAINSTREAM", ANY_PHASE, PROVISION_ROWS[8]),
    ProvisionEntry("POST16_SPECIALIST", ANY_PHASE, PROVISION_ROWS[10]),
    ProvisionEntry("EHE", ANY_PHASE, PROVISION_ROWS[11]),
    ProvisionEntry("EOTAS", ANY_PHASE, PROVISION_ROWS[12]),
    ProvisionEntry("UNPLACED", ANY_PHASE, PROVISION_ROWS[13], "awaiting a placement"),
    ProvisionEntry("NOT_IN_EDUCATION", ANY_PHASE, PROVISION_ROWS[13], "not in education, employment or training"),
    ProvisionEntry("OTHER", ANY_PHASE, PROVISION_ROWS[13]),
)

# Our primary need codes onto the DfE's (Down syndrome, a code the template predates, is "Other").
NEED_MAP = {
    "ASD": NEEDS[0], "HI": NEEDS[1], "MLD": NEEDS[2], "MSI": NEEDS[3], "PD": NEEDS[4], "PMLD": NEEDS[5],
    "SEMH": NEEDS[6], "SLCN": NEEDS[7], "SLD": NEEDS[8], "SPLD": NEEDS[9], "VI": NEEDS[10], "OTH": NEEDS[11],
    "DS": NEEDS[11], "NSA": NEEDS[12],
}


class LsrpMappingError(ValueError):
    """A mapping that does not place every setting category and phase on exactly one DfE row."""


@dataclass(frozen=True)
class LsrpMapping:
    provision: tuple[ProvisionEntry, ...]
    needs: Mapping[str, str]

    def row_of(self, setting: str, phase: str) -> str:
        """The DfE provision row of plans in a setting category in a phase (PRE16 or POST16)."""
        for entry in self.provision:
            if entry.setting == setting and entry.phase in (phase, ANY_PHASE):
                return entry.row
        raise LsrpMappingError(f"no DfE provision row for {setting} ({phase})")


def lsrp_mapping_with(*, provision: Iterable[ProvisionEntry] = (), needs: Mapping[str, str] | None = None) -> LsrpMapping:
    """The standard mapping with an area's entries in place of the standard ones for the same setting category
    (an entry for a phase replaces that phase; one for any phase replaces both). Checked whole."""
    own = list(provision)
    kept = [e for e in PROVISION_MAP
            if not any(o.setting == e.setting and (ANY_PHASE in (o.phase, e.phase) or o.phase == e.phase) for o in own)]
    mapping = LsrpMapping(provision=tuple(kept + own), needs={**NEED_MAP, **(needs or {})})
    for entry in mapping.provision:
        if entry.setting not in SETTING_CATEGORY:
            raise LsrpMappingError(f"{entry.setting!r} is not a setting category ({', '.join(SETTING_CATEGORY)})")
        if entry.phase not in PHASES:
            raise LsrpMappingError(f"{entry.phase!r} is not a phase ({', '.join(PHASES)})")
        if entry.row not in PROVISION_ROWS:
            raise LsrpMappingError(f"{entry.row!r} is not one of the DfE's fourteen provision rows")
    for code, row in mapping.needs.items():
        if code not in NEED_TYPE:
            raise LsrpMappingError(f"{code!r} is not a need code ({', '.join(NEED_TYPE)})")
        if row not in NEEDS:
            raise LsrpMappingError(f"{row!r} is not one of the DfE's thirteen needs")
    for setting in SETTING_CATEGORY:
        for phase in (PRE16, POST16):
            if sum(e.setting == setting and e.phase in (phase, ANY_PHASE) for e in mapping.provision) != 1:
                raise LsrpMappingError(f"{setting} ({phase}) must go in exactly one DfE provision row")
    return mapping


STANDARD = lsrp_mapping_with()


def largest_remainder(total: int, weights: Iterable[float]) -> list[int]:
    """Whole numbers, one per weight, adding up to `total`, each as near its share of the total as can be: every
    share rounded down, then the rest handed one each to the largest remainders (the earlier row on a tie).
    With no weight at all the total goes to no row and the rows are 0 (the caller's total is then 0 too)."""
    weights = [max(float(w), 0.0) for w in weights]
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    shares = [w * total / whole for w in weights]
    out = [int(s) for s in shares]
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out
