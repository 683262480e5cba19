"""The app's own scheduler marks visits missed, on the injected clock, once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from uuid import UUID

import asyncpg

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.care.visits import State, Visit
from coop.infra.sealing import master_key
from coop.projections.runner import catch_up
from coop.scheduler import tick
from tests.conftest import SECRET

from .leeds import TUESDAY, at, book, leeds

T = TypeVar("T")


class Office:
    """What the scheduler needs (``coop.scheduler.Scheduling``), without a web process."""

    def __init__(self, coop: Coop, pool: asyncpg.Pool, clock: FixedClock) -> None:
        self.coop, self.pool, self.clock = coop, pool, clock

    async def run(self, command: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.to_thread(command, *args, **kwargs)

    async def seen(self, position: int, *projections: str) -> None:
        async with self.pool.acquire() as conn:
            await catch_up(conn, master_key(SECRET))


def missed_events(coop: Coop, visit: UUID) -> int:
    return sum(isinstance(e, Visit.Missed) for e in coop.events.get(visit))


async def test_a_visit_nobody_checked_in_to_is_missed_30_minutes_after_its_start_and_only_once(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    town = leeds(coop)
    office = Office(coop, pool, clock)
    forgotten = book(coop, town, "Grace", TUESDAY, 10, pa="Marcus")
    arrived = book(coop, town, "Siobhan", TUESDAY, 10)
    later = book(coop, town, "Grace", TUESDAY, 14)
    clock.set(at(TUESDAY, 10, 3))
    coop.check_in(arrived, by=town.account["Ewan"])
    clock.set(at(TUESDAY, 10, 29))
    assert await tick(office) == []  # not yet
    clock.set(at(TUESDAY, 10, 30))
    assert await tick(office) == [("missed", forgotten)]
    assert await asyncio.gather(tick(office), tick(office)) == [[], []]  # nothing twice
    assert missed_events(coop, forgotten) == 1
    states = {v: coop.repository.get(v).state for v in (forgotten, arrived, later)}
    assert states == {forgotten: State.MISSED, arrived: State.CHECKED_IN, later: State.CONFIRMED}
    clock.set(at(TUESDAY, 10, 45))  # the PA turns up late after all: they can still check in
    coop.check_in(forgotten, reason="Car would not start", by=town.account["Marcus"])
    clock.advance(timedelta(hours=4))
    assert await tick(office) == [("missed", later)]


async def test_two_schedulers_ticking_at_once_mark_a_visit_missed_once(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    town = leeds(coop)
    visits = [book(coop, town, "Grace", TUESDAY, 9 + 2 * n) for n in range(3)]
    clock.set(at(TUESDAY, 16))
    first, second = Office(coop, pool, clock), Office(coop, pool, clock)
    done = await asyncio.gather(tick(first), tick(second))
    assert sorted(v for _, v in done[0] + done[1]) == sorted(visits)
    assert [missed_events(coop, v) for v in visits] == [1, 1, 1]
