"""The legal clock, worked by hand on a calendar. 1 January 2026 is a Thursday, so 3 January 2026 is a
Saturday; 15 February 2026 is a Sunday; 29 February 2024 existed."""

import datetime as dt

import pytest

from sendreform.standards import ehc_clock as c

D = dt.date.fromisoformat


def test_a_request_received_on_a_saturday_is_due_a_decision_six_weeks_later_on_a_saturday():
    # 3 Jan + 42 days: 28 days to 31 Jan, 14 more -> Saturday 14 February 2026; nothing moves for a weekend
    assert c.decision_due(D("2026-01-03")) == D("2026-02-14")
    assert c.decision_due(D("2026-01-03")).weekday() == 5


def test_the_final_plan_is_due_twenty_weeks_after_the_request():
    # 3 Jan + 140 days: 28 (Jan) + 28 (Feb) + 31 (Mar) + 30 (Apr) = 117 to 30 April, 23 more -> 23 May 2026
    assert c.final_plan_due(D("2026-01-03")) == D("2026-05-23")


def test_advice_is_due_six_weeks_after_it_was_asked_for_and_a_consultation_fifteen_days_after():
    assert c.advice_due(D("2026-02-16")) == D("2026-03-30")  # Monday + 42 days: 12 days to 28 Feb, 30 March
    assert c.consultation_due(D("2026-04-20")) == D("2026-05-05")  # 10 days to 30 April, 5 into May


def test_a_review_is_due_twelve_months_on_and_a_leap_day_falls_back_to_28_february():
    assert c.review_due(D("2025-03-10")) == D("2026-03-10")
    assert c.review_due(D("2024-02-29")) == D("2025-02-28")
    assert c.review_decision_due(D("2026-01-16")) == D("2026-02-13")  # a Friday, four weeks on


@pytest.mark.parametrize(("birth", "on", "year", "due"), [
    ("2014-09-01", "2025-11-01", 6, "2026-02-15"),  # 10 on 31 Aug 2025: the oldest of year 6, to secondary
    ("2015-08-31", "2025-11-01", 6, "2026-02-15"),  # 10 on 31 Aug 2025 that very day: the youngest of year 6
    ("2009-09-01", "2026-01-05", 11, "2026-03-31"),  # 15 on 31 Aug 2025 (born after 31 Aug): year 11, post-16
    ("2010-08-31", "2026-01-05", 11, "2026-03-31"),  # 15 on 31 Aug 2025: the youngest of year 11
])
def test_phase_transfer_deadline_depends_on_the_year_group(birth, on, year, due):
    assert c.national_curriculum_year(D(birth), D(on)) == year
    assert c.phase_transfer_due(D(birth), D(on)) == D(due)


def test_a_clock_on_time_late_overdue_and_excused():
    # Received Saturday 3 January 2026: decision due 14 February, final plan due 23 May
    clock = c.assessment_clock(
        received=D("2026-01-03"), today=D("2026-04-01"),
        decided=D("2026-02-16"), assess=True,  # Monday 16 February: two days late
        advice=[c.Advice("Educational psychology", D("2026-02-16"), D("2026-03-27")),  # due 30 March: on time
                c.Advice("Health", D("2026-02-16")),  # due 30 March, not in by 1 April: 2 days over
                c.Advice("Social care", D("2026-02-16"), exception="MISSED_APPOINTMENT")],
    )
    status = {s.label: s.status(clock.today) for s in clock.steps}
    assert status == {
        "Decision whether to assess": c.LATE,
        "Advice: Educational psychology": c.ON_TIME,
        "Advice: Health": c.OVERDUE,
        "Advice: Social care": c.EXCEPTION,
        "Draft plan issued": c.DUE,
        "Final plan issued": c.DUE,
    }
    health = clock.steps[2]
    assert health.days_left(clock.today) == -2
    # The next legal deadline is the overdue advice (30 March), before the final plan (23 May)
    summary = c.summarise(clock)
    assert (summary.label, summary.due, summary.days_left) == ("Advice: Health", D("2026-03-30"), -2)
    assert summary.overdue == ["Advice: Health"]
    assert "did not keep an appointment" in clock.steps[3].exception_reason
    assert "regulation 8(2)" in clock.steps[3].exception_reason


def test_a_refusal_closes_the_clock_and_the_later_steps_are_not_needed():
    clock = c.assessment_clock(received=D("2026-01-03"), today=D("2026-06-01"), decided=D("2026-02-13"),
                               assess=False)
    assert clock.steps[0].status(clock.today) == c.ON_TIME  # Friday 13 February, a day inside the limit
    assert [s.status(clock.today) for s in clock.steps[1:]] == [c.NOT_NEEDED, c.NOT_NEEDED]
    assert clock.next_deadline() is None and clock.overdue() == []


def test_the_final_plan_with_an_exception_is_neither_late_nor_the_next_deadline():
    clock = c.assessment_clock(received=D("2026-01-03"), today=D("2026-06-10"), decided=D("2026-02-10"),
                               assess=True, draft_issued=D("2026-04-20"),
                               consultations=[("Setting E1", D("2026-04-20"), D("2026-05-06"))],
                               final_issued=D("2026-06-01"), exceptions={"final_plan": "PERSONAL_CIRCUMSTANCES"})
    status = {s.key: s.status(clock.today) for s in clock.steps}
    # the setting answered on 6 May, a day after its 15 days (5 May)
    assert status == {"decision": c.ON_TIME, "consultation": c.LATE, "draft": c.ON_TIME,
                      "final_plan": c.EXCEPTION}
    plain = c.assessment_clock(received=D("2026-01-03"), today=D("2026-06-10"), decided=D("2026-02-10"),
                               assess=True, final_issued=D("2026-05-23"))
    assert plain.steps[-1].status(plain.today) == c.ON_TIME  # on the day itself, Saturday 23 May


def test_a_review_clock_with_a_phase_transfer():
    # Plan issued 10 March 2025: review due 10 March 2026; meeting Friday 16 January 2026, decision due 13 Feb;
    # a year-6 child: the plan amended by Sunday 15 February 2026
    clock = c.review_clock(last=D("2025-03-10"), today=D("2026-02-20"), meeting=D("2026-01-16"),
                           decided=D("2026-02-16"), phase_transfer_by=D("2026-02-15"))
    assert [(s.due, s.status(clock.today)) for s in clock.steps] == [
        (D("2026-03-10"), c.ON_TIME), (D("2026-02-13"), c.LATE), (D("2026-02-15"), c.LATE)]
    waiting = c.review_clock(last=D("2025-03-10"), today=D("2026-03-12"))
    assert waiting.steps[0].status(waiting.today) == c.OVERDUE and waiting.steps[0].days_left(waiting.today) == -2


def test_an_area_sets_its_own_timescales_and_bad_ones_are_refused():
    ts = c.Timescales.from_mapping({"final_plan_weeks": 18})
    assert c.final_plan_due(D("2026-01-03"), ts) == D("2026-05-09")  # two weeks before 23 May
    with pytest.raises(ValueError, match="Unknown timescale 'final_weeks'"):
        c.Timescales.from_mapping({"final_weeks": 18})
    with pytest.raises(ValueError, match="decision_weeks must be a whole number above 0"):
        c.Timescales(decision_weeks=0)
