"""The sections of a run's page and of a backtest's page, each one table built once for the page and its CSV
download (so the two never differ), with the rows of its chart. Figures shown outside the council's own view
pass small-number suppression as the dashboard's do: a breakdown's cells of 1-5 (and the next smallest) show as
"c"."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sendreform.forecast.costs import DSG_LINES
from sendreform.forecast.history import AGE_GROUPS, NEEDS, SETTINGS, age_group
from sendreform.forecast.sufficiency import SPECIALIST
from sendreform.standards import suppression
from sendreform.standards.codes import NEED_TYPE, SETTING_CATEGORY
from sendreform.web.tables import Column, Table

SUPPRESSED = suppression.SUPPRESSED
# The settings each placement measure of a scenario's comparison adds up (`forecast.run._compare`).
SCENARIO_SETTINGS = {"INMSS placements": ("INMSS",), "maintained special placements": ("MAINTAINED_SPECIAL",),
                     "mainstream placements": ("MAINSTREAM", "MAINSTREAM_BASE")}
# A breakdown shows the last few censuses before its projection, enough to see the trend it continues while
# keeping the table narrow enough to read.
BREAKDOWN_HISTORY = 3
INTERVAL_COLUMNS = [Column("p2_5", "95% interval from", numeric=True), Column("p25", "50% interval from", numeric=True),
                    Column("p75", "50% interval to", numeric=True), Column("p97_5", "95% interval to", numeric=True)]


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    intro: str
    table: Table
    fan_rows: list[dict] = field(default_factory=list)  # rows of a fan chart, if the section has one
    # A breakdown's cells as its table shows them (suppressed ones "c"), one row per label and year, for its chart.
    chart_rows: list[dict] = field(default_factory=list)
    y_title: str = ""
    x_title: str = "January census"


def _int(value):
    return None if value is None or pd.isna(value) else int(round(float(value)))


def _hidden(values: list, total, suppressed: bool) -> list[bool]:
    """Which cells of a breakdown are hidden beside its total (shown unless it is small): small cells and the
    next smallest (`suppression.suppress_breakdown`); every cell, zeros too, where the breakdown cannot be
    protected otherwise (its labels are a fixed list, so hidden zeros leave the hidden cells undetermined)."""
    if not suppressed:
        return [False] * len(values)
    if suppression.is_small(total):
        return [suppression.is_small(v) for v in values]
    hidden = suppression.suppress_breakdown(values)
    return [True] * len(values) if hidden is None else hidden


def _hide(values: list, total, suppressed: bool) -> list:
    """A breakdown's cells as they may be shown."""
    return [SUPPRESSED if h else v for v, h in zip(values, _hidden(values, total, suppressed), strict=True)]


def _total(total, suppressed: bool):
    """A breakdown's total as the total plans table shows it, so the two never disagree."""
    return suppression.suppress_count(total) if suppressed else total


def _years(frame: pd.DataFrame) -> tuple[list[int], list[int]]:
    actual = sorted(frame.loc[frame["kind"] == "actual", "year"].unique().tolist())
    projected = sorted(frame.loc[frame["kind"] == "projection", "year"].unique().tolist())
    return actual, projected


def _year_label(year: int, kind: str) -> str:
    return f"January {year}" + (" (actual)" if kind == "actual" else "")


def total_plans_section(frames, *, suppressed: bool, csv_url: str, sims: int) -> Section:
    frame = frames["total_plans"]
    rows = []
    for r in frame.itertuples():
        values = {q: _int(getattr(r, q)) for q in ("median", "p2_5", "p25", "p75", "p97_5")}
        if suppressed:
            values = {q: suppression.suppress_count(v) for q, v in values.items()}
        if r.kind == "actual":
            values.update(p2_5=None, p25=None, p75=None, p97_5=None)
        rows.append({"year": str(r.year), "kind": "Actual" if r.kind == "actual" else "Projection", **values})
    table = Table(caption="Plans at each January census",
                  columns=[Column("year", "January census"), Column("kind", "Actual or projection"),
                           Column("median", "Plans (the count, or the median projection)", numeric=True),
                           *INTERVAL_COLUMNS], rows=rows, csv_url=csv_url)
    fan = [{"year": int(r["year"]), "kind": r["kind"].lower(),
            **{q: r[q] if r["kind"] == "Projection" else r["median"] for q in ("median", "p2_5", "p25", "p75",
                                                                              "p97_5")}} for r in rows]
    return Section(key="total-plans", heading="Plans", table=table, fan_rows=fan, y_title="Plans",
                   intro=f"Children and young people with an EHC plan at each January census: the counts in the "
                         f"data, then the median of {sims:,} simulations with the ranges that hold half of them "
                         f"(50%) and all but the highest and lowest 2.5% (95%).")


def _breakdown_section(frames, *, name: str, column: str, codes: tuple, labels, key: str, heading: str,
                       caption: str, suppressed: bool, csv_url: str) -> Section:
    frame = frames[name]
    actual, projected = _years(frame)
    shown = [(y, "actual") for y in actual[-BREAKDOWN_HISTORY:]] + [(y, "projection") for y in projected]
    totals = frames["total_plans"].set_index("year")["median"]
    rows = [{"label": labels[c]} for c in codes] + [{"label": "Total"}]
    chart_rows = []
    for year, kind in shown:
        values = _cells(frame, column, codes, year)
        total = _int(totals.get(year))
        for row, value in zip(rows, _hide(values, total, suppressed), strict=False):
            row[f"y{year}"] = value
            chart_rows.append({"label": row["label"], "year": int(year), "kind": kind, "value": value})
        rows[-1][f"y{year}"] = _total(total, suppressed)
    columns = [Column("label", heading)] + [Column(f"y{y}", _year_label(y, k), numeric=True) for y, k in shown]
    table = Table(caption=caption, columns=columns, rows=rows, csv_url=csv_url)
    return Section(key=key, heading=f"Plans by {heading.lower()}", table=table, chart_rows=chart_rows,
                   intro=f"The last {BREAKDOWN_HISTORY} censuses' counts, then the median of the simulations for "
                         f"each January. Medians of the parts need not add up to the median of the total.")


def _cells(frame: pd.DataFrame, column: str, codes: tuple, year: int) -> list:
    sub = frame[frame["year"] == year].set_index(column)["median"]
    return [_int(sub.get(c, 0)) for c in codes]


def setting_hidden(frames, *, suppressed: bool) -> dict[tuple[int, str], bool]:
    """Whether each setting's plans in each year are hidden in "Plans by setting": what repeats them (the
    sufficiency demand, the scenario's placements) is hidden with them, or it would give them away."""
    frame, totals = frames["plans_by_setting"], frames["total_plans"].set_index("year")["median"]
    out = {}
    for year in frame["year"].unique():
        hidden = _hidden(_cells(frame, "setting", SETTINGS, year), _int(totals.get(year)), suppressed)
        out.update({(int(year), s): h for s, h in zip(SETTINGS, hidden, strict=True)})
    return out


def cost_sections(frames, *, suppressed: bool, csv_urls: Callable[[str], str]) -> list[Section]:
    by_line, total = frames["cost_by_line"], frames["cost_total"]
    years = sorted(total["year"].tolist())
    fy = dict(zip(total["year"], total["financial_year"], strict=True))
    setting_plans = frames["plans_by_setting"]
    rows = [{"label": line} for line in DSG_LINES] + [{"label": "Total"}]
    for year in years:
        sub = by_line[by_line["year"] == year].set_index("line")["median"]
        costs = [_int(sub.get(line)) for line in DSG_LINES]
        plans = setting_plans[(setting_plans["year"] == year) & (setting_plans["kind"] == "projection")]
        plans = plans.set_index("setting")["median"]
        line_plans = [_int(sum(plans.get(s, 0) for s in settings)) for settings in DSG_LINES.values()]
        # A line's cost is hidden with its plans; the total cost is shown, as in the total cost table.
        hidden = _hidden(line_plans, sum(line_plans), suppressed)
        for row, cost, h in zip(rows, costs, hidden, strict=False):
            row[f"y{year}"] = SUPPRESSED if h else cost
        rows[-1][f"y{year}"] = _int(total.loc[total["year"] == year, "median"].iloc[0])
    line_table = Table(caption="High Needs cost by DSG management plan line (median, pounds)",
                       columns=[Column("label", "DSG management plan line")]
                       + [Column(f"y{y}", fy[y], numeric=True) for y in years],
                       rows=rows, csv_url=csv_urls("cost-by-line"))
    total_rows = [{"financial_year": r.financial_year, "median": _int(r.median), "p2_5": _int(r.p2_5),
                   "p25": _int(r.p25), "p75": _int(r.p75), "p97_5": _int(r.p97_5)}
                  for r in total.sort_values("year").itertuples()]
    total_table = Table(caption="Total High Needs cost of plans (pounds)",
                        columns=[Column("financial_year", "Financial year"),
                                 Column("median", "Median", numeric=True), *INTERVAL_COLUMNS],
                        rows=total_rows, csv_url=csv_urls("cost-total"))
    fan = [{"year": int(y), "kind": "projection",
            **{q: (v / 1e6 if isinstance(v, int) else None) for q, v in r.items() if q != "financial_year"}}
           for y, r in zip(years, total_rows, strict=True)]
    return [
        Section(key="cost-total", heading="High Needs cost", table=total_table, fan_rows=fan,
                y_title="Pounds (millions)", x_title="Financial year ending in March of",
                intro="The cost of the projected plans at each setting's unit cost for the financial year the "
                      "census falls in, grown by each category's inflation, summed within each simulation."),
        Section(key="cost-by-line", heading="Cost by DSG management plan line", table=line_table,
                intro="The median of the simulations for each line; the medians of the lines need not add up "
                      "to the median of the total."),
    ]


def sufficiency_section(frames, *, suppressed: bool, csv_url: str) -> Section:
    frame = frames["sufficiency"]
    rows = []
    # The demand for a setting is its projected plans, hidden exactly as "Plans by setting" hides them.
    by_setting = setting_hidden(frames, suppressed=suppressed)
    for year in sorted(frame["year"].unique()):
        sub = frame[frame["year"] == year].set_index("setting")
        for s in SPECIALIST:
            h = by_setting.get((int(year), s), False)
            if s not in sub.index:
                continue
            r = sub.loc[s]
            row = {"year": str(year), "setting": SETTING_CATEGORY[s], "demand": _int(r["demand_median"]),
                   "demand_from": _int(r["demand_p2_5"]), "demand_to": _int(r["demand_p97_5"]),
                   "capacity": _int(r["capacity"]), "gap": _int(r["gap_median"]), "gap_from": _int(r["gap_p2_5"]),
                   "gap_to": _int(r["gap_p97_5"])}
            if h:
                row.update({k: SUPPRESSED for k in ("demand", "demand_from", "demand_to", "gap", "gap_from",
                                                      "gap_to")})
            rows.append(row)
    table = Table(caption="Sufficiency: demand for specialist places against places, by year",
                  columns=[Column("year", "January census"), Column("setting", "Setting"),
                           Column("demand", "Demand (median)", numeric=True),
                           Column("demand_from", "Demand 95% interval from", numeric=True),
                           Column("demand_to", "Demand 95% interval to", numeric=True),
                           Column("capacity", "Places", numeric=True),
                           Column("gap", "Gap (median; more than 0 is a shortfall)", numeric=True),
                           Column("gap_from", "Gap 95% interval from", numeric=True),
                           Column("gap_to", "Gap 95% interval to", numeric=True)],
                  rows=rows, csv_url=csv_url)
    return Section(key="sufficiency", heading="Sufficiency gaps", table=table,
                   intro="Projected demand for each specialist setting against the places open at each census: "
                         "in-area establishments' specialist places, planned places once open and places a "
                         "scenario adds. The gap is demand less places, so a positive gap is a shortfall.")


def scenario_section(frames, *, suppressed: bool, csv_url: str) -> Section | None:
    frame = frames.get("scenario_vs_baseline")
    if frame is None or frame.empty:
        return None
    rows = []
    by_setting = setting_hidden(frames, suppressed=suppressed)
    for r in frame.itertuples():
        row = {"year": str(r.year), "measure": r.measure, "baseline": _int(r.baseline_median),
               "scenario": _int(r.scenario_median), "difference": _int(r.difference_median),
               "difference_from": _int(r.difference_p2_5), "difference_to": _int(r.difference_p97_5)}
        counts = "cost" not in r.measure
        # The scenario's placements are this run's plans by setting: hidden where any of them is hidden there.
        repeated = any(by_setting.get((int(r.year), s), False) for s in SCENARIO_SETTINGS.get(r.measure, ()))
        if suppressed and counts and (repeated or suppression.is_small(row["baseline"])
                                      or suppression.is_small(row["scenario"])):
            row.update({k: SUPPRESSED for k in ("baseline", "scenario", "difference", "difference_from",
                                                  "difference_to")})
        rows.append(row)
    table = Table(caption="Scenario against the baseline",
                  columns=[Column("year", "January census"), Column("measure", "Measure"),
                           Column("baseline", "Baseline (median)", numeric=True),
                           Column("scenario", "Scenario (median)", numeric=True),
                           Column("difference", "Difference (median)", numeric=True),
                           Column("difference_from", "Difference 95% interval from", numeric=True),
                           Column("difference_to", "Difference 95% interval to", numeric=True)],
                  rows=rows, csv_url=csv_url)
    return Section(key="scenario-vs-baseline", heading="Scenario against the baseline", table=table,
                   intro="The scenario and the baseline are simulated with the same random draws, so the "
                         "difference in each simulation is the scenario's effect alone.")


def run_sections(frames: dict[str, pd.DataFrame], *, suppressed: bool, sims: int,
                 csv_url: Callable[[str], str]) -> list[Section]:
    """Every section of a finished run's page, in page order."""
    common = dict(suppressed=suppressed)
    sections = [
        total_plans_section(frames, csv_url=csv_url("total-plans"), sims=sims, **common),
        _breakdown_section(frames, name="plans_by_need", column="need", codes=NEEDS, labels=NEED_TYPE,
                           key="plans-by-need", heading="Primary need", caption="Plans by primary need",
                           csv_url=csv_url("plans-by-need"), **common),
        _breakdown_section(frames, name="plans_by_setting", column="setting", codes=SETTINGS,
                           labels=SETTING_CATEGORY, key="plans-by-setting", heading="Setting",
                           caption="Plans by setting", csv_url=csv_url("plans-by-setting"), **common),
        _breakdown_section(frames, name="plans_by_age_group", column="age_group", codes=AGE_GROUPS,
                           labels={a: a.capitalize() for a in AGE_GROUPS}, key="plans-by-age-group", heading="Age group",
                           caption="Plans by age group", csv_url=csv_url("plans-by-age-group"), **common),
        *cost_sections(frames, csv_urls=csv_url, **common),
        sufficiency_section(frames, csv_url=csv_url("sufficiency"), **common),
    ]
    scenario = scenario_section(frames, csv_url=csv_url("scenario-vs-baseline"), **common)
    return sections + ([scenario] if scenario else [])


# ------------------------------------------------------------------------------------------ a backtest's page

# The breakdowns of a backtest, as `sendreform.forecast.backtest` names them, with each one's key on the page.
BACKTEST_BREAKDOWNS = {"age group": "by-age-group", "setting category": "by-setting-category",
                       "primary need": "by-primary-need"}
_CATEGORIES = {"age group": "age groups", "setting category": "setting categories", "primary need": "primary needs"}
ERROR_COLUMNS = [Column("model", "Model error (%)", numeric=True),
                 Column("last_value", "Last value error (%)", numeric=True),
                 Column("linear_trend", "Linear trend error (%)", numeric=True)]


def _percent(value, places: int = 1):
    """A percentage as the report writes it: errors to one decimal place, shares of origins whole."""
    if value is None or pd.isna(value):
        return None
    return round(float(value), places) if places else int(round(float(value)))


def backtest_horizon_section(frames, *, csv_url: str) -> Section:
    """Error by years ahead: percentages of total plans averaged over origins, so nothing to suppress."""
    rows = [{"horizon": int(r.horizon), "origins": int(r.origins), "model": _percent(r.model_mape),
             "last_value": _percent(r.last_value_mape), "linear_trend": _percent(r.linear_trend_mape),
             "held": _percent(r.coverage_95, 0)} for r in frames["backtest_summary"].itertuples()]
    table = Table(caption="Error by years ahead: total plans",
                  columns=[Column("horizon", "Years ahead"), Column("origins", "Origins", numeric=True),
                           *ERROR_COLUMNS,
                           Column("held", "95% interval held the actual (% of origins)", numeric=True)],
                  rows=rows, csv_url=csv_url)
    return Section(key="by-horizon", heading="By years ahead", table=table,
                   intro="Each forecast's error is how far it was from the actual number of plans, as a "
                         "percentage of the actual, averaged over the origins: lower is better. The last column "
                         "is the share of origins whose actual fell inside the model's 95% interval; a "
                         "well-judged interval holds it about 19 times in 20.")


def backtest_origins_section(frames, *, suppressed: bool, csv_url: str) -> Section:
    """Every origin's forecasts of total plans beside the actual, counts suppressed as a run's total plans are."""
    rows = []
    for r in frames["backtest"].itertuples():
        values = {"actual": _int(r.actual), "model": _int(r.model_median), "model_from": _int(r.model_p2_5),
                  "model_to": _int(r.model_p97_5), "last_value": _int(r.last_value),
                  "linear_trend": _int(r.linear_trend)}
        if suppressed:
            values = {k: suppression.suppress_count(v) for k, v in values.items()}
        rows.append({"origin": str(r.origin), "horizon": int(r.horizon), "year": str(r.year), **values})
    table = Table(caption="Every forecast of total plans, by origin",
                  columns=[Column("origin", "Origin (January census)"), Column("horizon", "Years ahead", numeric=True),
                           Column("year", "January census forecast"), Column("actual", "Actual", numeric=True),
                           Column("model", "Model median", numeric=True),
                           Column("model_from", "Model 95% interval from", numeric=True),
                           Column("model_to", "Model 95% interval to", numeric=True),
                           Column("last_value", "Last value", numeric=True),
                           Column("linear_trend", "Linear trend", numeric=True)],
                  rows=rows, csv_url=csv_url)
    return Section(key="origins", heading="Every origin", table=table, y_title="Plans",
                   intro="Each row is one forecast: made at the origin census, for the census some years ahead, "
                         "beside the number of plans there turned out to be. The last value is the origin's own "
                         "count; the linear trend is the straight line through every census up to the origin.")


def backtest_breakdown_sections(frames, *, csv_url: Callable[[str], str]) -> list[Section]:
    """One table per breakdown: percentages over its categories averaged over origins, so nothing to suppress."""
    summary = frames["breakdown_summary"]
    sections = []
    for name, key in BACKTEST_BREAKDOWNS.items():
        rows = [{"horizon": int(r.horizon), "origins": int(r.origins), "model": _percent(r.model),
                 "last_value": _percent(r.last_value), "linear_trend": _percent(r.linear_trend),
                 "held": _percent(r.held_95, 0)} for r in summary[summary["breakdown"] == name].itertuples()]
        table = Table(caption=f"Error by {name}",
                      columns=[Column("horizon", "Years ahead"), Column("origins", "Origins", numeric=True),
                               *ERROR_COLUMNS, Column("held", f"95% interval held the actual (% of {_CATEGORIES[name]} "
                                                              "with plans)", numeric=True)],
                      rows=rows, csv_url=csv_url(key))
        sections.append(Section(key=key, heading=f"By {name}", table=table, intro=""))
    return sections


def _flow_row(r, suppressed: bool) -> dict:
    row = {"from": str(r["from"]), "to": str(r["to"]), "start": _int(r["plans_at_start"]), "joined": _int(r["joined"]),
           "left": _int(r["left"]), "end": _int(r["plans_at_end"]),
           "growth": None if r["growth_pct"] is None or pd.isna(r["growth_pct"]) else float(r["growth_pct"])}
    if not suppressed:
        return row
    # The plans at the end are those at the start, plus those who joined, less those who left: one figure hidden
    # alone could be worked back from the other three, so joiners and leavers are hidden together, and with a
    # small count at either census the whole year's change is hidden (growth gives one census from the other).
    if suppression.is_small(row["start"]) or suppression.is_small(row["end"]):
        row.update({k: SUPPRESSED for k in ("joined", "left", "growth")})
        row.update({k: SUPPRESSED for k in ("start", "end") if suppression.is_small(row[k])})
    elif suppression.is_small(row["joined"]) or suppression.is_small(row["left"]):
        row.update(joined=SUPPRESSED, left=SUPPRESSED)
    return row


def backtest_history_section(frames, *, suppressed: bool, csv_url: str) -> Section:
    rows = [_flow_row(r, suppressed) for r in frames["history_flows"].to_dict(orient="records")]
    table = Table(caption="Plans, joiners and leavers between each pair of January censuses",
                  columns=[Column("from", "From (January census)"), Column("to", "To (January census)"),
                           Column("start", "Plans at the start", numeric=True),
                           Column("joined", "Joined", numeric=True), Column("left", "Left", numeric=True),
                           Column("end", "Plans at the end", numeric=True),
                           Column("growth", "Growth (%)", numeric=True)],
                  rows=rows, csv_url=csv_url)
    return Section(key="history", heading="What happened in the history", table=table,
                   intro="Between each pair of January censuses: the plans at the first, how many joined (new "
                         "plans and plans transferred in) and left, and the growth. A year whose joining or "
                         "leaving departs from the years before it is one that no forecast made before it could "
                         "see.")


def backtest_chart_rows(*, origins: Section, history: Section) -> list[dict]:
    """The rows of the backtest's chart, from the two tables as they are shown (a "c" stays "c"): the actual
    plans at each census, and from each origin the model's median and the linear trend, each starting at the
    origin's own count. Rows are series ("actual", "model" or "trend"), origin (none for the actual), year and
    value."""
    actual = {int(r["from"]): r["start"] for r in history.table.rows}
    actual.update({int(r["to"]): r["end"] for r in history.table.rows})
    rows = [{"series": "actual", "origin": None, "year": year, "value": value} for year, value in sorted(actual.items())]
    for series, key in (("model", "model"), ("trend", "linear_trend")):
        started = set()
        for r in origins.table.rows:
            origin = int(r["origin"])
            if origin not in started:
                started.add(origin)
                rows.append({"series": series, "origin": origin, "year": origin, "value": r["last_value"]})
            rows.append({"series": series, "origin": origin, "year": int(r["year"]), "value": r[key]})
    return rows


def backtest_sections(frames: dict[str, pd.DataFrame], *, suppressed: bool,
                      csv_url: Callable[[str], str]) -> list[Section]:
    """Every section of a finished backtest's page, in page order; the origins' section carries the chart."""
    origins = backtest_origins_section(frames, suppressed=suppressed, csv_url=csv_url("origins"))
    history = backtest_history_section(frames, suppressed=suppressed, csv_url=csv_url("history"))
    origins = dataclasses.replace(origins, chart_rows=backtest_chart_rows(origins=origins, history=history))
    return [backtest_horizon_section(frames, csv_url=csv_url("by-horizon")), origins,
            *backtest_breakdown_sections(frames, csv_url=csv_url), history]


# ------------------------------------------------------------------------------------------ the background population

# The data template's age groups, labelled as a run's "Plans by age group" labels them.
POPULATION_GROUPS = {group: group.capitalize() for group in AGE_GROUPS}
_GROUP_OF_AGE = {age: str(group) for age, group in zip(range(26), age_group(np.arange(26)), strict=True)}


def population_by_group(rows: dict[tuple[int, int], int]) -> dict[int, dict[str, int]]:
    """Each January census year's population by the data template's age group, with the total of ages 0 to 25
    (the ages the forecast joins from; any other age is left out)."""
    years: dict[int, dict[str, int]] = {}
    for (year, age), count in sorted(rows.items()):
        if age not in _GROUP_OF_AGE:
            continue
        groups = years.setdefault(year, {**dict.fromkeys(AGE_GROUPS, 0), "total": 0})
        groups[_GROUP_OF_AGE[age]] += count
        groups["total"] += count
    return years


def _population_columns() -> list[Column]:
    return [Column("year", "January census"),
            *[Column(f"g{i}", label, numeric=True) for i, label in enumerate(POPULATION_GROUPS.values())],
            Column("total", "Total (ages 0 to 25)", numeric=True)]


def _population_row(year: int, groups: dict[str, int]) -> dict:
    return {"year": str(year), **{f"g{i}": groups[g] for i, g in enumerate(AGE_GROUPS)}, "total": groups["total"]}


def population_table(rows: dict[tuple[int, int], int], *, caption: str, csv_url: str = "",
                     empty_text: str = "There is nothing to show.") -> Table:
    """The population by January census (rows) and age group, with the total."""
    return Table(caption=caption, columns=_population_columns(), csv_url=csv_url, empty_text=empty_text,
                 rows=[_population_row(year, groups) for year, groups in population_by_group(rows).items()])


def population_difference_table(read: dict[tuple[int, int], int], stored: dict[tuple[int, int], int], *,
                                csv_url: str = "") -> Table:
    """For each January census both hold: the file's population less the stored one, by age group and in total
    (more than 0: the file has more people)."""
    read_groups, stored_groups = population_by_group(read), population_by_group(stored)
    rows = [_population_row(year, {g: groups[g] - stored_groups[year][g] for g in groups})
            for year, groups in read_groups.items() if year in stored_groups]
    return Table(caption="Difference in population: the file less what is stored now", columns=_population_columns(),
                 rows=rows, csv_url=csv_url, empty_text="Nothing is stored for these censuses yet.")


# ------------------------------------------------------------------------------------------ the real-England backtest

# Each regime of the real-England backtest (`forecast.england.REGIMES`) as a section of its page.
ENGLAND_SECTIONS = {"origins 2016-2019 (choice)": "choice", "origins 2020-2022 (confirmation)": "confirmation",
                    "all origins 2016-2024": "all-origins", "most recent regime (origins 2020-2024)": "recent"}
_ENGLAND_INTROS = {
    "choice": "The origins the model's settings were chosen on.",
    "confirmation": "Origins kept aside while the settings were chosen, to confirm the choice on data it was not "
                    "made on.",
    "all-origins": "Every origin with at least one year to compare.",
    "recent": "The origins since the pandemic; 3 years ahead can only be judged from 2020 to 2022.",
}


def _england_regime_section(summary: pd.DataFrame, regime: str, *, csv_url: str) -> Section:
    """One regime's summary: each method at 1, 2 and 3 years ahead; percentages of public totals, so nothing to
    suppress. Its chart rows are the median absolute errors."""
    part = summary[summary["regime"] == regime]
    rows = [{"method": r.method, "horizon": int(r.horizon), "median_ape": _percent(r.median_ape),
             "mean_ape": _percent(r.mean_ape), "median_signed": _percent(r.median_signed),
             "wins": _percent(r.wins, 0), "model_closer": None if r.method == "model" else _percent(r.model_closer, 0),
             "held": _percent(r.coverage95, 0), "n": int(r.n)} for r in part.itertuples()]
    table = Table(caption=f"Error of total plans, {regime}", csv_url=csv_url, rows=rows, columns=[
        Column("method", "Method"), Column("horizon", "Years ahead", numeric=True),
        Column("n", "Area-origins", numeric=True), Column("median_ape", "Median error (%)", numeric=True),
        Column("mean_ape", "Mean error (%)", numeric=True),
        Column("median_signed", "Median signed error (%)", numeric=True),
        Column("wins", "Closest of all six (% of area-origins)", numeric=True),
        Column("model_closer", "Model closer than this method (% of area-origins)", numeric=True),
        Column("held", "95% interval held the actual (%)", numeric=True)])
    key = ENGLAND_SECTIONS.get(regime, regime)
    return Section(key=f"england-{key}", heading=regime[0].upper() + regime[1:], intro=_ENGLAND_INTROS.get(key, ""),
                   table=table, y_title="Median error (%)", x_title="Years ahead",
                   chart_rows=[{"method": r["method"], "horizon": r["horizon"], "value": r["median_ape"]}
                               for r in rows])


def _england_area_rows(frame: pd.DataFrame, areas: pd.DataFrame) -> list[dict]:
    model = frame[frame["method"] == "model"]
    codes = areas.set_index("area")["codes"]
    rows = []
    for (area, name), d in model.groupby(["area", "name"], sort=False):
        row = {"name": name, "codes": codes.get(area, ""), "origins": int(d["origin"].nunique())}
        for h in (1, 2, 3):
            e = d[d["horizon"] == h]
            row[f"median_{h}"] = _percent(e["abs_error"].median() * 100) if len(e) else None
        two = d[d["horizon"] == 2]
        row["worst_2"] = _percent(two["abs_error"].max() * 100) if len(two) else None
        row["signed_2"] = _percent(two["error"].median() * 100) if len(two) else None
        row["held"] = _percent(d["covered"].astype(float).mean() * 100, 0)
        rows.append(row)
    return sorted(rows, key=lambda r: r["name"])


def england_areas_section(frames: dict[str, pd.DataFrame], *, csv_url: str) -> Section:
    """The model's accuracy in each area over every origin."""
    table = Table(caption="The model's error in each area, every origin", csv_url=csv_url, columns=[
        Column("name", "Local area"), Column("codes", "Codes"), Column("origins", "Origins", numeric=True),
        Column("median_1", "Median error 1 year ahead (%)", numeric=True),
        Column("median_2", "Median error 2 years ahead (%)", numeric=True),
        Column("median_3", "Median error 3 years ahead (%)", numeric=True),
        Column("worst_2", "Largest error 2 years ahead (%)", numeric=True),
        Column("signed_2", "Median signed error 2 years ahead (%)", numeric=True),
        Column("held", "95% interval held the actual (% of forecasts)", numeric=True)],
        rows=_england_area_rows(frames["england_backtest"], frames["areas"]))
    return Section(key="england-areas", heading="By area", table=table,
                   intro="The model's error in each area over every origin and years ahead it could be judged on: a "
                         "signed error below zero is a forecast that was too low. The CSV of every forecast, by "
                         "area, origin, years ahead and method, is the file the command writes.")


def england_sections(frames: dict[str, pd.DataFrame], *, csv_url: Callable[[str], str]) -> list[Section]:
    """Every section of a finished real-England backtest's page: one for each regime (with its chart), then the
    areas."""
    summary = frames["england_summary"]
    sections = [_england_regime_section(summary, regime, csv_url=csv_url(f"england-{ENGLAND_SECTIONS.get(regime, regime)}"))
                for regime in summary["regime"].unique()]
    return [*sections, england_areas_section(frames, csv_url=csv_url("england-areas"))]
