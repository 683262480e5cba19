"""The journal: balanced transactions from visits and the treasurer's entries, and its exports."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest
from beancount import loader
from hypothesis import given, settings
from hypothesis import strategies as st

from coop.domain.errors import InvalidInput
from coop.domain.finance.exports import beancount_text, csv_text
from coop.domain.finance.ledger import (
    BANK,
    CARE,
    PA_PAY,
    PAS_OWED,
    USERS_OWE,
    Category,
    Entry,
    Posting,
    check_entry,
    journal,
)
from coop.domain.finance.pricing import Outcome, PricedVisit, PricingRules, price_visits
from tests.domain.finance.books import JOSEPH, SIOBHAN, TARIFFS, TOMASZ, at, visit


def entry(category: Category, pence: int, on: date = date(2025, 5, 2), **fields: object) -> Entry:
    values: dict[str, object] = {"reference": "INV-2025-041", "description": ""}
    values.update(fields)
    return Entry(entry_id=uuid4(), on=on, category=category, amount_pence=pence, **values)  # type: ignore[arg-type]


def a_month_of_care() -> list[PricedVisit]:
    """A fortnight of visits in May 2025: weekdays, a weekend, a bank holiday, a cancellation."""
    visits = []
    for day in range(1, 15):
        on = date(2025, 5, day)
        visits.append(visit(at(on, "08:00"), at(on, "09:30")))
        visits.append(visit(at(on, "18:45"), at(on, "22:40"), user=JOSEPH, pa=SIOBHAN))
    visits.append(visit(at(date(2025, 5, 5), "10:00"), at(date(2025, 5, 5), "12:00"), pa=TOMASZ))
    visits.append(
        visit(
            at(date(2025, 5, 9), "14:00"),
            at(date(2025, 5, 9), "15:00"),
            outcome=Outcome.LATE_CANCELLED,
        )
    )
    visits.append(
        visit(
            at(date(2025, 5, 10), "14:00"), at(date(2025, 5, 10), "15:00"), outcome=Outcome.MISSED
        )
    )
    return list(price_visits(visits, TARIFFS, PricingRules()).visits)


def test_a_visit_posts_the_users_charge_as_income_and_the_pas_pay_as_a_cost_owed() -> None:
    [v] = price_visits(
        [visit(at(date(2025, 6, 10), "09:00"), at(date(2025, 6, 10), "10:30"))],
        TARIFFS,
        PricingRules(),
    ).visits
    [t] = journal([v], []).transactions
    assert t.postings == (
        Posting(USERS_OWE, 4200),
        Posting(CARE, -4200),
        Posting(PA_PAY, 2220),
        Posting(PAS_OWED, -2220),
    )
    assert (t.id, t.on, t.total) == (f"visit:{v.visit_id}", date(2025, 6, 10), 0)


def test_a_missed_visit_moves_no_money_and_makes_no_transaction() -> None:
    visits = a_month_of_care()
    assert len(journal(visits, []).transactions) == len(visits) - 1


def test_the_treasurers_income_and_costs_post_to_their_categories_accounts() -> None:
    grant = entry(Category.GRANT, 500_000, reference="Lottery award 0042")
    rent = entry(Category.RENT, 65_000, reference="Landlord invoice 771")
    books = journal([], [grant, rent])
    assert books.balances() == {
        BANK: 435_000,
        "Expenses:Rent": 65_000,
        "Income:Grants": -500_000,
    }
    assert not books.unbalanced()


def test_a_mistake_is_put_right_by_a_reversing_entry_that_links_the_original() -> None:
    wrong = entry(Category.INSURANCE, 12_000, reference="Policy 88-1")
    reversal = entry(
        Category.INSURANCE,
        12_000,
        reference="Policy 88-1",
        reverses=wrong.entry_id,
        reason="Entered twice",
        on=date(2025, 5, 9),
    )
    books = journal([], [wrong, reversal])
    assert books.balances() == {BANK: 0, "Expenses:Insurance": 0}
    assert books.transactions[1].narration == "Reversal: Entered twice"
    assert books.transactions[1].links == (f"entry-{wrong.entry_id}",)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount_pence": 0}, "more than £0"),
        ({"amount_pence": -500}, "more than £0"),
        ({"amount_pence": 12.5}, "whole number of pence"),
        ({"reference": " "}, "Give a reference"),
        ({"reverses": UUID(int=1)}, "Say why"),
    ],
)
def test_entries_that_cannot_go_in_the_books_are_refused(
    fields: dict[str, object], message: str
) -> None:
    base = {"category": Category.RENT, "pence": 65_000}
    e = entry(base["category"], base["pence"])  # type: ignore[arg-type]
    bad = Entry(**{**{f: getattr(e, f) for f in e.__struct_fields__}, **fields})  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match=message):
        check_entry(bad)


def test_the_csv_export_has_a_row_per_posting_in_pounds_and_is_the_same_every_time() -> None:
    visits = a_month_of_care()
    gift = entry(Category.DONATION, 2_500, reference="Gift aid 12")
    books = journal(visits, [gift])
    text = csv_text(books)
    rows = text.splitlines()
    assert rows[0] == "date,transaction,reference,narration,account,amount_gbp"
    assert len(rows) == 1 + sum(len(t.postings) for t in books.transactions)
    assert "2025-05-02,entry:" in text and ",Income:Donations,-25.00" in text
    # The books rebuilt from the same events in another order are the same bytes.
    assert csv_text(journal(reversed(visits), [gift])) == text


def test_beancounts_own_checker_accepts_the_exported_journal() -> None:
    visits = a_month_of_care()
    entries = [
        entry(
            Category.GRANT,
            500_000,
            reference="Lottery award 0042",
            description='The "Awards for All" grant',
        ),
        entry(Category.RENT, 65_000, reference="Landlord invoice 771"),
        entry(Category.USERS_PAID, 40_000, reference="Standing orders May"),
        entry(Category.PAS_PAID, 30_000, reference="Payroll May"),
    ]
    entries.append(
        entry(
            Category.RENT,
            65_000,
            reference="Landlord invoice 771",
            reverses=entries[1].entry_id,
            reason="Paid by the council, not us",
        )
    )
    books = journal(visits, entries)
    text = beancount_text(books, title="Riverside Care Co-op 2025 to 2026")
    loaded, errors, options = loader.load_string(text)
    assert errors == [], errors
    assert options["title"] == "Riverside Care Co-op 2025 to 2026"
    assert len([e for e in loaded if type(e).__name__ == "Transaction"]) == len(books.transactions)


_categories = st.sampled_from(list(Category))
_entries_strategy = st.lists(
    st.builds(
        lambda c, p, d, rev: Entry(
            entry_id=uuid4(),
            on=date(2025, 4, 1 + d),
            category=c,
            amount_pence=p,
            reference="R1",
            reverses=uuid4() if rev else None,
            reason="fix" if rev else "",
        ),
        _categories,
        st.integers(1, 10**9),
        st.integers(0, 29),
        st.booleans(),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(_entries_strategy, st.lists(st.integers(0, 10**7), max_size=10))
def test_every_transaction_balances_and_the_books_add_up_to_nothing(
    entries: list[Entry], charges: list[int]
) -> None:
    visits = [
        PricedVisit(
            visit_id=uuid4(),
            user_id=JOSEPH,
            pa_id=SIOBHAN,
            outcome=Outcome.DELIVERED,
            on=date(2025, 4, 2),
            minutes=60,
            charge_pence=c,
            pay_pence=c // 2,
            lines=(),
        )
        for c in charges
    ]
    books = journal(visits, entries)
    assert books.unbalanced() == []
    assert sum(books.balances().values()) == 0
    income = -sum(p for a, p in books.balances().items() if a.startswith("Income:Care"))
    assert income == sum(charges)
