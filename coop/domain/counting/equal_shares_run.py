"""One run of the Method of Equal Shares at a given total, guided by a run at a lower one.

Add1 reruns the method with every share raised, one unit a head at a time, and most
raises buy the same options in the same order. So a run is told the order bought at
the last total run and follows it: at each round it prices only the option bought
then, and checks that every other option still loses to it. A check needs at most a
pass over that option's supporters (do they raise its cost, each paying at most the
price of the option followed?), not its price, and most need not even that (below). If
a check fails, the run searches as usual from that round, so its purchases are exactly
those of a run without a guess.

Following the order also tells how far up it is certain, from three facts, true at any
totals T ≤ T' at which the purchases before a round are the same:

1. every voter's money at that round is at least as much at T' as at T (paying
   min(money, q) leaves max(0, money − q): more money and a lower price q leave more),
   so every option's price ρ is at most as high;
2. everyone's money together is T' − T more (the same options were bought), and a voter
   who paid in full at every purchase so far at T does so at T' and has at least their
   share of T' − T more; so a group of voters gains at most T' − T less those sure gains
   of the voters outside it;
3. so if an option's supporters, each paying at most the price x of the option bought,
   fell short of its cost by m at T, they still fall short at T' (where the price bought
   at is at most x, by 1) while T' − T < room: m ÷ the part of a rise that could reach
   those of them paying less than x (those paying x in full can add nothing). If even
   all of them paying x fell short, it loses at every higher total.

A run that follows the last order all the way, with every check passed, and finds the
options left at the end out of reach, is certain of the same purchases up to its total
plus the least room of all those checks (``Run.sure_through``); Add1 counts the raises
up to there as kept without running them. A check is skipped while an earlier total's
room still covers this one, with the same purchases before. On real budgets two
options are often nearly tied at some round, so the room is often under a unit and most
raises are still run; what is saved is mostly the checks.

Arithmetic is exact: money is kept in whole numbers over a common denominator, which
grows by the number of full payers at each purchase; prices are fractions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import accumulate, compress
from math import lcm
from operator import and_, itemgetter, mul


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
    each: tuple[Callable[[list[int]], tuple[int, ...]], ...] = field(init=False)  # a voter a time
    shares_of: tuple[tuple[int, ...], ...] = field(init=False)  # by rank: supporters' weights

    def __post_init__(self) -> None:
        start = tuple(int(share * self.denominator) for share in self.shares)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "holdings", tuple(map(_getter, self.supporters)))
        heads = tuple(tuple(self.counts[k] for k in s) for s in self.supporters)
        object.__setattr__(self, "heads", heads)
        object.__setattr__(self, "singles", tuple(set(h) <= {1} for h in heads))
        each = (tuple(k for k in s for _ in range(self.counts[k])) for s in self.supporters)
        object.__setattr__(
            self, "shares_of", tuple(tuple(self.weights[k] for k in s) for s in self.supporters)
        )
        object.__setattr__(self, "each", tuple(map(_getter, each)))


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
    """The purchases at one total, in order; for a run given a ``guess`` and following it
    all the way, ``certain``: the same purchases are certain at every whole total from
    this one to ``sure_through`` (None: to any)."""

    purchases: list[Purchase]
    certain: bool = False
    sure_through: int | None = None
    # The least scale (× the shares' denominator) that held every amount of this run whole:
    # a run at a total near it is likely to need the same, so it starts there (_Purse).
    scale: int = 1
    # (round, option) -> the last whole total up to which, with this run's purchases before
    # that round, the option is sure to lose to the one bought then (None: at any; _Check).
    margins: dict[tuple[int, int], int | None] = field(default_factory=dict)


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


def run(data: Ballots, total: int, *, payments: bool = False, guess: Run | None = None) -> Run:
    """The method with shares adding up to ``total``: the purchases in order.

    With ``guess``, an exact run at a lower total, its order is tried first, round by
    round, checking each choice; once a check fails the run searches as usual, so the
    purchases are the same either way (module doc).
    """
    purse = _Purse(data, total, guess.scale if guess is not None else 1)
    remaining = [r for r in range(len(data.costs)) if data.supporters[r]]
    purchases: list[Purchase] = []
    floor = dict.fromkeys(remaining, Fraction(0))  # ρ only rises during a run
    check = _Check(data, purse, total, guess)
    while True:
        best = check.follow(remaining, len(purchases))
        if best is None:  # the guess failed or is used up: search as usual
            best = _cheapest(data, purse, remaining, floor)
            if best is None:
                check.left_out(remaining, len(purchases))
            else:
                check.certain = False  # a purchase the guess did not make
        if best is None:
            return Run(purchases, check.certain, check.limit, purse.needed, check.margins)
        rho, w = best
        paid = purse.charge(data, w, rho * data.costs[w], payments)
        purchases.append(Purchase(w, rho, paid))
        remaining.remove(w)


class _Purse:
    """Every kind's money during a run, in whole numbers over a common scale.

    The scale must grow when what the full payers pay is not whole at it, and growing it
    means multiplying every kind's number. A run at a nearby total mostly needs the same
    scale, so it starts at the scale the run it follows needed (``start``); the scale
    needed here is kept as ``needed``.
    """

    def __init__(self, data: Ballots, total: int, start: int) -> None:
        self.money = [m * total * start for m in data.start]
        self.scale = data.denominator * start  # a voter of kind k holds money[k] / scale
        self.needed = 1
        self.full = [1] * len(self.money)  # by kind: 1 while paid in full at every purchase
        self.capped = 0  # the weight (of the denominator) of the kinds no longer full

    def read(self, getter: Callable[[list[int]], tuple[int, ...]]) -> tuple[int, ...]:
        """The money of the kinds ``getter`` picks (in C)."""
        return getter(self.money)

    def charge(self, data: Ballots, w: int, q: Fraction, named: bool) -> dict[str, Fraction]:
        """Each supporter of w pays min(money, q): who paid what, if ``named``."""
        grow = (q * self.scale).denominator
        self.needed = lcm(self.needed, (q * data.denominator).denominator)
        money, full = self.money, self.full
        if grow != 1:
            money[:] = map(grow.__mul__, money)
            self.scale *= grow
        cap, scale = int(q * self.scale), self.scale
        held = data.holdings[w](money)
        paid: dict[str, Fraction] = {}
        if named:
            for k, m in zip(data.supporters[w], held, strict=True):
                if m:
                    paid.update(dict.fromkeys(data.voters[k], Fraction(min(m, cap), scale)))
        for k, m in zip(data.supporters[w], held, strict=True):
            if m >= cap:
                money[k] = m - cap
            else:
                money[k] = 0
                if full[k]:
                    full[k] = 0
                    self.capped += data.weights[k]
        return paid


def _cheapest(
    data: Ballots, purse: _Purse, remaining: list[int], floor: dict[int, Fraction]
) -> tuple[Fraction, int] | None:
    """The lowest (ρ, rank) among the options left that are affordable, or None.

    Options are priced in order of their last price, a lower bound as ρ only rises
    during a run, and the search stops once none left could beat the best.
    """
    best: tuple[Fraction, int] | None = None
    for r in sorted(remaining, key=lambda r: (floor[r], r)):
        if best is not None and floor[r] > best[0]:
            break
        q = _price(data, purse, r)
        if q is None:  # out of reach now, so for the rest of the run
            floor[r] = Fraction(2)
            continue
        floor[r] = q / data.costs[r]
        best = min(best or (floor[r], r), (floor[r], r))
    return best


class _Check:
    """Following, round by round, the order bought at a lower total, and checking it.

    Each check of another option either finds it still losing to the option followed or
    ends the following. If every check of the run passes, the run also says how far up
    its purchases are certain (``limit``, module doc): an option whose supporters fall
    short by m at a total T, each paying at most a price x, still fall short at a higher
    total, with the same purchases before and at a price no higher than x, until the
    rise reaches room = m ÷ the part of a rise not sure to go to the voters outside them.
    """

    def __init__(self, data: Ballots, purse: _Purse, total: int, guess: Run | None) -> None:
        self.data, self.purse, self.total = data, purse, total
        self.followed = guess.purchases if guess is not None else []
        self.known = guess.margins if guess is not None else {}
        self.margins: dict[tuple[int, int], int | None] = {}
        self.following = self.certain = guess is not None
        self.limit: int | None = None  # certain up to this total; None: no limit yet

    def follow(self, remaining: list[int], round: int) -> tuple[Fraction, int] | None:
        """The (ρ, rank) of the option bought at this round at the lower total if it is
        still the cheapest now; None if it is not, or there is no guess to follow."""
        if not self.following or round >= len(self.followed):
            return None
        w = self.followed[round].rank
        q = _price(self.data, self.purse, w)
        if q is None:
            self._stop()
            return None
        rho = q / self.data.costs[w]
        for r in remaining:
            if r != w and not self._still_short(round, r) and not self._short(round, r, rho, w):
                self._stop()
                return None
        return rho, w

    def left_out(self, remaining: list[int], round: int) -> None:
        """After the last purchase: how far each option left stays out of reach."""
        if not self.certain:
            return
        for r in remaining:
            if not self._still_short(round, r):
                self._short(round, r, None, -1)

    def _stop(self) -> None:
        self.following = self.certain = False

    def _still_short(self, round: int, r: int) -> bool:
        """Whether option r is known, from lower totals, to lose at this round (no check)."""
        key = (round, r)
        if key not in self.known:
            return False
        last = self.known[key]
        if last is not None and last < self.total:
            return False
        self._record(round, r, last)
        return True

    def _record(self, round: int, r: int, last: int | None) -> None:
        self.margins[round, r] = last
        if last is not None:
            self._certain_through(last)

    def _certain_through(self, total: int) -> None:
        if self.limit is None or total < self.limit:
            self.limit = total

    def _short(self, round: int, r: int, rho: Fraction | None, w: int) -> bool:
        """Whether option r loses to option w at price ``rho``: its supporters, each paying
        at most ρ × its cost (all they have, with no ρ), raise less than its cost (its ρ is
        higher, or it is out of reach), or raise exactly its cost with someone paying the
        full ρ × cost (its ρ is equal) and w comes first in the tie-break. Records how far
        up it surely still loses (class doc)."""
        data, purse = self.data, self.purse
        cost = data.costs[r] * purse.scale
        full = data.holdings[r](purse.full)  # by supporting kind: 1 if full so far
        if rho is None:
            raised, den = sum(map(mul, purse.read(data.holdings[r]), data.heads[r])), 1
            gaining: Iterable[int] = full  # all of them could raise more with more money
        else:
            x = rho * data.costs[r] * purse.scale  # the most each may pay, in 1 / scale
            num, den = x.numerator, x.denominator
            if data.approvals[r] * num < cost * den:  # even if all paid x: so at any total
                self._record(round, r, None)
                return True
            below = (num - 1) // den  # money m < x exactly when m <= below
            held = purse.read(data.each[r])  # in C: the count's inner loop
            paying = len(held) - sum(map(below.__ge__, held))  # those who pay x in full
            raised = sum(filter(below.__ge__, held)) * den + paying * num
            if raised == cost * den:  # the same ρ: the tie-break decides, at this total
                loses = paying > 0 and w < r
                if loses:
                    self._certain_through(self.total)
                return loses
            # Those paying x in full can raise no more; the others could, with more money.
            gaining = map(and_, map(below.__ge__, purse.read(data.holdings[r])), full)
        if raised > cost * den:
            return False
        # What those who pay less than x gain is at most the rise less the sure gains of
        # everyone else: the capped kinds' part of the denominator and their own, ``gain``.
        # It is positive, as someone pays less than x, and is either full or capped.
        gain = purse.capped + sum(compress(data.shares_of[r], gaining))
        room = -(-(cost * den - raised) * data.denominator // (purse.scale * den * gain)) - 1
        self._record(round, r, self.total + room)  # the last whole rise below the room
        return True


def _price(data: Ballots, purse: _Purse, r: int) -> Fraction | None:
    """ρ × cost: each supporter paying at most that (or all they have) raises the cost; or None.

    The supporters' money is gathered, summed and sorted in C (itemgetter, map, sorted):
    this is the count's inner loop.
    """
    scale = purse.scale
    cost, heads, everyone = data.costs[r] * scale, data.heads[r], data.approvals[r]
    held = purse.read(data.holdings[r])
    if min(held) * everyone >= cost:  # nobody short: an equal split
        return Fraction(cost, everyone * scale)
    if sum(map(mul, held, heads)) < cost:
        return None
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
