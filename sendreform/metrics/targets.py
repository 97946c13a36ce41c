"""Baselines, targets, milestones and RAG against the trajectory, from a local plan's configuration.

The plan file (`plans/<area>.yaml`, section `indicators`) gives each indicator a baseline (value, date; a
baseline without a value is worked out from the data on its date), a target (a value, or a change from
the baseline in per cent, with a date) and quarterly milestones. Rules, as `kpi-catalogue.md` sets them:
the expected value on a date is the latest milestone on or before it where the plan gives milestones
(before the first, the straight line from the baseline to it), otherwise the straight line from baseline
to target, held at the ends. Shortfall is how far the actual is on the wrong side of expected: none is
GREEN; up to 25% of |target − baseline| is AMBER (25% of |expected| where the plan gives no baseline or
target); more is RED.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

GREEN, AMBER, RED = "GREEN", "AMBER", "RED"
AMBER_SHARE = 0.25


@dataclass(frozen=True)
class Point:
    date: dt.date
    value: float | None


@dataclass(frozen=True)
class Trajectory:
    indicator_id: str
    baseline: Point | None = None
    target: Point | None = None
    target_change_pct: float | None = None
    milestones: tuple[Point, ...] = ()
    note: str | None = None
    baseline_small: bool = False  # a baseline worked out from a count of 1 to 5 children

    def with_baseline_value(self, value: float | None, *, small: bool = False) -> Trajectory:
        """The trajectory once a baseline worked out from the data is known (relative targets resolve)."""
        baseline = Point(self.baseline.date, value) if self.baseline else None
        target = self.target
        if target and target.value is None and self.target_change_pct is not None and value is not None:
            target = Point(target.date, value * (1 + self.target_change_pct / 100))
        return replace(self, baseline=baseline, target=target, baseline_small=small)

    @property
    def needs_baseline_from_data(self) -> bool:
        return self.baseline is not None and self.baseline.value is None

    def expected(self, day: dt.date) -> float | None:
        if self.milestones:
            reached = [m for m in self.milestones if m.date <= day]
            if reached:
                return reached[-1].value
            if self.baseline and self.baseline.value is not None:
                return _line(self.baseline, self.milestones[0], day)
            return None
        if self.baseline and self.target and None not in (self.baseline.value, self.target.value):
            return _line(self.baseline, self.target, day)
        return None

    def band(self, day: dt.date) -> float | None:
        """The AMBER allowance: a quarter of the planned change, or of the expected value."""
        if self.baseline and self.target and None not in (self.baseline.value, self.target.value):
            return AMBER_SHARE * abs(self.target.value - self.baseline.value)
        expected = self.expected(day)
        return None if expected is None else AMBER_SHARE * abs(expected)


def _line(start: Point, end: Point, day: dt.date) -> float:
    if day <= start.date:
        return start.value
    if day >= end.date:
        return end.value
    share = (day - start.date).days / (end.date - start.date).days
    return start.value + share * (end.value - start.value)


def rag(*, actual: float | None, expected: float | None, band: float | None, better: str) -> str | None:
    """GREEN, AMBER or RED; None where there is no actual or no trajectory (or no direction)."""
    if actual is None or expected is None or better not in ("up", "down"):
        return None
    shortfall = expected - actual if better == "up" else actual - expected
    if shortfall <= 1e-9:
        return GREEN
    return AMBER if band is not None and shortfall <= band + 1e-9 else RED


@dataclass
class PlanTargets:
    area: str
    trajectories: dict[str, Trajectory] = field(default_factory=dict)
    la_code: str = ""  # the plan's local authority (old three-digit code), when the plan gives it

    def get(self, indicator_id: str) -> Trajectory | None:
        return self.trajectories.get(indicator_id)


class PlanFileError(ValueError):
    """A plan file that cannot be read: the message names the file, the indicator and the field."""


def _date(value, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise PlanFileError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc


def _number(value, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PlanFileError(f"{where}: {value!r} is not a number")
    return float(value)


def targets_from_mapping(data: Mapping, *, source: str = "plan", known_ids=None) -> PlanTargets:
    local_area = data.get("local_area") or {}
    out = PlanTargets(str(local_area.get("name", "")), la_code=str(local_area.get("la_code") or ""))
    for iid, spec in (data.get("indicators") or {}).items():
        where = f"{source}: indicators.{iid}"
        if known_ids is not None and iid not in known_ids:
            raise PlanFileError(f"{where}: no indicator has this id")
        spec = spec or {}
        baseline = target = None
        change = None
        if "baseline" in spec:
            b = spec["baseline"] or {}
            baseline = Point(_date(b.get("date"), f"{where}.baseline.date"),
                             _number(b.get("value"), f"{where}.baseline.value"))
        if "target" in spec:
            t = spec["target"] or {}
            change = _number(t.get("change_pct"), f"{where}.target.change_pct")
            value = _number(t.get("value"), f"{where}.target.value")
            if (change is None) == (value is None):
                raise PlanFileError(f"{where}.target: give exactly one of value and change_pct")
            if change is not None and baseline is None:
                raise PlanFileError(f"{where}.target.change_pct: a relative target needs a baseline")
            target = Point(_date(t.get("date"), f"{where}.target.date"), value)
            if change is not None and baseline.value is not None:
                target = Point(target.date, baseline.value * (1 + change / 100))
        milestones = tuple(
            sorted(
                (Point(_date(m.get("date"), f"{where}.milestones[{i}].date"),
                       _number(m.get("value"), f"{where}.milestones[{i}].value"))
                 for i, m in enumerate(spec.get("milestones") or [])),
                key=lambda p: p.date,
            )
        )
        out.trajectories[iid] = Trajectory(iid, baseline, target, change, milestones, spec.get("note"))
    return out


def targets_load(path: Path, *, known_ids=None) -> PlanTargets:
    """Read a plan file's indicator section; a malformed file raises PlanFileError naming the place."""
    try:
        # libyaml's loader where PyYAML has it: ten times faster on a whole plan file.
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise PlanFileError(f"{path}:{line} is not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    return targets_from_mapping(data, source=str(path), known_ids=known_ids)
