"""The benchmarking page's charts, drawn on the server as SVG by the indicators' chart helper: a measure over
time (the area, its neighbours' median and range, and for percentages its region and England), and a national
chart of every local authority with the area, its neighbours, region and England picked out."""

from __future__ import annotations

import altair as alt
import pandas as pd

from sendreform.indicators.charts import chart_configure, chart_svg
from sendreform.published.benchmark import YearRow

COLOURS = {"area": "#1d70b8", "Neighbours' median": "#0b0c0c", "Region": "#f47738", "England": "#505a5f",
           "Neighbours' range": "#d2e2f1"}
DASHES = {"area": [1, 0], "Neighbours' median": [8, 4], "Region": [2, 3], "England": [10, 3, 2, 3]}


def trend_chart(rows: list[YearRow], *, area_name: str, unit: str, y_title: str, chart_id: str, title: str):
    """The measure over time. Counts are not drawn for the region and England (they are tens of times the
    area's); the table gives them."""
    names = {"area": area_name}
    lines = []
    for r in rows:
        values = {"area": r.area.number if r.area else None, "Neighbours' median": r.neighbours_median}
        if unit == "percent":
            values |= {"Region": r.region.number if r.region else None,
                       "England": r.england.number if r.england else None}
        lines += [{"year": r.year, "series": names.get(k, k), "value": v} for k, v in values.items() if v is not None]
    band = [{"year": r.year, "low": r.neighbours_low, "high": r.neighbours_high, "series": "Neighbours' range"}
            for r in rows if r.neighbours_low is not None]
    order = [area_name, "Neighbours' median", "Region", "England"]
    present = [n for n in order if any(d["series"] == n for d in lines)]
    colour_of = {area_name: COLOURS["area"], **COLOURS}
    dash_of = {area_name: DASHES["area"], **DASHES}
    years = sorted({r.year for r in rows})
    x = alt.X("year:Q", title=None, scale=alt.Scale(nice=False), axis=alt.Axis(format="d", values=years,
                                                                               labelAngle=0))
    legend = alt.Legend(title=None, orient="bottom", symbolType="stroke", symbolStrokeWidth=3, symbolSize=500)
    layers = []
    if band:
        layers.append(alt.Chart(pd.DataFrame(band)).mark_area(opacity=1, color=COLOURS["Neighbours' range"],
                                                              aria=False)
                      .encode(x=x, y=alt.Y("low:Q", title=y_title), y2="high:Q"))
    layers.append(
        alt.Chart(pd.DataFrame(lines, columns=["year", "series", "value"]))
        .mark_line(point=alt.OverlayMarkDef(aria=False), strokeWidth=2.5, aria=False)
        .encode(x=x, y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=unit != "percent")),
                color=alt.Color("series:N", scale=alt.Scale(domain=present, range=[colour_of[n] for n in present]),
                                legend=legend),
                strokeDash=alt.StrokeDash("series:N", legend=legend,
                                          scale=alt.Scale(domain=present, range=[dash_of[n] for n in present]))))
    spec = chart_configure(alt.layer(*layers).properties(width=620, height=240)).to_dict()
    shown = [r for r in rows if r.area and r.area.number is not None]
    description = (f"{area_name} from {shown[0].year} to {shown[-1].year}, with the shaded range of its "
                   "neighbours and their median" + (", its region and England" if unit == "percent" else "")
                   + ". The table below gives every figure.") if shown else "No published figures for this area."
    return chart_svg(spec, title=title, description=description, chart_id=chart_id)


def national_chart(rows: list[dict], *, unit: str, y_title: str, chart_id: str, title: str,
                   region_value: float | None, england_value: float | None):
    """Every local authority's figure as a bar, highest first: the area in blue, its neighbours in dark blue,
    the others grey; the region and England as lines across."""
    colours = {"This area": "#1d70b8", "Neighbour": "#003078", "Other local authority": "#b1b4b6"}
    frame = pd.DataFrame(rows, columns=["name", "value", "group"])
    order = list(frame.sort_values("value", ascending=False)["name"])
    bars = (alt.Chart(frame).mark_bar(aria=False)
            .encode(x=alt.X("name:N", sort=order, title=None, axis=alt.Axis(labels=False, ticks=False)),
                    y=alt.Y("value:Q", title=y_title),
                    color=alt.Color("group:N", scale=alt.Scale(domain=list(colours), range=list(colours.values())),
                                    legend=alt.Legend(title=None, orient="bottom"))))
    layers = [bars]
    for label, value, colour, dash in (("Region", region_value, "#f47738", [2, 3]),
                                       ("England", england_value, "#0b0c0c", [8, 4])):
        if value is not None:
            data = pd.DataFrame([{"value": value, "label": f"{label} {value:,.1f}"}])
            layers.append(alt.Chart(data).mark_rule(color=colour, strokeDash=dash, strokeWidth=2, aria=False)
                          .encode(y="value:Q"))
            layers.append(alt.Chart(data).mark_text(align="right", dy=-6, x=620, color=colour, fontSize=13,
                                                    aria=False).encode(y="value:Q", text="label:N"))
    spec = chart_configure(alt.layer(*layers).properties(width=620, height=260)).to_dict()
    description = (f"{len(rows)} local authorities from highest to lowest; the area and its neighbours are "
                   "picked out, with the region and England as lines. The table below lists every authority.")
    return chart_svg(spec, title=title, description=description, chart_id=chart_id)
