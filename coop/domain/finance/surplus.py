"""The surplus of a financial period: revenue less costs, with its make-up, and what it can fund.

Revenue is everything posted to Income accounts, costs everything posted to Expenses
accounts, over the period's dates. The trustees may declare as distributable no more
than the surplus less the reserve the rules keep (a percentage of the surplus, rounded
up to the penny so the reserve is never short).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

import msgspec

from coop.domain.finance.ledger import Journal
from coop.domain.finance.pricing import LineKind, PricedVisit
from coop.domain.finance.rates import Side
from coop.domain.governance.proposals import Rate


class MonthLine(msgspec.Struct, frozen=True):
    month: str  # "2025-04"
    revenue_pence: int
    costs_pence: int

    @property
    def surplus_pence(self) -> int:
        return self.revenue_pence - self.costs_pence


class SurplusStatement(msgspec.Struct, frozen=True, kw_only=True):
    """A period's revenue, costs and surplus, by month and by account."""

    starts: date
    ends: date
    revenue_pence: int
    costs_pence: int
    care_minutes: int  # care delivered in the period, in real minutes
    months: tuple[MonthLine, ...]
    revenue_by_account: tuple[tuple[str, int], ...]
    costs_by_account: tuple[tuple[str, int], ...]

    @property
    def surplus_pence(self) -> int:
        return self.revenue_pence - self.costs_pence


def statement(journal: Journal, *, starts: date, ends: date, care_minutes: int) -> SurplusStatement:
    """The surplus statement of the journal's transactions dated ``starts`` to ``ends``."""
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    revenue: dict[str, int] = defaultdict(int)
    costs: dict[str, int] = defaultdict(int)
    names: dict[date, str] = {}
    for t in journal.transactions:
        if not starts <= t.on <= ends:
            continue
        name = names.get(t.on) or names.setdefault(t.on, t.on.strftime("%Y-%m"))
        month = months[name]
        for p in t.postings:
            kind = p.account[:4]  # "Inco" or "Expe"; assets and liabilities don't count
            if kind == "Inco":
                revenue[p.account] -= p.pence
                month[0] -= p.pence
            elif kind == "Expe":
                costs[p.account] += p.pence
                month[1] += p.pence
    return SurplusStatement(
        starts=starts,
        ends=ends,
        revenue_pence=sum(revenue.values()),
        costs_pence=sum(costs.values()),
        care_minutes=care_minutes,
        months=tuple(MonthLine(m, r, c) for m, (r, c) in sorted(months.items())),
        revenue_by_account=tuple(sorted(revenue.items())),
        costs_by_account=tuple(sorted(costs.items())),
    )


def reserve_for(surplus_pence: int, reserve_percent: int) -> int:
    """The reserve the rules keep back from a surplus (nothing from a loss)."""
    return -(-surplus_pence * reserve_percent // 100) if surplus_pence > 0 else 0


def most_distributable(surplus_pence: int, reserve_percent: int) -> int:
    """The most the trustees may declare distributable from this surplus."""
    return max(0, surplus_pence - reserve_for(surplus_pence, reserve_percent))


class RateChangeCost(msgspec.Struct, frozen=True, kw_only=True):
    """What moving one hourly rate would have cost over a period's delivered care."""

    rate: Rate
    pence_per_hour: int
    minutes: int  # the care minutes the change applies to
    cost_pence: int  # rounded up to a whole penny


class RateChangeBasis(msgspec.Struct, frozen=True, kw_only=True):
    """A period's priced minutes as a rate change would move them, per side.

    Each is the sum over the side's lines of minutes × (100 + uplift %) × share %, so
    a change of p pence an hour costs p × basis / 600,000 (rounded up): two numbers,
    kept at the close, cost any proposal without pricing the period again.
    """

    pay: int = 0
    charge: int = 0

    def cost(self, rate: Rate, pence_per_hour: int) -> int:
        """The cost in whole pence (rounded up) of moving ``rate`` by ``pence_per_hour``."""
        basis = self.pay if rate is Rate.PA_PAY else self.charge
        return -(-pence_per_hour * basis // 600_000)  # 100 (uplift %) × 60 (min) × 100 (share %)


def rate_change_basis(visits: Iterable[PricedVisit]) -> tuple[RateChangeBasis, dict[Side, int]]:
    """The period's basis for costing rate changes, and the care minutes on each side."""
    basis = {Side.PAY: 0, Side.CHARGE: 0}
    minutes = {Side.PAY: 0, Side.CHARGE: 0}
    for visit in visits:
        for line in visit.lines:
            basis[line.side] += (100 + line.uplift_percent) * line.minutes * line.percent
            minutes[line.side] += line.minutes if line.kind is LineKind.CARE else 0
    return RateChangeBasis(pay=basis[Side.PAY], charge=basis[Side.CHARGE]), minutes


def rate_change_cost(
    visits: Iterable[PricedVisit], rate: Rate, pence_per_hour: int
) -> RateChangeCost:
    """Cost "+50p an hour for PAs" (or any change) from the minutes actually priced.

    Each priced minute moves by the change, scaled up by a percentage uplift where one
    set its rate (+50p on a night at +20 % is +60p), and by the share a late
    cancellation was charged or paid at. Where a change would alter which uplift is
    the highest, the uplift that applied is kept.
    """
    basis, minutes = rate_change_basis(visits)
    side = Side.PAY if rate is Rate.PA_PAY else Side.CHARGE
    return RateChangeCost(
        rate=rate,
        pence_per_hour=pence_per_hour,
        minutes=minutes[side],
        cost_pence=basis.cost(rate, pence_per_hour),
    )
