"""One forecast run from history to files: fit, simulate the baseline (and a scenario with the same random
draws), summarise by need, setting, age group, cost and sufficiency, and write CSVs and `summary.json` with
what is needed to reproduce it (inputs' hash, scenario, code version, seed)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sendreform.forecast import costs as cost_model
from sendreform.forecast import sufficiency as suff
from sendreform.forecast.history import AGE_GROUPS, NEEDS, SETTINGS, History
from sendreform.forecast.model import (
    BAND_AGE_GROUP,
    DEFAULT_HALF_LIFE,
    DEFAULT_SIMS,
    Simulation,
    parameters_fit,
    simulate,
    summary_frame,
)
from sendreform.forecast.scenarios import Scenario

FILES = ("total_plans", "plans_by_need", "plans_by_setting", "plans_by_age_group", "cost_by_line", "cost_total",
         "sufficiency", "demand_by_phase_need", "scenario_vs_baseline")


@dataclass
class ForecastRun:
    tables: dict[str, pd.DataFrame]
    summary: dict
    baseline: Simulation
    scenario: Simulation | None


def forecast_run(*, history: History, years: int = 5, sims: int = DEFAULT_SIMS, seed: int = 870,
                 scenario: Scenario | None = None, half_life: float = DEFAULT_HALF_LIFE, code_version: str = "",
                 progress: Callable[[str, int, int], None] | None = None) -> ForecastRun:
    params = parameters_fit(history=history, half_life=half_life)
    base = simulate(params=params, years=years, sims=sims, seed=seed, history=history, progress=progress)
    chosen = base
    scen = None
    if scenario is not None:
        scen = simulate(params=params, years=years, sims=sims, seed=seed, history=history, scenario=scenario,
                        progress=progress)
        chosen = scen
    tables = _tables(sim=chosen, history=history, added=scenario.added_places() if scenario else [])
    if scen is not None:
        tables["scenario_vs_baseline"] = _compare(base=base, scen=scen, history=history)
    total = tables["total_plans"]
    projected = total[total["kind"] == "projection"]
    summary = {
        "total_plans": [{"year": int(r.year), "median": float(r.median), "p2_5": float(r.p2_5),
                         "p25": float(r.p25), "p75": float(r.p75), "p97_5": float(r.p97_5)}
                        for r in projected.itertuples()],
        "inputs_hash": history.inputs_hash,
        "last_census": history.last_year,
        "scenario": None if scenario is None else {"name": scenario.name, "text": scenario.text},
        "code_version": code_version,
        "sims": sims, "years": years, "seed": seed, "half_life": half_life,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    return ForecastRun(tables=tables, summary=summary, baseline=base, scenario=scen)


def _with_history(frame: pd.DataFrame, actual: pd.DataFrame) -> pd.DataFrame:
    """Actual census counts (kind "actual", every quantile the count) above the projection rows."""
    actual = actual.assign(kind="actual", **{q: actual["value"] for q in ("median", "p2_5", "p25", "p75",
                                                                           "p97_5")}).drop(columns="value")
    return pd.concat([actual, frame.assign(kind="projection")], ignore_index=True)[
        ["year", *[c for c in frame.columns if c not in ("year",)], "kind"]]


def _tables(*, sim: Simulation, history: History, added: list[dict]) -> dict[str, pd.DataFrame]:
    cube, hc, hy = sim.cube, sim.history_cube, sim.history_years
    out = {}
    out["total_plans"] = _with_history(summary_frame(cube.sum(axis=(2, 3, 4)), years=sim.years),
                                       pd.DataFrame({"year": hy, "value": hc.sum(axis=(1, 2, 3))}))
    by_need = cube.sum(axis=(2, 4))
    out["plans_by_need"] = _with_history(
        summary_frame(by_need, years=sim.years, labels={"need": list(NEEDS)}),
        pd.DataFrame([{"year": y, "need": n, "value": int(v)} for y, row in zip(hy, hc.sum(axis=(1, 3)),
                                                                                   strict=True)
                      for n, v in zip(NEEDS, row, strict=True)]))
    out["plans_by_setting"] = _with_history(
        summary_frame(cube.sum(axis=(2, 3)), years=sim.years, labels={"setting": list(SETTINGS)}),
        pd.DataFrame([{"year": y, "setting": s, "value": int(v)} for y, row in zip(hy, hc.sum(axis=(1, 2)),
                                                                                      strict=True)
                      for s, v in zip(SETTINGS, row, strict=True)]))
    groups = np.array(BAND_AGE_GROUP)
    by_age = np.stack([cube[:, :, groups == g].sum(axis=(2, 3, 4)) for g in range(len(AGE_GROUPS))], axis=2)
    h_age = np.stack([hc[:, groups == g].sum(axis=(1, 2, 3)) for g in range(len(AGE_GROUPS))], axis=1)
    out["plans_by_age_group"] = _with_history(
        summary_frame(by_age, years=sim.years, labels={"age_group": list(AGE_GROUPS)}),
        pd.DataFrame([{"year": y, "age_group": a, "value": int(v)} for y, row in zip(hy, h_age, strict=True)
                      for a, v in zip(AGE_GROUPS, row, strict=True)]))
    unit = cost_model.unit_costs(unit_cost=history.unit_cost, years=sim.years)
    out.update(cost_model.cost_tables(cube=cube, costs=unit, years=sim.years))
    places = suff.capacity(establishment=history.establishment, planned_places=history.planned_places,
                           years=sim.years, added=added)
    out["sufficiency"] = suff.sufficiency_table(cube=cube, years=sim.years, places=places)
    out["demand_by_phase_need"] = suff.demand_by_phase_need(cube=cube, years=sim.years)
    return out


def _compare(*, base: Simulation, scen: Simulation, history: History) -> pd.DataFrame:
    """Scenario less baseline per simulation (same random draws), for total plans, INMSS placements,
    maintained special and High Needs cost."""
    unit = cost_model.unit_costs(unit_cost=history.unit_cost, years=base.years)
    measures = {
        "total plans": lambda s: s.cube.sum(axis=(2, 3, 4)),
        "INMSS placements": lambda s: s.cube[..., SETTINGS.index("INMSS")].sum(axis=(2, 3)),
        "maintained special placements": lambda s: s.cube[..., SETTINGS.index("MAINTAINED_SPECIAL")].sum(
            axis=(2, 3)),
        "mainstream placements": lambda s: s.cube[..., [SETTINGS.index("MAINSTREAM"),
                                                        SETTINGS.index("MAINSTREAM_BASE")]].sum(axis=(2, 3, 4)),
        "High Needs cost (pounds)": lambda s: cost_model.cost_by_line(cube=s.cube, costs=unit).sum(axis=2),
    }
    rows = []
    for name, get in measures.items():
        b, c = get(base), get(scen)
        for i, year in enumerate(base.years):
            d = np.percentile(c[:, i] - b[:, i], [50, 2.5, 97.5])
            rows.append({"year": year, "measure": name, "baseline_median": float(np.median(b[:, i])),
                         "scenario_median": float(np.median(c[:, i])), "difference_median": float(d[0]),
                         "difference_p2_5": float(d[1]), "difference_p97_5": float(d[2])})
    return pd.DataFrame(rows)


def run_write(*, run: ForecastRun, out_dir: Path | str) -> Path:
    """Every table as `<name>.csv` and `summary.json` in `out_dir`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in run.tables.items():
        frame.to_csv(out / f"{name}.csv", index=False)
    (out / "summary.json").write_text(json.dumps(run.summary, indent=2), encoding="utf-8")
    return out
