"""Hand-built canonical tables for the interchange tests: rows as dicts, every table present (empty unless
given), held in DuckDB through Ibis so the pure code runs exactly as it does on a folder of files."""

import datetime as dt
from decimal import Decimal

import ibis
import pyarrow as pa
import pytest

from sendreform.standards.schemas import TABLE_ORDER, TABLES, arrow_schema

D = dt.date

# Values a test need not spell out: the ordinary case.
DEFAULTS = {
    "establishment": {
        "name": "Oakfield Primary",
        "la_code": "870",
        "phase": "PRIMARY",
        "kind": "MAINSTREAM",
        "funding": "MAINTAINED",
        "in_area": True,
        "has_sen_unit": False,
        "has_resourced_provision": False,
    },
    "person": {
        "forename": "Amira",
        "surname": "Khan",
        "birth_date": D(2015, 9, 1),
        "sex": "F",
        "ethnicity": "WBRI",
        "home_la": "870",
    },
    "ehc_request": {"request_source": 1, "mediation": False, "tribunal": False},
    "ehc_assessment": {"week20_exception": False, "mediation": False, "tribunal": False},
    "annual_review": {"school_cannot_meet_need": False, "pfa_toolkit_used": False, "phase_transfer": False},
    "placement": {"sen_unit": False, "resourced_provision": False, "la_funded": True},
    "attendance": {
        "sessions_possible": 100,
        "sessions_authorised": 4,
        "sessions_unauthorised": 2,
        "sessions_c2": 0,
    },
    "part_time_timetable": {
        "hours_in_school_per_week": Decimal("10.00"),
        "full_time_hours_per_week": Decimal("32.50"),
        "reason": "anxiety",
    },
    "ap_provider": {"name": "Riverside Tuition", "approved": True},
    "ap_commission": {"commissioned_by": "LA", "sessions_per_week": 5},
    "complaint": {"route": "CORPORATE", "about_send": True, "stage": 1},
    "tribunal_appeal": {"appeal_type": "CONTENTS"},
    "eah_referral": {"risk_flags": ""},
    "eah_involvement": {"discipline": "EP", "practitioner_id": "EP1", "hours": Decimal("3.50")},
}


def canonical_arrow(**rows: list[dict]) -> dict[str, pa.Table]:
    """Every canonical table as Arrow: the given rows (defaults filled in, the rest null), others empty."""
    out = {}
    for name in TABLE_ORDER:
        schema = arrow_schema(name)
        full = [
            {c: None for c in TABLES[name].column_names} | DEFAULTS.get(name, {}) | row
            for row in rows.get(name, [])
        ]
        out[name] = pa.Table.from_pylist(full, schema=schema)
    return out


def canonical_duckdb(**rows: list[dict]):
    con = ibis.duckdb.connect()
    for name, table in canonical_arrow(**rows).items():
        con.create_table(name, table)
    return con


@pytest.fixture
def area():
    """Build a DuckDB connection holding hand-built canonical rows: `area(person=[...], placement=[...])`."""
    return canonical_duckdb
