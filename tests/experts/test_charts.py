"""The demand chart draws what its heading promises: referrals each week against practitioners' hours."""

import datetime as dt
from decimal import Decimal

from sendreform.experts.charts import demand_chart_svg


def test_the_demand_chart_draws_the_hours_available_beside_the_hours_committed():
    weeks = [{"week": dt.date(2026, 11, 2) + dt.timedelta(weeks=i), "tier_UNIVERSAL": 1, "tier_TARGETED": 2,
              "tier_TARGETED_PLUS": 0, "tier_UNTRIAGED": 0, "received": 3, "hours_committed": Decimal("40.0"),
              "hours_available": Decimal("90.0")} for i in range(3)]
    svg = str(demand_chart_svg(weeks, chart_id="demand"))
    # Both lines are in the legend, and the hours available is drawn dashed (it was not drawn at all).
    assert "Hours committed" in svg and "Hours available" in svg
    assert "stroke-dasharray" in svg
