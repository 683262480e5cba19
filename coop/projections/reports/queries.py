"""What the reports pages read: the signed checkpoints of the log."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec


class CheckpointRow(msgspec.Struct, frozen=True, kw_only=True):
    """One signed checkpoint as published: the note exactly as signed, with cosignatures."""

    id: int
    size: int
    made_at: datetime
    reason: str
    note: str


async def checkpoints(pool: asyncpg.Pool, *, limit: int = 100) -> list[CheckpointRow]:
    """The newest checkpoints first."""
    rows = await pool.fetch(
        "SELECT id, size, made_at, reason, note FROM audit_checkpoints ORDER BY id DESC LIMIT $1",
        limit,
    )
    return [CheckpointRow(**dict(r)) for r in rows]


async def checkpoint(pool: asyncpg.Pool, checkpoint_id: int) -> CheckpointRow | None:
    row = await pool.fetchrow(
        "SELECT id, size, made_at, reason, note FROM audit_checkpoints WHERE id = $1",
        checkpoint_id,
    )
    return None if row is None else CheckpointRow(**dict(row))
