"""Write `docs/kpis.md` from the catalogue's own metadata, so the documentation cannot drift from the code.

Run `python -m sendreform.metrics.docs > docs/kpis.md`; a test fails when the file is out of date.
"""

from __future__ import annotations

from pathlib import Path

from sendreform.metrics.catalogue import BLOCKS, CATALOGUE
from sendreform.metrics.targets import targets_load

# Where the first edition of kpi-catalogue.md left a choice open, what this code decided.
READINGS = [
    ("SEN pupils in attendance measures", "The catalogue defines SEN pupils over a period; for the "
     "attendance measures, which are by academic year, the period is that academic year."),
    ("suspension rate denominator", "`send_suspension_rate` divides by SEN pupils in the measure's own "
     "period (the financial year to date by default)."),
    ("new INMSS placements", "'Of persons with an active plan' is read as a plan active on the day the "
     "placement started, so a placement made under a plan that later ceased still counts."),
    ("aged 5-15", "`mainstream_share_pct` uses age in whole years on the as-at date."),
    ("a year earlier", "`ehcp_growth_12m` compares with the same day a year before (28 February for 29 "
     "February)."),
    ("open establishments", "An establishment with no open date is taken as open."),
    ("median", "`eah_referral_to_support_days` is the exact median (the mean of the two middle values when "
     "there is an even number) on every backend."),
    ("disproportionality", "Ratios are given for percentage indicators only; for counts, means and medians "
     "'the rate of everyone else' is not defined."),
    ("milestones", "Between quarterly milestones the expected value is the latest milestone reached; "
     "before the first, the straight line from the baseline to it."),
    ("AMBER without a planned change", "Where the plan gives milestones but no baseline and target, the "
     "AMBER allowance is a quarter of the expected value."),
    ("baselines of events", "A baseline the plan leaves to the data is, for a measure of events in a period, "
     "taken over the twelve months to the baseline date; and a count of events is expected to reach, part "
     "way through a year, the year's expected count pro rata by days."),
    ("suppressed trajectories", "Where a baseline worked out from the data rests on 1 to 5 children, the "
     "expected value is suppressed too, as it would give the baseline away."),
    ("local area", "The `local_area` breakdown is a child's home authority, or for counts of settings the "
     "authority the setting is in."),
    ("permanent exclusions and reviews", "`pex_school_cannot_meet_need` can only count children with a plan, "
     "as annual reviews belong to plans."),
]

AGGREGATES = {
    "count": "a count (the sum of the units)",
    "percent": "a percentage: 100 × numerator / denominator",
    "mean": "a mean: numerator (the total) / denominator (how many)",
    "median": "a median",
    "growth": "growth: 100 × (now / a year earlier − 1)",
    "mean_growth": "growth in a mean: 100 × (mean this year / mean last year − 1)",
}


def catalogue_markdown(plan_path: Path = Path("plans/reading.yaml")) -> str:
    plan = targets_load(plan_path, known_ids=CATALOGUE)
    lines = [
        "# Indicators",
        "",
        "Generated from `sendreform/metrics/catalogue.py` and `plans/reading.yaml` by "
        "`python -m sendreform.metrics.docs`; do not edit by hand. The definitions follow "
        "`shared/design/kpi-catalogue.md`; where it left a choice open, the reading taken is listed at the end.",
        "",
    ]
    for block, title in BLOCKS.items():
        members = [i for i in CATALOGUE.values() if i.block == block]
        if not members:
            continue
        lines += [f"## {title}", ""]
        for ind in members:
            t = plan.get(ind.id)
            lines += [f"### `{ind.id}` — {ind.title}", "", ind.definition, ""]
            lines.append(f"- Unit: {ind.unit}; {AGGREGATES[ind.aggregate]}; better: {ind.better}.")
            lines.append("- One of the plan's twelve target metrics." if ind.target_metric else
                         "- A measure the plan tracks.")
            lines.append(f"- Breakdowns: {', '.join(ind.breakdowns) or 'none'}.")
            if t and t.baseline:
                value = "worked out from the data" if t.baseline.value is None else f"{t.baseline.value:g}"
                lines.append(f"- Baseline (Reading): {value} on {t.baseline.date.isoformat()}.")
            if t and t.target:
                value = (f"{t.target_change_pct:+g}% on the baseline" if t.target_change_pct is not None
                         else f"{t.target.value:g}")
                lines.append(f"- Target (Reading): {value} by {t.target.date.isoformat()}.")
            if t and t.milestones:
                ms = ", ".join(f"{m.value:g} on {m.date.isoformat()}" for m in t.milestones)
                lines.append(f"- Milestones (Reading): {ms}.")
            if t and t.note:
                lines.append(f"- Note: {t.note}")
            lines.append("")
    lines += ["## Readings of the catalogue", ""]
    lines += [f"- **{what}.** {how}" for what, how in READINGS]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(catalogue_markdown(), end="")
