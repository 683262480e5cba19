"""The surplus: revenue less costs with its make-up, the reserve, and costing a rate change."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from coop.domain.finance.ledger import Category, Entry, journal
from coop.domain.finance.pricing import PricingRules, price_visits
from coop.domain.finance.surplus import (
    MonthLine,
    most_distributable,
    rate_change_cost,
    reserve_for,
    statement,
)
from coop.domain.governance.proposals import Rate
from tests.domain.finance.books import JOSEPH, SIOBHAN, TARIFFS, at, visit

APRIL_1, MARCH_31 = date(2025, 4, 1), date(2026, 3, 31)


def entry(category: Category, pence: int, on: date) -> Entry:
    return Entry(entry_id=uuid4(), on=on, category=category, amount_pence=pence, reference="Ref 1")


def test_the_surplus_is_revenue_less_costs_shown_by_month_and_by_account() -> None:
    days = (date(2025, 4, 8), date(2025, 5, 13))
    pricing = price_visits(
        [visit(at(d, "09:00"), at(d, "11:00")) for d in days], TARIFFS, PricingRules()
    )
    entries = [
        entry(Category.GRANT, 100_000, date(2025, 4, 30)),
        entry(Category.RENT, 20_000, date(2025, 5, 1)),
        entry(Category.PAS_PAID, 2_960, date(2025, 5, 2)),  # wages paid: not a cost twice
        entry(Category.RENT, 20_000, date(2026, 4, 1)),  # next period's
    ]
    s = statement(
        journal(pricing.visits, entries),
        starts=APRIL_1,
        ends=MARCH_31,
        care_minutes=pricing.minutes,
    )
    assert (s.revenue_pence, s.costs_pence, s.surplus_pence) == (111_200, 25_920, 85_280)
    assert s.months == (MonthLine("2025-04", 105_600, 2_960), MonthLine("2025-05", 5_600, 22_960))
    assert s.revenue_by_account == (("Income:Care", 11_200), ("Income:Grants", 100_000))
    assert s.costs_by_account == (("Expenses:PA-Pay", 5_920), ("Expenses:Rent", 20_000))
    assert s.care_minutes == 240


def test_the_reserve_is_rounded_up_to_the_penny_and_a_loss_keeps_none() -> None:
    assert reserve_for(1_000_001, 10) == 100_001
    assert most_distributable(1_000_001, 10) == 900_000
    assert (reserve_for(-5_000, 10), most_distributable(-5_000, 10)) == (0, 0)


def test_fifty_pence_more_an_hour_for_pas_is_costed_from_the_hours_delivered() -> None:
    day = date(2025, 6, 11)  # a Wednesday
    pricing = price_visits(
        [
            visit(at(day, "09:00"), at(day, "12:00")),  # 3 hours at the standard rate
            visit(at(day, "21:00"), at(day, "23:00"), user=JOSEPH, pa=SIOBHAN),  # 1 day, 1 night
        ],
        TARIFFS,
        PricingRules(),
    )
    cost = rate_change_cost(pricing.visits, Rate.PA_PAY, 50)
    # 4 hours at +50p, and the night hour's +20 % uplift on it: +60p.
    assert (cost.minutes, cost.cost_pence) == (300, 4 * 50 + 60)
    # Without uplifts it is simply pence × hours.
    assert rate_change_cost(pricing.visits[:1], Rate.PA_PAY, 50).cost_pence == 3 * 50


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(list(Category)), st.integers(1, 10**8), st.integers(0, 400)),
        max_size=40,
    )
)
def test_the_statements_totals_are_exactly_the_sum_of_its_months_and_its_accounts(
    rows: list[tuple[Category, int, int]],
) -> None:
    from datetime import timedelta

    entries = [entry(c, p, APRIL_1 + timedelta(days=d)) for c, p, d in rows]
    s = statement(journal([], entries), starts=APRIL_1, ends=MARCH_31, care_minutes=0)
    assert (
        sum(m.revenue_pence for m in s.months)
        == s.revenue_pence
        == sum(p for _, p in s.revenue_by_account)
    )
    assert (
        sum(m.costs_pence for m in s.months)
        == s.costs_pence
        == sum(p for _, p in s.costs_by_account)
    )
    assert sum(m.surplus_pence for m in s.months) == s.surplus_pence
