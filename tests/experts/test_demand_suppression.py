"""Demand and capacity outside the council's own view: no hidden count can be worked back from the totals
shown beside it (a week's referrals, the referrals waiting, the arrivals a week, the projection)."""

import datetime as dt

import pytest
from django.test import Client

from sendreform.experts import selectors
from sendreform.standards.suppression import SUPPRESSED
from tests.factories import EahReferralFactory
from tests.suppression_attack import Attack, shown

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 27)  # a Friday: the week of 23 November is the last of twelve; 28 Sep to 22 Nov the window


@pytest.fixture
def demand_area(area):
    def referral(received, **kw):
        return EahReferralFactory(establishment=area["oak"], person=area["amira"], received_date=received, **kw)

    # The week of 2 November: 12 referrals, 11 targeted and 1 universal, all supported.
    for tier in ["TARGETED"] * 11 + ["UNIVERSAL"]:
        referral(dt.date(2026, 11, 3), triage_date=dt.date(2026, 11, 4), tier=tier,
                 first_support_date=dt.date(2026, 11, 10))
    # Waiting: 7 received on 20 November (5 working days), and 1 received on 1 October (over 20).
    for _ in range(7):
        referral(dt.date(2026, 11, 20), triage_date=None, tier=None, first_support_date=None)
    referral(dt.date(2026, 10, 1), triage_date=None, tier=None, first_support_date=None)
    return area


def _attack(demand: selectors.Demand, true: selectors.Demand) -> list:
    """Every hidden count as a variable; each week's referrals the sum of its tiers; the queue the sum of its age
    bands; eight times the arrivals a week the sum of the window's weeks."""
    attack = Attack()
    tiers = [k for k in demand.weeks[0] if k.startswith("tier_")]

    def term(name, value, floor, terms):
        if shown(value):
            return value
        terms[attack.variable(name, floor)] = terms.get(name, 0) + 1
        return 0

    window = []
    for w, (row, real) in enumerate(zip(demand.weeks, true.weeks, strict=True)):
        withheld = shown(row["received"]) and not any(shown(row[t]) for t in tiers)
        cells = {}
        known = sum(term(f"{w}.{t}", row[t], 0 if withheld else 1, cells) for t in tiers)
        received = {}
        known_received = term(f"{w}.received", row["received"], 1, received)
        # received - sum(hidden tiers) = sum(shown tiers) - shown received
        attack.equal({**received, **{k: -v for k, v in cells.items()}}, known - known_received)
        if row["week"] >= ON - dt.timedelta(days=ON.weekday(), weeks=8) and row["week"] < ON - dt.timedelta(
                days=ON.weekday()):
            window.append((w, row, real))
    assert len(window) == 8
    if shown(demand.arrivals_per_week):
        terms = {}
        known = sum(term(f"{w}.received", row["received"], 1, terms) for w, row, _ in window)
        attack.equal(terms, round(demand.arrivals_per_week * 8) - known)
    bands, known = {}, 0
    withheld = shown(demand.queue_now) and not any(shown(r["referrals"]) for r in demand.age_profile)
    for i, row in enumerate(demand.age_profile):
        known += term(f"age{i}", row["referrals"], 0 if withheld else 1, bands)
    queue = {}
    known_queue = term("queue", demand.queue_now, 1, queue)
    attack.equal({**queue, **{k: -v for k, v in bands.items()}}, known - known_queue)
    if any(shown(r["projected_queue"]) for r in demand.projection):
        # The projection is the queue and the rates carried forward: it is shown only beside both.
        assert shown(demand.queue_now) and shown(demand.arrivals_per_week)
    return attack.given_away()


def test_no_hidden_demand_figure_can_be_worked_back_from_the_totals(demand_area):
    true = selectors.demand_capacity(on=ON)
    demand = selectors.demand_capacity(on=ON, suppress=True)
    week = next(r for r in true.weeks if r["week"] == dt.date(2026, 11, 2))
    assert (week["received"], week["tier_TARGETED"], week["tier_UNIVERSAL"]) == (12, 11, 1)
    assert true.queue_now == 8 and [r["referrals"] for r in true.age_profile] == [7, 0, 0, 1]
    # The 1 universal referral beside 12 received is hidden, and with it the 11 targeted
    shown_week = next(r for r in demand.weeks if r["week"] == dt.date(2026, 11, 2))
    assert (shown_week["received"], shown_week["tier_TARGETED"], shown_week["tier_UNIVERSAL"]) == (12, "c", "c")
    # The 1 waiting over 20 working days beside 8 waiting is hidden, and with it the 7 of up to 5 days
    assert demand.queue_now == 8 and [r["referrals"] for r in demand.age_profile] == ["c", 0, 0, "c"]
    # The week of 28 September (1 referral) is the window's only hidden week: eight times the arrivals a
    # week would give it back, so the rate is hidden, and the projection that carries it forward
    assert demand.arrivals_per_week == SUPPRESSED
    assert all(r["projected_queue"] == SUPPRESSED for r in demand.projection)
    assert _attack(demand, true) == []


def test_the_old_rule_gave_a_hidden_tier_away(demand_area):
    # Each count hidden on its own, as before: the attack solves the 1 universal referral and the 1 waiting
    true = selectors.demand_capacity(on=ON)
    old = selectors.Demand(
        weeks=[{k: (SUPPRESSED if isinstance(v, int) and 0 < v <= 5 else v) for k, v in r.items()}
               for r in true.weeks],
        age_profile=[{**r, "referrals": SUPPRESSED if 0 < r["referrals"] <= 5 else r["referrals"]}
                     for r in true.age_profile],
        projection=[{**r, "projected_queue": SUPPRESSED} for r in true.projection],
        arrivals_per_week=true.arrivals_per_week, clearances_per_week=true.clearances_per_week,
        queue_now=true.queue_now, capacity_hours=true.capacity_hours)
    given = dict(_attack(old, true))
    week = next(i for i, r in enumerate(true.weeks) if r["week"] == dt.date(2026, 11, 2))
    assert given[f"{week}.tier_UNIVERSAL"] == 1 and given["age3"] == 1


@pytest.mark.parametrize("user", ["board", "pcf", "senco", "practitioner"])
def test_the_demand_page_outside_the_councils_view_is_suppressed(demand_area, user):
    client = Client()
    client.force_login(demand_area["users"][user])
    page = client.get("/experts/demand/").content.decode()
    assert "Beside a total, the next smallest count is hidden too" in page
    csv = client.get("/experts/demand.csv?table=age").content.decode().lstrip("\ufeff").splitlines()[1:]
    expected = selectors.demand_capacity(suppress=True).age_profile  # today's, as the page's
    assert csv == [f"{r['band']},{r['referrals']}" for r in expected]
    assert "c" in {str(r["referrals"]) for r in expected}
