"""What the operational tables hold about a person outside the event log.

The event log is dealt with by destroying keys (``Coop.erase``); the read models
by the ``Member.Erased`` event. These tables are not events: mail to the
person's addresses (its text names them), one-time links, sessions and API
tokens, and the secrets of their care calendar feeds. Subject access reads them;
erasure clears them.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from coop.infra.sessions import end_all_sessions


async def mail_to(pool: asyncpg.Pool, addresses: list[str]) -> list[dict[str, Any]] | None:
    """Mail to these addresses (not its body: it may hold one-time links); None without an outbox."""
    if await pool.fetchval("SELECT to_regclass('outbox')") is None:
        return None
    rows = await pool.fetch(
        "SELECT to_address AS to, subject, created_at AS created, sent_at AS sent FROM outbox"
        " WHERE lower(to_address) = ANY($1::text[]) ORDER BY id",
        addresses,
    )
    return [dict(r) for r in rows]


async def clear_traces(
    pool: asyncpg.Pool, member_id: UUID, addresses: list[str], account_id: UUID | None
) -> None:
    """Delete mail to these addresses, and the person's links, sessions, tokens and feeds."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "DELETE FROM outbox WHERE lower(to_address) = ANY($1::text[])", addresses
        )
        await conn.execute(
            "DELETE FROM one_time_tokens WHERE member_id = $1 OR account_id = $2",
            member_id,
            account_id,
        )
        # A feed's secret URL would otherwise outlive the person it names.
        await conn.execute("DELETE FROM care_feed_tokens WHERE owner_id = $1", member_id)
    if account_id is not None:
        await end_all_sessions(pool, account_id)
