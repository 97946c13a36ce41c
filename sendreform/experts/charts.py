"""The demand and capacity charts, drawn by Vega-Altair and rendered on the server to inline SVG (no
JavaScript), each named for assistive technology; the page puts a table of the same numbers beside each.
Suppressed counts ("c") are left out of the drawing so they cannot be read from it."""

from __future__ import annotations

import altair as alt
import pandas as pd
from django.utils.safestring import SafeString

from sendreform.indicators.charts import chart_svg
from sendreform.standards import codes

BLUE, BLACK, ORANGE, GREEN = "#1d70b8", "#0b0c0c", "#f47738", "#00703c"
TIER_COLOURS = {
    "Universal": "#5694ca",
    "Targeted": BLUE,
    "Targeted Plus": "#003078",
    "Not yet triaged": "#b1b4b6",
}


def _configure(chart) -> dict:
    return (
        chart.properties(width=620, height=240)
        .configure(font="Arial", aria=False)
        .configure_axis(labelFontSize=13, titleFontSize=14, labelColor=BLACK, titleColor=BLACK)
        .configure_legend(labelFontSize=13, orient="bottom", title=None)
        .configure_view(stroke=None)
        .to_dict()
    )


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def demand_chart_svg(weeks: list[dict], *, chart_id: str) -> SafeString:
    """Referrals received each week stacked by tier, with the hours committed as a line on its own axis."""
    labels = {**{f"tier_{k}": v for k, v in codes.EAH_TIER.items()}, "tier_UNTRIAGED": "Not yet triaged"}
    bars = [
        {"week": w["week"].isoformat(), "tier": label, "referrals": w[key]}
        for w in weeks
        for key, label in labels.items()
        if _number(w[key])
    ]
    # The hours committed and the practitioners' hours available, as two lines on one hours axis.
    committed, available = "Hours committed", "Hours available"
    hours = [
        {"week": w["week"].isoformat(), "what": what, "hours": float(w[key])}
        for w in weeks
        for what, key in ((committed, "hours_committed"), (available, "hours_available"))
    ]
    x = alt.X("week:T", title="Week beginning", axis=alt.Axis(format="%-d %b", labelAngle=0))
    bar = (
        alt.Chart(pd.DataFrame(bars, columns=["week", "tier", "referrals"]))
        .mark_bar(aria=False)
        .encode(
            x=x,
            y=alt.Y("referrals:Q", title="Referrals received", stack=True),
            color=alt.Color(
                "tier:N", scale=alt.Scale(domain=list(TIER_COLOURS), range=list(TIER_COLOURS.values()))
            ),
        )
    )
    line = (
        alt.Chart(pd.DataFrame(hours, columns=["week", "what", "hours"]))
        .mark_line(strokeWidth=2.5, aria=False, point=alt.OverlayMarkDef(aria=False))
        .encode(
            x=x,
            y=alt.Y("hours:Q", title="Hours a week (lines)", scale=alt.Scale(zero=True)),
            stroke=alt.Stroke("what:N", scale=alt.Scale(domain=[committed, available], range=[ORANGE, BLACK]),
                              title=None),
            strokeDash=alt.StrokeDash("what:N", scale=alt.Scale(domain=[committed, available],
                                                                range=[[1, 0], [6, 4]]), title=None),
        )
    )
    spec = _configure(alt.layer(bar, line).resolve_scale(y="independent"))
    received = [w["received"] for w in weeks if _number(w["received"])]
    text = (
        f"Over {len(weeks)} weeks, between {min(received)} and {max(received)} referrals a week"
        if received
        else "Weekly referral counts are suppressed"
    )
    text += f"; practitioners' capacity is {weeks[-1]['hours_available']} hours a week." if weeks else "."
    return chart_svg(
        spec, chart_id=chart_id, title="Referrals each week by tier, and hours committed against those available",
        description=text
    )


def age_chart_svg(profile: list[dict], *, chart_id: str) -> SafeString:
    data = [{"band": r["band"], "referrals": r["referrals"]} for r in profile if _number(r["referrals"])]
    spec = _configure(
        alt.Chart(pd.DataFrame(data, columns=["band", "referrals"]))
        .mark_bar(color=BLUE, aria=False)
        .encode(
            x=alt.X(
                "band:N",
                sort=[r["band"] for r in profile],
                title="Waiting",
                axis=alt.Axis(labelAngle=0, labelLimit=200),
            ),
            y=alt.Y("referrals:Q", title="Referrals"),
        )
    )
    text = "; ".join(f"{r['band']}: {r['referrals']}" for r in profile)
    return chart_svg(spec, chart_id=chart_id, title="Age of the queue", description=text)


def projection_chart_svg(rows: list[dict], *, chart_id: str) -> SafeString:
    data = [
        {"week": r["week"].isoformat(), "queue": r["projected_queue"]}
        for r in rows
        if _number(r["projected_queue"])
    ]
    spec = _configure(
        alt.Chart(pd.DataFrame(data, columns=["week", "queue"]))
        .mark_line(color=BLUE, strokeWidth=2.5, aria=False, point=alt.OverlayMarkDef(aria=False))
        .encode(
            x=alt.X("week:T", title="Week beginning", axis=alt.Axis(format="%-d %b", labelAngle=0)),
            y=alt.Y("queue:Q", title="Referrals waiting", scale=alt.Scale(zero=True)),
        )
    )
    text = (
        f"From {data[0]['queue']} to {data[-1]['queue']} referrals waiting over eight weeks"
        if data
        else "The projection is suppressed"
    )
    return chart_svg(spec, chart_id=chart_id, title="The queue projected eight weeks ahead", description=text)
