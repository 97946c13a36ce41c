"""The dashboard's charts, drawn on the server as SVG so they work without JavaScript and print: a tiny
sparkline of an indicator's quarterly values, and a Vega-Altair chart of actual, expected and target by
quarter. Each carries its own text alternative; a table of the same numbers sits beside every chart."""

from __future__ import annotations

import datetime as dt
import re

import altair as alt
import pandas as pd
import vl_convert
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from sendreform.indicators.display import date_text, value_text

# GOV.UK colours: the actual in blue, the trajectory in black (dashed), the target in orange (dotted); the
# dashes mean the lines can be told apart without colour.
SERIES = {
    "Actual": ("#1d70b8", [1, 0]),
    "Expected on the trajectory": ("#0b0c0c", [8, 4]),
    "Target": ("#f47738", [2, 3]),
}
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 32, 3
# One legend for colour and dash together, drawn as short lines so it shows the dashes too.
_LEGEND = alt.Legend(title=None, orient="bottom", symbolType="stroke", symbolStrokeWidth=3, symbolSize=500)


def _numbers(points):
    return [(day, float(value)) for day, value in points if isinstance(value, int | float)]


def trend_text(points: list[tuple[dt.date, object]], unit: str) -> str:
    """A sentence saying how the values moved, for anyone who cannot see the sparkline."""
    shown = _numbers(points)
    if len(shown) < 2:
        return "Not enough quarterly figures for a trend."
    (first_day, first), (last_day, last) = shown[0], shown[-1]
    low, high = min(v for _, v in shown), max(v for _, v in shown)
    text = (f"From {value_text(first, unit)} on {date_text(first_day)} to {value_text(last, unit)} on "
            f"{date_text(last_day)}; lowest {value_text(low, unit)}, highest {value_text(high, unit)}.")
    if len(shown) < len(points):
        text += " Some quarters are not shown."
    return text


def sparkline_svg(points: list[tuple[dt.date, object]], *, unit: str) -> SafeString:
    """A small line of the quarterly values; suppressed or missing quarters are gaps in the line."""
    label = trend_text(points, unit)
    shown = [v for _, v in _numbers(points)]
    if len(shown) < 2:
        return format_html('<span class="govuk-body-s">{}</span>', label)
    low, high = min(shown), max(shown)
    span = (high - low) or 1.0
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(points) - 1, 1)
    segments, current, last = [], [], None
    for i, (_, value) in enumerate(points):
        if not isinstance(value, int | float):
            if current:
                segments.append(current)
            current = []
            continue
        flat = high == low
        y = SPARK_HEIGHT / 2 if flat else SPARK_PAD + (high - value) / span * (SPARK_HEIGHT - 2 * SPARK_PAD)
        last = (SPARK_PAD + i * step, y)
        current.append(last)
    if current:
        segments.append(current)
    path = " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in seg) for seg in segments)
    dot = f'<circle cx="{last[0]:.1f}" cy="{last[1]:.1f}" r="2.5" fill="#1d70b8"/>' if last else ""
    return mark_safe(  # noqa: S308 - every value interpolated is a number we formatted or escaped
        f'<svg role="img" aria-label="{escape(label)}" width="{SPARK_WIDTH}" '
        f'height="{SPARK_HEIGHT}" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" focusable="false">'
        f"<title>{escape(label)}</title>"
        f'<path d="{path}" fill="none" stroke="#1d70b8" stroke-width="2" stroke-linejoin="round"/>{dot}</svg>'
    )


def chart_spec(rows: list[dict], *, unit: str, y_title: str) -> dict:
    """The Vega-Lite spec of actual, expected and target by quarter, from the page's quarterly rows.
    Suppressed values ("c") are left out of the data, so they cannot be read from the drawing."""
    data = [
        {"quarter": r["as_at"].isoformat(), "series": name,
         "value": float(r[key]) if isinstance(r.get(key), int | float) else None}
        for r in rows
        for name, key in (("Actual", "value"), ("Expected on the trajectory", "expected"), ("Target", "target"))
        # An actual that is suppressed or missing stays in as a gap, so the line breaks there.
        if isinstance(r.get(key), int | float) or name == "Actual"
    ]
    names = [n for n in SERIES if any(d["series"] == n and d["value"] is not None for d in data)]
    scale_colour = alt.Scale(domain=names, range=[SERIES[n][0] for n in names])
    scale_dash = alt.Scale(domain=names, range=[SERIES[n][1] for n in names])
    chart = (
        alt.Chart(pd.DataFrame(data, columns=["quarter", "series", "value"]))
        .mark_line(point=alt.OverlayMarkDef(aria=False), strokeWidth=2.5, aria=False,
                   invalid="break-paths-filter-domains")
        .encode(
            x=alt.X("quarter:T", timeUnit="utcyearmonthdate", title="Quarter end",
                    axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount={"interval": "month", "step": 6})),
            y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=unit != "percent")),
            color=alt.Color("series:N", scale=scale_colour, legend=_LEGEND),
            strokeDash=alt.StrokeDash("series:N", scale=scale_dash, legend=_LEGEND),
        )
        .properties(width=620, height=260)
        .configure(font="Arial", aria=False)
        .configure_axis(labelFontSize=13, titleFontSize=14, labelColor="#0b0c0c", titleColor="#0b0c0c")
        .configure_legend(labelFontSize=14, labelLimit=400)
        .configure_view(stroke=None)
    )
    return chart.to_dict()


def indicator_chart_svg(rows: list[dict], *, unit: str, y_title: str, title: str, description: str,
                        chart_id: str) -> SafeString:
    """The chart as inline SVG, named for assistive technology by its title and a one-sentence summary."""
    return chart_svg(chart_spec(rows, unit=unit, y_title=y_title), title=title, description=description,
                     chart_id=chart_id)


def chart_svg(spec: dict, *, title: str, description: str, chart_id: str) -> SafeString:
    """Any Vega-Lite spec drawn as inline SVG, named for assistive technology by a title and a summary."""
    svg = vl_convert.vegalite_to_svg(spec)
    # The drawing's own fixed size gives way to the page's width; its viewBox keeps the proportions.
    svg = re.sub(r'^<svg ([^>]*?) width="[\d.]+" height="[\d.]+"',
                 lambda m: f'<svg {m.group(1)} role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
                           f'focusable="false" class="app-chart"',
                 svg.strip(), count=1)
    head, rest = svg.split(">", 1)
    return mark_safe(  # noqa: S308 - the SVG is vl-convert's drawing of our numbers; the texts are escaped
        f'{head}><title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>{rest}'
    )


# A fan chart: the history in black, the projection's median in blue (dashed) with its 50% and 95% intervals
# as two shades of blue, and a rule where the history ends.
FAN_SERIES = {
    "Actual": "#0b0c0c",
    "Projection (median)": "#1d70b8",
    "50% interval": "#5694ca",
    "95% interval": "#d2e2f1",
}


def fan_chart_spec(rows: list[dict], *, y_title: str, x_title: str = "January census") -> dict:
    """The Vega-Lite spec of a fan chart from rows of year, kind ("actual" or "projection"), median, p2_5,
    p25, p75 and p97_5. The projection starts from the last actual value, so the fan opens from it. Values
    that are not numbers (suppressed) are left out of the data."""
    def number(value):
        return float(value) if isinstance(value, int | float) else None

    actual = [r for r in rows if r["kind"] == "actual" and number(r["median"]) is not None]
    projected = [r for r in rows if r["kind"] == "projection"]
    fan = ([{**actual[-1], "kind": "projection"}] if actual else []) + projected
    data = [{"year": r["year"], "series": "Actual", "value": number(r["median"])} for r in actual]
    data += [{"year": r["year"], "series": "Projection (median)", "value": number(r["median"])} for r in fan]
    bands = [{"year": r["year"], "series": series, "low": number(r[lo]), "high": number(r[hi])}
             for r in fan for series, lo, hi in (("95% interval", "p2_5", "p97_5"), ("50% interval", "p25", "p75"))
             if number(r[lo]) is not None and number(r[hi]) is not None]
    names = [n for n in FAN_SERIES if any(d["series"] == n for d in data + bands)]
    colour = alt.Color("series:N", scale=alt.Scale(domain=names, range=[FAN_SERIES[n] for n in names]),
                       legend=alt.Legend(title=None, orient="bottom", labelFontSize=14, labelLimit=400))
    years = sorted({d["year"] for d in data + bands})
    x = alt.X("year:Q", title=x_title, scale=alt.Scale(nice=False),
              axis=alt.Axis(format="d", values=years, labelAngle=0))
    band_frame = pd.DataFrame(bands, columns=["year", "series", "low", "high"])
    line_frame = pd.DataFrame(data, columns=["year", "series", "value"])
    layers = [
        alt.Chart(band_frame).mark_area(aria=False, opacity=1).encode(
            x=x, y=alt.Y("low:Q", title=y_title), y2="high:Q", color=colour,
            order=alt.Order("series:N", sort="descending")),
        alt.Chart(line_frame).mark_line(point=alt.OverlayMarkDef(aria=False), strokeWidth=2.5, aria=False).encode(
            x=x, y=alt.Y("value:Q", title=y_title), color=colour,
            strokeDash=alt.condition(alt.datum.series == "Actual", alt.value([1, 0]), alt.value([6, 3]))),
    ]
    if actual:
        divider = pd.DataFrame([{"year": actual[-1]["year"]}])
        rule = alt.Chart(divider).mark_rule(color="#505a5f", strokeDash=[2, 2], aria=False).encode(x=x)
        text = [alt.Chart(pd.DataFrame([{"year": actual[-1]["year"], "text": label}]))
                .mark_text(align=align, dx=dx, baseline="top", y=4, fontSize=13, color="#505a5f", aria=False)
                .encode(x=x, text="text:N") for label, align, dx in (("History", "right", -6),
                                                                     ("Projection", "left", 6))]
        layers += [rule, *text]
    chart = (
        alt.layer(*layers)
        .properties(width=620, height=280)
        .configure(font="Arial", aria=False)
        .configure_axis(labelFontSize=13, titleFontSize=14, labelColor="#0b0c0c", titleColor="#0b0c0c")
        .configure_view(stroke=None)
    )
    return chart.to_dict()


def fan_chart_svg(rows: list[dict], *, y_title: str, title: str, description: str, chart_id: str,
                  x_title: str = "January census") -> SafeString:
    return chart_svg(fan_chart_spec(rows, y_title=y_title, x_title=x_title), title=title,
                     description=description, chart_id=chart_id)


def chart_configure(chart):
    """The house style of every chart drawn here: Arial in GOV.UK black, no frame round the plot, and the marks
    hidden from assistive technology (the SVG's title and description speak for the whole drawing)."""
    return (
        chart.configure(font="Arial", aria=False)
        .configure_axis(labelFontSize=13, titleFontSize=14, labelColor="#0b0c0c", titleColor="#0b0c0c")
        .configure_header(labelFontSize=13, labelColor="#0b0c0c", titleFontSize=14, titleColor="#0b0c0c")
        .configure_legend(labelFontSize=14, labelLimit=400)
        .configure_view(stroke=None)
    )
