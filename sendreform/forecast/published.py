"""Every English local area's published EHC plan history, from the DfE "Education, health and care plans"
release CSVs (the 2022 release for the censuses 2010-2018, the 2025 release for 2019-2025), as per-area
aggregates the aggregate path of the model reads (`sendreform.forecast.aggregate`).

For each area: plans at each January census by age group, by setting group and (2025 only) by primary need;
new plans per calendar year by age group at the start of the plan (2019-2024; totals only 2015-2018, from the
2022 release's sen2_mi.csv; 2014 counts only the four months of EHC plans); ceased plans per calendar year (2022-2024).
The age groups are missing from the January 2023 census (the 2025 release has single years of age for 2024
and 2025 only).

Areas are keyed by the DfE's old (three-digit) LA code, which stays put when the nine-character code changes
(Northumberland, Gateshead, Buckinghamshire, North Yorkshire and Somerset). Boundary changes are merged into
one area across the whole history so that every year counts the same children:

- Dorset and BCP: Bournemouth, Poole and Dorset county (to 2019) became Bournemouth, Christchurch and Poole and
  Dorset (from 2020), Christchurch moving across, so neither successor continues a predecessor;
- Northamptonshire: split into North and West Northamptonshire (from 2022);
- Cumbria: split into Cumberland and Westmorland and Furness (from 2024).

The City of London and the Isles of Scilly are left out: 9 to 26 plans each, so one child is a change of 4-10%
and their cells are suppressed. Data defects are found and mended here, each reported in `Published.defects`:
an area-year whose new plans total disagrees with the sum of its own age breakdown rows takes the sum (the 2025
release gives all fifteen Yorkshire and the Humber areas the regional total, 6,078, as their 2022 new plans).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

AGE_GROUPS = ("under 5", "5 to 10", "11 to 15", "16 to 19", "20 to 25")
AGE_EDGES = (5, 11, 16, 20)  # first age of each group after the first
MERGES = {
    "Dorset and BCP": ("835", "836", "837", "838", "839"),
    "Northamptonshire": ("928", "940", "941"),
    "Cumbria": ("909", "942", "943"),
}
LEFT_OUT = {"201": "City of London", "420": "Isles of Scilly"}
R2022 = "education-health-and-care-plans_2022/data"
R2025 = "education-health-and-care-plans_2025/data"
FIRST_2025_CENSUS = 2019
FIRST_NEW_YEAR = 2015  # the first full calendar year of EHC plans
_GROUP_2022 = {"Under 5": 0, "Age 5 to 10": 1, "Age 11 to 15": 2, "Age 16 to 19": 3, "Age 20 to 25": 4}
# Setting groups (the 2022 release's establishment_group; the 2025 release's totals mapped onto them).
SETTINGS_2025 = {"mainstream_total": "Mainstream school", "special_total": "Special school",
                 "ap_pru_total": "Alternative provision/Pupil referral unit", "fe_total": "Further education",
                 "ed_elsewhere": "Educated elsewhere", "nm_early_years": "Non-maintained early years"}


class PublishedDataError(ValueError):
    """A release file is missing or not as the DfE publishes it."""


@dataclass
class Published:
    """Aggregates of every area, each a frame indexed by area key (old LA code, or a merged area's name)."""

    areas: pd.DataFrame  # index area; columns name, codes (the nine-character codes, ' + ' joined)
    stock: pd.DataFrame  # index (area, year), columns AGE_GROUPS, plus "total": plans at the January census
    new: pd.DataFrame  # index (area, year), columns AGE_GROUPS (NaN where only the total is known), "total"
    ceased: pd.DataFrame  # index area, columns years: ceased plans in the calendar year
    setting: pd.DataFrame  # index (area, year), columns setting group
    need: pd.DataFrame  # index area, columns primary need (the January 2025 census)
    defects: list[str] = field(default_factory=list)

    def area_key(self, code: str) -> str:
        """The area key of a nine-character code, an old LA code or a merged area's name."""
        if code in self.areas.index:
            return code
        for key, codes in self.areas["codes"].items():
            if code in codes.split(" + "):
                return key
        raise KeyError(f"no local area {code!r} in the published data")

    def totals(self) -> pd.DataFrame:
        """Total plans, area x census year."""
        return self.stock["total"].unstack("year")

    def new_totals(self) -> pd.DataFrame:
        """New plans, area x calendar year."""
        return self.new["total"].unstack("year")


def _read(folder: Path, name: str) -> pd.DataFrame:
    """One release file, as published (`name`) or gzipped (`name.gz`, as the repository's extract ships it)."""
    path = folder / name
    if not path.exists() and (folder / f"{name}.gz").exists():
        path = folder / f"{name}.gz"
    if not path.exists():
        raise PublishedDataError(f"{path}: not found (the DfE release CSVs go in {folder})")
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, low_memory=False)
    frame = frame[frame["geographic_level"] == "Local authority"]
    return frame[~frame["old_la_code"].isin(LEFT_OUT)]


def _area(old: pd.Series) -> pd.Series:
    key = {code: name for name, codes in MERGES.items() for code in codes}
    return old.map(lambda c: key.get(c, c))


def _number(series: pd.Series) -> pd.Series:
    """Counts as numbers; the DfE's symbols (c suppressed, x not available, z not applicable) as NaN."""
    return pd.to_numeric(series, errors="coerce")


def _age_group(label: pd.Series) -> pd.Series:
    """The age group of a 2025 release age label ('age 7', 'under 3', 'age 2 and under', 'age 20 and over')."""
    age = pd.to_numeric(label.str.extract(r"(\d+)")[0], errors="coerce")
    age = age.where(~label.str.startswith("under"), 0)
    return pd.Series(np.searchsorted(AGE_EDGES, age, side="right"), index=label.index).where(age.notna())


def _wide(frame: pd.DataFrame, group: str, value: str) -> pd.DataFrame:
    out = frame.groupby(["area", "year", group])[value].sum(min_count=1).unstack(group)
    return out.reindex(columns=range(len(AGE_GROUPS))).set_axis(list(AGE_GROUPS), axis=1)


def published_load(*, folder: Path | str) -> Published:
    """Read the release CSVs under `folder` (the layout of ../shared/data/ehcp: one folder per release)."""
    folder = Path(folder)
    defects: list[str] = []
    old = _read(folder / R2022, "sen2_age_caseload.csv")
    new25 = _read(folder / R2025, "caseload.csv")
    names = pd.concat([new25, old])[["old_la_code", "new_la_code", "la_name", "time_period"]]
    names = names.assign(area=_area(names["old_la_code"])).sort_values("time_period", ascending=False)
    areas = names.groupby("area").agg(name=("la_name", "first"),
                                      codes=("new_la_code", lambda c: " + ".join(sorted(set(c)))))
    for name in MERGES:
        areas.loc[name, "name"] = name

    # Plans at each census by age group: 2010-2018 from the 2022 release, 2019-2025 from the 2025 release.
    old = old.assign(area=_area(old["old_la_code"]), year=old["time_period"].astype(int),
                     plans=_number(old["Total_all"]))
    by_group = old[old["characteristic_age"].isin(_GROUP_2022)]
    stock_old = _wide(by_group.assign(g=by_group["characteristic_age"].map(_GROUP_2022)), "g", "plans")
    old = old[old["year"] < FIRST_2025_CENSUS]
    total_old = old[old["characteristic_age"] == "Total"].groupby(["area", "year"])["plans"].sum()
    new25 = new25.assign(area=_area(new25["old_la_code"]), year=new25["time_period"].str[:4].astype(int) + 1,
                         plans=_number(new25["ehcplans"]))
    ages = new25[new25["breakdown_topic"] == "Child or young persons age"]
    stock_new = _wide(ages.assign(g=_age_group(ages["breakdown"])), "g", "plans")
    everyone = new25[new25["breakdown_topic"] == "All EHC plans"]
    total = pd.concat([total_old, everyone.groupby(["area", "year"])["plans"].sum()])
    # Age groups: the 2022 release's to 2022, the 2025 release's single years (2024 and 2025 only) after it;
    # the January 2023 census has only its total.
    stock = pd.concat([stock_old, stock_new[stock_new.index.get_level_values("year") > 2022]])
    stock = stock.reindex(total.index).assign(total=total).sort_index()

    settings_old = _read(folder / R2022, "sen2_estab_caseload.csv")
    settings_old = settings_old[(settings_old["establishment_type"] == "Total")
                                & (settings_old["establishment_group"] != "Total")]
    settings_old = settings_old.assign(area=_area(settings_old["old_la_code"]),
                                       year=settings_old["time_period"].astype(int),
                                       plans=_number(settings_old["Total_all"]))
    settings_old = settings_old[settings_old["year"] < FIRST_2025_CENSUS]
    setting_old = settings_old.groupby(["area", "year", "establishment_group"])["plans"].sum().unstack()
    setting_new = everyone.assign(**{v: _number(everyone[k]) for k, v in SETTINGS_2025.items()}).groupby(
        ["area", "year"])[list(SETTINGS_2025.values())].sum(min_count=1)
    setting = pd.concat([setting_old, setting_new]).sort_index()

    needs = _read(folder / R2025, "sen_needs_all_plans.csv")
    needs = needs[needs["breakdown_topic"] == "All EHC plans"]
    columns = [c for c in needs.columns if c.startswith("number_")]
    need = needs.assign(area=_area(needs["old_la_code"]), **{c: _number(needs[c]) for c in columns})
    need = need.groupby("area")[columns].sum(min_count=1).rename(columns=lambda c: c.removeprefix("number_"))

    # New plans by calendar year: age groups 2019-2024, totals from 2014 (sen2_mi.csv, the same figures as the
    # 2025 release where they overlap).
    newplans = _read(folder / R2025, "newplans.csv")
    newplans = newplans.assign(area=_area(newplans["old_la_code"]), year=newplans["time_period"].astype(int),
                               plans=_number(newplans["new_ehc_plans"]))
    by_age = newplans[newplans["breakdown_topic"] == "Age when plan started"]
    new = _wide(by_age.assign(g=_age_group(by_age["breakdown"])), "g", "plans")
    totals = newplans[newplans["breakdown_topic"] == "New EHC plans"]
    reported = totals.groupby(["old_la_code", "year"])["plans"].sum()
    own = by_age.groupby(["old_la_code", "year"])["plans"].sum()
    wrong = reported[(reported - own.reindex(reported.index)).abs() > 0]
    for (code, year), value in wrong.items():
        name = totals.loc[totals["old_la_code"] == code, "la_name"].iloc[0]
        defects.append(f"{R2025}/newplans.csv: {name} ({code}) {year} new plans {value:,.0f} is not its own age "
                       f"breakdown's sum {own[(code, year)]:,.0f}; the sum is taken")
    new["total"] = new[list(AGE_GROUPS)].sum(axis=1, min_count=1)
    mi = _read(folder / R2022, "sen2_mi.csv")
    mi = mi.assign(area=_area(mi["old_la_code"]), year=mi["time_period"].astype(int),
                   total=_number(mi["NewallEHC"]))
    # 2014 counts only the plans made from September (statements until then), so it starts at 2015.
    mi = mi[(mi["year"] >= FIRST_NEW_YEAR) & (mi["year"] < new.index.get_level_values("year").min())].groupby(["area", "year"])[["total"]].sum()
    new = pd.concat([mi.reindex(columns=new.columns), new]).sort_index()

    wide = new["total"].unstack("year")
    for area, year in zip(*np.nonzero(wide.isna().to_numpy()), strict=True):
        area, year = wide.index[area], wide.columns[year]
        defects.append(f"{R2025}/newplans.csv: {areas.loc[area, 'name']} ({area}) {year} new plans not published; "
                       "the model fills the year from the area's own years around it")
    ceased = _read(folder / R2025, "ceased_plans.csv")
    ceased = ceased[ceased["breakdown_topic"] == "All ceased EHC plans"]
    ceased = ceased.assign(area=_area(ceased["old_la_code"]), year=ceased["time_period"].astype(int),
                           plans=_number(ceased["total_ceased"]))
    ceased = ceased.groupby(["area", "year"])["plans"].sum().unstack("year")

    # A merged area before its merger is the sum of its parts; a year some part lacks is dropped (none today).
    years = stock.groupby("area").size()
    full = years.max()
    for area, n in years[years < full].items():
        defects.append(f"{area}: {n} censuses of {full}; its missing years are left out")
    return Published(areas=areas.loc[stock.index.get_level_values("area").unique()], stock=stock, new=new,
                     ceased=ceased, setting=setting, need=need, defects=defects)
