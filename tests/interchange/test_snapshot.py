"""Snapshot rules on hand-built rows, and the Parquet files, manifest and content hash they are written to."""

import datetime as dt
import hashlib
import json
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sendreform.interchange.snapshot import (
    AS_AT_RULES,
    MANIFEST_NAME,
    _row_lines,
    content_hash,
    snapshot_write,
    tables_as_at,
    terms_started,
)
from sendreform.standards.codes import CODE_LISTS
from sendreform.standards.schemas import TABLE_ORDER, TABLES, arrow_schema

from .conftest import canonical_arrow

D = dt.date
AS_AT = D(2026, 1, 15)  # the SEN2 census date of 2026
PERSON = [{"person_id": "P1"}]


def rows_as_at(con, table: str, day: dt.date = AS_AT) -> list[dict]:
    tables = {name: con.table(name) for name in TABLE_ORDER}
    rows = tables_as_at(tables=tables, as_at=day)[table].to_pyarrow().to_pylist()
    return sorted(rows, key=lambda r: [str(r[c]) for c in TABLES[table].column_names])


def test_every_canonical_table_has_a_rule_naming_only_its_own_columns():
    assert set(AS_AT_RULES) == set(TABLES)
    for name, rule in AS_AT_RULES.items():
        columns = TABLES[name].column_names
        named = [rule.event] * bool(rule.event) + list(rule.later)
        named += [field for fields in rule.later.values() for field in fields]
        assert set(named) <= set(columns), name
        for fields in rule.later.values():
            for field, value in fields.items():
                column = TABLES[name].column(field)
                assert value is not None or column.nullable, f"{name}.{field} is required, cannot be blanked"
                if column.codes and value is not None:
                    assert value in CODE_LISTS[column.codes], f"{name}.{field}"


def test_a_request_decided_after_the_as_at_was_awaiting_and_a_later_request_is_dropped(area):
    # Given three requests: decided before the as-at, decided after it, and received after it
    con = area(
        person=PERSON,
        ehc_request=[
            {
                "request_id": "R1",
                "person_id": "P1",
                "received_date": D(2025, 10, 1),
                "outcome": "Y",
                "outcome_date": D(2025, 11, 10),
            },
            {
                "request_id": "R2",
                "person_id": "P1",
                "received_date": D(2025, 12, 1),
                "outcome": "N",
                "outcome_date": D(2026, 1, 20),
                "mediation": True,
                "tribunal": True,
            },
            {"request_id": "R3", "person_id": "P1", "received_date": D(2026, 1, 16), "outcome": "A"},
        ],
    )
    # When the snapshot is taken on 15 January 2026
    rows = rows_as_at(con, "ehc_request")
    # Then R1 is unchanged, R2 is awaiting with no date and no mediation or tribunal yet, and R3 is gone
    assert [
        (r["request_id"], r["outcome"], r["outcome_date"], r["mediation"], r["tribunal"]) for r in rows
    ] == [
        ("R1", "Y", D(2025, 11, 10), False, False),
        ("R2", "A", None, False, False),
    ]


def test_an_assessment_exists_only_once_its_request_was_decided(area):
    # Given two decided requests, one decided after the as-at, each with an assessment finishing after it
    con = area(
        person=PERSON,
        ehc_request=[
            {
                "request_id": "R1",
                "person_id": "P1",
                "received_date": D(2025, 9, 1),
                "outcome": "Y",
                "outcome_date": D(2025, 10, 13),
            },
            {
                "request_id": "R2",
                "person_id": "P1",
                "received_date": D(2025, 12, 1),
                "outcome": "Y",
                "outcome_date": D(2026, 1, 20),
            },
        ],
        ehc_assessment=[
            {
                "assessment_id": "A1",
                "request_id": "R1",
                "outcome": "Y",
                "outcome_date": D(2026, 1, 19),
                "week20_exception": True,
            },
            {"assessment_id": "A2", "request_id": "R2", "outcome": "Y", "outcome_date": D(2026, 4, 1)},
        ],
    )
    # When the snapshot is taken / Then A1 is still awaiting (keeping its week-20 exception) and A2 is gone
    rows = rows_as_at(con, "ehc_assessment")
    assert [(r["assessment_id"], r["outcome"], r["outcome_date"], r["week20_exception"]) for r in rows] == [
        ("A1", "A", None, True)
    ]


def test_a_plan_ceased_after_the_as_at_is_active_and_a_later_plan_and_its_reviews_are_dropped(area):
    con = area(
        person=PERSON,
        ehc_plan=[
            {
                "plan_id": "EHCP1",
                "person_id": "P1",
                "start_date": D(2023, 5, 2),
                "cease_date": D(2026, 7, 31),
                "cease_reason": 2,
            },
            {"plan_id": "EHCP2", "person_id": "P1", "start_date": D(2026, 2, 1)},
        ],
        annual_review=[
            {
                "review_id": "AR1",
                "plan_id": "EHCP1",
                "meeting_date": D(2026, 1, 5),
                "decision_date": D(2026, 1, 30),
                "outcome": "C",
            },
            # Inconsistent on purpose: a review before its plan began still goes with the plan.
            {"review_id": "AR2", "plan_id": "EHCP2", "meeting_date": D(2026, 1, 6)},
        ],
    )
    plans = rows_as_at(con, "ehc_plan")
    assert [(r["plan_id"], r["cease_date"], r["cease_reason"]) for r in plans] == [("EHCP1", None, None)]
    reviews = rows_as_at(con, "annual_review")
    assert [(r["review_id"], r["decision_date"], r["outcome"]) for r in reviews] == [("AR1", None, None)]


def test_episodes_starting_after_the_as_at_are_dropped_and_later_ends_are_blanked(area):
    con = area(
        person=PERSON,
        establishment=[{"establishment_id": "E1"}],
        placement=[
            {
                "placement_id": "PL1",
                "person_id": "P1",
                "establishment_id": "E1",
                "start_date": D(2024, 9, 1),
                "end_date": D(2026, 1, 15),
            },
            {"placement_id": "PL2", "person_id": "P1", "sen_setting": "EHE", "start_date": D(2026, 1, 16)},
            {
                "placement_id": "PL3",
                "person_id": "P1",
                "establishment_id": "E1",
                "start_date": D(2023, 9, 1),
                "end_date": D(2026, 1, 16),
            },
        ],
    )
    rows = rows_as_at(con, "placement")
    # An end on the as-at itself is kept: the as-at is inclusive.
    assert [(r["placement_id"], r["end_date"]) for r in rows] == [("PL1", D(2026, 1, 15)), ("PL3", None)]


def test_a_person_born_after_the_as_at_is_dropped_with_everything_about_them(area):
    con = area(
        person=[{"person_id": "P1"}, {"person_id": "P2", "birth_date": D(2026, 3, 1)}],
        sen_need=[{"person_id": "P2", "need_type": "HI", "need_rank": 1, "start_date": D(2026, 1, 1)}],
        survey_response=[
            {
                "response_id": "S1",
                "survey": "PARENT_CONFIDENCE",
                "respondent": "PARENT",
                "person_id": "P2",
                "submitted_date": D(2025, 12, 1),
                "question": "q",
                "score": 4,
            }
        ],
    )
    assert [r["person_id"] for r in rows_as_at(con, "person")] == ["P1"]
    assert rows_as_at(con, "sen_need") == []
    assert rows_as_at(con, "survey_response") == []


@pytest.mark.parametrize(
    ("day", "year", "terms"),
    [
        (D(2025, 9, 1), "2025/26", ("AUT",)),
        (D(2025, 12, 31), "2025/26", ("AUT",)),
        (D(2026, 1, 1), "2025/26", ("AUT", "SPR")),
        (D(2026, 4, 5), "2025/26", ("AUT", "SPR")),  # Easter Sunday 2026
        (D(2026, 4, 6), "2025/26", ("AUT", "SPR", "SUM")),
        (D(2027, 3, 29), "2026/27", ("AUT", "SPR", "SUM")),  # Easter Monday 2027
    ],
)
def test_terms_start_on_1_september_1_january_and_the_day_after_easter_sunday(day, year, terms):
    assert terms_started(day) == (year, terms)


def test_attendance_keeps_the_terms_that_had_started(area):
    # Given attendance for last year's summer, this year's three terms and next year's autumn
    rows = [
        {"person_id": "P1", "establishment_id": "E1", "academic_year": year, "term": term}
        for year, term in [
            ("2024/25", "SUM"),
            ("2025/26", "AUT"),
            ("2025/26", "SPR"),
            ("2025/26", "SUM"),
            ("2026/27", "AUT"),
        ]
    ]
    con = area(person=PERSON, establishment=[{"establishment_id": "E1"}], attendance=rows)
    # When the snapshot is taken on 15 January 2026 / Then the summer term and next year are not there yet
    kept = [(r["academic_year"], r["term"]) for r in rows_as_at(con, "attendance")]
    assert sorted(kept) == [("2024/25", "SUM"), ("2025/26", "AUT"), ("2025/26", "SPR")]


def test_later_decisions_are_blanked_on_complaints_appeals_providers_and_referrals(area):
    con = area(
        person=PERSON,
        establishment=[
            {"establishment_id": "E1", "open_date": D(2027, 9, 1), "close_date": None},
            {"establishment_id": "E2", "open_date": D(1990, 9, 1), "close_date": D(2026, 8, 31)},
        ],
        complaint=[
            {
                "complaint_id": "CP1",
                "received_date": D(2025, 12, 1),
                "closed_date": D(2026, 2, 1),
                "upheld": True,
            }
        ],
        tribunal_appeal=[
            {
                "appeal_id": "T1",
                "person_id": "P1",
                "lodged_date": D(2025, 6, 1),
                "decided_date": D(2026, 3, 1),
                "outcome": "UPHELD",
            }
        ],
        ap_provider=[
            {"provider_id": "AP1", "approved": True, "approved_date": D(2026, 2, 1), "quality": "GOOD"}
        ],
        eah_referral=[
            {
                "referral_id": "X1",
                "establishment_id": "E2",
                "person_id": "P1",
                "received_date": D(2026, 1, 5),
                "risk_flags": "ATTENDANCE",
                "triage_date": D(2026, 1, 20),
                "tier": "TARGETED",
                "closed_date": D(2026, 3, 1),
                "outcome": "NEEDS_MET_IN_SETTING",
            }
        ],
    )
    establishments = rows_as_at(con, "establishment")
    # A setting proposed to open is kept (metrics test open_date); a closure after the as-at had not happened.
    assert [(r["establishment_id"], r["open_date"], r["close_date"]) for r in establishments] == [
        ("E1", D(2027, 9, 1), None),
        ("E2", D(1990, 9, 1), None),
    ]
    [complaint] = rows_as_at(con, "complaint")
    assert (complaint["closed_date"], complaint["upheld"]) == (None, None)
    [appeal] = rows_as_at(con, "tribunal_appeal")
    assert (appeal["decided_date"], appeal["outcome"]) == (None, None)
    [provider] = rows_as_at(con, "ap_provider")
    assert (provider["approved"], provider["approved_date"], provider["quality"]) == (False, None, "GOOD")
    [referral] = rows_as_at(con, "eah_referral")
    assert (referral["triage_date"], referral["tier"], referral["closed_date"], referral["outcome"]) == (
        None,
        None,
        None,
        None,
    )


def test_costs_plans_and_population_are_kept_whatever_their_dates(area):
    con = area(
        unit_cost=[{"setting_category": "INMSS", "financial_year": "2029-30", "annual_cost": 7_500_000}],
        planned_places=[
            {
                "project": "New SEMH base",
                "kind": "MAINSTREAM",
                "need_types": "SEMH,ASD",
                "places": 12,
                "open_date": D(2027, 9, 1),
            }
        ],
        population=[{"year": 2030, "age": 10, "population": 2_100}],
    )
    assert len(rows_as_at(con, "unit_cost")) == 1
    assert len(rows_as_at(con, "planned_places")) == 1
    assert len(rows_as_at(con, "population")) == 1


# ---- writing


def _small_area(area, *, placement_end=None, shuffled=False):
    placements = [
        {
            "placement_id": "PL1",
            "person_id": "P1",
            "establishment_id": "E1",
            "start_date": D(2024, 9, 1),
            "end_date": placement_end,
        },
        {"placement_id": "PL2", "person_id": "P2", "sen_setting": "EHE", "start_date": D(2025, 3, 1)},
    ]
    people = [{"person_id": "P1"}, {"person_id": "P2", "forename": "Ben", "sex": "M"}]
    if shuffled:
        placements.reverse()
        people.reverse()
    return area(person=people, establishment=[{"establishment_id": "E1"}], placement=placements)


def test_snapshot_writes_one_parquet_file_per_table_that_duckdb_reads(area, tmp_path):
    # Given a small area / When it is snapshotted
    manifest = snapshot_write(con=_small_area(area), as_at=AS_AT, out_dir=tmp_path, code_version="test")
    # Then every canonical table has a file with the canonical columns in order, and the counts match
    for name in TABLE_ORDER:
        relation = duckdb.read_parquet(str(tmp_path / f"{name}.parquet"))
        assert relation.columns == TABLES[name].column_names
        assert relation.count("*").fetchone()[0] == manifest["tables"][name]["rows"]
    assert {n: t["rows"] for n, t in manifest["tables"].items() if t["rows"]} == {
        "establishment": 1,
        "person": 2,
        "placement": 2,
    }
    written = json.loads((tmp_path / MANIFEST_NAME).read_text())
    assert written == manifest
    assert written["as_at"] == "2026-01-15"
    assert written["code_version"] == "test"
    assert written["content_hash"].startswith("sha256:") and len(written["content_hash"]) == 7 + 64


def test_parquet_files_have_the_exact_arrow_schema(area, tmp_path):
    snapshot_write(con=_small_area(area), as_at=AS_AT, out_dir=tmp_path, code_version="test")
    for name in TABLE_ORDER:
        assert pq.read_schema(tmp_path / f"{name}.parquet").remove_metadata().equals(arrow_schema(name))


def test_the_content_hash_depends_on_content_only(area, tmp_path):
    # Given the same area twice, the second time with its rows in another order and made at another time
    first = snapshot_write(con=_small_area(area), as_at=AS_AT, out_dir=tmp_path / "a", code_version="1")
    again = snapshot_write(
        con=_small_area(area, shuffled=True),
        as_at=AS_AT,
        out_dir=tmp_path / "b",
        code_version="2",
        created_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    # Then the hash is the same; and when one placement ends, it changes (and only placement's table hash)
    changed = snapshot_write(
        con=_small_area(area, placement_end=D(2025, 7, 22)),
        as_at=AS_AT,
        out_dir=tmp_path / "c",
        code_version="1",
    )
    assert again["content_hash"] == first["content_hash"]
    assert changed["content_hash"] != first["content_hash"]
    differing = [n for n in TABLE_ORDER if changed["tables"][n]["sha256"] != first["tables"][n]["sha256"]]
    assert differing == ["placement"]


def test_content_hash_of_arrow_tables_matches_the_manifest(area, tmp_path):
    manifest = snapshot_write(con=_small_area(area), as_at=AS_AT, out_dir=tmp_path, code_version="test")
    tables = {name: pq.read_table(tmp_path / f"{name}.parquet") for name in TABLE_ORDER}
    assert content_hash(tables=tables) == manifest["content_hash"]


def test_an_empty_area_has_the_hash_of_headers_only(tmp_path):
    # Given no rows at all / Then the hash is over the table names and column lists alone
    expected = hashlib.sha256()
    for name in TABLE_ORDER:
        expected.update(f"# {name}\n".encode())
        expected.update((json.dumps(TABLES[name].column_names, separators=(",", ":")) + "\n").encode())
    assert content_hash(tables=canonical_arrow()) == f"sha256:{expected.hexdigest()}"


def test_hash_lines_are_compact_json_even_for_awkward_values():
    # Given text with quotes, backslashes, new lines, accents and control characters, and every other type
    table = pa.table({
        "text": pa.array(['say "hi"\\\n', "Zoë 漢", None, "\x01"]),
        "number": pa.array([1, -5, None, 2**40]),
        "flag": pa.array([True, False, None, True]),
        "day": pa.array([D(2025, 1, 2), None, D(2000, 2, 29), D(2026, 12, 31)]),
        "money": pa.array([Decimal("7.10"), Decimal("-0.50"), None, Decimal("1234567.89")], pa.decimal128(9, 2)),
    })
    # When each row is written as a hash line / Then it is what json.dumps writes for the row's values
    assert _row_lines(table).to_pylist() == [
        '["say \\"hi\\"\\\\\\n",1,true,"2025-01-02","7.10"]',
        '["Zoë 漢",-5,false,null,"-0.50"]',
        '[null,null,null,"2000-02-29",null]',
        '["\\u0001",1099511627776,true,"2026-12-31","1234567.89"]',
    ]
    assert _row_lines(table).to_pylist() == [
        json.dumps(list(row.values()), ensure_ascii=False, separators=(",", ":"), default=str)
        for row in table.to_pylist()
    ]
