"""The data-quality check over the canonical tables: orphan rows, impossible dates, unknown codes, duplicate
keys and a child open at two settings at once, each with a count and examples a person can look up.

Pure and backend-neutral: it takes Ibis tables, so it runs on the live database (SQLite or PostgreSQL) or on
a folder of canonical files read into DuckDB. The rules are data below; each yields the offending rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import ibis

from sendreform.standards.codes import CODE_LISTS
from sendreform.standards.schemas import TABLE_ORDER, TABLES

CHECKS = {
    "orphan_rows": "Orphan rows: a reference to a row that is not there",
    "impossible_dates": "Impossible dates: an end before its start, a future date, an age outside 0-25",
    "unknown_codes": "Unknown codes: a value that is not in the column's code list",
    "duplicate_keys": "Duplicate keys: two rows with the same key",
    "overlapping_episodes": "Overlapping episodes: a child open at two settings at once (SEN statuses or "
    "placements), which puts them on both rolls",
}
EXAMPLES = 5

# Columns whose value is a comma list of codes, checked item by item.
COMMA_LISTS = {("eah_referral", "risk_flags"): "EAH_RISK_FLAG", ("planned_places", "need_types"): "NEED_TYPE"}

# How a row of a table without a key is named in examples.
ROW_LABELS = {
    "sen_status": ("person_id", "start_date"),
    "sen_need": ("person_id", "need_type", "start_date"),
    "attendance": ("person_id", "establishment_id", "academic_year", "term"),
    "neet_activity": ("person_id", "as_at"),
    "eah_engagement": ("establishment_id", "as_at"),
    "eah_involvement": ("referral_id", "discipline", "start_date"),
    "unit_cost": ("setting_category", "need_type", "financial_year"),
    "planned_places": ("project", "establishment_id"),
    "population": ("year", "age"),
}

# Tables without a key whose rows are still one per these columns.
NATURAL_KEYS = {
    "attendance": ("person_id", "establishment_id", "academic_year", "term"),
    "neet_activity": ("person_id", "as_at"),
    "eah_engagement": ("establishment_id", "as_at"),
    "unit_cost": ("setting_category", "need_type", "financial_year"),
    "population": ("year", "age"),
}

# (table, earlier, later): the later date may be empty but never before the earlier one.
DATE_ORDER = (
    ("establishment", "open_date", "close_date"),
    ("sen_status", "start_date", "end_date"),
    ("sen_need", "start_date", "end_date"),
    ("ehc_request", "received_date", "outcome_date"),
    ("ehc_plan", "start_date", "cease_date"),
    ("annual_review", "meeting_date", "decision_date"),
    ("placement", "start_date", "end_date"),
    ("part_time_timetable", "start_date", "end_date"),
    ("part_time_timetable", "start_date", "planned_end_date"),
    ("ap_commission", "start_date", "end_date"),
    ("complaint", "received_date", "closed_date"),
    ("tribunal_appeal", "lodged_date", "decided_date"),
    ("eah_referral", "received_date", "triage_date"),
    ("eah_referral", "received_date", "first_support_date"),
    ("eah_referral", "received_date", "closed_date"),
    ("eah_involvement", "start_date", "end_date"),
)

# Dates that are plans, so may rightly be in the future; every other date records something that happened.
MAY_BE_FUTURE = {
    ("establishment", "open_date"),
    ("establishment", "close_date"),
    ("part_time_timetable", "planned_end_date"),
    ("part_time_timetable", "review_date"),
    ("ap_provider", "review_due"),
    ("eah_referral", "review_date"),
    ("planned_places", "open_date"),
}

AGE_RANGE = (0, 25)

# (table, other): a row of `table` at one setting must not be open while a row of `other` at a different setting
# is (each pair of the same table is counted once). An end on the day the next starts is a handover, not an overlap.
OVERLAPS = {"sen_status": ("sen_status", "placement"), "placement": ("placement",)}
_NEVER = dt.date(9999, 12, 31)


@dataclass(frozen=True)
class Example:
    table: str
    key: str
    column: str
    value: str


@dataclass
class RuleResult:
    check: str
    rule: str
    table: str
    column: str
    count: int
    examples: list[Example] = field(default_factory=list)


@dataclass
class QualityReport:
    today: dt.date
    results: list[RuleResult]

    @property
    def clean(self) -> bool:
        return not any(r.count for r in self.results)

    def check_count(self, check: str) -> int:
        return sum(r.count for r in self.results if r.check == check)

    def check_examples(self, check: str) -> list[Example]:
        return [e for r in self.results if r.check == check for e in r.examples][:EXAMPLES]

    def to_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "clean": self.clean,
            "issues": sum(r.count for r in self.results),
            "checks": [
                {
                    "check": check,
                    "description": CHECKS[check],
                    "count": self.check_count(check),
                    "examples": [vars(e) for e in self.check_examples(check)],
                    "rules": [
                        {"rule": r.rule, "table": r.table, "column": r.column, "count": r.count}
                        for r in self.results
                        if r.check == check and r.count
                    ],
                }
                for check in CHECKS
            ],
        }


@dataclass(frozen=True)
class _Rule:
    check: str
    rule: str
    table: str
    column: str
    rows: Callable[[], ibis.Table]  # the offending rows, with the label columns and "value"


def quality_check(*, tables: Mapping[str, ibis.Table], today: dt.date) -> QualityReport:
    """Run every check on the given canonical tables (extra columns, such as Django's `id`, are ignored)."""
    canonical = {n: tables[n].select(TABLES[n].column_names) for n in TABLE_ORDER if n in tables}
    rules = list(_rules(canonical, today))
    offending = [rule.rows() for rule in rules]
    counts = _counts(offending)
    results = []
    for rule, rows, count in zip(rules, offending, counts, strict=True):
        examples = []
        if count:
            label = _label(rule.table)
            sample = (
                rows.order_by([rows[c] for c in label] + [rows.value])
                .limit(EXAMPLES)
                .to_pyarrow()
                .to_pylist()
            )
            examples = [
                Example(rule.table, _text_key([r[c] for c in label]), rule.column, _text(r["value"]))
                for r in sample
            ]
        results.append(RuleResult(rule.check, rule.rule, rule.table, rule.column, count, examples))
    return QualityReport(today, results)


def _counts(offending: list[ibis.Table], batch: int = 100) -> list[int]:
    """The number of rows of each expression, a batch at a time in one UNION ALL query (few round trips)."""
    counts: list[int] = []
    for first in range(0, len(offending), batch):
        parts = [
            rows.aggregate(rule=ibis.literal(first + i, type="int64"), n=rows.count().cast("int64"))
            for i, rows in enumerate(offending[first : first + batch])
        ]
        table = ibis.union(*parts).to_pyarrow().to_pydict()
        by_rule = dict(zip(table["rule"], table["n"], strict=True))
        counts.extend(int(by_rule[first + i]) for i in range(len(parts)))
    return counts


def _rules(t: Mapping[str, ibis.Table], today: dt.date):
    day = ibis.literal(today, type="date")
    for name in TABLE_ORDER:
        if name not in t:
            continue
        table = TABLES[name]
        for column in table.columns:
            if column.references and column.references.split(".")[0] in t:
                yield _orphan_rule(t, name, column.name, column.references)
        if name == "ap_commission" and "establishment" in t:
            yield _commissioned_by_rule(t)
        for tbl, earlier, later in DATE_ORDER:
            if tbl == name:
                yield _order_rule(t, name, earlier, later)
        for column in table.columns:
            if column.type == "date" and (name, column.name) not in MAY_BE_FUTURE:
                yield _future_rule(t, name, column.name, day)
        if name == "ehc_assessment" and "ehc_request" in t:
            yield _assessment_before_request_rule(t)
        if name == "ehc_plan" and "person" in t:
            yield _age_at_plan_rule(t)
        for column in table.columns:
            if column.codes:
                yield _code_rule(t, name, column.name, column.codes, column.type == "int")
            if (name, column.name) in COMMA_LISTS:
                yield _comma_list_rule(t, name, column.name, COMMA_LISTS[name, column.name])
        key = table.key or NATURAL_KEYS.get(name)
        if key:
            yield _duplicate_rule(t, name, key)
        for other in OVERLAPS.get(name, ()):
            if other in t:
                yield _overlap_rule(t, name, other)


def _orphan_rule(t, name: str, column: str, reference: str) -> _Rule:
    parent_name, parent_column = reference.split(".")

    def rows():
        child, parent = t[name], t[parent_name]
        present = parent.filter(parent[parent_column].notnull())[parent_column]
        return _with_value(
            child.filter(child[column].notnull() & ~child[column].isin(present)), name, child[column]
        )

    return _Rule("orphan_rows", f"{name}.{column} -> {reference}", name, column, rows)


def _commissioned_by_rule(t) -> _Rule:
    def rows():
        commission, establishment = t["ap_commission"], t["establishment"]
        present = establishment.filter(establishment.establishment_id.notnull()).establishment_id
        by = commission.commissioned_by
        return _with_value(commission.filter((by != "LA") & ~by.isin(present)), "ap_commission", by)

    return _Rule(
        "orphan_rows",
        "ap_commission.commissioned_by -> establishment.establishment_id or LA",
        "ap_commission",
        "commissioned_by",
        rows,
    )


def _order_rule(t, name: str, earlier: str, later: str) -> _Rule:
    def rows():
        table = t[name]
        bad = table.filter(
            table[later].notnull() & table[earlier].notnull() & (table[later] < table[earlier])
        )
        return _with_value(
            bad, name, bad[later].cast("string").concat(" before ", bad[earlier].cast("string"))
        )

    return _Rule("impossible_dates", f"{name}.{later} before {earlier}", name, later, rows)


def _future_rule(t, name: str, column: str, day) -> _Rule:
    def rows():
        table = t[name]
        return _with_value(table.filter(table[column] > day), name, table[column].cast("string"))

    return _Rule("impossible_dates", f"{name}.{column} in the future", name, column, rows)


def _assessment_before_request_rule(t) -> _Rule:
    def rows():
        assessment, request = t["ehc_assessment"], t["ehc_request"]
        joined = assessment.join(
            request.select(request_id=request.request_id, received_date=request.received_date), "request_id"
        )
        bad = joined.filter(joined.outcome_date < joined.received_date)
        value = bad.outcome_date.cast("string").concat(
            " before request received ", bad.received_date.cast("string")
        )
        return _with_value(bad, "ehc_assessment", value)

    return _Rule(
        "impossible_dates",
        "ehc_assessment.outcome_date before its request's received_date",
        "ehc_assessment",
        "outcome_date",
        rows,
    )


def _age_at_plan_rule(t) -> _Rule:
    low, high = AGE_RANGE

    def rows():
        plan, person = t["ehc_plan"], t["person"]
        joined = plan.join(
            person.select(person_id=person.person_id, birth_date=person.birth_date), "person_id"
        )
        start, born = joined.start_date, joined.birth_date
        # Whole years: the difference in years, less one when the birthday has not come yet that year.
        before_birthday = (start.month() * 100 + start.day()) < (born.month() * 100 + born.day())
        age = (start.year() - born.year()) - ibis.ifelse(before_birthday, 1, 0)
        bad = joined.mutate(age=age).filter(lambda r: (r.age < low) | (r.age > high))
        value = bad.birth_date.cast("string").concat(" (age ", bad.age.cast("string"), " at plan start)")
        return _with_value(bad, "ehc_plan", value)

    return _Rule(
        "impossible_dates",
        f"person.birth_date gives an age outside {low}-{high} at the plan's start",
        "ehc_plan",
        "birth_date",
        rows,
    )


def _code_rule(t, name: str, column: str, code_list: str, as_int: bool) -> _Rule:
    allowed = [int(c) for c in CODE_LISTS[code_list]] if as_int else list(CODE_LISTS[code_list])

    def rows():
        table = t[name]
        bad = table.filter(table[column].notnull() & ~table[column].isin(allowed))
        return _with_value(bad, name, bad[column].cast("string"))

    return _Rule("unknown_codes", f"{name}.{column} not in {code_list}", name, column, rows)


def _comma_list_rule(t, name: str, column: str, code_list: str) -> _Rule:
    allowed = set(CODE_LISTS[code_list])

    def rows():
        # Splitting text into lists differs across backends; the distinct values are few, so split in Python.
        table = t[name]
        distinct = table.select(v=table[column]).distinct().to_pyarrow().column("v").to_pylist()
        unknown = {}
        for value in distinct:
            items = [item.strip() for item in (value or "").split(",") if item.strip()]
            bad = [item for item in items if item not in allowed]
            if bad:
                unknown[value] = ",".join(bad)
        if not unknown:
            return _with_value(table.filter(ibis.literal(False)), name, table[column])
        bad_rows = table.filter(table[column].isin(list(unknown)))
        items = ibis.cases(*((bad_rows[column] == v, bad) for v, bad in unknown.items()), else_="")
        return _with_value(bad_rows, name, items)

    return _Rule("unknown_codes", f"{name}.{column} items not in {code_list}", name, column, rows)


def _duplicate_rule(t, name: str, key: tuple[str, ...]) -> _Rule:
    def rows():
        table = t[name]
        counts = table.group_by(list(key)).aggregate(n=table.count()).filter(lambda r: r.n > 1)
        return counts.select(*key, value=counts.n.cast("string").concat(" rows"))

    return _Rule("duplicate_keys", f"{name} key ({', '.join(key)}) not unique", name, ", ".join(key), rows)


def _overlap_rule(t, name: str, other: str) -> _Rule:
    def rows():
        left = t[name]
        right = t[other].view() if other == name else t[other]
        a = left.filter(left.establishment_id.notnull())
        b = right.filter(right.establishment_id.notnull()).select(
            _person=right.person_id, _setting=right.establishment_id, _start=right.start_date, _end=right.end_date
        )
        never = ibis.literal(_NEVER, type="date")
        pairs = a.join(b, [
            a.person_id == b._person,
            a.establishment_id != b._setting,
            a.start_date < b._end.fill_null(never),
            b._start < a.end_date.fill_null(never),
        ])
        if other == name:  # each pair once, named by the row that started first
            pairs = pairs.filter((pairs.start_date < pairs._start)
                                 | ((pairs.start_date == pairs._start) & (pairs.establishment_id < pairs._setting)))
        value = pairs.establishment_id.concat(
            " from ", pairs.start_date.cast("string"), " and ", other, " at ", pairs._setting, " from ",
            pairs._start.cast("string"),
        )
        return _with_value(pairs, name, value)

    what = "at two settings at once" if other == name else f"at a setting other than the {other} then open"
    return _Rule("overlapping_episodes", f"{name} open {what}", name, "establishment_id", rows)


def _label(name: str) -> tuple[str, ...]:
    return TABLES[name].key or ROW_LABELS.get(name) or tuple(TABLES[name].column_names[:2])


def _with_value(rows: ibis.Table, name: str, value) -> ibis.Table:
    return rows.select(*_label(name), value=value)


def _text(value) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _text_key(values: list) -> str:
    return ", ".join(_text(v) for v in values)
