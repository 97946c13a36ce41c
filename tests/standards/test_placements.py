"""Setting category: every row of the table in kpi-catalogue.md."""

import pytest

from sendreform.standards.codes import SETTING_CATEGORY
from sendreform.standards.placements import setting_category

CASES = [
    # (kind, funding, sen_setting, sen_unit, resourced_provision) -> category
    (("EY_PVI", "PVI", None, False, False), "EARLY_YEARS"),
    ((None, None, "EYP", False, False), "EARLY_YEARS"),
    (("MAINSTREAM", "MAINTAINED", None, False, False), "MAINSTREAM"),
    (("MAINSTREAM", "ACADEMY", None, False, False), "MAINSTREAM"),
    (("MAINSTREAM", "ACADEMY", None, True, False), "MAINSTREAM_BASE"),
    (("MAINSTREAM", "MAINTAINED", None, False, True), "MAINSTREAM_BASE"),
    (("SPECIAL", "MAINTAINED", None, False, False), "MAINTAINED_SPECIAL"),
    (("SPECIAL", "ACADEMY", None, False, False), "MAINTAINED_SPECIAL"),
    (("SPECIAL", "INDEPENDENT", None, False, False), "INMSS"),
    (("SPECIAL", "NON_MAINTAINED", None, False, False), "INMSS"),
    (("MAINSTREAM", "INDEPENDENT", None, True, False), "INMSS"),
    (("AP", "ACADEMY", None, False, False), "AP"),
    (("AP", "INDEPENDENT", None, False, False), "AP"),
    (("FE", "FE_COLLEGE", None, False, False), "POST16_MAINSTREAM"),
    (("SPECIALIST_POST16", "INDEPENDENT", None, False, False), "POST16_SPECIALIST"),
    ((None, None, "EHE", False, False), "EHE"),
    ((None, None, "OLA", False, False), "EOTAS"),
    ((None, None, "UNPLACED", False, False), "UNPLACED"),
    ((None, None, "NEET", False, False), "NOT_IN_EDUCATION"),
    ((None, None, "NIEC", False, False), "NOT_IN_EDUCATION"),
    ((None, None, "NIEO", False, False), "NOT_IN_EDUCATION"),
    ((None, None, "OPA", False, False), "OTHER"),
    ((None, None, "OTH", False, False), "OTHER"),
    (("MAINSTREAM", "PVI", None, False, False), "OTHER"),
]


@pytest.mark.parametrize(("placement", "category"), CASES)
def test_setting_category_follows_the_kpi_catalogue(placement, category):
    # Given a placement's establishment kind and funding, or its SEN2 setting
    kind, funding, sen_setting, sen_unit, resourced = placement
    # When its category is worked out / Then it is the catalogue's row for it
    assert (
        setting_category(
            kind=kind,
            funding=funding,
            sen_setting=sen_setting,
            sen_unit=sen_unit,
            resourced_provision=resourced,
        )
        == category
    )


def test_every_setting_category_is_reached_by_some_placement():
    assert {category for _, category in CASES} == set(SETTING_CATEGORY)
