"""Rebuilding a projection blue/green: replay into fresh tables, then swap them in."""

from __future__ import annotations

import asyncpg

from coop.projections.base import Projection
from coop.projections.batches import apply_events, events_after
from coop.projections.tracking import lock, record_position

REBUILD_SUFFIX = "__rebuild"


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
            rows = await events_after(conn, position, batch)
            if not rows:
                break
            await apply_events(conn, projection, rows, fresh, master)
        position, replayed = rows[-1]["notification_id"], replayed + len(rows)
    async with conn.transaction():
        # Wait for the live worker's batch to finish, and keep it out until the swap is done.
        await lock(conn, projection.name)
        while rows := await events_after(conn, position, batch):
            await apply_events(conn, projection, rows, fresh, master)
            position, replayed = rows[-1]["notification_id"], replayed + len(rows)
        for table, new in fresh.items():
            await conn.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
            names = await _index_names(conn, table)
            await conn.execute(f'DROP TABLE "{table}"')
            await conn.execute(f'ALTER TABLE "{new}" RENAME TO "{table}"')
            await _restore_index_names(conn, table, names)
        await record_position(conn, projection.name, position)
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
