"""Financial periods: no overlaps, entries only while open, checked before they close."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest

from coop.domain.errors import InvalidInput
from coop.domain.finance.calendar import CALENDAR_ID, PeriodCalendar, PeriodsOverlap
from coop.domain.finance.closing import ALL_PRICED, BALANCED, TOTALS, Check, closing_checks
from coop.domain.finance.ledger import Category, Entry, Posting, Transaction, journal
from coop.domain.finance.periods import (
    CloseRefused,
    FinancialPeriod,
    PeriodClosed,
    PeriodError,
    PeriodTotals,
    open_period,
)
from coop.domain.finance.pricing import PricingRules, price_visits
from coop.domain.finance.surplus import statement
from tests.domain.finance.books import TARIFFS, TREASURER, at, visit

CLOSED_AT = datetime(2026, 4, 20, 18, 0, tzinfo=UTC)
PASSED = (Check(ALL_PRICED, True), Check(BALANCED, True), Check(TOTALS, True))
TOTALS_2025 = PeriodTotals(
    revenue_pence=9_000_000, costs_pence=7_500_000, care_minutes=180_000, visits=2400
)


def year(
    calendar: PeriodCalendar | None = None, starts: date = date(2025, 4, 1)
) -> FinancialPeriod:
    calendar = calendar or PeriodCalendar()
    ends = date(starts.year + 1, 3, 31)
    name = f"{starts.year} to {starts.year + 1}"
    return open_period(calendar, name, starts, ends, by=TREASURER, minute="Board 2025/03")


def cost(on: date, pence: int = 65_000, **fields: object) -> Entry:
    return Entry(
        entry_id=uuid4(),
        on=on,
        category=Category.RENT,
        amount_pence=pence,
        reference="Invoice 771",
        **fields,
    )  # type: ignore[arg-type]


def closed_year() -> FinancialPeriod:
    period = year()
    period.close(PASSED, TOTALS_2025, at=CLOSED_AT, by=TREASURER, minute="Board 2026/05")
    return period


def test_opening_a_period_adds_its_dates_to_the_one_calendar() -> None:
    calendar = PeriodCalendar()
    period = year(calendar)
    assert calendar.id == CALENDAR_ID
    assert calendar.covering(date(2025, 12, 25)) == period.span
    assert calendar.covering(date(2026, 4, 1)) is None
    assert [type(e).__name__ for e in calendar.collect_events()] == ["Started", "PeriodAdded"]
    assert [type(e).__name__ for e in period.collect_events()] == ["Opened"]


def test_a_period_that_overlaps_another_is_refused_naming_it() -> None:
    calendar = PeriodCalendar()
    year(calendar)
    with pytest.raises(PeriodsOverlap) as e:
        open_period(
            calendar, "Winter", date(2026, 1, 1), date(2026, 6, 30), by=TREASURER, minute="B1"
        )
    assert str(e.value) == (
        "The new period, 1 January 2026 to 30 June 2026, overlaps 2025 to 2026 (1 April 2025"
        " to 31 March 2026). Periods can't overlap: each day's money belongs to one period."
    )
    assert len(calendar.spans) == 1
    year(calendar, date(2026, 4, 1))  # the next year, starting the day after, is fine


@pytest.mark.parametrize(
    ("name", "starts", "ends", "message"),
    [
        ("2025", date(2025, 4, 1), date(2025, 3, 31), "end on or after"),
        ("Long", date(2025, 4, 1), date(2026, 12, 31), "18 months"),
        ("  ", date(2025, 4, 1), date(2026, 3, 31), "Name the period"),
    ],
)
def test_periods_that_cannot_be_are_refused(
    name: str, starts: date, ends: date, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        open_period(PeriodCalendar(), name, starts, ends, by=TREASURER, minute="B1")


def test_entries_are_recorded_only_within_the_periods_dates() -> None:
    period = year()
    period.record(cost(date(2025, 4, 1)), by=TREASURER)
    with pytest.raises(InvalidInput, match="1 April 2026 is outside 2025 to 2026") as e:
        period.record(cost(date(2026, 4, 1)), by=TREASURER)
    assert e.value.field == "on"
    assert len(period.entries) == 1


def test_closing_refuses_naming_the_check_that_failed_and_changes_nothing() -> None:
    period = year()
    failed = Check(ALL_PRICED, False, "2 delivered visits not priced. The first, visit 1a2b3c4d: …")
    with pytest.raises(CloseRefused) as e:
        period.close((PASSED[1], failed), TOTALS_2025, at=CLOSED_AT, by=TREASURER, minute="B5")
    assert str(e.value).startswith("The period can't close: every delivered visit priced failed. 2")
    assert not period.closed


def test_a_period_cannot_close_before_its_last_day_has_passed() -> None:
    with pytest.raises(PeriodError, match="until after 31 March 2026"):
        year().close(
            PASSED,
            TOTALS_2025,
            at=datetime(2026, 3, 31, 22, 0, tzinfo=UTC),
            by=TREASURER,
            minute="B",
        )


def test_a_closed_period_is_locked_and_a_late_fix_goes_into_the_next_as_an_adjustment() -> None:
    calendar = PeriodCalendar()
    last_year = year(calendar)
    rent = cost(date(2025, 6, 1))
    last_year.record(rent, by=TREASURER)
    last_year.close(PASSED, TOTALS_2025, at=CLOSED_AT, by=TREASURER, minute="Board 2026/05")
    with pytest.raises(PeriodClosed, match="2025 to 2026 is closed"):
        last_year.record(cost(date(2025, 6, 2)), by=TREASURER)
    with pytest.raises(PeriodClosed):
        last_year.reverse(
            rent.entry_id, new_id=uuid4(), on=date(2025, 6, 3), reason="x", by=TREASURER
        )
    this_year = year(calendar, date(2026, 4, 1))
    fix = cost(date(2026, 4, 21), reverses=rent.entry_id, reason="Paid by the council, not us")
    this_year.record_late(last_year, fix, by=TREASURER)
    recorded = this_year.entries[fix.entry_id]
    assert (recorded.adjusts, recorded.reverses, recorded.amount_pence) == (
        "2025 to 2026",
        rent.entry_id,
        65_000,
    )
    [t] = journal([], [recorded]).transactions
    assert t.narration == "Reversal: Paid by the council, not us"
    with pytest.raises(InvalidInput, match="Say why"):
        this_year.record_late(last_year, cost(date(2026, 4, 22)), by=TREASURER)


def test_an_entry_is_reversed_once_and_a_reversal_is_not_reversed() -> None:
    period = year()
    rent = cost(date(2025, 6, 1))
    period.record(rent, by=TREASURER)
    reversal_id = uuid4()
    period.reverse(
        rent.entry_id,
        new_id=reversal_id,
        on=date(2025, 6, 8),
        reason="Wrong landlord",
        by=TREASURER,
    )
    with pytest.raises(PeriodError, match="already been reversed"):
        period.reverse(
            rent.entry_id, new_id=uuid4(), on=date(2025, 6, 9), reason="again", by=TREASURER
        )
    with pytest.raises(PeriodError, match="itself a reversal"):
        period.reverse(
            reversal_id, new_id=uuid4(), on=date(2025, 6, 9), reason="undo", by=TREASURER
        )
    assert journal([], period.entries.values()).balances()["Expenses:Rent"] == 0


def test_the_distributable_surplus_keeps_the_rules_reserve_and_no_more_than_the_surplus() -> None:
    period = closed_year()  # a surplus of £15,000.00
    with pytest.raises(PeriodError) as e:
        period.declare_distributable(
            1_400_000, reserve_percent=10, at=CLOSED_AT, by=TREASURER, minute="B6"
        )
    assert str(e.value) == (
        "£14,000.00 is more than can be distributed: the surplus is £15,000.00 and the rules"
        " keep 10 % of it (£1,500.00) in reserve, so at most £13,500.00."
    )
    period.declare_distributable(
        1_350_000, reserve_percent=10, at=CLOSED_AT, by=TREASURER, minute="B6"
    )
    declared = period.collect_events()[-1]
    assert (declared.pence, declared.care_minutes, declared.reserve_pence) == (
        1_350_000,
        180_000,
        150_000,
    )  # type: ignore[attr-defined]
    with pytest.raises(PeriodError, match="already been declared"):
        period.declare_distributable(1, reserve_percent=10, at=CLOSED_AT, by=TREASURER, minute="B7")


def test_nothing_is_declared_before_the_close_or_from_a_loss() -> None:
    with pytest.raises(PeriodError, match="Close the period"):
        year().declare_distributable(
            100, reserve_percent=10, at=CLOSED_AT, by=TREASURER, minute="B"
        )
    loss = year()
    loss.close(
        PASSED,
        PeriodTotals(revenue_pence=100, costs_pence=500, care_minutes=60, visits=1),
        at=CLOSED_AT,
        by=TREASURER,
        minute="B",
    )
    with pytest.raises(PeriodError, match="made no surplus"):
        loss.declare_distributable(1, reserve_percent=10, at=CLOSED_AT, by=TREASURER, minute="B")
    with pytest.raises(InvalidInput, match="£0 or more"):
        loss.declare_distributable(-5, reserve_percent=10, at=CLOSED_AT, by=TREASURER, minute="B")


def test_the_closing_checks_pass_on_good_books_and_name_what_is_wrong_on_bad_ones() -> None:
    day = date(2025, 6, 10)
    visits = [visit(at(day, "09:00"), at(day, "10:00")), visit(at(day, "11:00"), at(day, "12:00"))]
    early = visit(at(date(2025, 3, 3), "09:00"), at(date(2025, 3, 3), "10:00"))
    pricing = price_visits(visits, TARIFFS, PricingRules())
    books = journal(pricing.visits, [])
    summary = statement(books, starts=date(2025, 4, 1), ends=date(2026, 3, 31), care_minutes=120)
    ids = [v.visit_id for v in visits]
    assert all(c.passed for c in closing_checks(ids, pricing, books, summary))

    priced_without_early = price_visits([*visits, early], TARIFFS, PricingRules())
    [priced, _, _] = closing_checks([*ids, early.visit_id], priced_without_early, books, summary)
    assert not priced.passed
    assert priced.detail.endswith("no rates were in force on 3 March 2025.")

    odd = Transaction(
        source="entry",
        source_id=UUID(int=7),
        on=day,
        narration="Typo",
        postings=(Posting("Assets:Bank", 100),),
    )
    broken = journal(pricing.visits, [])
    broken = broken.__class__((*broken.transactions, odd))
    [_, balanced, totals] = closing_checks(ids, pricing, broken, summary)
    assert (balanced.passed, balanced.detail) == (
        False,
        "1 transaction does not balance. The first, entry:00000000-0000-0000-0000-000000000007 on 10 June 2025, is out by £1.00.",
    )
    assert totals.passed


def test_period_events_come_back_from_the_event_store_codec_exactly() -> None:
    from coop.infra.eventstore.codec import EventMapper, MsgspecTranscoder

    period = year()
    period.record(cost(date(2025, 6, 1)), by=TREASURER)
    period.close(PASSED, TOTALS_2025, at=CLOSED_AT, by=TREASURER, minute="Board 2026/05")
    period.declare_distributable(
        1_000_000, reserve_percent=10, at=CLOSED_AT, by=TREASURER, minute="B6"
    )
    mapper = EventMapper(MsgspecTranscoder())
    replayed = None
    for e in period.collect_events():
        replayed = mapper.to_domain_event(mapper.to_stored_event(e)).mutate(replayed)
    assert isinstance(replayed, FinancialPeriod)
    assert (replayed.entries, replayed.totals, replayed.distributable) == (
        period.entries,
        TOTALS_2025,
        1_000_000,
    )
