"""The charts of a run's page and of a backtest's page, each drawn from the rows of the table beside it, so a
figure suppressed in the table ("c") is never drawn: it is left out, and the chart's description says how many
were. Drawn to SVG by the one chart helper, `sendreform.indicators.charts.chart_svg`."""

from __future__ import annotations

import math
import textwrap

import altair as alt
import pandas as pd
from django.utils.safestring import SafeString

from sendreform.forecasting.tables import SUPPRESSED, Section
from sendreform.indicators.charts import chart_configure, chart_svg, fan_chart_svg

BLACK, BLUE, LIGHT_BLUE, RED, GREY, GREEN = "#0b0c0c", "#1d70b8", "#d2e2f1", "#d4351c", "#505a5f", "#00703c"
ACTUAL, PROJECTION = "Actual", "Projection (median)"
SHORTFALL, SPARE = "Shortfall (more children than places)", "Spare places"
# The measures of the scenario table drawn: each one's name on the chart, its unit and what a unit is worth.
SCENARIO_MEASURES = {"total plans": ("Plans", "plans", 1), "High Needs cost (pounds)": ("High Needs cost",
                                                                                         "£ millions", 1e6)}
HEADER_CHARACTER = 7.5  # the width in pixels of a character of a panel's bold 13-point label, roughly


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _wrap(label: str, width: int) -> str:
    """A panel's label in lines of at most `width` characters (the header splits it at the newlines)."""
    return "\n".join(textwrap.wrap(label, width)) or label


def _header() -> alt.Header:
    return alt.Header(title=None, labelExpr="split(datum.value, '\\n')", labelAlign="left", labelAnchor="start",
                      labelLimit=0, labelFontWeight="bold")


def _left_out(count: int, what: str) -> str:
    if not count:
        return ""
    return f" {count} {what}{'' if count == 1 else 's'} shown as “c” in the table {'is' if count == 1 else 'are'} left out."


def _n(value: float) -> str:
    return f"{value:,.0f}"


# ------------------------------------------------------------------------------------------ plans by need or setting

def breakdown_spec(rows: list[dict], *, y_title: str, columns: int = 3) -> dict:
    """Small multiples, one panel per label in order of its last projected median: the censuses' counts in black,
    the projection's median in blue (dashed) from the last census, a rule where the history ends and the last
    median written at the line's end. Rows are label, year, kind ("actual" or "projection") and value; values
    that are not numbers (suppressed) break the line instead of being drawn."""
    labels = _panels(rows)
    actual_years = sorted({r["year"] for r in rows if r["kind"] == "actual"})
    last_actual = actual_years[-1] if actual_years else None
    panel_width = 170
    chars = int(panel_width / HEADER_CHARACTER)
    data = []
    for label in labels:
        mine = sorted((r for r in rows if r["label"] == label), key=lambda r: r["year"])
        projected = [r for r in mine if r["kind"] == "projection"]
        fan = [r for r in mine if r["year"] == last_actual] + projected if projected else []
        for series, points in ((ACTUAL, [r for r in mine if r["kind"] == "actual"]), (PROJECTION, fan)):
            data += [{"panel": _wrap(label, chars), "year": r["year"], "series": series,
                      "value": float(r["value"]) if _number(r["value"]) else None,
                      "end": _n(r["value"]) if series == PROJECTION and r is fan[-1] and _number(r["value"]) else "",
                      "divider": last_actual} for r in points]
    frame = pd.DataFrame(data, columns=["panel", "year", "series", "value", "end", "divider"])
    years = sorted({r["year"] for r in rows})
    x = alt.X("year:Q", title=None, scale=alt.Scale(nice=False, domain=[years[0], years[-1]] if years else None),
              axis=alt.Axis(format="d", values=years[::2] if len(years) > 6 else years, labelAngle=0,
                            labelFontSize=11, labelOverlap=True))
    y = alt.Y("value:Q", title=y_title, axis=alt.Axis(tickCount=3, labelFontSize=11))
    colour = alt.Color("series:N", scale=alt.Scale(domain=[ACTUAL, PROJECTION], range=[BLACK, BLUE]),
                       legend=alt.Legend(title=None, orient="bottom", symbolType="stroke", symbolStrokeWidth=3))
    layers = [
        alt.Chart().mark_line(strokeWidth=2.5, aria=False, invalid="break-paths-filter-domains").encode(
            x=x, y=y, color=colour, detail="series:N",
            strokeDash=alt.condition(alt.datum.series == ACTUAL, alt.value([1, 0]), alt.value([5, 3]))),
        alt.Chart().mark_text(align="left", dx=4, fontSize=12, color=BLUE, aria=False).encode(
            x=x, y=y, text="end:N").transform_filter(alt.datum.end != ""),
    ]
    if last_actual is not None:
        layers.append(alt.Chart().mark_rule(color=GREY, strokeDash=[2, 2], aria=False).encode(
            x=alt.X("max(divider):Q")))
    chart = (
        alt.layer(*layers, data=frame)
        .properties(width=panel_width, height=90)
        .facet(facet=alt.Facet("panel:N", sort=[_wrap(label, chars) for label in labels], header=_header()), columns=columns, spacing={"row": 18, "column": 48})
        .resolve_axis(x="independent")
    )
    return chart_configure(chart).to_dict()


def _panels(rows: list[dict]) -> list[str]:
    """The labels with a number above zero somewhere, largest last projected median first (a suppressed median
    counts as small)."""
    last_year = max((r["year"] for r in rows), default=None)
    last = {r["label"]: r["value"] for r in rows if r["year"] == last_year}
    shown = [label for label in dict.fromkeys(r["label"] for r in rows)
             if any(_number(r["value"]) and r["value"] > 0 for r in rows if r["label"] == label)]
    return sorted(shown, key=lambda label: -(last.get(label) if _number(last.get(label)) else 0))


def breakdown_description(rows: list[dict], *, what: str) -> str:
    """The largest three panels in a sentence: where each was at the last census and its projected median."""
    labels = _panels(rows)
    if not labels:
        return "No figures to show."
    actual_years = sorted({r["year"] for r in rows if r["kind"] == "actual"})
    last_year = max(r["year"] for r in rows)
    cell = {(r["label"], r["year"]): r["value"] for r in rows}
    parts = []
    for label in labels[:3]:
        start = cell.get((label, actual_years[-1])) if actual_years else None
        end = cell.get((label, last_year))
        parts.append(f"{label} {_n(start) if _number(start) else 'c'} in {actual_years[-1]}, "
                     f"{_n(end) if _number(end) else 'c'} in {last_year}" if actual_years else
                     f"{label} {_n(end) if _number(end) else 'c'} in {last_year}")
    hidden = sum(1 for r in rows if r["value"] == SUPPRESSED)
    text = (f"One small chart for each {what} with plans, largest first, the census counts then the median "
            f"projection; the largest are {'; '.join(parts)}.")
    if len(labels) < len({r["label"] for r in rows}):
        text += f" {what.capitalize()}s with no plans shown are left out."
    return text + _left_out(hidden, "figure")


# ------------------------------------------------------------------------------------------ sufficiency

PAGE_WIDTH = 900  # pixels a chart may take on the page before it would be wider than the main column
YEAR_LABEL_WIDTH = 30  # a year ("2027") at 11 pixels, with space either side
LABEL_CHARACTER = 6.5  # pixels of one character of a bar's label at 11 pixels


def sufficiency_panel_width(*, years: int, longest: int) -> int:
    """A setting's panel wide enough that neither its years nor its bars' labels ("+1,234") overlap: each year
    gets the wider of a year label and its longest bar label; never narrower than its heading needs (105)."""
    return max(105, years * max(YEAR_LABEL_WIDTH, math.ceil(longest * LABEL_CHARACTER)))


def sufficiency_spec(rows: list[dict]) -> dict:
    """The median gap (demand less places) by year, one panel per setting, bars above zero in red for a
    shortfall and below zero in blue for spare places, each bar labelled with its gap. Rows are the sufficiency
    table's: year, setting and gap; a suppressed gap is no bar, only a "c" where it would be."""
    settings = list(dict.fromkeys(r["setting"] for r in rows))
    labels = {(r["setting"], r["year"]): (f"{r['gap']:+,}" if r["gap"] else "0") for r in rows if _number(r["gap"])}
    panel_width = sufficiency_panel_width(years=len({r["year"] for r in rows}),
                                          longest=max((len(t) for t in labels.values()), default=1))
    chars = int(panel_width / HEADER_CHARACTER)
    data = [{"panel": _wrap(r["setting"], chars), "year": str(r["year"]), "gap": float(r["gap"]),
             "label": labels[(r["setting"], r["year"])], "label_at": max(float(r["gap"]), 0.0),
             "side": SHORTFALL if r["gap"] > 0 else SPARE}
            for r in rows if _number(r["gap"])]
    # A suppressed gap is no bar, only its "c" on the zero line, as in the table.
    data += [{"panel": _wrap(r["setting"], chars), "year": str(r["year"]), "gap": None, "label": SUPPRESSED,
              "label_at": 0.0, "side": None} for r in rows if r["gap"] == SUPPRESSED]
    frame = pd.DataFrame(data, columns=["panel", "year", "gap", "label", "label_at", "side"])
    years = sorted({str(r["year"]) for r in rows})
    x = alt.X("year:O", title=None, sort=years, axis=alt.Axis(labelAngle=0, labelFontSize=11))
    y = alt.Y("gap:Q", title="Gap in places (median)", axis=alt.Axis(tickCount=4, labelFontSize=11))
    colour = alt.Color("side:N", scale=alt.Scale(domain=[SHORTFALL, SPARE], range=[RED, BLUE]),
                       legend=alt.Legend(title=None, orient="bottom"))
    layers = [
        alt.Chart().mark_bar(aria=False).encode(x=x, y=y, color=colour),
        alt.Chart().mark_rule(color=BLACK, aria=False).encode(y=alt.datum(0)),
        # Each bar's gap written above the bar, or above the zero line for spare places.
        alt.Chart().mark_text(fontSize=11, color=BLACK, aria=False, baseline="bottom", dy=-2).encode(
            x=x, y="label_at:Q", text="label:N"),
    ]
    chart = (
        alt.layer(*layers, data=frame)
        .properties(width=panel_width, height=150)
        .facet(facet=alt.Facet("panel:N", sort=[_wrap(s, chars) for s in settings], header=_header()),
               columns=max(1, min(len(settings), PAGE_WIDTH // (panel_width + 20))),
               spacing={"row": 24, "column": 20})
        .resolve_axis(x="independent")
    )
    return chart_configure(chart).to_dict()


def sufficiency_description(rows: list[dict]) -> str:
    if not rows:
        return "No figures to show."
    last = max(r["year"] for r in rows)
    parts = []
    for r in rows:
        if r["year"] != last:
            continue
        gap = r["gap"]
        if not _number(gap):
            parts.append(f"{r['setting']} {gap if gap == SUPPRESSED else 'not known'}")
        elif gap > 0:
            parts.append(f"{r['setting']} a shortfall of {_n(gap)}")
        elif gap < 0:
            parts.append(f"{r['setting']} {_n(-gap)} spare")
        else:
            parts.append(f"{r['setting']} no gap")
    hidden = sum(1 for r in rows if r["gap"] == SUPPRESSED)
    return (f"Bars of the median gap between children and places by January census, one small chart per setting; "
            f"in {last}: {'; '.join(parts)}." + _left_out(hidden, "gap"))


# ------------------------------------------------------------------------------------------ scenario against baseline

def scenario_spec(rows: list[dict]) -> dict:
    """For total plans and High Needs cost: the baseline's median (black) and the scenario's (blue, dashed) by
    year, and beside them the difference's median with its 95% interval as a band about a zero line. Rows are
    the scenario table's; a row that is not a number (suppressed) is left out."""
    level, difference = [], []
    for r in rows:
        if r["measure"] not in SCENARIO_MEASURES:
            continue
        title, _unit, scale = SCENARIO_MEASURES[r["measure"]]
        if _number(r["baseline"]) and _number(r["scenario"]):
            level += [{"measure": title, "year": int(r["year"]), "series": series, "value": r[key] / scale}
                      for series, key in (("Baseline", "baseline"), ("Scenario", "scenario"))]
        if _number(r["difference"]):
            difference.append({"measure": title, "year": int(r["year"]), "value": r["difference"] / scale,
                               "low": r["difference_from"] / scale, "high": r["difference_to"] / scale})
    years = sorted({int(r["year"]) for r in rows})
    x = alt.X("year:Q", title="January census", scale=alt.Scale(nice=False),
              axis=alt.Axis(format="d", values=years, labelAngle=0))
    colour = alt.Color("series:N", scale=alt.Scale(domain=["Baseline", "Scenario", "Difference (median)",
                                                           "Difference, 95% interval"],
                                                   range=[BLACK, BLUE, RED, "#f6d7d2"]),
                       legend=alt.Legend(title=None, orient="bottom", columns=4))
    rows_of_charts = []
    for title, unit, _scale in SCENARIO_MEASURES.values():
        lines = pd.DataFrame([d for d in level if d["measure"] == title], columns=["year", "series", "value"])
        diff = pd.DataFrame([d for d in difference if d["measure"] == title],
                            columns=["year", "value", "low", "high"])
        if lines.empty and diff.empty:
            continue
        left = alt.Chart(lines).mark_line(point=alt.OverlayMarkDef(aria=False), strokeWidth=2.5, aria=False).encode(
            x=x, y=alt.Y("value:Q", title=title if unit == title.lower() else f"{title} ({unit})",
                         scale=alt.Scale(zero=False)), color=colour,
            strokeDash=alt.condition(alt.datum.series == "Baseline", alt.value([1, 0]), alt.value([5, 3])),
        ).properties(width=280, height=200, title=f"{title}: baseline and scenario")
        band = alt.Chart(diff).transform_calculate(series="'Difference, 95% interval'").mark_area(aria=False).encode(
            x=x, y=alt.Y("low:Q", title=f"Scenario less baseline ({unit})"), y2="high:Q", color=colour)
        median = alt.Chart(diff).transform_calculate(series="'Difference (median)'").mark_line(
            point=alt.OverlayMarkDef(aria=False), strokeWidth=2.5, aria=False).encode(x=x, y="value:Q", color=colour)
        zero = alt.Chart(pd.DataFrame([{"zero": 0}])).mark_rule(color=GREY, aria=False).encode(y="zero:Q")
        right = alt.layer(band, zero, median).properties(width=280, height=200, title=f"{title}: the difference")
        rows_of_charts.append(alt.hconcat(left, right, spacing=40))
    chart = alt.vconcat(*rows_of_charts, spacing=30).configure_title(fontSize=14, anchor="start", color=BLACK)
    return chart_configure(chart).to_dict()


def scenario_description(rows: list[dict]) -> str:
    parts, hidden = [], 0
    for measure, (_title, _unit, scale) in SCENARIO_MEASURES.items():
        mine = [r for r in rows if r["measure"] == measure]
        hidden += sum(1 for r in mine if r["difference"] == SUPPRESSED)
        shown = [r for r in mine if _number(r["difference"])]
        if not shown:
            continue
        last = shown[-1]
        if scale == 1:
            parts.append(f"in January {last['year']} {_n(last['scenario'])} plans under the scenario against "
                         f"{_n(last['baseline'])} in the baseline, a difference of {_n(last['difference'])} (95% "
                         f"interval {_n(last['difference_from'])} to {_n(last['difference_to'])})")
        else:
            def m(v, scale=scale):
                return f"{'-' if v < 0 else ''}£{abs(v) / scale:,.1f} million"
            parts.append(f"High Needs cost {m(last['scenario'])} against {m(last['baseline'])}, a difference of "
                         f"{m(last['difference'])} (95% interval {m(last['difference_from'])} to "
                         f"{m(last['difference_to'])})")
    if not parts:
        return "No figures to show." + _left_out(hidden, "year")
    return ("Lines of the baseline's and the scenario's medians, and the difference with its 95% interval: "
            + "; ".join(parts) + "." + _left_out(hidden, "year"))


# ------------------------------------------------------------------------------------------ a backtest's forecasts

# The backtest chart's series: its name in the legend, colour and dashes (so the lines differ without colour too).
BACKTEST_SERIES = {
    "actual": ("Actual plans", BLACK, [1, 0]),
    "model": ("Model median from each origin", BLUE, [6, 3]),
    "trend": ("Linear trend from each origin", GREEN, [2, 3]),
}


def backtest_spec(rows: list[dict]) -> dict:
    """The actual plans at each census as a solid line, and from each origin the model's median (dashed) and
    the linear trend (dotted) 1 to 3 years ahead, each starting at the origin's count, so a reader sees where
    each forecast parted from what happened. Rows are `tables.backtest_chart_rows`'; a value that is not a
    number (suppressed) breaks its line instead of being drawn."""
    names = [name for name, _colour, _dash in BACKTEST_SERIES.values()]
    data = [{"series": BACKTEST_SERIES[r["series"]][0], "line": f"{r['series']} {r['origin'] or ''}",
             "year": r["year"], "value": float(r["value"]) if _number(r["value"]) else None} for r in rows]
    frame = pd.DataFrame(data, columns=["series", "line", "year", "value"])
    years = sorted({r["year"] for r in rows})
    legend = alt.Legend(title=None, orient="bottom", symbolType="stroke", symbolStrokeWidth=3, symbolSize=500,
                        columns=1)
    encoding = dict(
        x=alt.X("year:Q", title="January census", scale=alt.Scale(nice=False),
                axis=alt.Axis(format="d", values=years, labelAngle=0)),
        y=alt.Y("value:Q", title="Plans", scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", scale=alt.Scale(domain=names, range=[c for _n, c, _d in BACKTEST_SERIES.values()]),
                        legend=legend),
        strokeDash=alt.StrokeDash("series:N", legend=legend,
                                  scale=alt.Scale(domain=names, range=[d for _n, _c, d in BACKTEST_SERIES.values()])),
        detail="line:N", order="year:Q")
    actual = alt.datum.series == BACKTEST_SERIES["actual"][0]

    def lines(width: float):
        return alt.Chart().mark_line(point=alt.OverlayMarkDef(aria=False, size=25), strokeWidth=width, aria=False,
                                     invalid="break-paths-filter-domains").encode(**encoding)

    # The forecasts first, so the actual line is drawn over them.
    chart = alt.layer(lines(2).transform_filter(~actual), lines(3).transform_filter(actual),
                      data=frame).properties(width=620, height=300)
    return chart_configure(chart).to_dict()


def backtest_description(rows: list[dict]) -> str:
    """What the chart shows in words: the actual from first to last census, how many forecasts the model's
    median put above the actual, and the forecast furthest from it, beside the linear trend's."""
    actual = {r["year"]: r["value"] for r in rows if r["series"] == "actual"}
    shown = [(year, value) for year, value in sorted(actual.items()) if _number(value)]
    origins = sorted({r["origin"] for r in rows if r["origin"] is not None})
    if not shown or not origins:
        return "No figures to show."
    text = (f"The actual plans at each January census, from {_n(shown[0][1])} in {shown[0][0]} to "
            f"{_n(shown[-1][1])} in {shown[-1][0]}, as a solid black line; from each of the {len(origins)} "
            f"origins ({origins[0]} to {origins[-1]}) the model's median as a dashed blue line and the linear trend "
            "as a dotted green line.")
    trend = {(r["origin"], r["year"]): r["value"] for r in rows if r["series"] == "trend"}
    compared = [r for r in rows if r["series"] == "model" and r["year"] != r["origin"] and _number(r["value"])
                and _number(actual.get(r["year"]))]
    if compared:
        above = sum(1 for r in compared if r["value"] > actual[r["year"]])
        far = max(compared, key=lambda r: abs(r["value"] - actual[r["year"]]) / actual[r["year"]])
        line = trend.get((far["origin"], far["year"]))
        text += (f" The model's median was above the actual in {above} of {len(compared)} forecasts. Its furthest "
                 f"was from {far['origin']} to {far['year']}: {_n(far['value'])} against an actual "
                 f"{_n(actual[far['year']])}" + (f" (the linear trend {_n(line)})." if _number(line) else "."))
    # Each origin's first point repeats a count drawn on the actual line; it is not counted twice.
    hidden = sum(1 for r in rows if r["value"] == SUPPRESSED and r["year"] != r["origin"])
    return text + _left_out(hidden, "figure")


# ------------------------------------------------------------------------------------------ the page's charts

def fan_description(section: Section) -> str:
    """One sentence of what the fan chart shows, for anyone who cannot see it."""
    rows = [r for r in section.fan_rows if _number(r.get("median"))]
    actual = [r for r in rows if r["kind"] == "actual"]
    projected = [r for r in rows if r["kind"] == "projection"]
    unit = " million pounds" if section.key.startswith("cost") else ""

    def n(value):
        return f"{value:,.1f}" if unit else f"{value:,.0f}"

    text = ""
    if actual:
        text += (f"From {n(actual[0]['median'])}{unit} in {actual[0]['year']} to {n(actual[-1]['median'])}{unit} "
                 f"in {actual[-1]['year']}. ")
    if projected:
        last = projected[-1]
        interval = ""
        if _number(last.get("p2_5")) and _number(last.get("p97_5")):
            interval = f" (95% interval {n(last['p2_5'])} to {n(last['p97_5'])})"
        text += f"The median projection for {last['year']} is {n(last['median'])}{unit}{interval}."
    return text or "No figures to show."


BREAKDOWNS = {"plans-by-need": "primary need", "plans-by-setting": "setting"}


def section_chart(section: Section) -> SafeString | None:
    """The chart shown above a section's table, if the section has one."""
    chart_id = f"chart-{section.key}"
    if section.fan_rows:
        return fan_chart_svg(section.fan_rows, y_title=section.y_title, x_title=section.x_title, chart_id=chart_id,
                             title=f"{section.heading}: fan chart", description=fan_description(section))
    rows = section.table.rows
    if section.key in BREAKDOWNS and section.chart_rows:
        return chart_svg(breakdown_spec(section.chart_rows, y_title="Plans"), chart_id=chart_id,
                         title=f"{section.heading}: one chart for each",
                         description=breakdown_description(section.chart_rows, what=BREAKDOWNS[section.key]))
    if section.key == "sufficiency" and rows:
        return chart_svg(sufficiency_spec(list(rows)), chart_id=chart_id, title=f"{section.heading} by setting",
                         description=sufficiency_description(list(rows)))
    if section.key == "origins" and section.chart_rows:
        return chart_svg(backtest_spec(section.chart_rows), chart_id=chart_id,
                         title="Total plans: the actual and each origin's forecasts",
                         description=backtest_description(section.chart_rows))
    if section.key.startswith("england-") and section.chart_rows:
        return chart_svg(england_spec(section.chart_rows), chart_id=chart_id,
                         title=f"{section.heading}: median error by years ahead",
                         description=england_description(section.chart_rows))
    if section.key == "scenario-vs-baseline" and any(r["measure"] in SCENARIO_MEASURES for r in rows):
        return chart_svg(scenario_spec(list(rows)), chart_id=chart_id, title=section.heading,
                         description=scenario_description(list(rows)))
    return None


# ------------------------------------------------------------------------------------------ the real-England backtest

def england_spec(rows: list[dict]) -> dict:
    """Median absolute error of each method at 1, 2 and 3 years ahead, the model's line thick and blue, the
    baselines thin and grey with their own dash, each named in the legend."""
    frame = pd.DataFrame(rows, columns=["method", "horizon", "value"])
    methods = list(dict.fromkeys(frame["method"]))
    colours = [BLUE if m == "model" else GREY for m in methods]
    dashes = [[1, 0] if m == "model" else d for m, d in zip(
        methods, ([1, 0], [2, 2], [6, 3], [6, 2, 2, 2], [1, 3], [8, 4], [4, 4]), strict=False)]
    legend = alt.Legend(title=None, orient="bottom", columns=1, symbolType="stroke", symbolStrokeWidth=3,
                        symbolSize=500)
    encoding = dict(
        x=alt.X("horizon:O", title="Years ahead", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title="Median error (%)", scale=alt.Scale(zero=True)),
        color=alt.Color("method:N", scale=alt.Scale(domain=methods, range=colours), legend=legend),
        strokeDash=alt.StrokeDash("method:N", scale=alt.Scale(domain=methods, range=dashes), legend=legend),
        strokeWidth=alt.condition(alt.datum.method == "model", alt.value(4), alt.value(1.5)),
        order="horizon:O")
    chart = alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(aria=False, size=30), aria=False).encode(
        **encoding).properties(width=560, height=280)
    return chart_configure(chart).to_dict()


def england_description(rows: list[dict]) -> str:
    """What the chart shows in words: the model's median error at each horizon and the best baseline's."""
    model = {r["horizon"]: r["value"] for r in rows if r["method"] == "model" and _number(r["value"])}
    if not model:
        return "No figures to show."
    parts = []
    for h, value in sorted(model.items()):
        others = [r for r in rows if r["method"] != "model" and r["horizon"] == h and _number(r["value"])]
        best = min(others, key=lambda r: r["value"]) if others else None
        parts.append(f"{h} year{'s' * (h > 1)} ahead the model's median error was {value:.1f}%"
                     + (f", the best baseline's ({best['method']}) {best['value']:.1f}%" if best else ""))
    return "Median error of total plans by years ahead, one line for each method. " + "; ".join(parts) + "."
