"""Who sees which figures (one rule, no database) and the charts' text alternatives and suppression."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied

from sendreform.accounts import roles
from sendreform.indicators.charts import chart_spec, indicator_chart_svg, sparkline_svg, trend_text
from sendreform.indicators.selectors import indicator_view_for
from tests.factories import ClusterFactory, EstablishmentFactory, UserFactory

D = dt.date


@pytest.mark.parametrize("role", [roles.OFFICER, roles.ANALYST, roles.EAH_LEAD, roles.ADMIN])
def test_the_councils_own_view_sees_the_area_unsuppressed(role):
    view = indicator_view_for(user=UserFactory.build(role=role))

    assert (view.suppress_area, dict(view.own_filters)) == (False, {})


def test_a_senco_sees_their_setting_unsuppressed_and_the_area_suppressed():
    oak = EstablishmentFactory.build(establishment_id="OAK", name="Oak Primary School")

    view = indicator_view_for(user=UserFactory.build(role=roles.SENCO, establishment=oak))

    assert (dict(view.own_filters), view.own_label, view.suppress_own, view.suppress_area) == (
        {"establishment": "OAK"}, "Oak Primary School", False, True)


def test_a_cluster_lead_sees_their_cluster_unsuppressed_and_the_area_suppressed():
    north = ClusterFactory.build(cluster_id="N", name="North")

    view = indicator_view_for(user=UserFactory.build(role=roles.CLUSTER_LEAD, cluster=north))

    assert (dict(view.own_filters), view.suppress_own, view.suppress_area) == ({"cluster": "N"}, False, True)


@pytest.mark.parametrize("role", [roles.BOARD_MEMBER, roles.PCF_REP, roles.HEALTH, roles.EAH_PRACTITIONER])
def test_everyone_else_sees_the_area_suppressed_and_nothing_of_their_own(role):
    view = indicator_view_for(user=UserFactory.build(role=role))

    assert (view.suppress_area, view.has_own) == (True, False)


@pytest.mark.parametrize("role", ["", "VISITOR"])
def test_a_role_not_named_is_denied(role):
    with pytest.raises(PermissionDenied):
        indicator_view_for(user=UserFactory.build(role=role))


def test_a_sparkline_says_in_words_how_the_values_moved_and_leaves_gaps_for_suppressed_quarters():
    points = [(D(2025, 6, 30), 10.0), (D(2025, 9, 30), "c"), (D(2025, 12, 31), 14.0), (D(2026, 3, 31), 12.0)]

    svg = sparkline_svg(points, unit="count")

    text = "From 10 on 30 June 2025 to 12 on 31 March 2026; lowest 10, highest 14. Some quarters are not shown."
    assert trend_text(points, "count") == text
    assert f'role="img" aria-label="{text}"' in svg and f"<title>{text}</title>" in svg
    path = re.search(r' d="([^"]+)"', svg).group(1)
    assert path.count("M") == 2  # two pieces of line either side of the suppressed quarter


def test_a_chart_leaves_suppressed_values_out_of_its_data():
    rows = [{"as_at": D(2025, 12, 31), "value": "c", "expected": 5.0, "target": 4.0},
            {"as_at": D(2026, 3, 31), "value": 7.0, "expected": 5.0, "target": 4.0}]

    data = chart_spec(rows, unit="count", y_title="Number")["datasets"]

    values = [(d["quarter"], d["series"], d["value"]) for v in data.values() for d in v]
    assert ("2026-03-31", "Actual", 7.0) in values
    assert ("2025-12-31", "Actual", None) in values  # a gap in the line, not a number


def test_a_chart_is_an_image_named_by_its_title_and_summary():
    rows = [{"as_at": D(2025, 12, 31), "value": 3.0, "expected": None, "target": None},
            {"as_at": D(2026, 3, 31), "value": 4.0, "expected": None, "target": None}]

    svg = indicator_chart_svg(rows, unit="count", y_title="Number", title="Plans <by quarter>",
                              description="Up from 3 to 4.", chart_id="c1")

    assert svg.startswith("<svg ")
    assert 'role="img" aria-labelledby="c1-title c1-desc"' in svg.split(">", 1)[0]
    assert '<title id="c1-title">Plans &lt;by quarter&gt;</title><desc id="c1-desc">Up from 3 to 4.</desc>' in svg
