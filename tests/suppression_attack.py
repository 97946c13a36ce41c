"""The attacker of suppressed tables: what the shown cells and totals imply about the hidden ones.

Every hidden quantity is a variable; every shown total or cell adds a linear equation (a total is the sum of
its cells), and what the rule tells anyone adds bounds (a hidden count is at least 1, a numerator at most its
denominator). `Attack.bounds` solves, exactly (rational simplex, no floating point), the least and the greatest
value of a hidden quantity under them: where the two meet, the quantity is given away. The structures here
(a total over its cells, a table with row totals, a numerator within its denominator) have integral corners,
so the bounds of the linear programme are those over whole numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from sendreform.standards import suppression


@dataclass
class Attack:
    lower: dict[str, Fraction] = field(default_factory=dict)
    equalities: list[tuple[dict[str, int], Fraction]] = field(default_factory=list)
    at_most: list[tuple[dict[str, int], Fraction]] = field(default_factory=list)  # sum(coef * var) <= value

    def variable(self, name: str, lower=0) -> str:
        self.lower[name] = Fraction(lower)
        return name

    def equal(self, terms: dict[str, int], value) -> None:
        self.equalities.append((terms, Fraction(value)))

    def not_above(self, terms: dict[str, int], value=0) -> None:
        self.at_most.append((terms, Fraction(value)))

    def bounds(self, name: str) -> tuple[Fraction, Fraction | None]:
        """(least, greatest) value of one variable; greatest None when it is unbounded."""
        low = _optimise(self, {name: 1})
        high = _optimise(self, {name: -1})
        return low, (None if high is None else -high)

    def given_away(self) -> list[tuple[str, Fraction]]:
        """The variables whose value is fixed by what is shown."""
        out = []
        for name in self.lower:
            low, high = self.bounds(name)
            if high is not None and low == high:
                out.append((name, low))
        return out


def _optimise(attack: Attack, objective: dict[str, int]) -> Fraction | None:
    """min objective·x over the attack's constraints (x shifted to y = x - lower >= 0); None if unbounded."""
    names = list(attack.lower)
    index = {n: i for i, n in enumerate(names)}
    rows: list[tuple[list[Fraction], Fraction]] = []
    slack = len(attack.at_most)
    width = len(names) + slack
    for terms, value in attack.equalities:
        row = [Fraction(0)] * width
        for n, c in terms.items():
            row[index[n]] += c
        rows.append((row, value - sum(c * attack.lower[n] for n, c in terms.items())))
    for k, (terms, value) in enumerate(attack.at_most):
        row = [Fraction(0)] * width
        for n, c in terms.items():
            row[index[n]] += c
        row[len(names) + k] = Fraction(1)
        rows.append((row, value - sum(c * attack.lower[n] for n, c in terms.items())))
    cost = [Fraction(0)] * width
    for n, c in objective.items():
        cost[index[n]] = Fraction(c)
    offset = sum(c * attack.lower[n] for n, c in objective.items())
    result = _simplex(rows, cost)
    if result is _INFEASIBLE:
        raise AssertionError("what is shown is inconsistent: the attack's constraints have no solution")
    return None if result is None else result + offset


_INFEASIBLE = object()


def _simplex(rows, cost):
    """Two-phase simplex with Bland's rule on min cost·y, rows y = b, y >= 0."""
    m, n = len(rows), len(cost)
    tableau = []
    for k, (row, b) in enumerate(rows):
        if b < 0:
            row, b = [-v for v in row], -b
        art = [Fraction(0)] * m
        art[k] = Fraction(1)
        tableau.append([*row, *art, b])
    basis = [n + k for k in range(m)]
    total = n + m
    phase1 = [Fraction(0)] * n + [Fraction(1)] * m
    if _pivot_until_optimal(tableau, basis, phase1, total) is None:
        raise AssertionError("phase one cannot be unbounded")
    if sum(tableau[k][-1] for k in range(m) if basis[k] >= n) > 0:
        return _INFEASIBLE
    # Drive artificials out of the basis where possible; rows that cannot be are redundant.
    for k in range(m):
        if basis[k] >= n:
            col = next((j for j in range(n) if tableau[k][j] != 0), None)
            if col is not None:
                _pivot(tableau, basis, k, col)
    for row in tableau:
        for j in range(n, total):
            row[j] = Fraction(0) if j not in basis else row[j]
    full = [*cost, *([Fraction(0)] * m)]
    return _pivot_until_optimal(tableau, basis, full, n)


def _pivot_until_optimal(tableau, basis, cost, allowed):
    while True:
        reduced = [cost[j] - sum(cost[basis[k]] * tableau[k][j] for k in range(len(tableau)))
                   for j in range(allowed)]
        entering = next((j for j in range(allowed) if reduced[j] < 0 and j not in basis), None)
        if entering is None:
            return sum(cost[basis[k]] * tableau[k][-1] for k in range(len(tableau)))
        ratios = [(tableau[k][-1] / tableau[k][entering], basis[k], k)
                  for k in range(len(tableau)) if tableau[k][entering] > 0]
        if not ratios:
            return None
        _, _, leaving = min(ratios)
        _pivot(tableau, basis, leaving, entering)


def _pivot(tableau, basis, k, j):
    pivot = tableau[k][j]
    tableau[k] = [v / pivot for v in tableau[k]]
    for r in range(len(tableau)):
        if r != k and tableau[r][j] != 0:
            factor = tableau[r][j]
            tableau[r] = [a - factor * b for a, b in zip(tableau[r], tableau[k], strict=True)]
    basis[k] = j


# ------------------------------------------------------------------------------------------ common structures


def shown(value) -> bool:
    return value is not None and value != suppression.SUPPRESSED


def breakdown_given_away(cells: list[tuple], shown_cells: list[tuple], total: tuple, *, floors, share=False,
                         prefix: str = "") -> list[tuple[str, Fraction]]:
    """A breakdown as the attacker sees it: `shown_cells` with "c" for hidden quantities (or the whole cell
    None when the breakdown is withheld and its groups are not listed), and the shown `total`. `cells` are the
    true values, used only to check the attack's constraints are consistent. Returns what is given away."""
    attack = Attack()
    for j, floor in enumerate(floors):
        if not shown(total[j]):
            continue
        terms, known = {}, Fraction(0)
        for i, (cell, seen) in enumerate(zip(cells, shown_cells, strict=True)):
            if seen is None or cell[j] is None:
                continue
            if shown(seen[j]):
                known += Fraction(seen[j]).limit_denominator(10_000)
            else:
                terms[attack.variable(f"{prefix}{i}.{j}", floor)] = 1
        if terms:
            attack.equal(terms, Fraction(total[j]).limit_denominator(10_000) - known)
    if share:
        for i, seen in enumerate(shown_cells):
            if seen is not None and f"{prefix}{i}.0" in attack.lower and f"{prefix}{i}.1" in attack.lower:
                attack.not_above({f"{prefix}{i}.0": 1, f"{prefix}{i}.1": -1})
    out = attack.given_away()
    if share:
        # A share given away: hidden numerators all 0 or all equal to their denominators.
        hidden = [i for i, seen in enumerate(shown_cells) if seen is not None and not shown(seen[0])]
        sums = [sum(cells[i][j] for i in hidden) for j in (0, 1)] if hidden else None
        if sums and all(shown(t) for t in total[:2]) and (sums[0] == 0 or sums[0] == sums[1]):
            out.append((f"{prefix}share", Fraction(0)))
    return out
