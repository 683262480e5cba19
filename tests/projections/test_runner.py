"""Projections on a real PostgreSQL: exactly once, resumable, rebuildable while serving."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date

import asyncpg
from eventsourcing.utils import get_topic

from coop.application import Coop
from coop.domain.membership.members import Member
from coop.infra.sealing import master_key
from coop.projections.membership.registers import register_of_members
from coop.projections.runner import ALL, by_name, catch_up, rebuild, run_elected, step
from coop.projections.tracking import positions
from coop.projections.waiting import ProjectionWaiter
from tests.conftest import SECRET, TODAY
from tests.people import details

MASTER = master_key(SECRET)


def many_applications(coop: Coop, count: int, per_save: int = 500) -> int:
    """``count`` Member.Applied events, saved in large groups (fast); returns the last position."""
    position = 0
    for start in range(0, count, per_save):
        members = [
            Member(details=details(f"Applicant Number{i}", email=""), applied_on=date(2026, 1, 1))
            for i in range(start, min(count, start + per_save))
        ]
        position = coop.save(*members)[-1].notification.id
    return position


async def test_catching_up_applies_each_event_once(coop: Coop, pool: asyncpg.Pool) -> None:
    head = many_applications(coop, 5000)
    async with pool.acquire() as conn:
        batches = await catch_up(conn, MASTER)
        assert batches >= 3  # 5000 events in batches of at most 2000
        assert await step(conn, by_name("members"), MASTER) is None  # nothing left: nothing done
        assert await conn.fetchval("SELECT count(*) FROM members") == 5000
        assert (
            await conn.fetchval("SELECT position FROM projection_tracking WHERE name = 'members'")
            == head
        )


async def test_a_failed_batch_leaves_neither_rows_nor_position(
    coop: Coop, pool: asyncpg.Pool
) -> None:
    many_applications(coop, 10)
    async with pool.acquire() as conn:
        await conn.execute(
            "ALTER TABLE members ADD CONSTRAINT no_amira CHECK (name <> 'Applicant Number7')"
        )
        try:
            await step(conn, by_name("members"), MASTER)
        except asyncpg.CheckViolationError:
            pass
        else:
            raise AssertionError("the batch should have failed")
        assert await conn.fetchval("SELECT count(*) FROM members") == 0
        assert (
            await conn.fetchval("SELECT position FROM projection_tracking WHERE name = 'members'")
            == 0
        )
        await conn.execute("ALTER TABLE members DROP CONSTRAINT no_amira")
        await catch_up(conn, MASTER)
        assert await conn.fetchval("SELECT count(*) FROM members") == 10


async def test_a_killed_worker_resumes_exactly_where_it_stopped(
    coop: Coop, db_url: str, pool: asyncpg.Pool
) -> None:
    head = many_applications(coop, 40_000)
    env = {**os.environ, "DATABASE_URL": db_url, "COOP_SECRET_KEY": SECRET}
    worker = subprocess.Popen(
        [sys.executable, "-m", "coop.cli", "worker"], env=env, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    position = 0
    while position == 0 and time.monotonic() < deadline:
        position = await pool.fetchval(
            "SELECT position FROM projection_tracking WHERE name = 'members'"
        )
        await asyncio.sleep(0.005)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    at_kill = await pool.fetchval("SELECT position FROM projection_tracking WHERE name = 'members'")
    assert 0 < at_kill < head, "the worker must be killed part way through"
    assert await pool.fetchval("SELECT count(*) FROM members") == at_kill  # rows and position agree

    restarted = subprocess.Popen(
        [sys.executable, "-m", "coop.cli", "worker"], env=env, stdout=subprocess.DEVNULL
    )
    try:
        while (
            await pool.fetchval("SELECT position FROM projection_tracking WHERE name = 'members'")
            < head
        ):
            assert time.monotonic() < deadline + 60, "the restarted worker did not catch up"
            await asyncio.sleep(0.05)
    finally:
        restarted.terminate()
        restarted.wait(10)
    assert await pool.fetchval("SELECT count(*) FROM members") == 40_000
    assert await pool.fetchval("SELECT count(DISTINCT member_id) FROM members") == 40_000


async def test_a_rebuild_swaps_in_fresh_tables_while_the_site_keeps_reading(
    coop: Coop, pool: asyncpg.Pool
) -> None:
    head = many_applications(coop, 20_000)
    ids = [coop.apply_for_membership(details(f"Admitted Person{i}")).subject for i in range(20)]
    for member_id in ids:
        coop.admit(member_id, by=member_id, minute_reference="B1")
    async with pool.acquire() as conn:
        await catch_up(conn, MASTER)
        before = [tuple(r) for r in await conn.fetch("SELECT * FROM members ORDER BY member_id")]
        # Damage the live table, as a buggy projection might have.
        await conn.execute("UPDATE members SET name = 'WRONG' WHERE membership_number = 3")

    reads: list[int] = []
    stop = asyncio.Event()

    async def keep_reading() -> None:
        while not stop.is_set():
            reads.append(len(await register_of_members(pool, TODAY)))
            await asyncio.sleep(0)

    indexes = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'members' ORDER BY 1"
    indexes_before = [tuple(r) for r in await pool.fetch(indexes)]
    reader = asyncio.create_task(keep_reading())
    async with pool.acquire() as conn:
        replayed = await rebuild(conn, by_name("members"), MASTER)
        replayed_again = await rebuild(conn, by_name("members"), MASTER)
    stop.set()
    await reader
    assert replayed >= head and replayed_again == replayed
    assert [
        tuple(r) for r in await pool.fetch(indexes)
    ] == indexes_before  # migrations can still name them
    assert len(reads) > 10 and set(reads) == {
        20
    }  # every read during the rebuild succeeded, complete
    after = [tuple(r) for r in await pool.fetch("SELECT * FROM members ORDER BY member_id")]
    assert after == before  # the damage is repaired
    async with pool.acquire() as conn:
        assert (
            await step(conn, by_name("members"), MASTER) is None
        )  # tracking moved to the rebuilt position


async def test_waiting_for_a_position_returns_once_the_projection_reaches_it(
    coop: Coop, db_url: str, pool: asyncpg.Pool
) -> None:
    waiter = ProjectionWaiter(db_url, pool)
    await waiter.start()
    try:
        done = coop.apply_for_membership(details("Amira Hassan"))
        assert not await waiter.wait_for(done.position, ["members"], timeout=0.3)  # no worker yet

        async def work_later() -> None:
            await asyncio.sleep(0.1)
            async with pool.acquire() as conn:
                await catch_up(conn, MASTER)

        started = time.monotonic()
        worker = asyncio.create_task(work_later())
        assert await waiter.wait_for(done.position, ["members", "accounts"], timeout=5)
        assert time.monotonic() - started < 1.0  # woken by NOTIFY, not a slow poll
        await worker
        assert await pool.fetchval("SELECT name FROM members") == "Amira Hassan"
    finally:
        await waiter.stop()


async def test_two_rebuilds_of_one_projection_cannot_run_at_once(
    coop: Coop, pool: asyncpg.Pool
) -> None:
    import pytest

    from coop.projections.runner import RebuildRunning

    async with pool.acquire() as holder, pool.acquire() as conn:
        await holder.execute("SELECT pg_advisory_lock(hashtext('coop:rebuild:members'))")
        with pytest.raises(RebuildRunning, match="already running"):
            await rebuild(conn, by_name("members"), MASTER)
        await holder.execute("SELECT pg_advisory_unlock(hashtext('coop:rebuild:members'))")
        assert await rebuild(conn, by_name("members"), MASTER) == 0


async def test_reading_ahead_on_a_second_connection_applies_each_event_once(
    coop: Coop, db_url: str, pool: asyncpg.Pool
) -> None:
    head = many_applications(coop, 12_000)
    conns = [await asyncpg.connect(db_url) for _ in range(4)]
    try:
        # Two workers at once, both reading ahead: batches they race for are skipped, not repeated.
        await asyncio.gather(
            catch_up(conns[0], MASTER, reader=conns[1]), catch_up(conns[2], MASTER, reader=conns[3])
        )
    finally:
        for conn in conns:
            await conn.close()
    assert await pool.fetchval("SELECT count(*) FROM members") == 12_000
    assert (
        await pool.fetchval("SELECT position FROM projection_tracking WHERE name = 'members'")
        == head
    )


async def test_of_several_web_processes_one_runs_the_worker_and_another_takes_over_when_it_stops(
    db_url: str,
) -> None:
    running: list[str] = []
    stops = {"first": asyncio.Event(), "second": asyncio.Event(), "third": asyncio.Event()}

    async def worker(name: str) -> None:
        running.append(name)
        await stops[name].wait()
        running.remove(name)

    async def until(check: Callable[[], bool]) -> None:
        for _ in range(200):
            if check():
                return
            await asyncio.sleep(0.02)
        raise AssertionError("timed out")

    def process(name: str) -> asyncio.Task[None]:
        return asyncio.create_task(
            run_elected(db_url, stops[name], [lambda: worker(name)], retry=0.05)
        )

    first = process("first")
    await until(lambda: running == ["first"])
    others = [process("second"), process("third")]
    await asyncio.sleep(0.3)  # several election rounds: the lock is taken
    assert running == ["first"]
    stops["first"].set()
    await first
    await until(lambda: len(running) == 1)
    assert running[0] in ("second", "third")  # exactly one of them took over
    for stop in stops.values():
        stop.set()
    await asyncio.gather(*others)
    assert running == []


async def test_an_elected_worker_that_fails_gives_the_lock_up(db_url: str) -> None:
    stop = asyncio.Event()
    attempts: list[int] = []

    async def failing() -> None:
        attempts.append(1)
        if len(attempts) < 3:
            raise OSError("connection lost")
        stop.set()

    await asyncio.wait_for(run_elected(db_url, stop, [failing], retry=0.05), timeout=10)
    assert len(attempts) == 3  # stood for election again after each failure
    conn = await asyncpg.connect(db_url)
    try:  # and nobody holds the lock now
        assert await conn.fetchval("SELECT pg_try_advisory_lock(hashtext('coop:worker'))")
    finally:
        await conn.close()


async def test_a_projection_with_nothing_new_of_its_own_is_moved_on_without_a_batch(
    coop: Coop, db_url: str, pool: asyncpg.Pool
) -> None:
    conn, reader = await asyncpg.connect(db_url), await asyncpg.connect(db_url)
    try:
        many_applications(coop, 10)
        await catch_up(conn, MASTER, reader=reader)  # every projection has a position now
        head = many_applications(coop, 3000)  # applications: nothing for the governance views
        # Only the projections that read applications write batches (the members
        # projection two, at most 2000 events each); the rest are moved on together.
        readers = [p for p in ALL if get_topic(Member.Applied) in p.handlers]
        batches = await catch_up(conn, MASTER, reader=reader)
        assert batches == 2 * len(readers)
        tracked = await positions(pool)
        assert all(tracked[p.name] == head for p in ALL)
        assert await catch_up(conn, MASTER, reader=reader) == 0  # at the head: nothing to do
    finally:
        await conn.close()
        await reader.close()
