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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm


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
    )


def run(data: Ballots, total: int, *, payments: bool = False) -> Run:
    """The method with shares adding up to ``total``: purchases in order, and how far they hold."""
    scale = data.denominator  # a voter of kind k holds money[k] / scale
    money = [int(share * scale) * total for share in data.shares]
    uncapped = [True] * len(money)  # never paid all they had: sure to gain their share of a rise
    capped = 0  # the part of the total (× denominator) of voters capped at some purchase
    remaining = [r for r in range(len(data.costs)) if data.supporters[r]]
    purchases: list[Purchase] = []
    limit: Fraction | None = None
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
        if best is not None:
            rho, w = best
            gaps = [_gap(data, money, r, rho, scale, r > w) for r in remaining if r != w]
        else:
            gaps = [_gap(data, money, r, None, scale, False) for r in remaining]
        for short, kinds in gaps:
            beta = capped + sum(data.weights[k] for k in kinds if uncapped[k])
            if kinds and beta:  # short >= 0; 0 when tied and left behind on rank
                at = total + short * data.denominator / beta
                limit = at if limit is None or at < limit else limit
        if best is None:
            return Run(purchases, limit)
        paid, scale, capped = _charge(
            data, money, w, rho * data.costs[w] * scale, scale, uncapped, capped, payments
        )
        purchases.append(Purchase(w, rho, paid))
        remaining.remove(w)


def _price(data: Ballots, money: list[int], r: int, scale: int) -> Fraction | None:
    """ρ × cost: each supporter paying at most that (or all they have) raises the cost; or None."""
    cost = data.costs[r] * scale
    held = [(money[k], data.counts[k]) for k in data.supporters[r] if money[k]]
    if sum(m * c for m, c in held) < cost:
        return None
    held.sort()
    paid, left = 0, sum(c for _, c in held)
    for m, c in held:
        if m * left >= cost - paid:  # m >= q = (cost - paid) / left
            return Fraction(cost - paid, left * scale)
        paid, left = paid + m * c, left - c
    raise AssertionError("unreachable: the supporters cover the cost")


def _gap(
    data: Ballots, money: list[int], r: int, rho: Fraction | None, scale: int, loses_ties: bool
) -> tuple[Fraction, list[int]]:
    """How far option r's supporters fall short of its cost, and those of them who could gain.

    Each pays at most ρ × cost (all they have, with no ρ): only those holding less can add
    to what they raise. If even their reaching that could not close the gap, no rise can
    make r the better buy (no kinds returned); nor if it could only just close it, at
    best tying on price, when r would lose the tie on rank.
    """
    cost = data.costs[r] * scale
    if rho is None:  # at the end: the supporters hold less than the cost, all together
        kinds = list(data.supporters[r])
        return Fraction(cost - sum(data.counts[k] * money[k] for k in kinds), scale), kinds
    x = rho * cost  # each pays at most x / scale
    num, den = x.numerator, x.denominator
    everyone = data.approvals[r] * num
    if everyone < cost * den or (everyone == cost * den and loses_ties):
        return Fraction(0), []  # all of them paying that would not close the gap (or only tie)
    raised, headroom = 0, 0  # in units of 1 / (scale × den)
    below: list[int] = []
    for k in data.supporters[r]:
        m = money[k] * den
        if m < num:
            raised += data.counts[k] * m
            headroom += data.counts[k] * (num - m)
            below.append(k)
        else:
            raised += data.counts[k] * num
    short = cost * den - raised
    closes = headroom > short or (headroom == short and not loses_ties)
    return Fraction(short, scale * den), below if closes else []


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
    for k in range(len(money)):
        money[k] *= grow
    cap, scale = q.numerator, scale * grow
    paid: dict[str, Fraction] = {}
    for k in data.supporters[w]:
        m = money[k]
        if not m:
            continue
        pays = min(m, cap)
        if named:
            paid.update(dict.fromkeys(data.voters[k], Fraction(pays, scale)))
        if m < cap and uncapped[k]:
            uncapped[k] = False
            capped += data.weights[k]
        money[k] = m - pays
    return paid, scale, capped
