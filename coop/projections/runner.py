"""Running projections: batches, exactly once, restartable, rebuildable.

Each batch is one transaction that reads the projection's position, applies the
next events and moves the position on. Rows and position commit together, so a
killed worker resumes exactly where the last commit left it. A transaction-level
advisory lock per projection lets several workers run side by side: one applies
a given batch, the others skip it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, NamedTuple

import asyncpg

from coop.projections.accounts import accounts
from coop.projections.advocacy import advocacy
from coop.projections.base import Projection
from coop.projections.batches import (
    BATCH,
    Runs,
    apply_events,
    decode_events,
    events_after,
    write_runs,
)
from coop.projections.carers import carers
from coop.projections.governance import governance
from coop.projections.meetings import meetings
from coop.projections.members import members
from coop.projections.rebuild import RebuildRunning, rebuild
from coop.projections.rules import rules
from coop.projections.tracking import position, record_position, try_lock

__all__ = [
    "ALL",
    "BATCH",
    "RebuildRunning",
    "Worker",
    "by_name",
    "catch_up",
    "rebuild",
    "run_elected",
    "step",
]

log = logging.getLogger(__name__)

ALL: tuple[Projection, ...] = (members, accounts, carers, governance, meetings, advocacy, rules)
EVENTS_CHANNEL = "coop_events"  # the library NOTIFYs this on every insert


def by_name(name: str) -> Projection:
    """The projection called ``name``."""
    for projection in ALL:
        if projection.name == name:
            return projection
    known = ", ".join(p.name for p in ALL)
    raise KeyError(f"There is no projection called {name!r}. Known: {known}.")


def _live_tables(projection: Projection) -> dict[str, str]:
    return {t: t for t in projection.tables}


async def step(
    conn: asyncpg.Connection, projection: Projection, master: bytes, limit: int = BATCH
) -> int | None:
    """Apply the next batch. The new position, or None if nothing was done."""
    async with conn.transaction():
        if not await try_lock(conn, projection.name):
            return None  # another worker is applying this projection's batch
        after = await position(conn, projection.name)
        rows = await events_after(conn, after, limit)
        if not rows:
            return None
        await apply_events(conn, projection, rows, _live_tables(projection), master)
        last = int(rows[-1]["notification_id"])
        await record_position(conn, projection.name, last)
        return last


async def catch_up(
    conn: asyncpg.Connection,
    master: bytes,
    projections: Sequence[Projection] = ALL,
    reader: asyncpg.Connection | None = None,
) -> int:
    """Apply every projection up to the head of the log; the number of batches.

    With a second connection, ``reader``, the next batch is read and decoded
    while this one is written, so the decoding (here) and the writing (in the
    server) use both cores.
    """
    batches = 0
    for projection in projections:
        if reader is not None:
            done, at_head = await _pipelined(conn, reader, projection, master)
            batches += done
            if at_head:
                # Nothing more to read: a step would only lock the tracking row
                # (a write, so a WAL flush) to find so. The next wake-up goes on.
                continue
        while await step(conn, projection, master) is not None:
            batches += 1
    return batches


class _Prepared(NamedTuple):
    after: int  # the position the batch follows
    last: int  # its last event's position
    runs: Runs


async def _prepare(
    reader: asyncpg.Connection, projection: Projection, after: int, master: bytes
) -> _Prepared | None:
    rows = await events_after(reader, after, BATCH)
    if not rows:
        return None
    runs = await decode_events(reader, projection, rows, _live_tables(projection), master)
    return _Prepared(after, rows[-1]["notification_id"], runs)


async def _pipelined(
    conn: asyncpg.Connection, reader: asyncpg.Connection, projection: Projection, master: bytes
) -> tuple[int, bool]:
    """Write each prepared batch while preparing the next; stop at the head or on any surprise.

    The number of batches written, and whether it stopped at the head of the log.
    """
    start = await reader.fetchval(
        "SELECT position FROM projection_tracking WHERE name = $1", projection.name
    )
    batches = 0
    ahead = asyncio.ensure_future(_prepare(reader, projection, start or 0, master))
    try:
        while (prepared := await ahead) is not None:
            ahead = asyncio.ensure_future(_prepare(reader, projection, prepared.last, master))
            if not await _write_prepared(conn, projection, prepared):
                return batches, False  # another worker moved it on: the caller's steps go on
            batches += 1
        return batches, True
    finally:
        await asyncio.gather(ahead, return_exceptions=True)  # never leave the reader mid-query


async def _write_prepared(
    conn: asyncpg.Connection, projection: Projection, prepared: _Prepared
) -> bool:
    async with conn.transaction():
        if not await try_lock(conn, projection.name):
            return False
        if await position(conn, projection.name) != prepared.after:
            return False
        await write_runs(conn, prepared.runs)
        await record_position(conn, projection.name, prepared.last)
    return True


class Worker:
    """Follows the log and keeps every projection up to date.

    Wakes on the event store's NOTIFY, and polls every ``poll`` seconds in case
    a notification was missed (a reconnect, say).
    """

    def __init__(
        self, url: str, master: bytes, projections: Sequence[Projection] = ALL, poll: float = 1.0
    ):
        self.url = url
        self.master = master
        self.projections = projections
        self.poll = poll
        self._wake = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        conn = await asyncpg.connect(self.url)
        reader = await asyncpg.connect(self.url)  # reads and decodes ahead while conn writes
        listener = await asyncpg.connect(self.url)
        try:
            await listener.add_listener(EVENTS_CHANNEL, self._notified)
            while not stop.is_set():
                self._wake.clear()
                for projection in self.projections:
                    try:
                        await catch_up(conn, self.master, [projection], reader=reader)
                    except (asyncpg.PostgresError, OSError, ValueError):
                        # One broken projection must not hold up the others.
                        log.exception("Projection %s failed; retrying shortly", projection.name)
                        if conn.is_closed():
                            conn = await asyncpg.connect(self.url)
                        if reader.is_closed():
                            reader = await asyncpg.connect(self.url)
                await _first_of(self._wake, stop, timeout=self.poll)
        finally:
            for c in (listener, reader, conn):
                with contextlib.suppress(Exception):
                    await c.close()

    def _notified(self, *_: object) -> None:
        self._wake.set()


async def _first_of(a: asyncio.Event, b: asyncio.Event, timeout: float) -> None:
    waits = [asyncio.ensure_future(a.wait()), asyncio.ensure_future(b.wait())]
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waits:
            w.cancel()


WORKER_LOCK = "coop:worker"


async def run_elected(
    url: str,
    stop: asyncio.Event,
    jobs: Sequence[Callable[[], Coroutine[Any, Any, None]]],
    retry: float = 5.0,
) -> None:
    """Run ``jobs`` in one process of several: whichever holds the worker lock.

    Several web processes (COOP_WEB_PROCESSES) each offer to run the projection
    worker; a session-level advisory lock elects one, and the others stand by and
    try again every ``retry`` seconds, so one takes over if the elected one stops.
    (Per-batch locks would keep several workers correct, but each would still
    poll and query for every batch.) A job that fails, or a lost connection,
    gives the lock up and the election starts again.
    """
    while not stop.is_set():
        try:
            await _elected(url, stop, jobs, retry)
        except Exception:
            log.exception("The worker stopped; standing for election again shortly")
        await _pause(stop, retry)


async def _elected(
    url: str,
    stop: asyncio.Event,
    jobs: Sequence[Callable[[], Coroutine[Any, Any, None]]],
    retry: float,
) -> None:
    conn = await asyncpg.connect(url)
    try:
        while not stop.is_set():
            if await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", WORKER_LOCK):
                async with asyncio.TaskGroup() as group:  # one fails: the others stop too
                    for job in jobs:
                        group.create_task(job())
                return
            await _pause(stop, retry)
    finally:
        with contextlib.suppress(Exception):
            await conn.close()  # ends the session, and with it the lock


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
