"""Small-number suppression, the one rule every aggregate leaving the council's own view passes.

Primary suppression: a count of 1-5 is shown as "c"; a rate is "c" when the children (or events) behind it
number 1-5 (`suppress_rate`; a rate over sessions or days is judged by its children, which the caller
counts). Zero stays 0.

Secondary suppression (`protect_breakdown`): the cells of a breakdown sum to its total, so hidden cells could
be worked back from a shown total. Each cell is one or more additive quantities (a count; or a numerator and
a denominator), and someone who knows the rule knows a lower bound for each (a hidden count is never 0, since
0 is shown; a hidden rate's denominator is at least 1) and, for a share, that the numerator is at most the
denominator. The hidden cells are safe when, for every quantity, more than one value of every hidden cell is
consistent with what is shown: at least two cells are hidden, their sum is above the least they could add up
to, and a share's hidden cells are neither all 0% nor all 100%. Until they are, the smallest shown cell that
would help is hidden too. Where no shown cell can help (every non-zero cell already hidden), the breakdown is
withheld (`None`): its total stays shown, so the headline figure and the table of one page never disagree.

Tables linked by shared totals are protected one at a time, each against its shown total; the callers keep
the links to totals alone (a filtered figure is the cell of the unfiltered breakdown, and a filtered view
shows no breakdowns to a suppressed role), so protecting each breakdown protects them all.
"""

from __future__ import annotations

from collections.abc import Sequence

SUPPRESSED = "c"
THRESHOLD = 5
# The least each quantity of a hidden count cell can be: it is not 0, or it would be shown.
COUNT_FLOORS = (1,)


def is_small(count: int | float | None) -> bool:
    return count is not None and 0 < count <= THRESHOLD


def suppress_count(count: int | None) -> int | str | None:
    """A count as it may be shown outside the council's view."""
    return SUPPRESSED if is_small(count) else count


def suppress_rate(value, numerator: int | None, denominator: int | None):
    """A rate as it may be shown: hidden when the numerator or denominator is 1-5."""
    return SUPPRESSED if is_small(numerator) or is_small(denominator) else value


def exposed(hidden: Sequence[Sequence[float | None]], *, floors: Sequence[float], share: bool = False) -> bool:
    """Whether cells hidden beside a shown total could be worked back from it.

    `hidden` holds the quantities of each hidden cell (`None` for a quantity that is not additive, which is not
    checked); `floors` the least each quantity of a hidden cell can be; `share` that the first quantity (a
    numerator) is part of the second (its denominator). One hidden cell is the total less the rest; hidden cells
    at their floors are all known; a share's hidden cells with a numerator of 0, or equal to their denominator,
    are all 0% or all 100%. Otherwise every hidden quantity can move between two hidden cells, so none is known.
    """
    if not hidden:
        return False
    if len(hidden) == 1:
        return True
    sums = [sum(cell[j] for cell in hidden) if all(cell[j] is not None for cell in hidden) else None
            for j in range(len(floors))]
    if any(s is not None and s <= len(hidden) * f for s, f in zip(sums, floors, strict=True)):
        return True
    return share and sums[0] is not None and sums[1] is not None and sums[0] >= sums[1]


def protect_breakdown(
    cells: Sequence[Sequence[float | None]],
    *,
    primary: Sequence[bool],
    floors: Sequence[float] = COUNT_FLOORS,
    share: bool = False,
    total_shown: bool = True,
) -> list[bool] | None:
    """Which cells of one breakdown to hide: the `primary` ones, and then, while the hidden ones could be
    worked back from the shown total (`exposed`), the smallest shown cell that makes them safe (or, failing
    that, the smallest that helps). `None` when nothing can make them safe: the breakdown is withheld.

    Each cell is a tuple of its quantities, the first deciding which cell is smallest for a count and the last
    for a rate (its denominator). A breakdown beside a hidden total needs no more than its primary cells hidden.
    """
    hidden = list(primary)
    if not total_shown or not any(hidden):
        return hidden
    key = len(floors) - 1
    while exposed([c for c, h in zip(cells, hidden, strict=True) if h], floors=floors, share=share):
        candidates = []
        for i, cell in enumerate(cells):
            if hidden[i] or not any(v for v in cell if v is not None):
                continue
            trial = [c for j, c in enumerate(cells) if hidden[j] or j == i]
            fixes = not exposed(trial, floors=floors, share=share)
            helps = fixes or _helps(cell, floors=floors, share=share)
            if helps:
                candidates.append((not fixes, cell[key] if cell[key] is not None else 0, i))
        if not candidates:
            return None
        hidden[min(candidates)[2]] = True
    return hidden


def _helps(cell: Sequence[float | None], *, floors: Sequence[float], share: bool) -> bool:
    """Whether hiding this cell too moves a hidden sum off what gives the hidden cells away."""
    above = any(v is not None and v > f for v, f in zip(cell, floors, strict=True))
    partial = share and cell[0] is not None and cell[1] is not None and 0 < cell[1] and cell[0] < cell[1]
    return above or partial


def suppress_breakdown(counts: Sequence[int | None]) -> list[bool] | None:
    """Which cells of a breakdown of counts to hide beside its shown total (primary cells of 1-5, then
    secondary); `None` when the breakdown must be withheld (every non-zero cell hidden and each of them 1)."""
    cells = [(c or 0,) for c in counts]
    return protect_breakdown(cells, primary=[is_small(c) for c in counts])
