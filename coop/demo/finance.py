"""The demo co-op's money: rates adopted as care moves into coop, the first financial
period opened with it, the treasurer's year of income and costs (one mistake put
right by a reversal), the period closed from the visits delivered, its surplus
declared, and the next period open.

The first period in coop runs from the month care moved in to the end of the month
before the surplus ballot is drafted, so the members' ballot shares out a surplus
earned from the demo's own visits.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from uuid import UUID

import asyncpg

from coop.application import Coop
from coop.commands.finance import loading
from coop.demo.days import Days
from coop.domain.accounts import Role
from coop.domain.finance.ledger import Category
from coop.domain.finance.rates import Side, Uplift, When
from coop.domain.finance.surplus import most_distributable
from coop.infra.sealing import master_key
from coop.projections.finance.handlers import finance
from coop.projections.runner import catch_up

# The model co-op's rates: £28 an hour charged, £14.80 paid; a fifth more at night,
# a pound an hour more at weekends, half as much again on a bank holiday.
UPLIFTS = (
    Uplift(when=When.NIGHT, side=Side.PAY, percent=20),
    Uplift(when=When.NIGHT, side=Side.CHARGE, percent=20),
    Uplift(when=When.WEEKEND, side=Side.PAY, pence_per_hour=100),
    Uplift(when=When.BANK_HOLIDAY, side=Side.PAY, percent=50),
    Uplift(when=When.BANK_HOLIDAY, side=Side.CHARGE, percent=50),
)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def open_the_books(coop: Coop, days: Days, trustee: UUID, joy: UUID) -> UUID:
    """Day 365: the trustees adopt the rates and open the first period in coop from the
    1st of this month; Joy, the coordinator, takes on the treasurer's duty."""
    coop.change_roles(joy, (Role.COORDINATOR, Role.TREASURER), by=trustee)
    starts = days.today().replace(day=1)
    coop.adopt_rates(
        effective_from=starts,
        charge_pence_per_hour=2800,
        pay_pence_per_hour=1480,
        uplifts=UPLIFTS,
        minute=days.minute(2),
        by=trustee,
    )
    ends = _month_before(days.start.date() + timedelta(days=730 - 22))
    return coop.open_period(
        name=f"{starts:%B %Y} to {ends:%B %Y}",
        starts=starts,
        ends=ends,
        minute=days.minute(3),
        by=trustee,
    ).subject


def _month_before(day: date) -> date:
    """The last day of the month before ``day``'s."""
    return day.replace(day=1) - timedelta(days=1)


def keep_the_ledger(coop: Coop, period: UUID, joy: UUID) -> None:
    """The treasurer's year: a grant and donations in; rent, insurance and training out;
    the insurance entered twice by mistake and put right by a reversing entry."""
    span = loading.period(coop.repository, period).span
    starts, month = span.starts, span.starts
    while month <= span.ends:
        coop.record_entry(
            period,
            on=month,
            category=Category.RENT,
            amount_pence=45_000,
            reference=f"Chapel Street office rent {month:%B %Y}",
            by=joy,
        )
        month = _next_month(month)
    entries = [
        (Category.GRANT, 14, 600_000, "Community Fund award 2231", "Core costs, year one"),
        (Category.INSURANCE, 20, 145_000, "Policy CC-88213", "Employer's and public liability"),
        (Category.DONATION, 95, 25_000, "Standing order, St Aidan's church", ""),
        (Category.TRAINING, 160, 90_000, "Invoice MH-0419", "Moving and handling, 9 PAs"),
        (Category.DONATION, 250, 40_000, "Leeds Fun Run collection", ""),
    ]
    for category, day, pence, reference, description in entries:
        coop.record_entry(
            period,
            on=starts + timedelta(days=day),
            category=category,
            amount_pence=pence,
            reference=reference,
            description=description,
            by=joy,
        )
    twice = coop.record_entry(
        period,
        on=starts + timedelta(days=21),
        category=Category.INSURANCE,
        amount_pence=145_000,
        reference="Policy CC-88213",
        by=joy,
    ).subject
    coop.reverse_entry(
        period,
        twice,
        on=starts + timedelta(days=22),
        reason="The insurance was entered twice: the policy was paid once.",
        by=joy,
    )


def close_the_year(coop: Coop, days: Days, period: UUID, trustee: UUID) -> int:
    """The trustees close the period once the books have the visits, and declare what the
    members may share out (the most the reserve allows, to the pound below); the next
    period opens. Returns the pence declared."""
    _books_caught_up(coop)
    coop.close_period(period, minute=days.minute(4), by=trustee)
    found = loading.period(coop.repository, period)
    reserve = coop.rules_in_force().rules.surplus_reserve_percent
    assert found.totals is not None
    pence = most_distributable(found.totals.surplus_pence, reserve) // 100 * 100
    coop.declare_distributable(period, pence=pence, minute=days.minute(5), by=trustee)
    starts = found.span.ends + timedelta(days=1)
    ends = date(starts.year + 1, starts.month, 1) - timedelta(days=1)
    coop.open_period(
        name=f"{starts:%B %Y} to {ends:%B %Y}",
        starts=starts,
        ends=ends,
        minute=days.minute(6),
        by=trustee,
    )
    return pence


def _books_caught_up(coop: Coop) -> None:
    """Bring the finance read model up to the log's head: the close reads the visits from
    it (the demo is built before any projection worker runs)."""
    env = coop.env
    # The write side's own settings (its host may be a socket directory, not a name).
    server = {
        "host": env["POSTGRES_HOST"],
        "port": int(env["POSTGRES_PORT"]),
        "user": env["POSTGRES_USER"],
        "password": env["POSTGRES_PASSWORD"] or None,
        "database": env["POSTGRES_DBNAME"],
    }

    async def go() -> None:
        conn, reader = await asyncpg.connect(**server), await asyncpg.connect(**server)
        try:
            await catch_up(conn, master_key(coop.secret_key), [finance], reader)
        finally:
            await conn.close()
            await reader.close()

    # In a thread of its own: the caller may have an event loop running.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, go()).result()
