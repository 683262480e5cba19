"""The checks a period's books must pass before it closes, each named, with what failed."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import msgspec

from coop.domain.finance.ledger import CANCELLATIONS, CARE, PA_PAY, Journal
from coop.domain.finance.money import pounds
from coop.domain.finance.pricing import Pricing
from coop.domain.finance.rates import Side
from coop.domain.finance.surplus import SurplusStatement

ALL_PRICED = "every delivered visit priced"
BALANCED = "the journal balances"
TOTALS = "totals equal their lines"


class Check(msgspec.Struct, frozen=True):
    """One of the period's assertions, and whether it held."""

    name: str
    passed: bool
    detail: str = ""


def closing_checks(
    delivered: Iterable[UUID], pricing: Pricing, books: Journal, summary: SurplusStatement
) -> tuple[Check, ...]:
    """The period's assertions over its visits, its journal and its surplus statement."""
    return (_all_priced(delivered, pricing), _balanced(books), _totals(pricing, books, summary))


def _all_priced(delivered: Iterable[UUID], pricing: Pricing) -> Check:
    seen = {v.visit_id for v in pricing.visits} | {u.visit_id for u in pricing.unpriced}
    missing = [(u.visit_id, u.reason) for u in pricing.unpriced]
    missing += [(v, "it was not priced at all.") for v in delivered if v not in seen]
    if not missing:
        return Check(ALL_PRICED, True)
    visit_id, reason = missing[0]
    return Check(
        ALL_PRICED,
        False,
        f"{len(missing)} delivered visit{'s' if len(missing) > 1 else ''} not priced."
        f" The first, visit {str(visit_id)[:8]}: {reason}",
    )


def _balanced(books: Journal) -> Check:
    wrong = books.unbalanced()
    if not wrong:
        return Check(BALANCED, True)
    first = wrong[0]
    return Check(
        BALANCED,
        False,
        f"{len(wrong)} transaction{'s do' if len(wrong) > 1 else ' does'} not balance. The first,"
        f" {first.id} on {first.on:%-d %B %Y}, is out by {pounds(first.total)}.",
    )


def _totals(pricing: Pricing, books: Journal, summary: SurplusStatement) -> Check:
    for v in pricing.visits:
        charged = sum(ln.pence for ln in v.lines if ln.side is Side.CHARGE)
        paid = sum(ln.pence for ln in v.lines if ln.side is Side.PAY)
        if (charged, paid) != (v.charge_pence, v.pay_pence):
            return Check(
                TOTALS, False, f"Visit {str(v.visit_id)[:8]}'s totals are not the sum of its lines."
            )
    balances = books.balances()
    if -(balances.get(CARE, 0) + balances.get(CANCELLATIONS, 0)) != pricing.charge_pence:
        return Check(TOTALS, False, "The care income in the journal is not the visits' charges.")
    if balances.get(PA_PAY, 0) != pricing.pay_pence:
        return Check(TOTALS, False, "The PA pay in the journal is not the visits' pay.")
    income = -sum(p for account, p in balances.items() if account.startswith("Income"))
    expenses = sum(p for account, p in balances.items() if account.startswith("Expenses"))
    if (income, expenses) != (summary.revenue_pence, summary.costs_pence):
        return Check(
            TOTALS,
            False,
            "The surplus statement's revenue and costs are not the journal's: something is"
            " dated outside the period.",
        )
    by_month = summary.months
    if (
        sum(m.revenue_pence for m in by_month) != summary.revenue_pence
        or sum(m.costs_pence for m in by_month) != summary.costs_pence
        or sum(p for _, p in summary.revenue_by_account) != summary.revenue_pence
        or sum(p for _, p in summary.costs_by_account) != summary.costs_pence
    ):
        return Check(
            TOTALS, False, "The surplus statement's months or accounts don't add up to its totals."
        )
    return Check(TOTALS, True)
