"""The plan's twelve target metrics by local area, written in plain pandas the way an analyst would write
them today: the baseline the Ibis engine is timed against in bench/metrics.py. tests/metrics holds the
two to the same answers on the hand-built area, so the benchmark compares like with like."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from sendreform.standards import periods

MAINTAINED = ["MAINTAINED", "ACADEMY"]


def load(folder: Path) -> dict[str, pd.DataFrame]:
    """The columns the twelve metrics need, read from a folder of canonical Parquet files."""
    cols = {
        "person": ["person_id", "home_la"],
        "establishment": ["establishment_id", "la_code", "kind", "funding", "in_area", "specialist_places",
                          "open_date", "close_date"],
        "ehc_plan": ["plan_id", "person_id", "start_date", "cease_date"],
        "placement": ["placement_id", "person_id", "establishment_id", "sen_setting", "sen_unit",
                      "resourced_provision", "start_date", "end_date"],
        "attendance": ["person_id", "establishment_id", "academic_year", "sessions_possible",
                       "sessions_authorised", "sessions_unauthorised"],
        "neet_activity": ["person_id", "as_at", "academic_age", "activity"],
        "exclusion": ["exclusion_id", "person_id", "start_date", "category"],
        "annual_review": ["review_id", "plan_id", "meeting_date", "school_cannot_meet_need"],
        "ap_commission": ["person_id", "commissioned_by", "start_date", "end_date"],
        "part_time_timetable": ["person_id", "start_date", "end_date", "hours_in_school_per_week",
                                "full_time_hours_per_week"],
        "complaint": ["received_date", "route", "about_send"],
    }
    out = {}
    for name, columns in cols.items():
        frame = pd.read_parquet(folder / f"{name}.parquet", columns=columns)
        for c in columns:
            if c.endswith("_date") or c == "as_at":
                frame[c] = pd.to_datetime(frame[c])
        out[name] = frame
    return out


def _category(p: pd.DataFrame) -> pd.Series:
    kind, funding, setting = p["kind"], p["funding"], p["sen_setting"]
    base = p["sen_unit"].fillna(False) | p["resourced_provision"].fillna(False)
    conditions = [
        setting.eq("EYP"), setting.eq("EHE"), setting.eq("OLA"), setting.eq("UNPLACED"),
        setting.isin(["NEET", "NIEC", "NIEO"]), setting.notna(),
        kind.eq("EY_PVI"), kind.isin(["SPECIAL", "MAINSTREAM"]) & funding.isin(["INDEPENDENT", "NON_MAINTAINED"]),
        kind.eq("MAINSTREAM") & funding.isin(MAINTAINED) & base, kind.eq("MAINSTREAM") & funding.isin(MAINTAINED),
        kind.eq("SPECIAL") & funding.isin(MAINTAINED), kind.eq("AP"), kind.eq("FE"), kind.eq("SPECIALIST_POST16"),
    ]
    choices = ["EARLY_YEARS", "EHE", "EOTAS", "UNPLACED", "NOT_IN_EDUCATION", "OTHER", "EARLY_YEARS", "INMSS",
               "MAINSTREAM_BASE", "MAINSTREAM", "MAINTAINED_SPECIAL", "AP", "POST16_MAINSTREAM",
               "POST16_SPECIALIST"]
    return pd.Series(np.select(conditions, choices, default="OTHER"), index=p.index)


def _open(frame, start, end, day):
    return (frame[start] <= day) & (frame[end].isna() | (frame[end] > day))


def _between(series, p0, p1):
    return (series >= p0) & (series <= p1)


def target_metrics(t: dict[str, pd.DataFrame], as_at: dt.date) -> dict[str, dict[str, float]]:
    """{metric id: {local area: value}} at `as_at`, period the financial year to date."""
    d = pd.Timestamp(as_at)
    p0, p1 = pd.Timestamp(periods.financial_year(as_at).start), d
    ay = periods.academic_year(as_at).name
    person = t["person"].set_index("person_id")["home_la"]
    est = t["establishment"]

    plans = t["ehc_plan"]
    active = set(plans.loc[_open(plans, "start_date", "cease_date", d), "person_id"])

    placements = t["placement"].merge(est[["establishment_id", "kind", "funding"]], how="left",
                                      on="establishment_id")
    placements["category"] = _category(placements)
    on_day = placements[_open(placements, "start_date", "end_date", d)]
    on_day = on_day.sort_values(["start_date", "placement_id"], ascending=False).drop_duplicates("person_id")
    placed = on_day[on_day.person_id.isin(active)].copy()
    placed["la"] = placed.person_id.map(person)

    out: dict[str, dict[str, float]] = {}

    def by_la(frame, column=None, how="count"):
        groups = frame.groupby("la")
        series = groups.size() if how == "count" else getattr(groups[column], how)()
        return {str(k): float(v) for k, v in series.items()}

    # special_school_attendance_rate
    special = est[est.in_area & est.kind.eq("SPECIAL") & est.funding.isin(MAINTAINED)]
    a = t["attendance"]
    a = a[a.academic_year.eq(ay) & a.establishment_id.isin(special.establishment_id)].copy()
    a["la"] = a.person_id.map(person)
    g = a.groupby("la")[["sessions_possible", "sessions_authorised", "sessions_unauthorised"]].sum()
    out["special_school_attendance_rate"] = {
        str(k): 100 * (1 - (r.sessions_authorised + r.sessions_unauthorised) / r.sessions_possible)
        for k, r in g.iterrows() if r.sessions_possible
    }
    # maintained_special_places
    open_special = special[(special.open_date.isna() | (special.open_date <= d))
                           & (special.close_date.isna() | (special.close_date > d))]
    out["maintained_special_places"] = {
        str(k): float(v) for k, v in open_special.groupby("la_code")["specialist_places"].sum().items()
    }
    # inmss_placements, ehcp_in_mainstream, ehcp_unplaced_or_eotas
    out["inmss_placements"] = by_la(placed[placed.category.eq("INMSS")])
    out["ehcp_in_mainstream"] = by_la(placed[placed.category.isin(["MAINSTREAM", "MAINSTREAM_BASE"])])
    out["ehcp_unplaced_or_eotas"] = by_la(placed[placed.category.isin(["UNPLACED", "EOTAS"])])
    # neet_16_17_ehcp_rate
    n = t["neet_activity"]
    n = n[n.as_at <= d].sort_values(["as_at", "activity"], ascending=[False, True]).drop_duplicates("person_id")
    n = n[n.academic_age.isin([16, 17]) & n.person_id.isin(active)].copy()
    n["la"], n["neet"] = n.person_id.map(person), n.activity.eq("NEET") * 100.0
    out["neet_16_17_ehcp_rate"] = by_la(n, "neet", "mean")
    # pex_school_cannot_meet_need
    x = t["exclusion"]
    x = x[x.category.eq("PERM") & _between(x.start_date, p0, p1)]
    r = x.merge(plans[["plan_id", "person_id"]], on="person_id").merge(t["annual_review"], on="plan_id")
    r = r[r.meeting_date < r.start_date].sort_values(["meeting_date", "review_id"], ascending=False)
    r = r.drop_duplicates("exclusion_id")
    r = r[r.school_cannot_meet_need].copy()
    r["la"] = r.person_id.map(person)
    out["pex_school_cannot_meet_need"] = by_la(r)
    # ehe_ehcp_return_rate
    ehe = placements[placements.category.eq("EHE") & (placements.start_date <= p1)
                     & (placements.end_date.isna() | (placements.end_date >= p0)) & placements.person_id.isin(active)]
    school = placements[placements.funding.isin(MAINTAINED) & _between(placements.start_date, p0, p1)]
    m = ehe[["person_id", "start_date"]].merge(school[["person_id", "start_date"]], how="left", on="person_id",
                                               suffixes=("", "_school"))
    m["returned"] = m.start_date_school > m.start_date
    per = m.groupby("person_id")["returned"].any().mul(100.0).reset_index()
    per["la"] = per.person_id.map(person)
    out["ehe_ehcp_return_rate"] = by_la(per, "returned", "mean")
    # avg_days_unplaced
    u = t["placement"]
    u = u[u.sen_setting.eq("UNPLACED") & u.end_date.notna() & _between(u.end_date, p0, p1)].copy()
    u["days"], u["la"] = (u.end_date - u.start_date).dt.days, u.person_id.map(person)
    out["avg_days_unplaced"] = by_la(u, "days", "mean")
    # avg_days_ap_commission
    c = t["ap_commission"]
    c = c[c.commissioned_by.ne("LA") & c.end_date.notna() & _between(c.end_date, p0, p1)].copy()
    c["days"], c["la"] = (c.end_date - c.start_date).dt.days, c.person_id.map(person)
    out["avg_days_ap_commission"] = by_la(c, "days", "mean")
    # ptt_time_in_school_pct
    p = t["part_time_timetable"]
    p = p[_open(p, "start_date", "end_date", d)].copy()
    p["share"] = 100 * p.hours_in_school_per_week.astype(float) / p.full_time_hours_per_week.astype(float)
    p["la"] = p.person_id.map(person)
    out["ptt_time_in_school_pct"] = by_la(p, "share", "mean")
    # send_corporate_complaints (no local area on a complaint: the whole dataset)
    k = t["complaint"]
    out["send_corporate_complaints"] = {
        "ALL": float((k.route.eq("CORPORATE") & k.about_send & _between(k.received_date, p0, p1)).sum())
    }
    return out


if __name__ == "__main__":  # end to end, as an analyst runs it: `python bench/pandas_metrics.py DIR --as-at DATE`
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--as-at", type=dt.date.fromisoformat, required=True)
    args = parser.parse_args()
    import time

    start = time.perf_counter()
    out = target_metrics(load(args.folder), args.as_at)
    print(f"seconds reading and computing: {time.perf_counter() - start:.3f}", file=sys.stderr)
    sys.stdout.write("metric,local_area,value\n")
    for metric, values in out.items():
        for area, value in sorted(values.items()):
            sys.stdout.write(f"{metric},{area},{value}\n")
