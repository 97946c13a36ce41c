"""Small-number suppression: counts, rates, secondary suppression, and that no hidden cell can be worked back
from a shown total."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendreform.standards.suppression import (
    SUPPRESSED,
    suppress_breakdown,
    suppress_count,
    suppress_rate,
    suppress_total,
)


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


@pytest.mark.parametrize(
    ("counts", "total"),
    [
        ([3, 10, 20, 0], 33),
        ([3, 0, 0], SUPPRESSED),  # the total is the hidden 3 itself
        ([1, 1, 1, 1, 1, 1], SUPPRESSED),  # six hidden cells, total 6: each must be 1
        ([0, 0, 0], 0),
    ],
)
def test_the_total_is_hidden_when_it_would_give_the_hidden_cells_away(counts, total):
    assert suppress_total(counts) == total


def _possible_values(hidden_count: int, hidden_sum: int) -> set[int]:
    """Every value one hidden cell could take, knowing only how many cells are hidden and what they add up to.

    A hidden cell is at least 1 (a zero is shown as 0), so the others need at least 1 each.
    """
    if hidden_count == 1:
        return {hidden_sum}
    return set(range(1, hidden_sum - (hidden_count - 1) + 1))


@given(st.lists(st.one_of(st.integers(0, 8), st.integers(0, 200)), min_size=1, max_size=9))
def test_no_hidden_cell_can_be_worked_back_from_the_shown_total(counts):
    # Given a breakdown as it is shown: its cells after suppression, and its total
    hidden = suppress_breakdown(counts)
    total = suppress_total(counts)
    # Then small cells are hidden and zeros are shown
    assert all(h for c, h in zip(counts, hidden, strict=True) if 1 <= c <= 5)
    assert not any(h for c, h in zip(counts, hidden, strict=True) if c == 0)
    # When someone subtracts the shown cells from a shown total
    if total == SUPPRESSED or not any(hidden):
        return
    hidden_sum = total - sum(c for c, h in zip(counts, hidden, strict=True) if not h)
    # Then every hidden cell could still be at least two different values
    assert len(_possible_values(sum(hidden), hidden_sum)) >= 2
