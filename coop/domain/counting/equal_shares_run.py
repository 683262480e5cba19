"""One run of the Method of Equal Shares at a given total, and how far the total can rise
before the run could choose differently.

Add1 reruns the method with every share raised, one unit a head at a time. Most raises
change nothing: the same options are bought in the same order. A run here also says up
to which total that is certain, so Add1 can count the raises below it as kept without
running them. The certificate rests on two facts about a run that buys the same
options in the same order at a total T' ≥ T:

- everyone's money, at every round, is at least what it was at T, and each option's
  price ρ at most what it was (a supporter with more money can only make the others'
  part smaller); a voter who paid in full at T pays in full at T' and keeps at least
  their share of the rise;
- the money of everyone together, at every round, is T' less what was bought: exactly
  T' − T more than at T. So a group of voters gains at most T' − T, less what those
  outside it who paid in full are sure to gain.

An option p left behind at a round when ρ was chosen could overtake it only once its
supporters, each paying at most ρ × p's cost, raise p's cost. At T they raise G < cost;
only supporters with less than that at T can add to it, and by the above they add at
most (T' − T) × β, where β is the share of the voters who are not sure to gain their
share outside them. So for T' − T < (cost − G) / β nothing changes (and nothing at all
if those supporters could not close the gap even at ρ × cost each). At the last round
every option left must stay out of reach: its supporters' money plus their possible
gain below its cost.

Arithmetic is exact: money is kept in whole numbers over a common denominator, which
grows by the number of full payers at each purchase.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import accumulate
from math import lcm
from operator import itemgetter, mul


@dataclass(frozen=True)
class Ballots:
    """A count's input, prepared once: costs by tie-break rank, and voters of a kind together."""

    costs: tuple[int, ...]  # by rank, best first
    shares: tuple[Fraction, ...]  # by kind: each voter's share of a total of 1
    counts: tuple[int, ...]  # by kind: how many voters
    voters: tuple[tuple[str, ...], ...]  # by kind
    supporters: tuple[tuple[int, ...], ...]  # by rank: the kinds approving the option
    denominator: int  # of every share
    weights: tuple[int, ...]  # by kind: count × share × denominator, the kind's part of the total
    approvals: tuple[int, ...]  # by rank: how many voters approve the option
    ranks: tuple[frozenset[int], ...]  # by kind: the options approved
    # Derived: each kind's money at a total of 1, and per option its supporters' money and counts.
    start: tuple[int, ...] = field(init=False)
    holdings: tuple[Callable[[list[int]], tuple[int, ...]], ...] = field(init=False)
    heads: tuple[tuple[int, ...], ...] = field(init=False)  # by rank: the supporters' counts
    singles: tuple[bool, ...] = field(init=False)  # by rank: each supporting kind one voter

    def __post_init__(self) -> None:
        start = tuple(int(share * self.denominator) for share in self.shares)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "holdings", tuple(map(_getter, self.supporters)))
        heads = tuple(tuple(self.counts[k] for k in s) for s in self.supporters)
        object.__setattr__(self, "heads", heads)
        object.__setattr__(self, "singles", tuple(set(h) <= {1} for h in heads))


def _getter(keys: tuple[int, ...]) -> Callable[[list[int]], tuple[int, ...]]:
    """``money -> tuple(money[k] for k in keys)``, done in C."""
    if len(keys) > 1:
        return itemgetter(*keys)
    return lambda money: tuple(money[k] for k in keys)


@dataclass(frozen=True)
class Purchase:
    """An option bought: its rank, price per unit of benefit and, if asked for, who paid what."""

    rank: int
    rho: Fraction
    payments: dict[str, Fraction]


@dataclass(frozen=True)
class Run:
    """The purchases at one total, and a total below which they stay the same (None: any)."""

    purchases: list[Purchase]
    stable_below: Fraction | None


def ballots(
    costs: Sequence[int], approvers: Sequence[Iterable[str]], unit_share: dict[str, Fraction]
) -> Ballots:
    """Group voters with the same share and approvals (``approvers`` listed by rank)."""
    approved: dict[str, set[int]] = {v: set() for v in unit_share}
    for rank, voters in enumerate(approvers):
        for v in voters:
            approved[v].add(rank)
    kinds: dict[tuple[Fraction, frozenset[int]], list[str]] = {}
    for v in sorted(unit_share):
        if approved[v]:
            kinds.setdefault((unit_share[v], frozenset(approved[v])), []).append(v)
    keys = list(kinds)
    denominator = lcm(*(share.denominator for share, _ in keys))
    return Ballots(
        costs=tuple(costs),
        shares=tuple(share for share, _ in keys),
        counts=tuple(len(kinds[k]) for k in keys),
        voters=tuple(tuple(kinds[k]) for k in keys),
        supporters=tuple(
            tuple(i for i, (_, ranks) in enumerate(keys) if rank in ranks)
            for rank in range(len(costs))
        ),
        denominator=denominator,
        weights=tuple(int(len(kinds[k]) * k[0] * denominator) for k in keys),
        approvals=tuple(
            sum(len(kinds[k]) for k in keys if rank in k[1]) for rank in range(len(costs))
        ),
        ranks=tuple(ranks for _, ranks in keys),
    )


def run(data: Ballots, total: int, *, payments: bool = False, certify: bool = True) -> Run:
    """The method with shares adding up to ``total``: purchases in order, and how far they hold.

    Without ``certify`` the run is quicker and promises nothing beyond ``total`` itself.
    """
    scale = data.denominator  # a voter of kind k holds money[k] / scale
    money = [m * total for m in data.start]
    uncapped = [True] * len(money)  # never paid all they had: sure to gain their share of a rise
    capped = 0  # the part of the total (× denominator) of voters capped at some purchase
    remaining = [r for r in range(len(data.costs)) if data.supporters[r]]
    purchases: list[Purchase] = []
    limit: Fraction | None = None if certify else Fraction(total)
    floor = dict.fromkeys(remaining, Fraction(0))  # ρ only rises during a run
    while True:
        best: tuple[Fraction, int] | None = None
        for r in sorted(remaining, key=lambda r: (floor[r], r)):
            if best is not None and floor[r] > best[0]:
                break
            q = _price(data, money, r, scale)
            if q is None:  # out of reach now, so for the rest of the run
                floor[r] = Fraction(2)
                continue
            floor[r] = q / data.costs[r]
            best = min(best or (floor[r], r), (floor[r], r))
        for r in remaining if certify else ():
            if best is None or r != best[1]:
                rho_w = None if best is None else best[0]
                loses_ties = best is not None and r > best[1]
                at = _overtaken(
                    data, money, r, rho_w, loses_ties, scale, uncapped, capped, total, limit
                )
                limit = at if at is not None and (limit is None or at < limit) else limit
        if best is None:
            return Run(purchases, limit)
        rho, w = best
        paid, scale, capped = _charge(
            data, money, w, rho * data.costs[w] * scale, scale, uncapped, capped, payments
        )
        purchases.append(Purchase(w, rho, paid))
        remaining.remove(w)


def _price(data: Ballots, money: list[int], r: int, scale: int) -> Fraction | None:
    """ρ × cost: each supporter paying at most that (or all they have) raises the cost; or None.

    The supporters' money is gathered, summed and sorted in C (itemgetter, map, sorted):
    this is the count's inner loop.
    """
    cost, heads, everyone = data.costs[r] * scale, data.heads[r], data.approvals[r]
    held = data.holdings[r](money)
    if sum(map(mul, held, heads)) < cost:
        return None
    if min(held) * everyone >= cost:  # nobody short: an equal split
        return Fraction(cost, everyone * scale)
    if data.singles[r]:  # one voter of each kind: money alone
        ordered: Sequence[int] = sorted(held)
        paid = list(accumulate(ordered, initial=0))
        took: Sequence[int] = range(len(ordered) + 1)
    else:
        order = itemgetter(*sorted(range(len(held)), key=held.__getitem__))
        ordered, heads = order(held), order(heads)
        paid = list(accumulate(map(mul, ordered, heads), initial=0))
        took = list(accumulate(heads, initial=0))
    # The first supporter who can pay the equal split of what the poorer ones leave; the
    # test only turns true further along the sorted money (module doc of the count).
    lo, hi = 0, len(ordered) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if ordered[mid] * (everyone - took[mid]) >= cost - paid[mid]:
            hi = mid
        else:
            lo = mid + 1
    return Fraction(cost - paid[lo], (everyone - took[lo]) * scale)


def _overtaken(
    data: Ballots,
    money: list[int],
    r: int,
    rho: Fraction | None,
    loses_ties: bool,
    scale: int,
    uncapped: list[bool],
    capped: int,
    total: int,
    limit: Fraction | None,
) -> Fraction | None:
    """The least total at which option r could be bought before the one chosen at ``rho``.

    Its supporters, each paying at most ρ × its cost (all they have, with no ρ: the last
    round), fall ``short`` of the cost at ``total``; only those holding less than ρ × cost
    can add to what they raise, and together they gain at most β per unit of rise
    (module doc). None when no rise can do it: if even their reaching ρ × cost could not
    close the gap, or could only tie on price where r loses on rank; also when the answer
    could not be below ``limit`` (β is at most 1, so a rise of at least ``short`` is needed).
    """
    cost = data.costs[r] * scale
    if rho is None:
        num, den = None, 1
    else:
        x = rho * cost  # each pays at most x / scale
        num, den = x.numerator, x.denominator
        everyone = data.approvals[r] * num
        if everyone < cost * den or (everyone == cost * den and loses_ties):
            return None
        if limit is not None and total + Fraction(cost * den - everyone, scale * den) >= limit:
            return None
    raised, headroom, sure = 0, 0, capped  # raised in units of 1 / (scale × den)
    counts, weights = data.counts, data.weights
    for k in data.supporters[r]:
        m = money[k] * den
        if num is None or m < num:
            raised += counts[k] * m
            if num is not None:
                headroom += counts[k] * (num - m)
            if uncapped[k]:
                sure += weights[k]
        else:
            raised += counts[k] * num
    short = cost * den - raised
    if num is not None and (headroom < short or (headroom == short and loses_ties)):
        return None
    if not sure:
        return None
    return total + Fraction(short * data.denominator, scale * den * sure)


def _charge(
    data: Ballots,
    money: list[int],
    w: int,
    q: Fraction,
    scale: int,
    uncapped: list[bool],
    capped: int,
    named: bool,
) -> tuple[dict[str, Fraction], int, int]:
    """Each supporter of w pays min(money, q); money moves to a scale that holds q whole."""
    grow = q.denominator
    if grow != 1:
        money[:] = map(grow.__mul__, money)
    cap, scale = q.numerator, scale * grow
    paid: dict[str, Fraction] = {}
    for k, m in zip(data.supporters[w], data.holdings[w](money), strict=True):
        if m >= cap:
            money[k] = m - cap
            if named:
                paid.update(dict.fromkeys(data.voters[k], Fraction(cap, scale)))
        elif m:
            money[k] = 0
            if named:
                paid.update(dict.fromkeys(data.voters[k], Fraction(m, scale)))
            if uncapped[k]:
                uncapped[k] = False
                capped += data.weights[k]
    return paid, scale, capped
