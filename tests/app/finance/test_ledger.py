"""The treasurer's ledger on the real event store: only the treasurer records, mistakes
are reversed (never edited), and bad amounts change nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from coop.application import Coop
from coop.commands.finance.loading import NotTreasurer
from coop.domain.errors import InvalidInput
from coop.domain.finance.ledger import Category, journal
from coop.domain.finance.periods import FinancialPeriod, PeriodError
from tests.app.finance.world import a_year_open


def events(coop: Coop) -> int:
    return coop.recorder.max_notification_id() or 0


def rent(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "on": date(2025, 6, 1),
        "category": Category.RENT,
        "amount_pence": 65_000,
        "reference": "Invoice 771",
        "description": "Office rent, June",
    }
    return fields | changes


def test_the_treasurer_records_income_and_costs_and_reverses_a_mistake(coop: Coop) -> None:
    people, period = a_year_open(coop)
    grant = coop.record_entry(
        period,
        on=date(2025, 4, 14),
        category=Category.GRANT,
        amount_pence=500_000,
        reference="Community Fund award 0042",
        by=people.treasurer,
    ).subject
    twice = coop.record_entry(period, **rent(), by=people.treasurer).subject
    coop.record_entry(period, **rent(), by=people.treasurer)
    reversal = coop.reverse_entry(
        period, twice, on=date(2025, 6, 3), reason="Entered twice", by=people.treasurer
    ).subject
    book = coop.repository.get(period)
    assert isinstance(book, FinancialPeriod)
    assert book.entries[reversal].reverses == twice
    balances = journal([], book.entries.values()).balances()
    assert balances["Expenses:Rent"] == 65_000  # one rent, not two
    assert balances["Income:Grants"] == -500_000 and grant in book.entries
    with pytest.raises(PeriodError, match="already been reversed"):
        coop.reverse_entry(period, twice, on=date(2025, 6, 4), reason="x", by=people.treasurer)


@pytest.mark.parametrize("who", ["coordinator", "trustee"])
def test_nobody_but_the_treasurer_records_an_entry_and_a_refusal_changes_nothing(
    coop: Coop, who: str
) -> None:
    people, period = a_year_open(coop)
    entry = coop.record_entry(period, **rent(), by=people.treasurer).subject
    before = events(coop)
    with pytest.raises(NotTreasurer) as e:
        coop.record_entry(period, **rent(), by=getattr(people, who))
    assert e.value.status == 403
    with pytest.raises(NotTreasurer):
        coop.reverse_entry(period, entry, on=date(2025, 6, 2), reason="x", by=getattr(people, who))
    assert events(coop) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount_pence": -65_000}, "more than £0"),
        ({"amount_pence": 0}, "more than £0"),
        ({"amount_pence": Decimal("650.5")}, "whole number of pence"),
        ({"amount_pence": 650.5}, "whole number of pence"),
        ({"reference": "  "}, "Give a reference"),
        ({"category": "bonus"}, "Choose what the entry is for"),
        ({"on": date(2026, 4, 1)}, "1 April 2026 is outside 2025 to 2026"),
    ],
)
def test_bad_entries_are_refused_saying_why_and_change_nothing(
    coop: Coop, changes: dict[str, Any], message: str
) -> None:
    people, period = a_year_open(coop)
    before = events(coop)
    with pytest.raises(InvalidInput, match=message):
        coop.record_entry(period, **rent(**changes), by=people.treasurer)
    assert events(coop) == before
