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

    Returns a flag per cell. While the hidden cells could be worked back from the total, the smallest visible
    non-zero cell is hidden too: one hidden cell is the total less the rest, and hidden cells that add up to
    their number are all 1s (a hidden cell is never 0, because zero is shown). Usually one secondary cell is
    enough; hiding stops there because the hidden values can then not be solved from the total.
    """
    hidden = [is_small(c) for c in counts]
    while _recoverable([c for c, h in zip(counts, hidden, strict=True) if h]):
        candidates = [(c, i) for i, c in enumerate(counts) if not hidden[i] and c is not None and c > 0]
        if not candidates:
            break
        hidden[min(candidates)[1]] = True
    return hidden


def suppress_total(counts: Sequence[int | None]) -> int | str | None:
    """The total of one breakdown as it may be shown beside its suppressed cells.

    Hidden when it is 1-5, or when the cells hidden by `suppress_breakdown` could still be worked back from it
    (every non-zero cell hidden and each of them 1).
    """
    known = [c for c in counts if c is not None]
    total = sum(known) if known else None
    hidden = suppress_breakdown(counts)
    if _recoverable([c for c, h in zip(counts, hidden, strict=True) if h]):
        return SUPPRESSED
    return suppress_count(total)


def _recoverable(hidden_counts: list[int]) -> bool:
    return len(hidden_counts) == 1 or (len(hidden_counts) > 1 and sum(hidden_counts) == len(hidden_counts))
