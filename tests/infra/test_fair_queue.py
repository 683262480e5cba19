"""Waiting in line: turns first come first served, loads shared, the pool fair.

A rush of votes (everyone at an AGM voting as the ballot opens) is where these
matter: nobody may be sent to the back of the line again and again, and a
ballot is loaded once however many votes ask for it at the same moment.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg
import pytest

from coop.infra.fair_queue import FairQueue
from coop.infra.shared_loads import SharedLoads


async def _in_order_of_arrival(
    take: Callable[[str], Awaitable[None]], names: list[str]
) -> list[asyncio.Future[None]]:
    """Start everyone in ``names`` in order, each after the one before is waiting."""
    started = []
    for name in names:
        started.append(asyncio.ensure_future(take(name)))
        await asyncio.sleep(0)
    return started


async def test_a_turn_given_back_goes_to_the_longest_waiter_not_to_a_newcomer() -> None:
    turns, served = FairQueue(1), []
    await turns.take()  # held: everyone after this waits

    async def take(name: str) -> None:
        await turns.take()
        served.append(name)
        await asyncio.sleep(0)
        turns.give_back()

    waiting = await _in_order_of_arrival(take, ["first", "second", "third"])
    turns.give_back()
    # A newcomer arriving as the turn is handed on does not jump the line.
    await asyncio.gather(take("newcomer"), *waiting)
    assert served == ["first", "second", "third", "newcomer"]
    assert (turns.held, turns.waiting) == (0, 0)


async def test_a_waiter_who_gives_up_leaves_the_line_and_loses_nobody_a_turn() -> None:
    turns = FairQueue(1)
    await turns.take()
    leaving = asyncio.ensure_future(turns.take())
    staying = asyncio.ensure_future(turns.take())
    await asyncio.sleep(0)
    leaving.cancel()
    await asyncio.sleep(0)
    turns.give_back()
    await asyncio.wait_for(staying, 1)
    assert leaving.cancelled() and (turns.held, turns.waiting) == (1, 0)


async def test_a_waiter_cancelled_just_as_it_was_handed_the_turn_passes_it_on() -> None:
    turns = FairQueue(1)
    await turns.take()
    unlucky = asyncio.ensure_future(turns.take())
    next_one = asyncio.ensure_future(turns.take())
    await asyncio.sleep(0)
    turns.give_back()  # handed to the unlucky one, who has not run yet
    unlucky.cancel()
    await asyncio.wait_for(next_one, 1)
    assert (turns.held, turns.waiting) == (1, 0)


async def test_everyone_asking_at_once_shares_one_load() -> None:
    loads: SharedLoads[str, int] = SharedLoads()
    calls = 0

    async def load() -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return 42

    assert await asyncio.gather(*(loads.load("ballot", load) for _ in range(200))) == [42] * 200
    assert calls == 1
    assert await loads.load("ballot", load) == 42 and calls == 2  # done: the next one loads again


async def test_a_failed_load_fails_everyone_waiting_and_the_next_ask_tries_again() -> None:
    loads: SharedLoads[str, int] = SharedLoads()

    async def broken() -> int:
        await asyncio.sleep(0.01)
        raise LookupError("There is no ballot with that reference.")

    async def fine() -> int:
        return 7

    results = await asyncio.gather(
        *(loads.load("ballot", broken) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(r, LookupError) for r in results)
    assert await loads.load("ballot", fine) == 7


async def test_one_caller_going_away_does_not_stop_the_load_for_the_others() -> None:
    loads: SharedLoads[str, int] = SharedLoads()

    async def load() -> int:
        await asyncio.sleep(0.02)
        return 5

    gone = asyncio.ensure_future(loads.load("ballot", load))
    staying = asyncio.ensure_future(loads.load("ballot", load))
    await asyncio.sleep(0.005)
    gone.cancel()
    assert await staying == 5
    with pytest.raises(asyncio.CancelledError):
        await gone


async def test_the_pool_serves_queries_in_the_order_they_asked(pool: asyncpg.Pool) -> None:
    """Twenty queries on a pool of four: each waits its turn, and one that gives up
    while waiting costs nobody else theirs."""
    await asyncio.gather(*(pool.execute("SELECT 1") for _ in range(4)))  # all four open
    started: list[int] = []

    async def query(n: int) -> None:
        async with pool.acquire() as conn:
            started.append(n)
            await conn.execute("SELECT pg_sleep(0.01)")

    queries = [asyncio.ensure_future(query(n)) for n in range(20)]
    await asyncio.sleep(0.005)
    queries[10].cancel()  # its client went away
    await asyncio.wait_for(asyncio.gather(*queries, return_exceptions=True), 5)
    assert started == [n for n in range(20) if n != 10]
    assert await pool.fetchval("SELECT 1") == 1  # every connection came back
