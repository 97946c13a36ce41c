"""The published figures the synthetic local area is calibrated to: Reading's (old LA code 870) rows of the
DfE "Education, health and care plans" statistics (2025 release, Open Government Licence v3.0) and the
baselines of Reading's Local SEND Reform Plan.

Figures are for Reading at scale 1; `generator.generate_area` multiplies counts by its `scale`. Years
after the last published figure are our own projection (growth slowing to about 5% a year), marked so.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

# Active EHC plans on the January census date of each year (caseload.csv, "All EHC plans").
CENSUS_PLANS = {2019: 1282, 2020: 1364, 2021: 1436, 2022: 1553, 2023: 1773, 2024: 1954, 2025: 1966}
# Projection: growth resumes at about 5% a year, then 4.5%, then 4%.
PROJECTED_CENSUS_PLANS = {2026: 2065, 2027: 2158}
PROJECTED_GROWTH = 0.04

# New plans issued in each calendar year (newplans.csv, new_ehc_plans).
NEW_PLANS = {2019: 174, 2020: 190, 2021: 189, 2022: 194, 2023: 320, 2024: 302}
PROJECTED_NEW_PLANS = {2025: 318, 2026: 334}

# Requests for an EHC needs assessment received in each calendar year (requests.csv).
REQUESTS = {2019: 296, 2020: 271, 2021: 349, 2022: 450, 2023: 475, 2024: 515}
PROJECTED_REQUESTS = {2025: 540, 2026: 560}
REQUESTS_NOT_ASSESSED = {2019: 91, 2020: 66, 2021: 125, 2022: 90, 2023: 141, 2024: 148}
# Share of decisions whether to assess made within six weeks (published for 2023 and 2024 only).
DECISIONS_WITHIN_6_WEEKS = {2023: 0.913, 2024: 0.682}
DEFAULT_DECISIONS_WITHIN_6_WEEKS = 0.88

# Assessments completed in each calendar year (assessments.csv): plan issued / decided not to issue.
ASSESSMENTS_ISSUED = NEW_PLANS
ASSESSMENTS_NOT_ISSUED = {2019: 8, 2020: 12, 2021: 6, 2022: 14, 2023: 11, 2024: 5}

# 20-week timeliness (timeliness_20_week.csv), excluding plans with a week-20 exception:
# plans_issued_20_weeks_ex / plans_issued_den_ex, and the number of exception plans
# (plans_issued_den - plans_issued_den_ex).
WITHIN_20_WEEKS_EX = {2019: 0.494, 2020: 0.859, 2021: 0.899, 2022: 0.798, 2023: 0.749, 2024: 0.591}
PROJECTED_WITHIN_20_WEEKS_EX = {2025: 0.66, 2026: 0.72}
WEEK20_EXCEPTIONS = {2019: 2, 2020: 5, 2021: 0, 2022: 25, 2023: 0, 2024: 50}

# Primary need of active plans, January 2025 (sen_needs_all_plans.csv); the one plan of unknown need
# is counted as OTH.
NEEDS_2025 = {
    "ASD": 650, "SEMH": 409, "SLCN": 401, "MLD": 239, "SLD": 68, "PMLD": 60, "PD": 56, "SPLD": 38,
    "VI": 25, "HI": 19, "MSI": 0, "OTH": 1,
}

# Where active plans were placed, January 2025 (caseload.csv establishment columns), in the demo's
# placement groups (see `generator.GROUPS`):
#   MS = mainstream LA maintained + academy + free school; MSB = their resourced provision and SEN units;
#   MSI = mainstream independent; SP = special LA maintained + academy/free; INMSS = special independent +
#   non-maintained; AP = AP/PRU; FE = general FE and tertiary colleges and sixth forms; SP16 = specialist
#   post-16 institutions; EHE = elective home education; OLA = other arrangements by the LA (EOTAS);
#   OPA = other arrangements by parents; OTH = online providers, welsh settings and other placements;
#   NEET = not in education, employment or training; EY = non-maintained early years;
#   UNPLACED = placement unknown (awaiting provision).
PLACEMENTS_2025 = {
    "MS": 288 + 322 + 79, "MSB": 125 + 35 + 5, "MSI": 10, "SP": 116 + 437, "INMSS": 102 + 8, "AP": 7,
    "FE": 261, "SP16": 2, "EHE": 21, "OLA": 37, "OPA": 1, "OTH": 2 + 2 + 34, "NEET": 44, "EY": 5,
    "UNPLACED": 23,
}

# Age (on 31 August) of children and young people with active plans, January 2025; under 3 as age 2.
AGES_2025 = {
    2: 2, 3: 6, 4: 49, 5: 94, 6: 83, 7: 118, 8: 143, 9: 124, 10: 126, 11: 161, 12: 163, 13: 158, 14: 140,
    15: 149, 16: 116, 17: 128, 18: 76, 19: 50, 20: 30, 21: 28, 22: 10, 23: 5, 24: 7,
}

# Age when plan started, new plans of 2024 (newplans.csv); "20 and over" as 20, and a few under-3s added.
NEW_PLAN_AGES = {
    2: 3, 3: 5, 4: 28, 5: 40, 6: 30, 7: 26, 8: 31, 9: 20, 10: 12, 11: 15, 12: 20, 13: 12, 14: 23, 15: 20,
    16: 11, 17: 6, 18: 2, 19: 1, 20: 1,
}

# Baselines of the Local SEND Reform Plan, read as at the end of May 2026.
BASELINE_DATE = dt.date(2026, 5, 31)
BASELINE_MAINSTREAM = 938  # pupils with EHCPs in maintained mainstream, including ARPs
BASELINE_INMSS = 139
BASELINE_SPECIAL_ATTENDANCE = 0.837  # academic year 2025/26, in-area maintained special schools
BASELINE_NEET_16_17 = 0.09
BASELINE_EHE = 28
BASELINE_UNPLACED_OR_EOTAS = 14
PERMANENT_EXCLUSIONS_SINCE = dt.date(2023, 9, 1)
BASELINE_PERM_EXCLUSIONS = {"E": 2, "K": 15}

# Pupils in the area's schools and the share on SEN support (England: about 14% of pupils).
PUPILS_PER_YEAR_GROUP = 2350
SEN_SUPPORT_SHARE = 0.135

# INMSS unit cost growth the plan assumes, by financial year.
INMSS_COST_GROWTH = {"2025-26": 0.06, "2026-27": 0.05, "2027-28": 0.04}

READING_LA_CODE = "870"
READING_PLANS_2025 = CENSUS_PLANS[2025]

_LA_FILE = Path(__file__).with_name("data") / "la_ehc_plans_2025.csv"


@cache
def la_plans_2025() -> tuple[tuple[str, str, str, int], ...]:
    """(old LA code, new LA code, name, active EHC plans in January 2025) of every English local authority.

    From the DfE caseload.csv (2025 release, LA level, "All EHC plans"), sorted by old LA code.
    """
    with _LA_FILE.open(newline="", encoding="utf-8") as f:
        return tuple(
            (r["old_la_code"], r["new_la_code"], r["la_name"], int(r["ehc_plans"])) for r in csv.DictReader(f)
        )


def census_target(year: int) -> float:
    """Active plans on the January census date of `year` at scale 1 (published, then projected)."""
    if year in CENSUS_PLANS:
        return CENSUS_PLANS[year]
    if year in PROJECTED_CENSUS_PLANS:
        return PROJECTED_CENSUS_PLANS[year]
    last = max(PROJECTED_CENSUS_PLANS)
    return PROJECTED_CENSUS_PLANS[last] * (1 + PROJECTED_GROWTH) ** (year - last)


def yearly(published: dict, projected: dict, year: int, growth: float = PROJECTED_GROWTH) -> float:
    """A yearly figure: published where there is one, else projected, else grown from the last."""
    both = {**published, **projected}
    if year in both:
        return both[year]
    if year < min(both):
        return both[min(both)]
    last = max(both)
    return both[last] * (1 + growth) ** (year - last)
