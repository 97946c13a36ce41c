"""Every validation rule passes on the sample returns (which break none) and fails on a change that breaks it;
the UPN and ULN check algorithms against worked examples; the report's renderings."""

import copy
import csv
import dataclasses
import datetime as dt
import io
import json

import pytest

from sendreform.sen2.records import ActivePlans, Assessment, NamedPlan
from sendreform.sen2.rules import RULES, records_validate, uln_valid, upn_check_letter, validate
from tests.sen2.samples import FILES, ULN_B, UPN_A, YEARS, sample_return

D = dt.date


def _people(r):
    a, b, c, d, e = r.persons
    return a, b, c, d, e


def _parts(p, i=0):
    req = p.requests[i]
    ass = req.assessment
    return req, ass, ass.named_plan if ass else None, req.active_plans


def A(r):
    return _parts(r.persons[0])


def B(r):
    return _parts(r.persons[1])


def C(r, i=0):
    return _parts(r.persons[2], i)


def Dp(r):
    return _parts(r.persons[3])


def E(r):
    return _parts(r.persons[4])


def _set(obj, **values):
    for k, v in values.items():
        setattr(obj, k, v)


# rule id -> a change to the 2026 sample that breaks it
CASES = {
    "HEADER_COLLECTION": lambda r: _set(r.header, collection="SEN1"),
    "HEADER_REFERENCE_DATE": lambda r: _set(r.header, reference_date=D(2026, 1, 22)),
    "HEADER_SOURCE_LEVEL": lambda r: _set(r.header, source_level="S"),
    "HEADER_LEA": lambda r: _set(r.header, lea="87"),
    "HEADER_OFFICER_CODE": lambda r: _set(r.header, dmo="X"),
    "HEADER_DSCO_MISSING": lambda r: _set(r.header, dsco=None),
    "PERSON_IDENTIFIER": lambda r: _set(r.persons[4], upn=None),
    "UPN_FORMAT": lambda r: _set(r.persons[0], upn="B87020000100"),
    "UPN_CHECK_LETTER": lambda r: _set(r.persons[0], upn="C870200001001"),
    "UPN_DUPLICATE": lambda r: _set(r.persons[4], upn=UPN_A),
    "UPN_UNKNOWN_WITH_UPN": lambda r: _set(r.persons[0], upn_unknown="UN1"),
    "UPN_UNKNOWN_CODE": lambda r: _set(r.persons[2], upn_unknown="UN4"),
    "ULN_FORMAT": lambda r: _set(r.persons[1], unique_learner_number="0123456789"),
    "ULN_CHECK_DIGIT": lambda r: _set(r.persons[1], unique_learner_number="1234567898"),
    "ULN_DUPLICATE": lambda r: _set(r.persons[3], unique_learner_number=ULN_B),
    "SEX_CODE": lambda r: _set(r.persons[0], sex="U"),
    "ETHNICITY_CODE": lambda r: _set(r.persons[0], ethnicity="WXYZ"),
    "BIRTH_DATE_AFTER_CENSUS": lambda r: _set(r.persons[2], person_birth_date=D(2026, 2, 1)),
    "AGE_OVER_25": lambda r: _set(r.persons[4], person_birth_date=D(2000, 8, 31)),
    "POSTCODE_FORMAT": lambda r: _set(r.persons[0], post_code="RG1"),
    "PERSON_NO_REQUESTS": lambda r: _set(r.persons[1], requests=[]),
    "REQUEST_DUPLICATE": lambda r: r.persons[3].requests.append(
        dataclasses.replace(r.persons[1].requests[0], received_date=D(2025, 1, 10))),
    "ACTIVE_PLANS_MORE_THAN_ONE": lambda r: _set(C(r, 1)[0], active_plans=copy.deepcopy(C(r)[3])),
    "ACTIVE_PLANS_MISSING": lambda r: _set(A(r)[0], active_plans=None),
    "REQUEST_OUTCOME_MISSING": lambda r: _set(B(r)[0], request_outcome=None),
    "REQUEST_OUTCOME_CODE": lambda r: _set(B(r)[0], request_outcome="Z"),
    "RECEIVED_DATE_MISSING": lambda r: _set(B(r)[0], received_date=None),
    "RECEIVED_AFTER_CENSUS": lambda r: _set(C(r, 1)[0], received_date=D(2026, 1, 20)),
    "REQUEST_SOURCE_MISSING": lambda r: _set(B(r)[0], request_source=None),
    "REQUEST_SOURCE_CODE": lambda r: _set(B(r)[0], request_source="6"),
    "REQUEST_OUTCOME_DATE_MISSING": lambda r: _set(B(r)[0], request_outcome_date=None),
    "REQUEST_OUTCOME_DATE_UNEXPECTED": lambda r: _set(C(r, 1)[0], request_outcome_date=D(2025, 11, 20)),
    "REQUEST_OUTCOME_BEFORE_RECEIVED": lambda r: _set(B(r)[0], request_outcome_date=D(2025, 3, 31)),
    "REQUEST_OUTCOME_AFTER_CENSUS": lambda r: _set(B(r)[0], request_outcome_date=D(2026, 1, 16)),
    "ASSESSMENT_NOT_EXPECTED": lambda r: _set(B(r)[0], assessment=Assessment(assessment_outcome="A")),
    "ASSESSMENT_MISSING": lambda r: _set(Dp(r)[0], assessment=None),
    "EXPORTED_LA": lambda r: _set(C(r, 1)[0], exported="86"),
    "ASSESSMENT_OUTCOME_MISSING": lambda r: _set(Dp(r)[1], assessment_outcome=None),
    "ASSESSMENT_OUTCOME_CODE": lambda r: _set(Dp(r)[1], assessment_outcome="Q"),
    "ASSESSMENT_DATE_MISSING": lambda r: _set(Dp(r)[1], assessment_outcome_date=None),
    "ASSESSMENT_DATE_UNEXPECTED": lambda r: _set(Dp(r)[1], assessment_outcome="W"),
    "ASSESSMENT_BEFORE_REQUEST": lambda r: _set(Dp(r)[1], assessment_outcome_date=D(2025, 2, 19)),
    "ASSESSMENT_AFTER_CENSUS": lambda r: _set(Dp(r)[1], assessment_outcome_date=D(2026, 2, 1)),
    "NAMED_PLAN_NOT_EXPECTED": lambda r: _set(Dp(r)[1], named_plan=NamedPlan(start_date=D(2025, 6, 1))),
    "NAMED_PLAN_MISSING": lambda r: _set(A(r)[1], named_plan=None),
    "PLAN_START_MISSING": lambda r: _set(E(r)[2], start_date=None),
    "PLAN_START_BEFORE_REQUEST": lambda r: _set(A(r)[2], start_date=D(2025, 2, 2)),
    "PLAN_START_BEFORE_ISSUE": lambda r: _set(A(r)[2], start_date=D(2025, 6, 19)),
    "PLAN_START_AFTER_CENSUS": lambda r: _set(E(r)[2], start_date=D(2026, 2, 1)),
    "CEASE_REASON_MISSING": lambda r: _set(E(r)[2], cease_reason=None),
    "CEASE_DATE_MISSING": lambda r: _set(E(r)[2], cease_date=None),
    "CEASE_REASON_CODE": lambda r: _set(E(r)[2], cease_reason="10"),
    "CEASE_BEFORE_START": lambda r: _set(E(r)[2], cease_date=D(2019, 8, 31)),
    "CEASE_AFTER_CENSUS": lambda r: _set(E(r)[2], cease_date=D(2026, 1, 16)),
    "PLAN_RES_CODE": lambda r: _set(A(r)[2], plan_res="C"),
    "PLAN_WBP_CODE": lambda r: _set(A(r)[2], plan_wbp="X"),
    "DP_CODE": lambda r: _set(A(r)[2], dp="Z"),
    "DP_WITHOUT_PB": lambda r: _set(A(r)[2], pb=False),
    "PLAN_DETAIL_MISSING": lambda r: _set(E(r)[2], plan_details=[]),
    "PLAN_DETAIL_RANKS": lambda r: _set(A(r)[2].plan_details[1], placement_rank=1),
    "SETTING_MISSING": lambda r: _set(A(r)[2].plan_details[1], ukprn=None),
    "SETTING_MORE_THAN_ONE": lambda r: _set(A(r)[2].plan_details[1], urn="110004"),
    "URN_FORMAT": lambda r: _set(A(r)[2].plan_details[0], urn="11001"),
    "UKPRN_FORMAT": lambda r: _set(A(r)[2].plan_details[1], ukprn="20012345"),
    "SEN_SETTING_CODE": lambda r: _set(C(r)[2].plan_details[0], sen_setting="NEET"),  # a placement code only
    "SEN_SETTING_OTHER_MISSING": lambda r: _set(C(r)[3].placement_details[1], sen_setting_other=None),
    "PLACEMENT_RANK_MISSING": lambda r: _set(A(r)[3].placement_details[1], placement_rank=None),
    "UNIT_WITHOUT_URN": lambda r: _set(C(r)[3].placement_details[0], sen_unit_indicator=True),
    "PLACEMENT_ENTRY_MISSING": lambda r: _set(A(r)[3].placement_details[0], entry_date=None),
    "PLACEMENT_LEAVING_BEFORE_ENTRY": lambda r: _set(A(r)[3].placement_details[1], leaving_date=D(2024, 8, 31)),
    "PLACEMENT_ENTRY_AFTER_CENSUS": lambda r: _set(C(r)[3].placement_details[1], entry_date=D(2026, 1, 16)),
    "RES_CODE": lambda r: _set(A(r)[3].placement_details[0], res="C"),
    "WBP_CODE": lambda r: _set(A(r)[3].placement_details[0], wbp="X"),
    "ACTIVE_PLAN_WITHOUT_NAMED_PLAN": lambda r: _set(B(r)[0], active_plans=copy.deepcopy(A(r)[3])),
    "ACTIVE_PLAN_CEASED": lambda r: _set(E(r)[0], active_plans=copy.deepcopy(C(r)[3])),
    "PLACEMENT_MISSING": lambda r: _set(A(r)[3], placement_details=[]),
    "PLACEMENT_RANKS": lambda r: _set(A(r)[3].placement_details[1], leaving_date=None),  # two open, both rank 1
    "NEED_MISSING": lambda r: _set(A(r)[3], sen_needs=[]),
    "NEED_RANKS": lambda r: _set(A(r)[3].sen_needs[1], sen_type_rank=1),
    "NEED_TYPE_REPEATED": lambda r: _set(A(r)[3].sen_needs[1], sen_type="ASD"),
    "TRANSFER_LA_CODE": lambda r: _set(C(r)[3], transfer_la="8690"),
    "TRANSFER_LA_SELF": lambda r: _set(C(r)[3], transfer_la="870"),
    "REVIEW_OUTCOME_CODE": lambda r: _set(A(r)[3], review_outcome="X"),
    "REVIEW_OUTCOME_WITHOUT_MEETING": lambda r: _set(A(r)[3], review_meeting=None),
    "REVIEW_MEETING_WITHOUT_OUTCOME": lambda r: _set(A(r)[3], review_outcome=None),
    "REVIEW_DECISION_BEFORE_MEETING": lambda r: _set(A(r)[3], last_review=D(2025, 11, 19)),
    "REVIEW_AFTER_CENSUS": lambda r: _set(A(r)[3], review_draft=D(2026, 1, 16)),
    "REVIEW_BEFORE_PLAN": lambda r: _set(A(r)[3], review_meeting=D(2025, 6, 19)),
    "REVIEW_OVERDUE": lambda r: _set(C(r)[3], review_meeting=None, review_outcome=None, last_review=D(2025, 1, 14)),
    "PHASE_TRANSFER_LATE": lambda r: _set(A(r)[3], phase_transfer_final_date=D(2026, 2, 16)),
    "NEED_TYPE_CODE": lambda r: _set(A(r)[3].sen_needs[0], sen_type="NSA"),  # school census only
    "NEED_RANK_VALUE": lambda r: _set(A(r)[3].sen_needs[1], sen_type_rank=3),
}


def _rules_failed(ret, year=None):
    return [i.rule for i in records_validate(ret.header, ret.persons, year=year)]


def test_every_rule_has_a_failing_case():
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("year", YEARS)
def test_the_sample_returns_pass_every_rule(year):
    assert _rules_failed(sample_return(year)) == []


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_each_rule_fails_on_the_change_that_breaks_it(rule_id):
    ret = sample_return(2026)
    CASES[rule_id](ret)
    assert rule_id in _rules_failed(ret)


@pytest.mark.parametrize(
    ("change", "year"),
    [
        # boundaries that pass
        (lambda r: _set(B(r)[0], request_outcome_date=D(2025, 4, 1)), 2026),  # decided the day it came
        (lambda r: _set(C(r, 1)[0], received_date=D(2026, 1, 15)), 2026),  # received on the census date
        (lambda r: _set(r.persons[0], upn="M87020000100A"), 2026),  # a temporary UPN ends in a letter
        (lambda r: _set(r.persons[4], person_birth_date=D(2001, 9, 1)), 2026),  # 24 on 31 August 2025
        (lambda r: _set(C(r)[3], review_meeting=None, review_outcome=None, last_review=D(2025, 1, 15)), 2026),
        (lambda r: _set(B(r)[0], request_source=None), 2025),  # voluntary in 2025
        (lambda r: _set(A(r)[3].sen_needs[1], sen_type="DS"), 2025),
        (lambda r: _set(r.header, dsco=None), 2025),
    ],
)
def test_changes_within_the_rules_pass(change, year):
    ret = sample_return(year)
    change(ret)
    assert _rules_failed(ret) == []


def test_down_syndrome_is_a_need_type_only_from_2025():
    ret = sample_return(2024)
    A(ret)[3].sen_needs[1].sen_type = "DS"
    assert _rules_failed(ret) == ["NEED_TYPE_CODE"]


def test_the_upn_check_letter_of_worked_examples():
    # B801200005001: 8x2 + 1x4 + 2x5 + 5x10 + 1x13 = 93 = 4 x 23 + 1 -> the second letter, B
    assert upn_check_letter("B801200005001") == "B"
    # a temporary UPN's last letter counts as its place in the alphabet without I, O and S: A = 0
    assert upn_check_letter("X87020000100A") == "M"


def test_the_uln_check_digit_of_worked_examples():
    # 1x10 + 4x2 = 18 = 11 + 7 -> check digit 10 - 7 = 3
    assert uln_valid("1000000043")
    assert not uln_valid("1000000044")
    # 1x10 + 6x2 = 22: remainder 0 is never issued
    assert not uln_valid("1000000063")
    assert not uln_valid("123456789")  # 9 digits


def _bad_upn_file(tmp_path):
    text = open(FILES[2026], encoding="utf-8").read().replace(f"<UPN>{UPN_A}</UPN>", "<UPN>C870200001001</UPN>")
    path = tmp_path / "bad_upn.xml"
    path.write_text(text, encoding="utf-8")
    return path, text


def test_a_bad_upn_is_reported_with_the_person_line_rule_value_and_message(tmp_path):
    path, text = _bad_upn_file(tmp_path)
    report = validate(path)
    assert not report.ok and report.errors == 1 and report.persons == 5
    (issue,) = report.issues
    assert issue.rule == "UPN_CHECK_LETTER" and issue.severity == "error"
    assert issue.person == "UPN C870200001001 (Okafor, Amara)"
    assert issue.path == "/Message/Persons/Person[1]/UPN"  # the first person in the file
    assert text.splitlines()[issue.line - 1].strip() == "<UPN>C870200001001</UPN>"
    assert issue.value == "C870200001001"
    assert issue.message == "The UPN's check letter should be B, not C: the UPN is mistyped."


def test_the_report_as_text_csv_and_json(tmp_path):
    path, _ = _bad_upn_file(tmp_path)
    report = validate(path)
    text = report.text()
    assert "1 errors, 0 queries" in text and "cannot be submitted" in text
    assert "ERROR UPN_CHECK_LETTER  UPN C870200001001 (Okafor, Amara)" in text
    rows = list(csv.DictReader(io.StringIO(report.csv())))
    assert rows[0]["rule"] == "UPN_CHECK_LETTER" and rows[0]["value"] == "C870200001001"
    assert int(rows[0]["line"]) == report.issues[0].line
    data = json.loads(report.json())
    assert data["ok"] is False and data["errors"] == 1 and data["issues"][0]["path"].endswith("/UPN")


def test_a_clean_file_can_be_submitted():
    report = validate(FILES[2023])
    assert report.ok and report.issues == [] and report.year == 2023 and report.persons == 5
    assert "can be submitted" in report.text()


def test_header_rules_are_reported_for_a_file_with_no_people(tmp_path):
    text = open(FILES[2026], encoding="utf-8").read()
    start, end = text.index("<Persons>"), text.index("</Persons>")
    path = tmp_path / "empty.xml"
    path.write_text((text[:start] + "<Persons>" + text[end:]).replace("<LEA>870</LEA>", "<LEA>8700</LEA>"))
    report = validate(path)
    assert [i.rule for i in report.issues] == ["HEADER_LEA"] and report.issues[0].value == "8700"


def test_records_in_memory_are_checked_without_a_file():
    ret = sample_return(2026)
    ret.persons[1].requests[0].active_plans = ActivePlans()
    issues = list(records_validate(ret.header, ret.persons))
    assert {i.rule for i in issues} == {"ACTIVE_PLAN_WITHOUT_NAMED_PLAN", "PLACEMENT_MISSING", "NEED_MISSING"}
    assert all(i.person == "ULN 1234567899 (Nowak, Piotr)" for i in issues)
