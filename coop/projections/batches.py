"""A batch of the log, applied to a projection: decode, then write in few statements."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import resolve_topic

from coop.infra.eventstore.codec import EventMapper, MsgspecTranscoder, personal_fields
from coop.infra.eventstore.subject_keys import batch_keyring
from coop.projections.base import Projection

BATCH = 2000

_transcoder = MsgspecTranscoder()


@functools.cache
def _sealed(topic: str) -> bool:
    """Does this kind of event carry personal data (so its reader needs keys)?"""
    return bool(personal_fields(resolve_topic(topic)))


@functools.cache
def _sealed_with(topic: str) -> str | None:
    """The field naming whose key seals this kind of event, if not its own aggregate's."""
    field: str | None = getattr(resolve_topic(topic), "SEALED_WITH", None)
    return field


def _key_subject(row: asyncpg.Record) -> UUID:
    """Whose key opens the event's personal data (a visit's notes: the user's)."""
    field = _sealed_with(row["topic"])
    if field is None:
        subject: UUID = row["originator_id"]
        return subject
    return UUID(msgspec.json.decode(row["state"])[field])


async def events_after(conn: asyncpg.Connection, position: int, limit: int) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT notification_id, originator_id, originator_version, topic, state"
        " FROM coop_events WHERE notification_id > $1 ORDER BY notification_id LIMIT $2",
        position,
        limit,
    )
    return rows


async def events_for(
    conn: asyncpg.Connection, projection: Projection, position: int, head: int, limit: int
) -> list[asyncpg.Record]:
    """The projection's own kinds of event after ``position`` up to ``head``, in order.

    The server leaves out the rest (most of a ballot's log is votes, which one
    projection of seven reads), so they are neither sent nor decoded.
    """
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT notification_id, originator_id, originator_version, topic, state"
        " FROM coop_events WHERE notification_id > $1 AND notification_id <= $2"
        " AND topic = ANY($3::text[]) ORDER BY notification_id LIMIT $4",
        position,
        head,
        list(projection.handlers),
        limit,
    )
    return rows


async def log_head(conn: asyncpg.Connection) -> int:
    """The last event's position. Every event before it is committed already.

    (Saves hold the events table's lock from taking their positions to
    committing, so no event can commit later at a lower position.)
    """
    head: int = await conn.fetchval("SELECT coalesce(max(notification_id), 0) FROM coop_events")
    return head


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
    group = _Group()
    sqls: dict[str, str] = {}
    wanted = [r for r in rows if r["topic"] in projection.handlers]
    mapper = EventMapper(_transcoder)
    mapper.keyring = await batch_keyring(
        keys_conn, master, (_key_subject(r) for r in wanted if _sealed(r["topic"]))
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
                statements = [
                    (sqls.get(t) or sqls.setdefault(t, projection.sql(t, tables)), args)
                    for t, args in projection.handlers[row["topic"]](event, row["notification_id"])
                ]
                if not group.takes(row["originator_id"], statements):
                    group.flush(runs)
                    group.start(row["originator_id"], statements)
    group.flush(runs)
    return runs


class _Group:
    """Consecutive events whose handlers wrote the same statements, for different subjects.

    A handler's statements touch only its own subject's rows (and rows keyed by
    the event's position), so the group's statements can be sent statement by
    statement, across its events: several events' first statements, then their
    second ones, and so on. That turns events of several statements each (a
    row, a register version, a timeline line) into a few multi-row runs.
    """

    def __init__(self) -> None:
        self.shape: tuple[str, ...] = ()
        self.subjects: set[Any] = set()
        self.rows: list[list[tuple[Any, ...]]] = []

    def takes(self, subject: Any, statements: list[tuple[str, tuple[Any, ...]]]) -> bool:
        if subject in self.subjects or tuple(sql for sql, _ in statements) != self.shape:
            return False
        self.subjects.add(subject)
        for column, (_, args) in zip(self.rows, statements, strict=True):
            column.append(args)
        return True

    def start(self, subject: Any, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        self.shape = tuple(sql for sql, _ in statements)
        self.subjects = {subject}
        self.rows = [[args] for _, args in statements]

    def flush(self, runs: Runs) -> None:
        for sql, many in zip(self.shape, self.rows, strict=True):
            if runs and runs[-1][0] == sql:
                runs[-1][1].extend(many)
            else:
                runs.append((sql, many))
        self.shape, self.subjects, self.rows = (), set(), []


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
