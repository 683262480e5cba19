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
import functools
import gc
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import asyncpg
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import resolve_topic

from coop.eventstore.codec import EventMapper, MsgspecTranscoder, personal_fields
from coop.eventstore.subject_keys import batch_keyring
from coop.projections.accounts import accounts
from coop.projections.base import Projection
from coop.projections.members import members

log = logging.getLogger(__name__)

ALL: tuple[Projection, ...] = (members, accounts)
EVENTS_CHANNEL = "coop_events"  # the library NOTIFYs this on every insert
PROGRESS_CHANNEL = "coop_projections"  # we NOTIFY "name:position" after each batch
BATCH = 2000
REBUILD_SUFFIX = "__rebuild"

_transcoder = MsgspecTranscoder()


@functools.cache
def _sealed(topic: str) -> bool:
    """Does this kind of event carry personal data (so its reader needs keys)?"""
    return bool(personal_fields(resolve_topic(topic)))


def by_name(name: str) -> Projection:
    """The projection called ``name``."""
    for projection in ALL:
        if projection.name == name:
            return projection
    known = ", ".join(p.name for p in ALL)
    raise KeyError(f"There is no projection called {name!r}. Known: {known}.")


async def _events_after(
    conn: asyncpg.Connection, position: int, limit: int
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT notification_id, originator_id, originator_version, topic, state"
        " FROM coop_events WHERE notification_id > $1 ORDER BY notification_id LIMIT $2",
        position,
        limit,
    )
    return rows


Runs = list[tuple[str, list[tuple[Any, ...]]]]
# Decode this many events at a time, then let the event loop run.
_DECODE_SLICE = 32


async def decode_events(
    keys_conn: asyncpg.Connection,
    projection: Projection,
    rows: Sequence[asyncpg.Record],
    tables: Mapping[str, str],
    master: bytes,
) -> Runs:
    """The SQL that applies ``rows`` to the projection, as runs of one statement each.

    Consecutive statements of the same shape form one run, sent to the server
    as multi-row INSERTs or one pipelined executemany.
    """
    runs: Runs = []
    sqls: dict[str, str] = {}
    wanted = [r for r in rows if r["topic"] in projection.handlers]
    mapper = EventMapper(_transcoder)
    mapper.keyring = await batch_keyring(
        keys_conn, master, (r["originator_id"] for r in wanted if _sealed(r["topic"]))
    )
    for start in range(0, len(wanted), _DECODE_SLICE):
        if start:
            # Let the event loop run: the previous batch's statements (see
            # catch_up's reader) and any web requests sharing this process.
            await asyncio.sleep(0)
        # Decoding makes thousands of short-lived objects, and the cyclic garbage
        # collector's passes over them cost as much as the decoding itself;
        # nothing here makes cycles, so pause it for this synchronous stretch.
        with _collector_paused():
            for row in wanted[start : start + _DECODE_SLICE]:
                event = mapper.to_domain_event(
                    StoredEvent(
                        originator_id=row["originator_id"],  # asyncpg's UUID is a uuid.UUID
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=row["state"],
                    )
                )
                for template, args in projection.handlers[row["topic"]](
                    event, row["notification_id"]
                ):
                    sql = sqls.get(template) or sqls.setdefault(
                        template, projection.sql(template, tables)
                    )
                    if runs and runs[-1][0] == sql:
                        runs[-1][1].append(args)
                    else:
                        runs.append((sql, [args]))
    return runs


async def write_runs(conn: asyncpg.Connection, runs: Runs) -> None:
    for sql, many in runs:
        await _run(conn, sql, many)


async def apply_events(
    conn: asyncpg.Connection,
    projection: Projection,
    rows: Sequence[asyncpg.Record],
    tables: Mapping[str, str],
    master: bytes,
) -> None:
    """Apply stored events to the projection's tables, in order."""
    await write_runs(conn, await decode_events(conn, projection, rows, tables, master))


# Rows per multi-row INSERT: few distinct shapes, so prepared statements are reused.
# asyncpg caches prepared statements only up to 15 kB of SQL: larger chunks are
# parsed and planned afresh every time, which costs more than they save.
_CHUNKS = (128, 32, 8)
_MAX_PARAMS = 32767  # the protocol's limit on bind parameters


async def _run(conn: asyncpg.Connection, sql: str, many: list[tuple[Any, ...]]) -> None:
    """A run of one statement: INSERTs as multi-row VALUES, the rest as executemany.

    One multi-row INSERT costs the server about what one row does, so runs of
    inserts (the bulk of a catch-up) are written a chunk at a time.
    """
    width = len(many[0])
    done = 0
    if len(many) >= _CHUNKS[-1] and width and _values_row(sql) is not None:
        for chunk in _CHUNKS:
            chunk = min(chunk, _MAX_PARAMS // width)
            while len(many) - done >= chunk:
                args = [a for row in many[done : done + chunk] for a in row]
                await conn.execute(_multi_row(sql, chunk, width), *args)
                done += chunk
    rest = many[done:]
    if len(rest) == 1:
        await conn.execute(sql, *rest[0])
    elif rest:
        await conn.executemany(sql, rest)


@functools.cache
def _values_row(sql: str) -> tuple[str, str] | None:
    """``(head, row)`` of ``INSERT ... VALUES (row)``, or None for other statements."""
    head, sep, row = sql.rpartition(" VALUES (")
    if not sep or not head.lstrip().upper().startswith("INSERT") or not row.endswith(")"):
        return None
    if "(" in row[:-1] or ")" in row[:-1]:
        return None  # keep it simple: no nested parentheses in the row
    return head + " VALUES ", "(" + row


@functools.cache
def _multi_row(sql: str, rows: int, width: int) -> str:
    parts = _values_row(sql)
    assert parts is not None
    head, row = parts

    def shifted(k: int) -> str:
        return _PARAM.sub(lambda m: f"${int(m[1]) + k * width}", row)

    return head + ", ".join(shifted(k) for k in range(rows))


_PARAM = re.compile(r"\$(\d+)")


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _live_tables(projection: Projection) -> dict[str, str]:
    return {t: t for t in projection.tables}


async def step(
    conn: asyncpg.Connection, projection: Projection, master: bytes, limit: int = BATCH
) -> int | None:
    """Apply the next batch. The new position, or None if nothing was done."""
    async with conn.transaction():
        if not await conn.fetchval(
            "SELECT pg_try_advisory_xact_lock(hashtext('coop:projection:' || $1))", projection.name
        ):
            return None  # another worker is applying this projection's batch
        position = await _position(conn, projection.name)
        rows = await _events_after(conn, position, limit)
        if not rows:
            return None
        await apply_events(conn, projection, rows, _live_tables(projection), master)
        position = rows[-1]["notification_id"]
        await _record_position(conn, projection.name, position)
        return int(position)


async def _position(conn: asyncpg.Connection, name: str) -> int:
    """The projection's position, locked for this transaction (a new projection starts at 0)."""
    await conn.execute(
        "INSERT INTO projection_tracking (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", name
    )
    position: int = await conn.fetchval(
        "SELECT position FROM projection_tracking WHERE name = $1 FOR UPDATE", name
    )
    return position


async def _record_position(conn: asyncpg.Connection, name: str, position: int) -> None:
    await conn.execute(
        "UPDATE projection_tracking SET position = $2 WHERE name = $1", name, position
    )
    await conn.execute("SELECT pg_notify($1, $2)", PROGRESS_CHANNEL, f"{name}:{position}")


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
            batches += await _pipelined(conn, reader, projection, master)
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
    rows = await _events_after(reader, after, BATCH)
    if not rows:
        return None
    runs = await decode_events(reader, projection, rows, _live_tables(projection), master)
    return _Prepared(after, rows[-1]["notification_id"], runs)


async def _pipelined(
    conn: asyncpg.Connection, reader: asyncpg.Connection, projection: Projection, master: bytes
) -> int:
    """Write each prepared batch while preparing the next; stop at the head or on any surprise."""
    position = await reader.fetchval(
        "SELECT position FROM projection_tracking WHERE name = $1", projection.name
    )
    batches = 0
    ahead = asyncio.ensure_future(_prepare(reader, projection, position or 0, master))
    try:
        while (prepared := await ahead) is not None:
            ahead = asyncio.ensure_future(_prepare(reader, projection, prepared.last, master))
            if not await _write_prepared(conn, projection, prepared):
                return batches  # another worker moved it on: the caller's steps take over
            batches += 1
        return batches
    finally:
        await asyncio.gather(ahead, return_exceptions=True)  # never leave the reader mid-query


async def _write_prepared(
    conn: asyncpg.Connection, projection: Projection, prepared: _Prepared
) -> bool:
    async with conn.transaction():
        if not await conn.fetchval(
            "SELECT pg_try_advisory_xact_lock(hashtext('coop:projection:' || $1))", projection.name
        ):
            return False
        if await _position(conn, projection.name) != prepared.after:
            return False
        await write_runs(conn, prepared.runs)
        await _record_position(conn, projection.name, prepared.last)
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


async def rebuild(
    conn: asyncpg.Connection, projection: Projection, master: bytes, batch: int = 5000
) -> int:
    """Replay the whole log into fresh tables, then swap them in.

    The site keeps serving from the old tables throughout; the swap itself is
    one short transaction that briefly holds the projection's lock.
    Returns the number of events replayed.
    """
    if not await conn.fetchval(
        "SELECT pg_try_advisory_lock(hashtext('coop:rebuild:' || $1))", projection.name
    ):
        raise RebuildRunning(f"A rebuild of {projection.name} is already running.")
    try:
        return await _rebuild(conn, projection, master, batch)
    finally:
        await conn.execute(
            "SELECT pg_advisory_unlock(hashtext('coop:rebuild:' || $1))", projection.name
        )


class RebuildRunning(Exception):
    """Another process is rebuilding the same projection."""


async def _rebuild(
    conn: asyncpg.Connection, projection: Projection, master: bytes, batch: int
) -> int:
    fresh = {t: t + REBUILD_SUFFIX for t in projection.tables}
    for table, new in fresh.items():
        await conn.execute(f'DROP TABLE IF EXISTS "{new}"')
        await conn.execute(f'CREATE TABLE "{new}" (LIKE "{table}" INCLUDING ALL)')
    position, replayed = 0, 0
    while True:
        async with conn.transaction():
            rows = await _events_after(conn, position, batch)
            if not rows:
                break
            await apply_events(conn, projection, rows, fresh, master)
        position, replayed = rows[-1]["notification_id"], replayed + len(rows)
    async with conn.transaction():
        # Wait for the live worker's batch to finish, and keep it out until the swap is done.
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('coop:projection:' || $1))", projection.name
        )
        while rows := await _events_after(conn, position, batch):
            await apply_events(conn, projection, rows, fresh, master)
            position, replayed = rows[-1]["notification_id"], replayed + len(rows)
        for table, new in fresh.items():
            await conn.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
            names = await _index_names(conn, table)
            await conn.execute(f'DROP TABLE "{table}"')
            await conn.execute(f'ALTER TABLE "{new}" RENAME TO "{table}"')
            await _restore_index_names(conn, table, names)
        await _record_position(conn, projection.name, position)
    return replayed


_INDEXES = """
    SELECT c.relname AS name, regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+ ', '\\1') AS shape
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = $1::regclass
"""


async def _index_names(conn: asyncpg.Connection, table: str) -> dict[str, str]:
    """Index name by its shape ("USING btree (member_id)"), so names survive a swap."""
    return {r["shape"]: r["name"] for r in await conn.fetch(_INDEXES, table)}


async def _restore_index_names(conn: asyncpg.Connection, table: str, names: dict[str, str]) -> None:
    # Migrations may name these indexes (and the constraints they back) later.
    for shape, current in (await _index_names(conn, table)).items():
        wanted = names.get(shape)
        if wanted and wanted != current:
            await conn.execute(f'ALTER INDEX "{current}" RENAME TO "{wanted}"')
