"""Ibis building blocks shared by the indicators: open episodes, a person's placement and attributes on a
date, the setting category of a placement, and the dates table that lets one query serve many as-at dates.

Every function takes `dates`, a table with one row per as-at date (`as_at`, `p0`, `p1`: the date and its
period), so a time series is one query rather than one query per date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sendreform.metrics.lazy import lazy_import
from sendreform.standards.codes import ETHNIC_GROUP
from sendreform.standards.placements import INDEPENDENT_FUNDING, MAINTAINED_FUNDING

ibis = lazy_import("ibis")  # loaded when a query is first built (ADR 31)

if TYPE_CHECKING:
    import ibis.expr.types as ir


def flag(condition: ir.BooleanValue) -> ir.IntegerValue:
    """1 where the condition holds, else 0 (PostgreSQL will not cast a boolean to a bigint)."""
    return condition.ifelse(1, 0)


def open_on(start: ir.DateValue, end: ir.DateValue, day: ir.DateValue) -> ir.BooleanValue:
    """An episode is open on `day` when it started on or before it and has not ended by it."""
    return (start <= day) & (end.isnull() | (end > day))


def in_period(day: ir.DateValue, dates: ir.Table) -> ir.BooleanValue:
    return (day >= dates.p0) & (day <= dates.p1)


def overlaps_period(start: ir.DateValue, end: ir.DateValue, dates: ir.Table) -> ir.BooleanValue:
    return (start <= dates.p1) & (end.isnull() | (end >= dates.p0))


def days_between(start: ir.DateValue, end: ir.DateValue) -> ir.IntegerValue:
    return end.delta(start, unit="day")


def setting_category(kind, funding, sen_setting, sen_unit, resourced_provision) -> ir.StringValue:
    """SETTING_CATEGORY as an Ibis expression; the same rules as `standards.placements.setting_category`
    (a test holds the two to each other)."""
    maintained = funding.isin(list(MAINTAINED_FUNDING))
    independent = funding.isin(list(INDEPENDENT_FUNDING))
    by_setting = (
        ibis.cases(
            (sen_setting == "EYP", "EARLY_YEARS"),
            (sen_setting == "EHE", "EHE"),
            (sen_setting == "OLA", "EOTAS"),
            (sen_setting == "UNPLACED", "UNPLACED"),
            (sen_setting.isin(["NEET", "NIEC", "NIEO"]), "NOT_IN_EDUCATION"),
            else_="OTHER",
        )
    )
    by_establishment = ibis.cases(
        (kind == "EY_PVI", "EARLY_YEARS"),
        (kind.isin(["SPECIAL", "MAINSTREAM"]) & independent, "INMSS"),
        ((kind == "MAINSTREAM") & maintained & (sen_unit | resourced_provision), "MAINSTREAM_BASE"),
        ((kind == "MAINSTREAM") & maintained, "MAINSTREAM"),
        ((kind == "SPECIAL") & maintained, "MAINTAINED_SPECIAL"),
        (kind == "AP", "AP"),
        (kind == "FE", "POST16_MAINSTREAM"),
        (kind == "SPECIALIST_POST16", "POST16_SPECIALIST"),
        else_="OTHER",
    )
    return sen_setting.notnull().ifelse(by_setting, by_establishment)


def placements_categorised(t, dates: ir.Table) -> ir.Table:
    """Every placement that could count on the dates (open at some time between the earliest period start or
    as-at date and the latest) with its establishment's attributes and its setting category."""
    p, e = t["placement"], t["establishment"]
    first = ibis.least(dates.p0.min(), dates.as_at.min())
    last = ibis.greatest(dates.p1.max(), dates.as_at.max())
    p = p.filter((p.start_date <= last) & (p.end_date.isnull() | (p.end_date >= first) | (p.start_date >= first)))
    joined = p.left_join(e, p.establishment_id == e.establishment_id)
    return joined.select(
        placement_id=p.placement_id,
        person_id=p.person_id,
        establishment_id=p.establishment_id,
        sen_setting=p.sen_setting,
        start_date=p.start_date,
        end_date=p.end_date,
        funding=e.funding,
        cluster_id=e.cluster_id,
        category=setting_category(e.kind, e.funding, p.sen_setting, p.sen_unit, p.resourced_provision),
    )


def latest_per(table: ir.Table, keys: list[str], order: list) -> ir.Table:
    """The first row of each `keys` group by `order` (descending sorts first)."""
    w = ibis.window(group_by=keys, order_by=order)
    return table.mutate(_rn=ibis.row_number().over(w)).filter(lambda r: r._rn == 0).drop("_rn")


def placement_on(pc: ir.Table, dates: ir.Table, persons: ir.Table | None = None) -> ir.Table:
    """Each person's placement on each as-at date, from `placements_categorised`: their open placement, the
    latest-starting where several are open (ties broken by placement_id so every backend agrees). With
    `persons` (as_at, person_id), only theirs: far cheaper than everyone's when they are few."""
    if persons is None:
        open_ = pc.join(dates, open_on(pc.start_date, pc.end_date, dates.as_at)).select(
            dates.as_at, *[pc[c] for c in pc.columns]
        )
    else:
        open_ = pc.join(
            persons, (pc.person_id == persons.person_id) & open_on(pc.start_date, pc.end_date, persons.as_at)
        ).select(persons.as_at, *[pc[c] for c in pc.columns])
    return latest_per(open_, ["person_id", "as_at"], [ibis.desc("start_date"), ibis.desc("placement_id")])


def plans_placed(plans: ir.Table, pc: ir.Table, dates: ir.Table) -> ir.Table:
    """Every (as_at, person_id) of `active_plans` with the person's placement on the date (null when none)."""
    placed = placement_on(pc, dates, plans)
    return plans.left_join(placed, ["as_at", "person_id"]).select(
        plans.as_at, plans.person_id, *[placed[c] for c in placed.columns if c not in ("as_at", "person_id")]
    )


def active_plans(t, dates: ir.Table, day=None) -> ir.Table:
    """(as_at, person_id) of every person with an active plan on `day` (default the as-at date)."""
    plan = t["ehc_plan"]
    day = dates.as_at if day is None else day
    return (
        plan.join(dates, open_on(plan.start_date, plan.cease_date, day))
        .select(dates.as_at, plan.person_id)
        .distinct()
    )


def academic_age_expr(birth: ir.DateValue, day: ir.DateValue) -> ir.IntegerValue:
    """Age on 31 August before the academic year containing `day`."""
    aug31_year = day.year() - flag(day.month() < 9)
    return aug31_year - birth.year() - flag(birth.month() >= 9)


def phase_expr(ncy: ir.IntegerValue) -> ir.StringValue:
    return ibis.cases(
        (ncy < 0, "EY"), (ncy <= 6, "PRIMARY"), (ncy <= 11, "SECONDARY"), else_="POST16"
    )


def ethnic_group_expr(code: ir.StringValue) -> ir.StringValue:
    groups: dict[str, list[str]] = {}
    for c, g in ETHNIC_GROUP.items():
        groups.setdefault(g, []).append(c)
    return ibis.cases(*[(code.isin(cs), g) for g, cs in groups.items()], else_="UNCLASSIFIED")


# The breakdowns `person_attributes` can give.
PERSON_LEVEL = ("primary_need", "phase", "cluster", "establishment", "ethnic_group", "sex", "sen_provision",
                "local_area")


def primary_need_on(t, dates: ir.Table) -> ir.Table:
    """(as_at, person_id, primary_need): each person's open rank-1 need on the date, the latest-starting."""
    need = t["sen_need"]
    return latest_per(
        need.filter(need.need_rank == 1)
        .join(dates, open_on(need.start_date, need.end_date, dates.as_at))
        .select(dates.as_at, need.person_id, need.need_type, need.start_date),
        ["person_id", "as_at"],
        [ibis.desc("start_date"), ibis.desc("need_type")],
    ).select("as_at", "person_id", primary_need="need_type")


def sen_provision_on(t, dates: ir.Table) -> ir.Table:
    """(as_at, person_id, sen_provision): each person's open SEN status on the date, the latest-starting."""
    status = t["sen_status"]
    return latest_per(
        status.join(dates, open_on(status.start_date, status.end_date, dates.as_at)).select(
            dates.as_at, status.person_id, status.sen_provision, status.start_date
        ),
        ["person_id", "as_at"],
        [ibis.desc("start_date"), ibis.asc("sen_provision")],
    ).select("as_at", "person_id", "sen_provision")


def people(t) -> ir.Table:
    """The person columns breakdowns use, named apart from a unit's own."""
    return t["person"].select(_person="person_id", _home_la="home_la", _sex="sex", _ethnicity="ethnicity",
                              _birth_date="birth_date")


def with_breakdowns(t, units: ir.Table, needed=frozenset(PERSON_LEVEL)) -> ir.Table:
    """`units` (as_at, person_id, establishment_id, unit_sen_provision, ...) with the breakdown columns
    `needed` names, on each unit's date, in one query of left joins (SQLite's parser takes no deeper).

    From the person's own row (`people`): local_area (their home authority), sex, ethnic_group, and phase (from
    national curriculum year on the date); only a unit with a person row has a person's attributes. From
    what changes over time, each a join made only when asked for: primary_need (`primary_need_on`) and
    sen_provision (`sen_provision_on`; N when none, and the unit's own where it fixes one). establishment_key
    is the unit's establishment or else the person's placement on the date (`t.placement_on`); cluster_id
    and, for a unit without a person, local_area are that establishment's.
    """
    columns = {c: units[c] for c in units.columns}
    j = units
    p = t.people
    if needed & {"local_area", "sex", "ethnic_group", "phase", "sen_provision"}:
        j = j.left_join(p, units.person_id == p._person)
    known = p._person.notnull()
    if "sex" in needed:
        columns["sex"] = p._sex
    if "ethnic_group" in needed:
        columns["ethnic_group"] = known.ifelse(ethnic_group_expr(p._ethnicity), ibis.null("string"))
    if "phase" in needed:
        phase = phase_expr(academic_age_expr(p._birth_date, units.as_at) - 4)
        columns["phase"] = known.ifelse(phase, ibis.null("string"))
    if "primary_need" in needed:
        n = t.primary_need_on.select(_need_as_at="as_at", _need_person="person_id", _need="primary_need")
        j = j.left_join(n, (units.as_at == n._need_as_at) & (units.person_id == n._need_person))
        columns["primary_need"] = n._need
    if "sen_provision" in needed:
        s = t.sen_provision_on.select(_sen_as_at="as_at", _sen_person="person_id", _sen="sen_provision")
        j = j.left_join(s, (units.as_at == s._sen_as_at) & (units.person_id == s._sen_person))
        own = known.ifelse(s._sen.fill_null("N"), ibis.null("string"))
        columns["sen_provision"] = units.unit_sen_provision.fill_null(own)
    key = units.establishment_id
    if needed & {"cluster", "establishment"}:
        pl = t.placement_on.select(_placed_as_at="as_at", _placed_person="person_id", _placed="establishment_id")
        j = j.left_join(pl, (units.as_at == pl._placed_as_at) & (units.person_id == pl._placed_person))
        key = key.fill_null(pl._placed)
    columns["establishment_key"] = key
    if needed & {"cluster", "local_area"}:
        e = t["establishment"].select(_est="establishment_id", _est_cluster="cluster_id", _est_la="la_code")
        j = j.left_join(e, key == e._est)
        columns["cluster_id"] = e._est_cluster
        if "local_area" in needed:
            # A person's local area is their home authority; a setting's, the authority it is in.
            columns["local_area"] = p._home_la.fill_null(e._est_la)
    return j.select(**columns)
