"""The finance read model: the books made again from it are the books the close made, the
same bytes after a rebuild; a PA's pay month by month; what changes after a close is listed."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg
from beancount import loader

from coop.application import Coop
from coop.domain.care.visits import Visit
from coop.domain.finance.ledger import Category
from coop.infra.sealing import master_key
from coop.projections.finance.books import (
    journal_beancount,
    journal_csv,
    pay_statement,
    period_books,
    summary_by_month,
    surplus_make_up,
)
from coop.projections.finance.queries import late_changes, ledger, period, rates_history
from coop.projections.runner import by_name, catch_up, rebuild
from tests.app.finance.test_periods import a_year_of_books
from tests.app.finance.world import DEV, SIOBHAN, deliver, miss
from tests.conftest import SECRET

MASTER = master_key(SECRET)


async def test_a_closed_periods_books_are_the_same_bytes_after_a_rebuild(
    coop: Coop, db_url: str, pool: asyncpg.Pool
) -> None:
    people, year = a_year_of_books(coop, db_url)
    wrong = coop.record_entry(
        year,
        on=date(2025, 9, 19),
        category=Category.TRAINING,
        amount_pence=145_000,
        reference="=HYPERLINK(1)",  # never a formula in a spreadsheet
        by=people.treasurer,
    ).subject
    coop.reverse_entry(
        year, wrong, on=date(2025, 9, 20), reason="Paid by the council", by=people.treasurer
    )
    open_csv = None
    async with pool.acquire() as conn:
        await catch_up(conn, MASTER)
        open_csv = await journal_csv(pool, year)
    coop.close_period(year, minute="Board 2026/05", by=people.trustee)
    async with pool.acquire() as conn:
        await catch_up(conn, MASTER)
        csv = await journal_csv(pool, year)
        beancount = await journal_beancount(pool, year)
        months = await summary_by_month(pool, year)
        await rebuild(conn, by_name("finance"), MASTER)
    assert csv is not None and csv == open_csv  # the close changed nothing in the books
    assert await journal_csv(pool, year) == csv
    assert await journal_beancount(pool, year) == beancount
    assert await summary_by_month(pool, year) == months
    assert ",'=HYPERLINK(1)," in csv

    assert beancount is not None
    _, errors, _ = loader.load_string(beancount)
    assert errors == []

    closed = coop.repository.get(year)
    books = await period_books(pool, year)
    assert books is not None and books.totals == closed.totals
    assert months is not None
    assert [(m.month, m.revenue_pence, m.costs_pence) for m in months] == [
        ("2025-04", 500_000, 0),
        ("2025-06", 10_200, 69_640),
        ("2025-09", 0, 0),
    ]
    make_up = await surplus_make_up(pool, year)
    assert make_up is not None
    assert (make_up.surplus_pence, make_up.care_minutes) == (440_560, 180)
    assert dict(make_up.revenue_by_account) == {
        "Income:Care": 8_800,
        "Income:Care:Cancellations": 1_400,
        "Income:Grants": 500_000,
    }
    found = await period(pool, year)
    assert found is not None and (found.state, found.surplus_pence) == ("closed", 440_560)
    lines = await ledger(pool, year)
    assert [(line.category, line.reversed_by is not None) for line in lines][-2:] == [
        (Category.TRAINING, True),
        (Category.TRAINING, False),
    ]
    [tariff] = await rates_history(pool)
    assert (tariff.pay_pence_per_hour, tariff.decided_by) == (1480, "trustees")


async def test_a_pas_pay_statement_lists_each_visit_minutes_times_rate(
    coop: Coop, db_url: str, pool: asyncpg.Pool
) -> None:
    a_year_of_books(coop, db_url)
    deliver(coop, date(2025, 6, 21), "21:00", 120, pa=SIOBHAN)  # Saturday evening into night
    async with pool.acquire() as conn:
        await catch_up(conn, MASTER)
    june = await pay_statement(pool, SIOBHAN, date(2025, 6, 1))
    # Saturday 14 June, 10:00 to 12:00 at the weekend rate; Saturday 21 June, 21:00 at the
    # weekend rate, then from 22:00 at the night rate (+20 %, higher than +£1).
    assert [
        (line.starts.strftime("%d %H:%M"), line.minutes, line.pence_per_hour, line.pence)
        for line in june.lines
    ] == [
        ("14 10:00", 120, 1580, 3160),
        ("21 21:00", 60, 1580, 1580),
        ("21 22:00", 60, 1776, 1776),
    ]
    assert (june.minutes, june.pence) == (240, 6516)
    dev = await pay_statement(pool, DEV, date(2025, 6, 1))
    assert (dev.pence, len(dev.missed)) == (1480, 1)  # the missed visit: flagged, not paid


async def test_a_visit_of_a_closed_period_that_changes_later_is_listed_not_rebooked(
    coop: Coop, db_url: str, pool: asyncpg.Pool
) -> None:
    people, year = a_year_of_books(coop, db_url)
    missed = miss(coop, date(2025, 7, 1), "09:00", 60)
    async with pool.acquire() as conn:
        await catch_up(conn, MASTER)
    coop.close_period(year, minute="Board 2026/05", by=people.trustee)
    async with pool.acquire() as conn:
        await catch_up(conn, MASTER)
        closed_csv = await journal_csv(pool, year)
    # Months later the PA's check-in turns up: the closed books stay as they were.
    visit = coop.repository.get(missed)
    assert isinstance(visit, Visit)
    came = visit.interval.start + timedelta(minutes=40)
    visit.check_in(DEV, actual=came, reason="Phone was dead", now=came + timedelta(days=200))
    coop.save(visit)
    async with pool.acquire() as conn:
        await catch_up(conn, MASTER)
    assert [c.what for c in await late_changes(pool, year)] == ["checked in"]
    assert await journal_csv(pool, year) == closed_csv
