"""Reform scenarios as data: a YAML list of changes to the baseline's rates and placements, validated with
messages that name the line, and applied to each simulated year.

Kinds of change (each item has `type:`):

- `scale` a transition (`joining`, `leaving`, `moving`, `need_change`) by `factor` from a date, optionally only
  for some `needs`, `settings` (joining: where joiners go; the others: where children are) and an `ncy` range;
  `scale: joining` with no filters raises or lowers the overall joining rate.
- `add_places`: new places in a `setting` from a date, by need (`places: {ASD: 40, ...}`); they count as capacity
  in sufficiency, and with `fill_from` children of those needs move into them from those settings when they open.
- `cap_setting` / `close_setting`: from a date, a setting holds at most `places` (close: none); children above
  the cap move to `move_to`, and a closed setting's joiners and movers go to `move_to` instead.
- `shift`: a `share` of the children in `from_setting` move to `to_setting` on the date, and that share of
  later joiners and movers into `from_setting` go to `to_setting` instead.

A change dated part-way through a year (January census to January census) acts on that year's rates for the
part of the year after the date: a 15% cut from 1 September 2027 cuts the 2027-28 step by 15% x 4.5/12.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from sendreform.forecast.history import NCY_MAX, NCY_MIN, NEEDS, SETTINGS
from sendreform.forecast.model import N_NCY, N_NEED, N_SET, N_STATE, NCY_ARR, NEED_ARR, SET_ARR
from sendreform.standards.periods import sen2_census_date

TRANSITIONS = ("joining", "leaving", "moving", "need_change")
KINDS = ("scale", "add_places", "cap_setting", "close_setting", "shift")


class ScenarioError(ValueError):
    """A scenario that cannot be used: says which line and why."""

    def __init__(self, message: str, *, line: int | None = None, source: str = "scenario"):
        self.line, self.message = line, message
        super().__init__(f"{source}, line {line}: {message}" if line else f"{source}: {message}")


@dataclass(frozen=True)
class Change:
    kind: str
    line: int
    start: dt.date
    transition: str = ""
    factor: float = 1.0
    needs: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    ncy: tuple[int, int] = (NCY_MIN, NCY_MAX)
    setting: str = ""
    places: dict[str, int] = field(default_factory=dict)
    fill_from: tuple[str, ...] = ()
    move_to: str = ""
    share: float = 0.0
    to_setting: str = ""

    def states(self, *, needs=None, settings=None) -> np.ndarray:
        """Which states this change's filters select (needs, settings and NCY range)."""
        needs = self.needs if needs is None else needs
        settings = self.settings if settings is None else settings
        sel = (NCY_ARR >= self.ncy[0]) & (NCY_ARR <= self.ncy[1])
        if needs:
            sel &= np.isin(NEED_ARR, [NEEDS.index(n) for n in needs])
        if settings:
            sel &= np.isin(SET_ARR, [SETTINGS.index(s) for s in settings])
        return sel


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    changes: tuple[Change, ...]
    text: str

    def added_places(self) -> list[dict]:
        """New places the scenario adds: setting, need, places, open date (for sufficiency)."""
        return [dict(setting=c.setting, need=n, places=p, open_date=c.start)
                for c in self.changes if c.kind == "add_places" for n, p in c.places.items()]

    def step(self, *, y0: int, y1: int, first: bool = False) -> StepEdit:
        """How the year from the census of `y0` to that of `y1` differs from the baseline."""
        c0, c1 = sen2_census_date(y0), sen2_census_date(y1)
        edit = StepEdit()
        for c in self.changes:
            frac = min(max((c1 - c.start).days / (c1 - c0).days, 0.0), 1.0)
            happens = (c0 < c.start <= c1) or (first and c.start <= c0)
            if c.kind == "scale" and frac > 0:
                f = 1 + (c.factor - 1) * frac
                if c.transition == "joining":
                    sel = c.states().reshape(N_NCY, N_NEED * N_SET)
                    edit.join[sel] *= f
                else:
                    target = {"leaving": edit.leave, "moving": edit.move, "need_change": edit.need}[c.transition]
                    target[c.states()] *= f
            elif c.kind == "add_places" and c.fill_from and happens:
                edit.transfers.append(("fill", c))
            elif c.kind in ("cap_setting", "close_setting") and c1 >= c.start:
                edit.transfers.append(("cap", c))
                if c.kind == "close_setting":
                    edit.redirects.append((SETTINGS.index(c.setting), SETTINGS.index(c.move_to), frac))
            elif c.kind == "shift":
                if happens:
                    edit.transfers.append(("shift", c))
                if frac > 0:
                    edit.redirects.append((SETTINGS.index(c.setting), SETTINGS.index(c.to_setting), c.share * frac))
        return edit


@dataclass
class StepEdit:
    """Multipliers on one year's rates by state, joining factors by (NCY, need x setting), redirections of
    joiners and movers between settings, and transfers of children applied at the year's end."""

    leave: np.ndarray = field(default_factory=lambda: np.ones(N_STATE))
    move: np.ndarray = field(default_factory=lambda: np.ones(N_STATE))
    need: np.ndarray = field(default_factory=lambda: np.ones(N_STATE))
    join: np.ndarray = field(default_factory=lambda: np.ones((N_NCY, N_NEED * N_SET)))
    redirects: list = field(default_factory=list)
    transfers: list = field(default_factory=list)

    @property
    def join_max(self) -> float:
        return float(self.join.max())

    def join_keep(self, rng: np.random.Generator, ncy_index: np.ndarray, cell: np.ndarray) -> np.ndarray:
        """Joiners were drawn at the largest factor; each is kept with its own factor over that one."""
        top = self.join_max
        if top <= 0:
            return np.zeros(len(cell), dtype=bool)
        ratio = self.join[ncy_index, cell] / top
        return rng.random(len(cell)) < ratio

    def redirect(self, rng: np.random.Generator, setting: np.ndarray) -> np.ndarray:
        for source, target, share in self.redirects:
            hit = (setting == source) & (rng.random(len(setting)) < share)
            setting = np.where(hit, target, setting)
        return setting

    def transfer(self, rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
        for how, c in self.transfers:
            if how == "shift":
                x = _move(rng, x, c.states(settings=(c.setting,)), SETTINGS.index(c.to_setting),
                          np.full(len(x), c.share))
            elif how == "cap":
                sel = c.states(settings=(c.setting,), needs=())
                held = x[:, sel].sum(axis=1)
                cap = 0 if c.kind == "close_setting" else sum(c.places.values())
                share = np.where(held > cap, (held - cap) / np.maximum(held, 1), 0.0)
                x = _move(rng, x, sel, SETTINGS.index(c.move_to), share)
            elif how == "fill":
                for need, places in c.places.items():
                    sel = c.states(needs=(need,), settings=c.fill_from)
                    held = x[:, sel].sum(axis=1)
                    share = np.minimum(places / np.maximum(held, 1), 1.0)
                    x = _move(rng, x, sel, SETTINGS.index(c.setting), share)
        return x


def _move(rng, x: np.ndarray, sel: np.ndarray, to_setting: int, share: np.ndarray) -> np.ndarray:
    """Move each child in the selected states to `to_setting` (same NCY and need) with the simulation's share."""
    cols = np.flatnonzero(sel)
    if len(cols) == 0:
        return x
    x = x.copy()
    moved = rng.binomial(x[:, cols], np.clip(share, 0, 1)[:, None])
    x[:, cols] -= moved
    np.add.at(x, (slice(None), cols - SET_ARR[cols] + to_setting), moved)
    return x


# ------------------------------------------------------------------------------------------ reading YAML


# What a scenario may say: changes from 2000 to 2100, factors finite and at most ten times the baseline, and
# at most this many places or characters.
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
MAX_FACTOR, MAX_PLACES, MAX_TEXT = 10.0, 100_000, 50_000


def scenario_load(path: Path | str) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(f"byte {error.start} is not UTF-8 text; save the file as UTF-8",
                            source=path.name) from None
    return scenario_parse(text, source=path.name)


def scenario_parse(text: str, *, source: str = "scenario") -> Scenario:
    """A scenario from its YAML text; a `ScenarioError` names the line of anything wrong."""
    if len(text) > MAX_TEXT:
        raise ScenarioError(f"a scenario is at most {MAX_TEXT:,} characters; this one has {len(text):,}",
                            source=source)
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ScenarioError(f"not valid YAML: {getattr(error, 'problem', error)}",
                            line=mark.line + 1 if mark else None, source=source) from None
    except RecursionError:
        raise ScenarioError("not valid YAML: nested too deeply", source=source) from None
    if not isinstance(root, yaml.MappingNode):
        raise ScenarioError("a scenario is a mapping with name, description and changes", line=1, source=source)
    top = _mapping(root, source)
    for key, (node, _) in top.items():
        if key not in ("name", "description", "changes"):
            raise ScenarioError(f"unknown key {key!r}; use name, description and changes",
                                line=node.start_mark.line + 1, source=source)
    if "name" not in top:
        raise ScenarioError("the scenario needs a name", line=1, source=source)
    changes_node = top.get("changes", (None, None))[1]
    if not isinstance(changes_node, yaml.SequenceNode) or not changes_node.value:
        raise ScenarioError("changes must be a list of at least one change", line=_line(changes_node, root),
                            source=source)
    changes = tuple(_change(item, source) for item in changes_node.value)
    return Scenario(name=str(_scalar(top["name"][1], source)),
                    description=str(_scalar(top["description"][1], source)) if "description" in top else "",
                    changes=changes, text=text)


def _line(node, fallback) -> int:
    return (node or fallback).start_mark.line + 1


def _mapping(node, source) -> dict:
    out = {}
    for k, v in node.value:
        if not isinstance(k, yaml.ScalarNode):
            raise ScenarioError("a key must be a single word", line=k.start_mark.line + 1, source=source)
        if k.value in out:
            raise ScenarioError(f"{k.value!r} appears twice", line=k.start_mark.line + 1, source=source)
        out[k.value] = (k, v)
    return out


def _load(node, source):
    """A node's value, or a ScenarioError at its line (an impossible date such as 2026-02-30, a bad tag)."""
    try:
        return yaml.safe_load(yaml.serialize(node))
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as error:
        raise ScenarioError(f"{node.value if isinstance(node, yaml.ScalarNode) else 'this value'!s} cannot be read "
                            f"({error})", line=node.start_mark.line + 1, source=source) from None


def _scalar(node, source):
    if not isinstance(node, yaml.ScalarNode):
        raise ScenarioError("expected a single value", line=node.start_mark.line + 1, source=source)
    return _load(node, source)


_FIELDS = {
    "scale": {"type", "transition", "factor", "from", "needs", "settings", "ncy"},
    "add_places": {"type", "setting", "from", "places", "fill_from", "ncy"},
    "cap_setting": {"type", "setting", "from", "places", "move_to"},
    "close_setting": {"type", "setting", "from", "move_to"},
    "shift": {"type", "from_setting", "to_setting", "share", "from"},
}


def _change(node, source: str) -> Change:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        raise ScenarioError("each change is a mapping with a type", line=line, source=source)
    fields = _mapping(node, source)

    def fail(message, key=None):
        where = fields[key][1].start_mark.line + 1 if key in fields else line
        raise ScenarioError(message, line=where, source=source)

    def value(key, default=None):
        if key not in fields:
            return default
        return _load(fields[key][1], source)

    kind = value("type")
    if kind not in KINDS:
        fail(f"type must be one of {', '.join(KINDS)} (got {kind!r})", "type")
    for key in fields:
        if key not in _FIELDS[kind]:
            fail(f"{kind} does not take {key!r}; it takes {', '.join(sorted(_FIELDS[kind] - {'type'}))}", key)
    start = value("from")
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime) or not FIRST_DATE <= start <= LAST_DATE:
        fail(f"from must be a date like 2027-09-01, from {FIRST_DATE.year} to {LAST_DATE.year}", "from")

    def setting(key, required=True):
        s = value(key)
        if s is None and not required:
            return ""
        if s not in SETTINGS:
            fail(f"{key} must be a setting category ({', '.join(SETTINGS)}); got {s!r}", key)
        return s

    def code_list(key, codes, what):
        v = value(key, [])
        v = [v] if isinstance(v, str) else v
        if not isinstance(v, list) or any(x not in codes for x in v):
            fail(f"{key} must be a list of {what} codes ({', '.join(codes)})", key)
        return tuple(v)

    def ncy_range():
        v = value("ncy", [NCY_MIN, NCY_MAX])
        if (not isinstance(v, list) or len(v) != 2 or not all(type(i) is int for i in v)
                or not NCY_MIN <= v[0] <= v[1] <= NCY_MAX):
            fail(f"ncy must be [first, last] national curriculum years between {NCY_MIN} and {NCY_MAX}", "ncy")
        return tuple(v)

    if kind == "scale":
        transition = value("transition")
        if transition not in TRANSITIONS:
            fail(f"transition must be one of {', '.join(TRANSITIONS)}", "transition")
        factor = value("factor")
        if (not isinstance(factor, int | float) or isinstance(factor, bool) or not math.isfinite(factor)
                or not 0 <= factor <= MAX_FACTOR):
            fail(f"factor must be a number from 0 to {MAX_FACTOR:g} (0.85 lowers by 15%)", "factor")
        return Change(kind=kind, line=line, start=start, transition=transition, factor=float(factor),
                      needs=code_list("needs", NEEDS, "need"), settings=code_list("settings", SETTINGS, "setting"),
                      ncy=ncy_range())
    if kind == "add_places":
        places = value("places")
        if (not isinstance(places, dict) or not places
                or any(n not in NEEDS or type(p) is not int or not 0 <= p <= MAX_PLACES for n, p in places.items())):
            fail(f"places must map need codes to whole numbers of places up to {MAX_PLACES:,}, like "
                 "{ASD: 40, SEMH: 24}", "places")
        return Change(kind=kind, line=line, start=start, setting=setting("setting"), places=places,
                      fill_from=code_list("fill_from", SETTINGS, "setting"), ncy=ncy_range())
    if kind in ("cap_setting", "close_setting"):
        places = 0
        if kind == "cap_setting":
            places = value("places")
            if type(places) is not int or not 0 <= places <= MAX_PLACES:
                fail(f"places must be a whole number from 0 to {MAX_PLACES:,}", "places")
        return Change(kind=kind, line=line, start=start, setting=setting("setting"),
                      places={"ALL": places}, move_to=setting("move_to"))
    share = value("share")
    if not isinstance(share, int | float) or isinstance(share, bool) or not 0 <= share <= 1:  # NaN fails too
        fail("share must be a number from 0 to 1 (0.2 moves a fifth)", "share")
    return Change(kind=kind, line=line, start=start, setting=setting("from_setting"),
                  to_setting=setting("to_setting"), share=float(share))


# ------------------------------------------------------------------------------------------ writing YAML

# The kinds of change and the transitions in plain English, for the form that writes scenarios.
KIND_LABELS = {
    "scale": "Raise or lower a rate (new plans, plans ending, moves between settings or changes of need)",
    "add_places": "Add places in a setting",
    "cap_setting": "Cap the places in a setting",
    "close_setting": "Close a setting",
    "shift": "Move a share of placements from one setting to another",
}
TRANSITION_LABELS = {
    "joining": "New EHC plans (children joining)",
    "leaving": "Plans ending (children leaving)",
    "moving": "Moves between settings",
    "need_change": "Changes of primary need",
}


def scenario_yaml(*, name: str, description: str = "", changes: list[dict]) -> str:
    """The YAML text `scenario_parse` reads, from a name, a description and changes, each a mapping of the keys a
    change takes (`type`, `from` as a date, then the kind's own keys); the scenario form writes scenarios so."""
    doc = {"name": name, **({"description": description} if description else {}), "changes": changes}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
