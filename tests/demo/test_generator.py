"""The synthetic area's tables keep to the canonical schema and to every rule of the models."""

import datetime as dt

import pandas as pd
import pyarrow.compute as pc

from sendreform.demo.generator import generate_area
from sendreform.standards.schemas import TABLES

from .checks import code_problems, key_problems, reference_problems, schema_problems
from .conftest import AS_AT


def test_every_table_matches_its_arrow_schema(reading):
    assert set(reading) == set(TABLES)
    assert schema_problems(reading) == []


def test_every_code_is_in_its_code_list(reading):
    assert code_problems(reading) == []


def test_every_reference_resolves(reading):
    assert reference_problems(reading) == []


def test_every_key_is_unique(reading):
    assert key_problems(reading) == []


def test_identifiers_carry_the_la_code(frames):
    for name, spec in TABLES.items():
        for key in spec.key:
            assert frames[name][key].str.startswith("870-").all(), f"{name}.{key}"


def test_upns_are_a_letter_then_twelve_digits_and_unique(frames):
    upn = frames["person"].upn.dropna()
    assert upn.str.fullmatch(r"[A-Z]\d{12}").all()
    assert upn.is_unique
    assert len(upn) > 25_000


def test_urns_are_unique(frames):
    assert frames["establishment"].urn.dropna().is_unique


def test_no_episode_ends_before_it_starts(frames):
    pairs = [("sen_status", "start_date", "end_date"), ("sen_need", "start_date", "end_date"),
             ("ehc_request", "received_date", "outcome_date"), ("ehc_plan", "start_date", "cease_date"),
             ("annual_review", "meeting_date", "decision_date"), ("placement", "start_date", "end_date"),
             ("part_time_timetable", "start_date", "end_date"),
             ("part_time_timetable", "start_date", "planned_end_date"), ("ap_commission", "start_date", "end_date"),
             ("complaint", "received_date", "closed_date"), ("tribunal_appeal", "lodged_date", "decided_date"),
             ("eah_referral", "received_date", "triage_date"), ("eah_referral", "received_date", "closed_date"),
             ("eah_referral", "received_date", "first_support_date"), ("eah_involvement", "start_date", "end_date")]
    for table, start, end in pairs:
        f = frames[table]
        assert not (f[end].notna() & (f[end] < f[start])).any(), f"{table}.{end} before {start}"


def test_nothing_happens_after_the_as_at_date(frames):
    for table, column in [("placement", "start_date"), ("ehc_plan", "start_date"), ("ehc_request", "received_date"),
                          ("exclusion", "start_date"), ("eah_referral", "received_date"),
                          ("survey_response", "submitted_date"), ("neet_activity", "as_at")]:
        assert frames[table][column].max() <= AS_AT, table


def test_a_placement_has_exactly_one_of_establishment_and_setting(frames):
    p = frames["placement"]
    assert (p.establishment_id.isna() != p.sen_setting.isna()).all()


def test_a_ceased_plan_has_a_reason_and_only_then(frames):
    plan = frames["ehc_plan"]
    assert (plan.cease_date.isna() == plan.cease_reason.isna()).all()


def test_a_transferred_plan_has_no_assessment_and_names_its_la(frames):
    plan = frames["ehc_plan"]
    assert (plan.assessment_id.isna() == plan.transfer_in_la.notna()).all()


def test_one_plan_per_person(frames):
    assert frames["ehc_plan"].person_id.is_unique


def test_attendance_absence_within_possible_sessions_and_one_row_per_term(frames):
    a = frames["attendance"]
    assert (a.sessions_authorised + a.sessions_unauthorised <= a.sessions_possible).all()
    assert (a.sessions_c2 <= a.sessions_authorised).all()
    assert not a.duplicated(["person_id", "establishment_id", "academic_year", "term"]).any()


def test_part_time_hours_within_full_time(frames):
    p = frames["part_time_timetable"]
    assert ((p.hours_in_school_per_week >= 0) & (p.hours_in_school_per_week <= p.full_time_hours_per_week)).all()


def test_survey_scores_from_one_to_five(frames):
    score = frames["survey_response"].score.dropna()
    assert score.between(1, 5).all()
    assert set(frames["survey_response"].survey) == {"PARENT_CONFIDENCE", "CYP_BELONGING", "STAFF_CONFIDENCE",
                                                       "EAH_PARENT_FEEDBACK"}


def test_population_has_every_age_for_every_year(frames):
    pop = frames["population"]
    assert set(pop.year) == set(range(2019, 2036))
    assert set(pop.age) == set(range(26))
    assert not pop.duplicated(["year", "age"]).any()


def test_settings_are_grouped_into_six_named_clusters(frames):
    assert len(frames["cluster"]) == 6
    est = frames["establishment"]
    assert est[est.in_area & (est.kind == "MAINSTREAM") & (est.funding != "INDEPENDENT")].cluster_id.notna().all()


def test_every_kind_of_setting_is_present(frames):
    est = frames["establishment"]
    kinds = set(zip(est.kind, est.funding, strict=True))
    for kind in [("EY_PVI", "PVI"), ("MAINSTREAM", "MAINTAINED"), ("MAINSTREAM", "ACADEMY"), ("SPECIAL", "ACADEMY"),
                 ("SPECIAL", "MAINTAINED"), ("SPECIAL", "INDEPENDENT"), ("SPECIAL", "NON_MAINTAINED"),
                 ("AP", "ACADEMY"), ("FE", "FE_COLLEGE"), ("SPECIALIST_POST16", "INDEPENDENT"),
                 ("MAINSTREAM", "INDEPENDENT")]:
        assert kind in kinds
    assert est.has_resourced_provision.any() and est.has_sen_unit.any()
    assert (~est.in_area).sum() >= 10


def test_experts_at_hand_practitioners_have_open_caseloads(frames):
    inv = frames["eah_involvement"]
    assert set(inv.practitioner_id) == {f"870-EAH{i:02d}" for i in range(1, 13)}
    assert inv[inv.end_date.isna()].practitioner_id.nunique() == 12
    referrals = frames["eah_referral"]
    assert referrals.outcome.notna().any()
    assert (referrals.tier.isna() == referrals.triage_date.isna()).all()


def test_the_same_seed_gives_identical_tables():
    first = generate_area(seed=870, as_at=AS_AT, scale=0.1)
    second = generate_area(seed=870, as_at=AS_AT, scale=0.1)
    assert all(first[name].equals(second[name]) for name in TABLES)


def test_another_seed_gives_different_tables():
    first = generate_area(seed=870, as_at=AS_AT, scale=0.1)
    other = generate_area(seed=871, as_at=AS_AT, scale=0.1)
    assert not first["person"].equals(other["person"])
    assert not first["placement"].equals(other["placement"])


def test_an_earlier_as_at_date_cuts_the_history_there():
    day = dt.date(2025, 3, 31)
    tables = generate_area(seed=870, as_at=day, scale=0.1)
    assert schema_problems(tables) == [] and reference_problems(tables) == []
    assert pc.max(tables["placement"].column("start_date")).as_py() <= day
    requests = tables["ehc_request"].to_pandas()
    assert (requests.outcome_date.isna() == (requests.outcome == "A")).all()


def test_a_small_area_is_consistent_too(small_area):
    assert schema_problems(small_area) == []
    assert reference_problems(small_area) == []
    assert key_problems(small_area) == []
    assert pd.Series(small_area["person"].column("upn").drop_null()).is_unique


def _overlapping(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Pairs of rows of one person at different establishments open at once (an end on the day the other
    starts is a handover, not an overlap)."""
    never = dt.date(9999, 12, 31)
    pairs = a.dropna(subset=["establishment_id"]).merge(b.dropna(subset=["establishment_id"]), on="person_id")
    return pairs[(pairs.establishment_id_x != pairs.establishment_id_y)
                 & (pairs.start_date_x < pairs.end_date_y.fillna(never))
                 & (pairs.start_date_y < pairs.end_date_x.fillna(never))]


def test_a_child_who_moves_has_their_sen_status_closed_at_the_old_setting(frames):
    status, placement = frames["sen_status"], frames["placement"]
    assert len(_overlapping(status, placement)) == 0
    assert len(_overlapping(status, status)) == 0
    assert len(_overlapping(placement, placement)) == 0
    # Movers with SEN: the same provision goes on at the new setting from the day the old status ends.
    moved = status.merge(status, on=["person_id", "sen_provision"])
    moved = moved[(moved.end_date_x == moved.start_date_y) & (moved.establishment_id_x != moved.establishment_id_y)]
    assert moved.person_id.nunique() > 1000
