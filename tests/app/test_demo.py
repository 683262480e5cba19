"""The demo co-op: two believable years of history, built through the real commands.

The demo is built once for this module (a year of care makes it the slowest
thing the tests build), in a database of its own; each test reads it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import asyncpg
import msgspec
import pytest

from coop.application import Coop
from coop.clock import FixedClock, today
from coop.demo.story import build_demo
from coop.domain.care.times import monday_of
from coop.domain.governance.proposals import Rate
from coop.infra.db import create_pool, eventsourcing_env, with_database
from coop.infra.sealing import master_key
from coop.projections.care.queries import Status, day_board, pa_week
from coop.projections.finance.books import period_books
from coop.projections.finance.queries import ledger
from coop.projections.membership.carers import links_of_user
from coop.projections.membership.queries import applications_awaiting_decision, members_list
from coop.projections.membership.registers import register_of_members, register_of_trustees
from coop.projections.runner import catch_up
from tests.conftest import RUN, SECRET, _admin


class Demo(msgspec.Struct):
    coop: Coop
    clock: FixedClock
    password: str


@pytest.fixture(scope="module")
def demo_url(server_url: str, template_db: str) -> Iterator[str]:
    name = f"coop_t_{RUN}_demo"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"'))
    yield with_database(server_url, name)
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def demo(demo_url: str) -> Iterator[Demo]:
    clock = FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    coop = Coop(eventsourcing_env(demo_url, pool_size=8), secret_key=SECRET, clock=clock)
    yield Demo(coop, clock, build_demo(coop, clock.now()))
    coop.close()


@pytest.fixture(scope="module")
async def demo_pool(demo: Demo, demo_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(demo_url, min_size=1, max_size=4)
    async with pool.acquire() as conn:
        await catch_up(conn, master_key(SECRET))
    yield pool
    await pool.close()


async def test_the_demo_has_two_years_of_joiners_leavers_trustees_and_one_erasure(
    demo: Demo, demo_pool: asyncpg.Pool
) -> None:
    pool, now = demo_pool, today(demo.clock)
    register = await register_of_members(pool, now)
    ceased = [line for line in register if line.date_ceased]
    assert len(register) == 32 and len(ceased) == 5
    assert {line.how_ceased for line in ceased} == {"death", "withdrawal", "cessation"}
    assert [line.name for line in register if line.erased] == ["Erased"]
    assert min(line.date_entered for line in register).year == 2012  # from the old spreadsheet
    a_year_ago = await register_of_members(pool, now - timedelta(days=365))
    assert 10 < len(a_year_ago) < len(register)
    trustees = await register_of_trustees(pool, now)
    in_office = {t.name for t in trustees if t.left_on is None and t.office == "trustee"}
    assert "Grace Okafor" in in_office and "Marcus Boateng" in in_office and len(in_office) == 4
    assert len(await applications_awaiting_decision(pool)) == 4
    classes = {m.name: m.member_class for m in await members_list(pool)}
    assert classes["Callum Fraser"] == "carer"
    siobhan = next(m for m in await members_list(pool, "Siobhan Kelly"))
    assert [link.state for link in await links_of_user(pool, siobhan.member_id)] == ["consented"]


async def test_the_demo_has_rules_last_years_counted_ballots_and_an_open_surplus_ballot(
    demo: Demo, demo_pool: asyncpg.Pool
) -> None:
    rows = await demo_pool.fetch(
        "SELECT kind, state, secret, electorate, result FROM ballots ORDER BY drafted_position"
    )
    assert [(r["kind"], r["state"]) for r in rows] == [
        ("resolution", "counted"),
        ("election", "counted"),
        ("reinvestment", "open"),
    ]
    assert 10 < rows[0]["electorate"] < 32  # the members of that day, not of today
    assert demo.coop.rules_in_force().version == 1
    proposals = await demo_pool.fetch(
        "SELECT title, state, cost_pence, rate FROM ballot_proposals ORDER BY position"
    )
    assert [(p["state"], p["rate"]) for p in proposals] == [
        ("listed", "pa_pay"),
        ("listed", ""),
        ("listed", ""),
        ("listed", ""),
        ("declined", ""),
    ]
    # The 50p rise is costed from the closed period's own care, not from hours typed in.
    period = await demo_pool.fetchrow(
        "SELECT period_id, care_minutes, distributable_pence FROM finance_periods"
        " WHERE state = 'closed'"
    )
    found = demo.coop.repository.get(period["period_id"])
    assert proposals[0]["cost_pence"] == found.rate_change_cost(Rate.PA_PAY, 50)
    assert 50 * period["care_minutes"] // 60 <= proposals[0]["cost_pence"]  # uplifts add
    budget = await demo_pool.fetchval(
        "SELECT budget_pence FROM ballots WHERE kind = 'reinvestment' AND state = 'open'"
    )
    assert budget == period["distributable_pence"] > 1_000_000  # the declared surplus


async def test_the_demos_year_of_care_makes_a_closed_period_whose_books_check_out(
    demo: Demo, demo_pool: asyncpg.Pool
) -> None:
    periods = await demo_pool.fetch(
        "SELECT period_id, state, starts, ends, care_minutes, visits, revenue_pence,"
        " costs_pence, distributable_pence, reserve_pence FROM finance_periods ORDER BY starts"
    )
    assert [p["state"] for p in periods] == ["closed", "open"]
    closed = periods[0]
    assert closed["ends"] < today(demo.clock) - timedelta(days=21)  # closed before the ballot
    assert closed["visits"] > 1000 and closed["care_minutes"] > 1000 * 60
    surplus = closed["revenue_pence"] - closed["costs_pence"]
    assert closed["distributable_pence"] + closed["reserve_pence"] <= surplus
    lines = await ledger(demo_pool, closed["period_id"])
    assert [line.reason for line in lines if line.reverses] == [
        "The insurance was entered twice: the policy was paid once."
    ]
    books = await period_books(demo_pool, closed["period_id"])
    assert books is not None and books.statement.surplus_pence == surplus


async def test_the_demo_has_a_year_of_care_and_next_weeks_rota_part_filled(
    demo: Demo, demo_pool: asyncpg.Pool
) -> None:
    pool, now = demo_pool, demo.clock.now()
    states = dict(await pool.fetch("SELECT state, count(*) FROM care_visits GROUP BY state"))
    assert states["completed"] > 1000 and states["missed"] == 1
    first, last = await pool.fetchrow(
        "SELECT min(starts_at), max(starts_at) FROM care_visits WHERE state = 'completed'"
    )
    assert last - first > timedelta(days=360) and last < now
    late = await pool.fetchval("SELECT count(*) FROM care_visits WHERE chargeable")
    assert 5 <= late <= 20
    assert await pool.fetchval("SELECT count(*) FROM care_visits WHERE notes > 0") > 300
    assert await pool.fetchval("SELECT count(*) FROM care_pas") == 11
    assert await pool.fetchval("SELECT count(*) FROM care_plans WHERE funded_minutes > 0") == 12
    next_monday = monday_of(today(demo.clock)) + timedelta(days=7)
    ahead = dict(
        await pool.fetch(
            "SELECT state, count(*) FROM care_visits WHERE starts_at >= $1 GROUP BY state",
            datetime.combine(next_monday, datetime.min.time(), tzinfo=UTC),
        )
    )
    assert ahead["confirmed"] > ahead["requested"] > 5  # part filled, the rest open
    ewan = next(m for m in await members_list(pool, "Ewan McAllister"))
    assert await pa_week(pool, ewan.member_id, next_monday)  # his rota for next week
    board = await day_board(pool, next_monday, now)
    assert {b.status for b in board} == {Status.BOOKED, Status.UNFILLED}


def test_running_the_demo_again_only_gives_the_trustee_a_new_password(demo: Demo) -> None:
    events = demo.coop.recorder.max_notification_id()
    again = build_demo(demo.coop, demo.clock.now())
    assert again != demo.password
    assert demo.coop.recorder.max_notification_id() == (events or 0) + 1  # one PasswordChanged
