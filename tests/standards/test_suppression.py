"""Small-number suppression: counts, rates, secondary suppression, and that no hidden cell can be worked back
from a shown total."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sendreform.standards.suppression import (
    SUPPRESSED,
    is_small,
    protect_breakdown,
    suppress_breakdown,
    suppress_count,
    suppress_rate,
)
from tests.suppression_attack import Attack, breakdown_given_away


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, "c"), (5, "c"), (6, 6), (139, 139), (None, None)])
def test_counts_of_1_to_5_are_shown_as_c_and_zero_stays_0(count, shown):
    assert suppress_count(count) == shown


@pytest.mark.parametrize(
    ("rate", "numerator", "denominator", "shown"),
    [
        (7.5, 3, 40, "c"),  # numerator small
        (60.0, 3, 5, "c"),  # both small
        (25.0, 10, 40, 25.0),
        (0.0, 0, 40, 0.0),  # a zero numerator is not small
        (100.0, 40, 40, 100.0),
    ],
)
def test_a_rate_is_hidden_when_its_numerator_or_denominator_is_1_to_5(rate, numerator, denominator, shown):
    assert suppress_rate(rate, numerator, denominator) == shown


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        # One small cell: the next smallest non-zero cell (10) is hidden too; the zero stays shown.
        ([3, 10, 20, 0], [True, True, False, False]),
        # Two small cells hide each other: 3 + 4 = 7 could be 1 + 6, 2 + 5, ...
        ([3, 4, 20], [True, True, False]),
        # Two hidden 1s add up to 2 and could only be 1 + 1: hide the 10 too.
        ([1, 1, 10], [True, True, True]),
        ([0, 0, 12], [False, False, False]),
        ([7, 0, 0], [False, False, False]),
        # Ties go to the first of the smallest cells.
        ([2, 9, 9], [True, True, False]),
    ],
)
def test_secondary_suppression_worked_examples(counts, hidden):
    assert suppress_breakdown(counts) == hidden


def test_a_breakdown_that_no_hiding_protects_is_withheld_and_its_total_stays_shown():
    # Six hidden cells adding up to a shown 6 could only be 1 each, and there is nothing else to hide
    assert suppress_breakdown([1, 1, 1, 1, 1, 1]) is None
    assert suppress_breakdown([1, 1, 0, 1, 1, 1, 1]) is None
    # A small cell beside zeros is given away by the total: nothing non-zero is left to hide with it
    assert suppress_breakdown([3, 0, 0]) is None


@pytest.mark.parametrize(
    ("cells", "hidden"),
    [
        # NEET by sex: male 5 of 248 is hidden (5 NEET); hiding it alone leaves it as the total less female's,
        # so the next smallest group by denominator is hidden too.
        ([(5, 248), (9, 240), (0, 12)], [True, False, True]),
        # Persistent absence: unknown sex 2 of 10 is hidden by its numerator; girls' 30 of 150 goes with it.
        ([(40, 300), (30, 150), (2, 10)], [False, True, True]),
        # 0 of 3 is hidden; hiding 0 of 40 beside it would leave both at 0%, so 8 of 60 is hidden instead.
        ([(0, 3), (0, 40), (8, 60), (9, 70)], [True, False, True, False]),
        # 3 of 3 is hidden; hiding 7 of 7 with it would leave both at 100%, so 20 of 30 is hidden instead.
        ([(3, 3), (7, 7), (20, 30), (40, 50)], [True, False, True, False]),
    ],
)
def test_secondary_suppression_holds_for_numerators_as_well_as_denominators(cells, hidden):
    primary = [is_small(n) or is_small(d) for n, d in cells]
    assert protect_breakdown(cells, primary=primary, floors=(0, 1), share=True) == hidden


def test_the_old_rule_on_denominators_alone_gave_a_numerator_away():
    # NEET by sex as the report's cells: the old rule looked only at denominators, and none is small
    cells = [(5, 248), (9, 240), (12, 70)]
    old = [is_small(n) or is_small(d) for n, d in cells]  # male hidden, and no denominator small to add to it
    given = breakdown_given_away(cells, _shown(cells, old), (26, 558), floors=(0, 1), share=True)
    assert given == [("0.0", Fraction(5)), ("0.1", Fraction(248))]  # 26 - 9 - 12 and 558 - 240 - 70
    protected = protect_breakdown(cells, primary=old, floors=(0, 1), share=True)
    assert protected == [True, False, True]  # girls have 240, the unknown sex 70: the smaller goes
    assert breakdown_given_away(cells, _shown(cells, protected), (26, 558), floors=(0, 1), share=True) == []


def _shown(cells, hidden):
    if hidden is None:
        return [None] * len(cells)
    return [tuple(SUPPRESSED for _ in c) if h else c for c, h in zip(cells, hidden, strict=True)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(1, 60)), min_size=1, max_size=6))
def test_no_hidden_numerator_or_denominator_can_be_solved_from_the_shown_totals(raw):
    # Given a breakdown of a share (numerator at most denominator) and its shown total
    cells = [(min(n, d), d) for n, d in raw]
    total = tuple(sum(c[j] for c in cells) for j in (0, 1))
    if is_small(total[0]) or is_small(total[1]):
        return  # the total itself is hidden: nothing to subtract from
    hidden = protect_breakdown(cells, primary=[is_small(n) or is_small(d) for n, d in cells], floors=(0, 1),
                               share=True)
    # Then small cells are hidden (or the whole breakdown withheld)
    assert hidden is None or all(h for (n, d), h in zip(cells, hidden, strict=True) if is_small(n) or is_small(d))
    # When the attacker solves the least and greatest value of every hidden quantity
    given = breakdown_given_away(cells, _shown(cells, hidden), total, floors=(0, 1), share=True)
    # Then none is fixed
    assert given == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 8), st.integers(0, 200)), min_size=1, max_size=9))
def test_no_hidden_count_can_be_solved_from_the_shown_total(counts):
    hidden = suppress_breakdown(counts)
    if is_small(sum(counts)):
        return
    given = breakdown_given_away([(c,) for c in counts], _shown([(c,) for c in counts], hidden), (sum(counts),),
                                 floors=(1,))
    assert given == []


def test_the_attack_solves_a_cell_hidden_alone():
    # Given cells 3 (hidden), 10 and 20 beside a total of 33, the attacker finds 3 exactly
    attack = Attack()
    attack.equal({attack.variable("a", 1): 1}, 3)
    assert attack.bounds("a") == (3, 3)
    # and two hidden 1s adding up to 2 are both given away, while 3 + 10 = 13 is not
    attack = Attack()
    attack.equal({attack.variable("a", 1): 1, attack.variable("b", 1): 1}, 2)
    assert attack.given_away() == [("a", 1), ("b", 1)]
    attack = Attack()
    attack.equal({attack.variable("a", 1): 1, attack.variable("b", 1): 1}, 13)
    assert attack.bounds("a") == (1, 12) and attack.given_away() == []
