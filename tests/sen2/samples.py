"""Five synthetic people whose SEN2 records use every element of a collection year, with no rule failing;
`tests/sen2/files/sen2_<year>.xml` is this return as the writer wrote it, checked by hand and kept."""

import datetime as dt

from sendreform.sen2.records import (
    ActivePlans,
    Assessment,
    Header,
    NamedPlan,
    Person,
    PlacementDetail,
    PlanDetail,
    Request,
    Return,
    SENNeed,
)
from sendreform.standards.periods import sen2_census_date

YEARS = (2023, 2024, 2025, 2026)
FILES = {year: f"tests/sen2/files/sen2_{year}.xml" for year in YEARS}

UPN_A = "B870200001001"  # check letters worked by hand (see test_rules.py)
UPN_D = "Q870200001002"
UPN_E = "H870200001005"
ULN_B = "1234567899"
ULN_D = "1234567902"


def sample_return(year: int) -> Return:
    """The return of `year`: 2026's people with every date moved back (2026 - year) years, and each item the
    year's specification does not have left empty."""
    back = 2026 - year

    def d(y: int, m: int, day: int) -> dt.date:
        return dt.date(y - back, m, day)

    v2024, v2025 = year >= 2024, year >= 2025
    header = Header(
        collection="SEN2", year=year, reference_date=sen2_census_date(year), source_level="L", lea="870",
        software_code="sendreform", release="1.0", serial_no="001",
        date_time=dt.datetime(year, 1, 20, 9, 30, 0), dmo="Y", dco="R", dsco="N" if v2025 else None,
    )
    a = Person(
        surname="Okafor", forename="Amara", person_birth_date=d(2008, 5, 10), sex="F", ethnicity="BNGN",
        post_code="RG1 2LU", upn=UPN_A,
        requests=[Request(
            received_date=d(2025, 2, 3), request_source="2" if v2025 else None, rya=False,
            request_outcome_date=d(2025, 3, 10), request_outcome="Y", request_mediation=False,
            request_tribunal=False,
            assessment=Assessment(
                assessment_outcome="Y", assessment_outcome_date=d(2025, 6, 20), assessment_mediation=False,
                assessment_tribunal=False, other_mediation=False, other_tribunal=False, week20=False,
                named_plan=NamedPlan(
                    start_date=d(2025, 6, 20),
                    plan_details=[
                        PlanDetail(urn="110001", placement_rank=1, sen_unit_indicator=True,
                                   resourced_provision_indicator=False),
                        PlanDetail(ukprn="10012345", placement_rank=2),
                    ],
                    plan_res="A", plan_wbp="S", pb=True, oa=False, dp="E",
                ),
            ),
            active_plans=ActivePlans(
                placement_details=[
                    PlacementDetail(urn="110001", placement_rank=1, entry_date=d(2025, 9, 1),
                                    sen_unit_indicator=True, resourced_provision_indicator=False,
                                    res="A" if v2024 else None, wbp="S" if v2024 else None),
                    PlacementDetail(urn="110002", placement_rank=1, entry_date=d(2024, 9, 1),
                                    leaving_date=d(2025, 7, 18), sen_unit_indicator=False,
                                    resourced_provision_indicator=False),
                ],
                res=None if v2024 else "A", wbp=None if v2024 else "S",
                sen_needs=[SENNeed(sen_type="ASD", sen_type_rank=1), SENNeed(sen_type="SLCN", sen_type_rank=2)],
                review_meeting=d(2025, 11, 20) if v2024 else None, review_outcome="M" if v2024 else None,
                review_draft=d(2025, 12, 1) if v2025 else None, last_review=d(2025, 12, 10),
                phase_transfer_due_date=d(2026, 2, 15) if v2025 else None,
                phase_transfer_final_date=d(2026, 1, 9) if v2025 else None,
            ),
        )],
    )
    b = Person(
        surname="Nowak", forename="Piotr", person_birth_date=d(2008, 11, 2), sex="M", ethnicity="WPOR",
        unique_learner_number=ULN_B,
        requests=[Request(received_date=d(2025, 4, 1), request_source="1" if v2025 else None, rya=True,
                          request_outcome_date=d(2025, 5, 12), request_outcome="N", request_mediation=True,
                          request_tribunal=True)],
    )
    c = Person(
        surname="Begum", forename="Sana", person_birth_date=d(2021, 8, 1), sex="F", ethnicity="ABAN",
        post_code="RG30 4AB", upn_unknown="UN1",
        requests=[
            Request(
                request_outcome="H",
                assessment=Assessment(
                    assessment_outcome="H",
                    named_plan=NamedPlan(
                        start_date=d(2023, 3, 1),
                        plan_details=[PlanDetail(sen_setting="OTH", sen_setting_other="A specialist nursery",
                                                 placement_rank=1)],
                        pb=False, oa=True,
                    ),
                ),
                active_plans=ActivePlans(
                    transfer_la="869",
                    placement_details=[
                        PlacementDetail(sen_setting="EYP", placement_rank=1, entry_date=d(2023, 3, 1)),
                        PlacementDetail(sen_setting="NIEO", sen_setting_other="Awaiting a specialist nursery place",
                                        placement_rank=2, entry_date=d(2025, 9, 1)),
                    ],
                    sen_needs=[SENNeed(sen_type="DS" if v2025 else "PD", sen_type_rank=1)],
                    review_meeting=d(2025, 3, 5) if v2024 else None, review_outcome="A" if v2024 else None,
                    last_review=d(2025, 3, 20),
                ),
            ),
            Request(received_date=d(2025, 11, 3), request_source="3" if v2025 else None, request_outcome="W",
                    exported="867"),
        ],
    )
    dd = Person(
        surname="Evans", forename="Rhys", person_birth_date=d(2010, 1, 20), sex="M", ethnicity="WWEL",
        upn=UPN_D, unique_learner_number=ULN_D,
        requests=[Request(
            received_date=d(2025, 1, 10), request_source="4" if v2025 else None, request_outcome_date=d(2025, 2, 20),
            request_outcome="Y",
            assessment=Assessment(assessment_outcome="N", assessment_outcome_date=d(2025, 5, 30),
                                  assessment_mediation=True, assessment_tribunal=True, other_mediation=False,
                                  other_tribunal=False, week20=True),
        )],
    )
    e = Person(
        surname="Smith", forename="Leo", person_birth_date=d(2006, 9, 14), sex="M", ethnicity="WBRI", upn=UPN_E,
        requests=[Request(
            request_outcome="H",
            assessment=Assessment(
                assessment_outcome="H",
                named_plan=NamedPlan(
                    start_date=d(2019, 9, 1),
                    plan_details=[PlanDetail(urn="110003", placement_rank=1, sen_unit_indicator=False,
                                             resourced_provision_indicator=True)],
                    cease_date=d(2025, 7, 31), cease_reason="3",
                ),
            ),
        )],
    )
    return Return(header=header, persons=[a, b, c, dd, e])
