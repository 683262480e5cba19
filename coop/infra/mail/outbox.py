"""The outbox: mail waits here, in the database, until it is sent.

Whoever has something to say writes a row (in the same transaction as the
change it announces, when there is one); a sender delivers it later. Without
a mail server, the office reads the messages on the outbox page instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import asyncpg
import msgspec

# Senders LISTEN here, so new mail goes out at once rather than at the next poll.
CHANNEL = "coop_outbox"
# Sent mail is kept this long for the office to look back on, then deleted
# (it holds people's e-mail addresses and names).
KEEP_SENT_FOR = timedelta(days=30)


class Mail(msgspec.Struct, frozen=True):
    """A message in the outbox, waiting or sent."""

    id: int
    to_address: str
    subject: str
    body: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    confidential: bool


SELECT = (
    "SELECT id, to_address, subject, body, created_at, sent_at, attempts, last_error,"
    " next_attempt_at, confidential FROM outbox"
)


async def enqueue(
    db: Any, to: str, subject: str, body: str, *, now: datetime, confidential: bool = False
) -> int:
    """Put a message in the outbox (``db``: a pool, or a connection in a transaction).

    ``confidential``: only the recipient may read it (it holds a password-reset
    link), so the office sees that it exists but not what it says.
    """
    mail_id: int = await db.fetchval(
        "INSERT INTO outbox (to_address, subject, body, created_at, next_attempt_at,"
        " confidential) VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
        to,
        subject,
        body,
        now,
        confidential,
    )
    # Delivered to listeners when the transaction commits, and not at all if it rolls back.
    await db.execute("SELECT pg_notify($1, '')", CHANNEL)
    return mail_id


async def recent(pool: asyncpg.Pool, limit: int = 200) -> list[Mail]:
    """The newest messages first, waiting and sent."""
    rows = await pool.fetch(SELECT + " ORDER BY id DESC LIMIT $1", limit)
    return [Mail(**dict(r)) for r in rows]


async def waiting(pool: asyncpg.Pool) -> tuple[int, int]:
    """How many messages wait to be sent, and how many of those have failed at least once."""
    row = await pool.fetchrow(
        "SELECT count(*), count(*) FILTER (WHERE attempts > 0) FROM outbox WHERE sent_at IS NULL"
    )
    return row[0], row[1]


async def message(pool: asyncpg.Pool, mail_id: int) -> Mail | None:
    row = await pool.fetchrow(SELECT + " WHERE id = $1", mail_id)
    return Mail(**dict(row)) if row else None


async def remove_old(pool: asyncpg.Pool, now: datetime) -> None:
    await pool.execute("DELETE FROM outbox WHERE sent_at <= $1", now - KEEP_SENT_FOR)
