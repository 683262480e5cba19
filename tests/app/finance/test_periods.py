"""Financial periods on the real event store: opened without overlaps, closed from the
visits delivered (priced, journalled, checked), the surplus declared within the reserve."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from uuid import UUID

import pytest

from coop.application import Coop
from coop.commands.finance.delivered import BooksBehind, delivered_in
from coop.domain.errors import CoopError, InvalidInput
from coop.domain.finance.calendar import CALENDAR_ID, PeriodCalendar, PeriodsOverlap
from coop.domain.finance.closing import ALL_PRICED
from coop.domain.finance.ledger import Category
from coop.domain.finance.periods import (
    CloseRefused,
    FinancialPeriod,
    PeriodClosed,
    PeriodError,
)
from tests.app.finance.world import (
    DEV,
    ENDS,
    JOSEPH,
    NEXT_ENDS,
    NEXT_STARTS,
    SIOBHAN,
    People,
    a_year_open,
    books_up_to_date,
    cancel_late,
    deliver,
    miss,
)


def events(coop: Coop) -> int:
    return coop.recorder.max_notification_id() or 0


def a_year_of_books(coop: Coop, db_url: str) -> tuple[People, UUID]:
    """A fortnight of care in June 2025, a grant and the rent, the books caught up."""
    people, period = a_year_open(coop)
    deliver(coop, date(2025, 6, 10), "09:00", 60)  # Tuesday: £28.00 charged, £14.80 paid
    deliver(coop, date(2025, 6, 14), "10:00", 120, user=JOSEPH, pa=SIOBHAN)  # Saturday
    cancel_late(coop, date(2025, 6, 11), "14:00", 60)  # half the charge, nothing paid
    miss(coop, date(2025, 6, 12), "09:00", 60)  # neither charged nor paid
    coop.record_entry(
        period,
        on=date(2025, 4, 14),
        category=Category.GRANT,
        amount_pence=500_000,
        reference="Community Fund award 0042",
        by=people.treasurer,
    )
    coop.record_entry(
        period,
        on=date(2025, 6, 1),
        category=Category.RENT,
        amount_pence=65_000,
        reference="Invoice 771",
        by=people.treasurer,
    )
    books_up_to_date(db_url)
    return people, period


def test_closing_prices_the_care_delivered_and_locks_the_period(coop: Coop, db_url: str) -> None:
    people, period = a_year_of_books(coop, db_url)
    coop.close_period(period, minute="Board 2026/05 minute 2", by=people.trustee)
    closed = coop.repository.get(period)
    assert closed.closed and closed.totals is not None
    # Care: 2,800 + 6,000 (weekend) + 1,400 (late cancellation); the grant £5,000.
    # Costs: pay 1,480 + 3,160 (weekend); the rent £650.
    assert (closed.totals.revenue_pence, closed.totals.costs_pence) == (510_200, 69_640)
    assert (closed.totals.care_minutes, closed.totals.visits) == (180, 4)
    assert closed.totals.surplus_pence == 440_560
    calendar = coop.repository.get(CALENDAR_ID)
    assert isinstance(calendar, PeriodCalendar) and calendar.locked_until == ENDS
    with pytest.raises(PeriodClosed, match="2025 to 2026 is closed"):
        coop.record_entry(
            period,
            on=date(2025, 7, 1),
            category=Category.RENT,
            amount_pence=65_000,
            reference="Invoice 772",
            by=people.treasurer,
        )


def test_a_visit_that_cannot_be_priced_stops_the_close_naming_the_check(
    coop: Coop, db_url: str
) -> None:
    people, period = a_year_open(coop)
    deliver(coop, date(2025, 6, 10), "09:00", 60)
    deliver(coop, date(2025, 6, 17), "09:00", 60, check_out=False)  # never checked out
    books_up_to_date(db_url)
    before = events(coop)
    with pytest.raises(CloseRefused) as e:
        coop.close_period(period, minute="Board 2026/05", by=people.trustee)
    assert str(e.value).startswith(f"The period can't close: {ALL_PRICED} failed. 1 delivered")
    assert "it has no check-in or check-out time" in str(e.value)
    assert events(coop) == before
    assert not coop.repository.get(period).closed


def test_a_period_cannot_close_before_its_last_day_has_passed(coop: Coop, db_url: str) -> None:
    people, _ = a_year_open(coop)
    later = coop.open_period(
        name="2026 to 2027", starts=NEXT_STARTS, ends=NEXT_ENDS, minute="B", by=people.trustee
    ).subject
    before = events(coop)
    with pytest.raises(PeriodError, match="until after 31 March 2027"):
        coop.close_period(later, minute="Board", by=people.trustee)
    assert events(coop) == before


def test_a_period_that_overlaps_another_is_refused_and_changes_nothing(coop: Coop) -> None:
    people, _ = a_year_open(coop)
    before = events(coop)
    with pytest.raises(PeriodsOverlap, match="overlaps 2025 to 2026"):
        coop.open_period(
            name="Winter",
            starts=date(2026, 1, 1),
            ends=date(2026, 6, 30),
            minute="B",
            by=people.trustee,
        )
    assert events(coop) == before
    assert len(coop.repository.get(CALENDAR_ID).spans) == 1


def test_of_two_trustees_opening_overlapping_periods_at_once_one_is_refused(coop: Coop) -> None:
    people, _ = a_year_open(coop)
    start = threading.Barrier(2)

    def open_one(starts: date, ends: date) -> str:
        start.wait()
        try:
            coop.open_period(
                name=f"From {starts}", starts=starts, ends=ends, minute="B", by=people.trustee
            )
        except CoopError as e:
            return type(e).__name__
        return "opened"

    with ThreadPoolExecutor(2) as pool:
        results = list(
            pool.map(
                open_one,
                (NEXT_STARTS, date(2026, 6, 1)),
                (NEXT_ENDS, date(2027, 5, 31)),
            )
        )
    assert sorted(results) == ["PeriodsOverlap", "opened"]
    assert len(coop.repository.get(CALENDAR_ID).spans) == 2


def test_the_declaration_keeps_the_reserve_and_is_refused_above_the_surplus(
    coop: Coop, db_url: str
) -> None:
    people, period = a_year_of_books(coop, db_url)
    coop.close_period(period, minute="Board 2026/05", by=people.trustee)
    before = events(coop)
    # The surplus is £4,405.60 and the rules keep 10 % (£440.56): at most £3,965.04.
    with pytest.raises(PeriodError) as e:
        coop.declare_distributable(period, pence=400_000, minute="B6", by=people.trustee)
    assert str(e.value) == (
        "£4,000.00 is more than can be distributed: the surplus is £4,405.60 and the rules"
        " keep 10 % of it (£440.56) in reserve, so at most £3,965.04."
    )
    assert events(coop) == before
    coop.declare_distributable(period, pence=396_504, minute="B6", by=people.trustee)
    found = coop.repository.get(period)
    assert isinstance(found, FinancialPeriod) and found.distributable == 396_504


def test_a_declaration_of_part_of_a_penny_or_less_than_nothing_is_refused(
    coop: Coop, db_url: str
) -> None:
    people, period = a_year_of_books(coop, db_url)
    coop.close_period(period, minute="Board 2026/05", by=people.trustee)
    before = events(coop)
    for pence in (-1, 100.5):
        with pytest.raises(InvalidInput, match="whole pence"):
            coop.declare_distributable(period, pence=pence, minute="B6", by=people.trustee)
    assert events(coop) == before


def test_a_late_fix_goes_into_the_next_period_naming_the_closed_one(
    coop: Coop, db_url: str
) -> None:
    people, period = a_year_of_books(coop, db_url)
    coop.close_period(period, minute="Board 2026/05", by=people.trustee)
    later = coop.open_period(
        name="2026 to 2027", starts=NEXT_STARTS, ends=NEXT_ENDS, minute="B", by=people.trustee
    ).subject
    fix = coop.record_late_fix(
        later,
        period,
        on=date(2026, 11, 20),
        category=Category.INSURANCE,
        amount_pence=31_000,
        reference="Policy 88-1 (2025)",
        reason="The 2025 premium was invoiced late",
        by=people.treasurer,
    ).subject
    entry = coop.repository.get(later).entries[fix]
    assert (entry.adjusts, entry.amount_pence, entry.on) == (
        "2025 to 2026",
        31_000,
        date(2026, 11, 20),
    )
    assert fix not in coop.repository.get(period).entries


def test_the_close_reads_the_visits_only_once_the_read_model_has_taken_them_in(
    coop: Coop, db_url: str
) -> None:
    _, period = a_year_open(coop)
    books_up_to_date(db_url)
    span = coop.repository.get(period).span
    assert delivered_in(coop.datastore, span, wait=0.1)[0] == []
    deliver(coop, date(2025, 6, 10), "09:00", 60)  # not yet in the read model
    with pytest.raises(BooksBehind, match="still taking in the latest visits"):
        delivered_in(coop.datastore, span, wait=0.1)
    books_up_to_date(db_url)
    [visit], up_to = delivered_in(coop.datastore, span, wait=0.1)
    assert (visit.pa_id, visit.actual_start is not None, up_to) == (DEV, True, events(coop))


def test_an_entry_recorded_as_the_period_closes_is_in_its_books_or_refused(
    coop: Coop, db_url: str
) -> None:
    people, period = a_year_of_books(coop, db_url)
    start = threading.Barrier(2)

    def close() -> str:
        start.wait()
        coop.close_period(period, minute="Board 2026/05", by=people.trustee)
        return "closed"

    def record() -> str:
        start.wait()
        try:
            coop.record_entry(
                period,
                on=date(2025, 12, 1),
                category=Category.INSURANCE,
                amount_pence=31_000,
                reference="Policy 88-1",
                by=people.treasurer,
            )
        except PeriodClosed:
            return "refused"
        return "recorded"

    with ThreadPoolExecutor(2) as pool:
        closing, recording = pool.submit(close), pool.submit(record)
        outcome = (closing.result(), recording.result())
    closed = coop.repository.get(period)
    assert isinstance(closed, FinancialPeriod) and closed.totals is not None
    insured = any(e.category is Category.INSURANCE for e in closed.entries.values())
    assert insured == (outcome[1] == "recorded")
    assert closed.totals.costs_pence == 69_640 + (31_000 if insured else 0)
