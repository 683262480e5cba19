"""A period's books from what was delivered and recorded: priced, journalled, summed, checked.

One function, so the close, the read side (exports, a period still open) and the
benchmark make the books the same way, and the same inputs always give the same books.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec

from coop.domain.finance.calendar import Span
from coop.domain.finance.closing import Check, closing_checks
from coop.domain.finance.ledger import Entry, Journal, journal
from coop.domain.finance.periods import PeriodTotals
from coop.domain.finance.pricing import DeliveredVisit, Pricing, PricingRules, price_visits
from coop.domain.finance.rates import Tariff
from coop.domain.finance.surplus import SurplusStatement, rate_change_basis, statement


class Books(msgspec.Struct, frozen=True, kw_only=True):
    """A period's books: its priced visits, the journal, the surplus statement, the checks."""

    pricing: Pricing
    journal: Journal
    statement: SurplusStatement
    checks: tuple[Check, ...]

    @property
    def totals(self) -> PeriodTotals:
        """What the books came to, as the close records it."""
        basis, _ = rate_change_basis(self.pricing.visits)
        return PeriodTotals(
            revenue_pence=self.statement.revenue_pence,
            costs_pence=self.statement.costs_pence,
            care_minutes=self.statement.care_minutes,
            visits=len(self.pricing.visits),
            basis=basis,
        )


def make_books(
    span: Span,
    visits: Sequence[DeliveredVisit],
    tariffs: Sequence[Tariff],
    entries: Iterable[Entry],
    rules: PricingRules,
) -> Books:
    """Price the period's visits at the rates in force, journal them with the treasurer's
    entries, make the surplus statement over the period's dates, and check it all."""
    pricing = price_visits(visits, tariffs, rules)
    books = journal(pricing.visits, entries)
    summary = statement(books, starts=span.starts, ends=span.ends, care_minutes=pricing.minutes)
    checks = closing_checks((v.visit_id for v in visits), pricing, books, summary)
    return Books(pricing=pricing, journal=books, statement=summary, checks=checks)
