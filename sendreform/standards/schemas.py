"""The canonical tables of `canonical-schema.md`: column names, types, nullability and code lists.

`TABLES` is the single description; `ibis_schema(name)` and `arrow_schema(name)` derive the Ibis and
Arrow forms from it, and the Django models are held to it by a contract test.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

# Canonical type -> (Ibis type, Arrow type name)
TYPES = {
    "str": "string",
    "int": "int64",
    "bool": "boolean",
    "date": "date",
    "pence": "int64",
    "decimal": "decimal(9, 2)",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = False
    codes: str | None = None  # name of a list in `codes.CODE_LISTS`
    references: str | None = None  # "table.column" this column points at


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def _parse(spec: str) -> Column:
    """One column from 'name type[?] [CODES] [->table.column]'."""
    parts = spec.split()
    name, type_ = parts[0], parts[1]
    nullable = type_.endswith("?")
    type_ = type_.rstrip("?")
    if type_ not in TYPES:
        raise ValueError(f"unknown canonical type {type_!r} in {spec!r}")
    codes = next((p for p in parts[2:] if not p.startswith("->")), None)
    ref = next((p[2:] for p in parts[2:] if p.startswith("->")), None)
    return Column(name, type_, nullable, codes, ref)


def _table(name: str, *specs: str, key: tuple[str, ...] = ()) -> Table:
    return Table(name, tuple(_parse(s) for s in specs), key)


_PERSON = "person_id str ->person.person_id"
_ESTAB = "establishment_id str ->establishment.establishment_id"
_ESTAB_NULL = "establishment_id str? ->establishment.establishment_id"

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        _table(
            "cluster",
            "cluster_id str",
            "name str",
            key=("cluster_id",),
        ),
        _table(
            "establishment",
            "establishment_id str",
            "urn int?",
            "ukprn int?",
            "name str",
            "la_code str",
            "phase str PHASE",
            "kind str ESTABLISHMENT_KIND",
            "funding str FUNDING",
            "in_area bool",
            "cluster_id str? ->cluster.cluster_id",
            "has_sen_unit bool",
            "has_resourced_provision bool",
            "capacity int?",
            "specialist_places int?",
            "open_date date?",
            "close_date date?",
            key=("establishment_id",),
        ),
        _table(
            "person",
            "person_id str",
            "upn str?",
            "uln str?",
            "forename str",
            "surname str",
            "birth_date date",
            "sex str SEX",
            "ethnicity str ETHNICITY",
            "postcode str?",
            "home_la str",
            key=("person_id",),
        ),
        _table(
            "sen_status",
            _PERSON,
            _ESTAB_NULL,
            "sen_provision str SEN_PROVISION",
            "start_date date",
            "end_date date?",
        ),
        _table(
            "sen_need",
            _PERSON,
            "need_type str NEED_TYPE",
            "need_rank int NEED_RANK",
            "start_date date",
            "end_date date?",
        ),
        _table(
            "ehc_request",
            "request_id str",
            _PERSON,
            "received_date date",
            "request_source int REQUEST_SOURCE",
            "outcome str REQUEST_OUTCOME",
            "outcome_date date?",
            "mediation bool",
            "tribunal bool",
            key=("request_id",),
        ),
        _table(
            "ehc_assessment",
            "assessment_id str",
            "request_id str ->ehc_request.request_id",
            "outcome str ASSESSMENT_OUTCOME",
            "outcome_date date?",
            "week20_exception bool",
            "mediation bool",
            "tribunal bool",
            key=("assessment_id",),
        ),
        _table(
            "ehc_plan",
            "plan_id str",
            _PERSON,
            "assessment_id str? ->ehc_assessment.assessment_id",
            "start_date date",
            "cease_date date?",
            "cease_reason int? CEASE_REASON",
            "transfer_in_la str?",
            key=("plan_id",),
        ),
        _table(
            "annual_review",
            "review_id str",
            "plan_id str ->ehc_plan.plan_id",
            "meeting_date date",
            "decision_date date?",
            "outcome str? REVIEW_OUTCOME",
            "school_cannot_meet_need bool",
            "pfa_toolkit_used bool",
            "phase_transfer bool",
            key=("review_id",),
        ),
        _table(
            "ehc_advice",
            "advice_id str",
            "request_id str ->ehc_request.request_id",
            "advice_type str ADVICE_TYPE",
            "requested_date date",
            "received_date date?",
            "exception bool",
            key=("advice_id",),
        ),
        _table(
            "ehc_case_allocation",
            "allocation_id str",
            _PERSON,
            "case_ref str",
            "officer_id str",
            "start_date date",
            "end_date date?",
            key=("allocation_id",),
        ),
        _table(
            "placement",
            "placement_id str",
            _PERSON,
            _ESTAB_NULL,
            "sen_setting str? SEN_SETTING",
            "sen_unit bool",
            "resourced_provision bool",
            "la_funded bool",
            "start_date date",
            "end_date date?",
            key=("placement_id",),
        ),
        _table(
            "attendance",
            _PERSON,
            _ESTAB,
            "academic_year str",
            "term str TERM",
            "sessions_possible int",
            "sessions_authorised int",
            "sessions_unauthorised int",
            "sessions_c2 int",
        ),
        _table(
            "exclusion",
            "exclusion_id str",
            _PERSON,
            _ESTAB,
            "start_date date",
            "category str EXCLUSION_CATEGORY",
            "sessions int",
            "reason str EXCLUSION_REASON",
            "sen_provision str SEN_PROVISION",
            key=("exclusion_id",),
        ),
        _table(
            "part_time_timetable",
            "ptt_id str",
            _PERSON,
            _ESTAB,
            "start_date date",
            "planned_end_date date?",
            "end_date date?",
            "hours_in_school_per_week decimal",
            "full_time_hours_per_week decimal",
            "reason str",
            "review_date date?",
            key=("ptt_id",),
        ),
        _table(
            "ap_provider",
            "provider_id str",
            "name str",
            _ESTAB_NULL,
            "approved bool",
            "approved_date date?",
            "quality str? AP_QUALITY",
            "review_due date?",
            key=("provider_id",),
        ),
        _table(
            "ap_commission",
            "commission_id str",
            _PERSON,
            "commissioned_by str",
            "provider_id str ->ap_provider.provider_id",
            "start_date date",
            "end_date date?",
            "sessions_per_week int",
            "weekly_cost pence?",
            key=("commission_id",),
        ),
        _table(
            "neet_activity",
            _PERSON,
            "as_at date",
            "academic_age int",
            "activity str NEET_ACTIVITY",
        ),
        _table(
            "complaint",
            "complaint_id str",
            "received_date date",
            "route str COMPLAINT_ROUTE",
            "about_send bool",
            "stage int",
            "closed_date date?",
            "upheld bool?",
            key=("complaint_id",),
        ),
        _table(
            "tribunal_appeal",
            "appeal_id str",
            _PERSON,
            "lodged_date date",
            "appeal_type str TRIBUNAL_APPEAL_TYPE",
            "outcome str? TRIBUNAL_OUTCOME",
            "decided_date date?",
            key=("appeal_id",),
        ),
        _table(
            "survey_response",
            "response_id str",
            "survey str SURVEY",
            "respondent str RESPONDENT",
            "person_id str? ->person.person_id",
            _ESTAB_NULL,
            "submitted_date date",
            "question str",
            "score int?",
            "text str?",
            key=("response_id",),
        ),
        _table(
            "eah_engagement",
            _ESTAB,
            "as_at date",
            "level str EAH_LEVEL",
        ),
        _table(
            "eah_referral",
            "referral_id str",
            _ESTAB,
            "person_id str? ->person.person_id",
            "received_date date",
            "risk_flags str",
            "triage_date date?",
            "tier str? EAH_TIER",
            "first_support_date date?",
            "review_date date?",
            "closed_date date?",
            "outcome str? EAH_OUTCOME",
            key=("referral_id",),
        ),
        _table(
            "eah_involvement",
            "referral_id str ->eah_referral.referral_id",
            "discipline str EAH_DISCIPLINE",
            "practitioner_id str",
            "start_date date",
            "end_date date?",
            "hours decimal",
        ),
        _table(
            "unit_cost",
            "setting_category str SETTING_CATEGORY",
            "need_type str? NEED_TYPE",
            "financial_year str",
            "annual_cost pence",
        ),
        _table(
            "planned_places",
            "project str",
            _ESTAB_NULL,
            "kind str ESTABLISHMENT_KIND",
            "need_types str",
            "places int",
            "open_date date",
        ),
        _table(
            "population",
            "year int",
            "age int",
            "population int",
        ),
    )
}

# Tables in an order where every table comes after the tables it references.
TABLE_ORDER: tuple[str, ...] = tuple(TABLES)


@cache
def ibis_schema(name: str):
    """The Ibis schema of a canonical table (non-null types where the column is required)."""
    import ibis
    import ibis.expr.datatypes as dt

    table = TABLES[name]
    return ibis.schema(
        {c.name: dt.dtype(TYPES[c.type]).copy(nullable=c.nullable) for c in table.columns}
    )


@cache
def arrow_schema(name: str):
    """The Arrow schema used when a canonical table is written as Parquet."""
    import pyarrow as pa

    arrow = {
        "str": pa.string(),
        "int": pa.int64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "pence": pa.int64(),
        "decimal": pa.decimal128(9, 2),
    }
    return pa.schema(
        [pa.field(c.name, arrow[c.type], nullable=c.nullable) for c in TABLES[name].columns]
    )
