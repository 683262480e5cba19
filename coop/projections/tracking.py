"""Where each projection has got to, in ``projection_tracking``, and its lock."""

from __future__ import annotations

import asyncpg

PROGRESS_CHANNEL = "coop_projections"  # we NOTIFY "name:position" after each batch


async def try_lock(conn: asyncpg.Connection, name: str) -> bool:
    """The projection's lock for this transaction, unless another worker holds it."""
    return bool(
        await conn.fetchval(
            "SELECT pg_try_advisory_xact_lock(hashtext('coop:projection:' || $1))", name
        )
    )


async def lock(conn: asyncpg.Connection, name: str) -> None:
    """The projection's lock for this transaction, waiting for it if need be."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('coop:projection:' || $1))", name)


async def position(conn: asyncpg.Connection, name: str) -> int:
    """The projection's position, locked for this transaction (a new projection starts at 0)."""
    await conn.execute(
        "INSERT INTO projection_tracking (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", name
    )
    position: int = await conn.fetchval(
        "SELECT position FROM projection_tracking WHERE name = $1 FOR UPDATE", name
    )
    return position


async def record_position(conn: asyncpg.Connection, name: str, position: int) -> None:
    await conn.execute(
        "UPDATE projection_tracking SET position = $2 WHERE name = $1", name, position
    )
    await conn.execute("SELECT pg_notify($1, $2)", PROGRESS_CHANNEL, f"{name}:{position}")


async def positions(conn: asyncpg.Connection) -> dict[str, int]:
    """Every projection's position, as recorded."""
    return {
        r["name"]: r["position"]
        for r in await conn.fetch("SELECT name, position FROM projection_tracking")
    }


async def pass_over(conn: asyncpg.Connection, names: list[str], head: int) -> None:
    """Move projections with nothing to apply up to ``head``, in one statement.

    Only those whose lock is free and that are behind; the caller has found
    that none of their kinds of event lies between their position and ``head``.
    """
    await conn.execute(
        "WITH moved AS ("
        " UPDATE projection_tracking SET position = $1"
        " WHERE name = ANY($2::text[]) AND position < $1"
        " AND pg_try_advisory_xact_lock(hashtext('coop:projection:' || name))"
        " RETURNING name)"
        " SELECT pg_notify($3, name || ':' || $1) FROM moved",
        head,
        names,
        PROGRESS_CHANNEL,
    )
