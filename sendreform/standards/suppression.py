"""Small-number suppression, the one function every aggregate leaving the council's own view passes.

A count of 1-5 is shown as "c"; a rate whose numerator or denominator is 1-5 is "c"; where one cell of a
breakdown is hidden, the next smallest visible non-zero cell is hidden too, so the hidden value cannot be
worked back from the total. Zero stays 0.
"""

from __future__ import annotations

from collections.abc import Sequence

SUPPRESSED = "c"
THRESHOLD = 5


def is_small(count: int | None) -> bool:
    return count is not None and 0 < count <= THRESHOLD


def suppress_count(count: int | None) -> int | str | None:
    """A count as it may be shown outside the council's view."""
    return SUPPRESSED if is_small(count) else count


def suppress_rate(value, numerator: int | None, denominator: int | None):
    """A rate as it may be shown: hidden when the numerator or denominator is 1-5."""
    return SUPPRESSED if is_small(numerator) or is_small(denominator) else value


def suppress_breakdown(counts: Sequence[int | None]) -> list[bool]:
    """Which cells of one breakdown must be hidden: primary (1-5) and secondary suppression.

    Returns a flag per cell. When exactly one cell is hidden by the threshold, the smallest remaining
    non-zero cell is hidden too; hiding stops there because two unknowns cannot be solved from a total.
    """
    hidden = [is_small(c) for c in counts]
    if sum(hidden) == 1:
        candidates = [
            (c, i) for i, c in enumerate(counts) if not hidden[i] and c is not None and c > 0
        ]
        if candidates:
            hidden[min(candidates)[1]] = True
    return hidden
