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

from coop.infra.db import is_unavailable
from coop.projections.accounts.handlers import accounts
from coop.projections.base import Projection
from coop.projections.batches import (
    BATCH,
    Runs,
    apply_events,
    decode_events,
    events_after,
    events_for,
    log_head,
    write_runs,
)
from coop.projections.care.handlers import care
from coop.projections.finance.handlers import finance
from coop.projections.governance.advocacy import advocacy
from coop.projections.governance.ballots import governance
from coop.projections.governance.meetings import meetings
from coop.projections.governance.rules import rules
from coop.projections.membership.carers import carers
from coop.projections.membership.members import members
from coop.projections.rebuild import RebuildRunning, rebuild
from coop.projections.reports.record import record
from coop.projections.tracking import (
    pass_over,
    position,
    positions,
    record_position,
    try_lock,
)

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

ALL: tuple[Projection, ...] = (
    members,
    accounts,
    carers,
    governance,
    meetings,
    advocacy,
    rules,
    care,
    finance,
    record,
)
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

    With a second connection, ``reader``, each projection reads only its own
    kinds of event, the next batch is read and decoded while this one is
    written (so the decoding, here, and the writing, in the server, use both
    cores), and the projections with nothing new are moved on together.
    """
    if reader is None:
        return sum([await _stepping(conn, p, master) for p in projections])
    head = await log_head(reader)
    known = await positions(reader)
    batches, nothing_new = 0, []
    for projection in projections:
        start = known.get(projection.name)
        if start is None:  # new: its tracking row is made by its first step
            batches += await _stepping(conn, projection, master)
        elif start < head:
            done = await _pipelined(conn, reader, projection, master, start, head)
            if done is None:
                nothing_new.append(projection.name)
            batches += done or 0
    if nothing_new:
        await pass_over(conn, nothing_new, head)
    return batches


async def _stepping(conn: asyncpg.Connection, projection: Projection, master: bytes) -> int:
    batches = 0
    while await step(conn, projection, master) is not None:
        batches += 1
    return batches


class _Prepared(NamedTuple):
    after: int  # the position the batch follows
    last: int  # the position it takes the projection to
    runs: Runs


async def _prepare(
    reader: asyncpg.Connection, projection: Projection, after: int, head: int, master: bytes
) -> _Prepared:
    rows = await events_for(reader, projection, after, head, BATCH)
    runs = await decode_events(reader, projection, rows, _live_tables(projection), master)
    # A short batch is the last before the head: it takes the projection there.
    last = rows[-1]["notification_id"] if len(rows) == BATCH else head
    return _Prepared(after, last, runs)


async def _pipelined(
    conn: asyncpg.Connection,
    reader: asyncpg.Connection,
    projection: Projection,
    master: bytes,
    start: int,
    head: int,
) -> int | None:
    """Write each prepared batch while preparing the next, up to ``head``.

    The number of batches written; None if the projection has nothing to apply
    up to ``head`` (the caller moves it on with others alike). Another worker
    moving it on first hands the rest to ``step``.
    """
    prepared = await _prepare(reader, projection, start, head, master)
    if not prepared.runs and prepared.last == head:
        return None
    batches = 0
    while True:
        ahead = (
            asyncio.ensure_future(_prepare(reader, projection, prepared.last, head, master))
            if prepared.last < head
            else None
        )
        try:
            if not await _write_prepared(conn, projection, prepared):
                return batches + await _stepping(conn, projection, master)
        finally:
            if ahead is not None:  # never leave the reader mid-query
                await asyncio.gather(ahead, return_exceptions=True)
        batches += 1
        if ahead is None:
            return batches
        prepared = await ahead


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
        """Keep the projections up to date until ``stop``, through database restarts."""
        while not stop.is_set():
            try:
                await self._run(stop)
            except Exception as e:
                if not is_unavailable(e):
                    raise
                # A restart cut every connection (the listener's too): connect afresh.
                log.warning("The database is out of reach (%r); connecting again shortly", e)
                await _first_of(stop, stop, timeout=self.poll)

    async def _run(self, stop: asyncio.Event) -> None:
        conn = await asyncpg.connect(self.url)
        reader = await asyncpg.connect(self.url)  # reads and decodes ahead while conn writes
        listener = await asyncpg.connect(self.url)
        try:
            await listener.add_listener(EVENTS_CHANNEL, self._notified)
            while not stop.is_set():
                self._wake.clear()
                if listener.is_closed():
                    raise ConnectionError("the listening connection has closed")
                try:
                    await catch_up(conn, self.master, self.projections, reader=reader)
                except (asyncpg.PostgresError, OSError, ValueError):
                    log.exception("Projections failed; retrying one by one")
                    conn, reader = await self._one_by_one(conn, reader)
                await _first_of(self._wake, stop, timeout=self.poll)
        finally:
            for c in (listener, reader, conn):
                with contextlib.suppress(Exception):
                    await c.close()

    async def _one_by_one(
        self, conn: asyncpg.Connection, reader: asyncpg.Connection
    ) -> tuple[asyncpg.Connection, asyncpg.Connection]:
        """Each projection alone: one broken projection must not hold up the others."""
        for projection in self.projections:
            if conn.is_closed():
                conn = await asyncpg.connect(self.url)
            if reader.is_closed():
                reader = await asyncpg.connect(self.url)
            try:
                await catch_up(conn, self.master, [projection], reader=reader)
            except (asyncpg.PostgresError, OSError, ValueError):
                log.exception("Projection %s failed; retrying shortly", projection.name)
        return conn, reader

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
