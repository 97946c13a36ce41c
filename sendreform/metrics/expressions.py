"""Ibis building blocks shared by the indicators: open episodes, a person's placement and attributes on a
date, the setting category of a placement, and the dates table that lets one query serve many as-at dates.

Every function takes `dates`, a table with one row per as-at date (`as_at`, `p0`, `p1`: the date and its
period), so a time series is one query rather than one query per date.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from sendreform.standards.codes import ETHNIC_GROUP
from sendreform.standards.placements import INDEPENDENT_FUNDING, MAINTAINED_FUNDING


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


def placements_categorised(t) -> ir.Table:
    """Every placement with its establishment's attributes and its setting category."""
    p, e = t["placement"], t["establishment"]
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


def placement_on(pc: ir.Table, dates: ir.Table) -> ir.Table:
    """Each person's placement on each as-at date, from `placements_categorised`: their open placement, the
    latest-starting where several are open (ties broken by placement_id so every backend agrees)."""
    open_ = pc.join(dates, open_on(pc.start_date, pc.end_date, dates.as_at)).select(
        dates.as_at, *[pc[c] for c in pc.columns]
    )
    return latest_per(open_, ["person_id", "as_at"], [ibis.desc("start_date"), ibis.desc("placement_id")])


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


def person_attributes(t, dates: ir.Table, placed: ir.Table, needed=frozenset(PERSON_LEVEL)) -> ir.Table:
    """Per (as_at, person_id): the person-level breakdowns on that date.

    Always phase (from national curriculum year), ethnic_group, sex and home_la; and, only when `needed`
    names them (each costs a join over every person), primary_need (open rank-1 need, latest),
    sen_provision (open SEN status, latest; N when none), and the establishment and cluster of `placed`
    (each person's placement on the date).
    """
    person = t["person"]
    need = t["sen_need"]
    status = t["sen_status"]
    base = person.cross_join(dates).select(
        dates.as_at,
        person.person_id,
        sex=person.sex,
        home_la=person.home_la,
        ethnic_group=ethnic_group_expr(person.ethnicity),
        phase=phase_expr(academic_age_expr(person.birth_date, dates.as_at) - 4),
    )
    needs = latest_per(
        need.filter(need.need_rank == 1)
        .join(dates, open_on(need.start_date, need.end_date, dates.as_at))
        .select(dates.as_at, need.person_id, need.need_type, need.start_date),
        ["person_id", "as_at"],
        [ibis.desc("start_date"), ibis.desc("need_type")],
    ).select("as_at", "person_id", primary_need="need_type")
    statuses = latest_per(
        status.join(dates, open_on(status.start_date, status.end_date, dates.as_at)).select(
            dates.as_at, status.person_id, status.sen_provision, status.start_date
        ),
        ["person_id", "as_at"],
        [ibis.desc("start_date"), ibis.asc("sen_provision")],
    ).select("as_at", "person_id", "sen_provision")
    placed = placed.select(
        "as_at", "person_id", placed_establishment_id="establishment_id", placed_cluster_id="cluster_id"
    )
    out = base
    extras = [(needs, "primary_need"), (statuses, "sen_provision"), (placed, "cluster"), (placed, "establishment")]
    for extra in dict.fromkeys(e for e, name in extras if name in needed):
        out = out.left_join(extra, ["as_at", "person_id"]).drop("as_at_right", "person_id_right")
    if "sen_provision" in out.columns:
        out = out.mutate(sen_provision=out.sen_provision.fill_null("N"))
    return out
