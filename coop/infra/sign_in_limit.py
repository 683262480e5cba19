"""The sign-in rate limit: failures counted per e-mail and per address, for a while.

The table holds no e-mail or address, only hashes of them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import asyncpg

FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 30


def _subject(kind: str, value: str) -> str:
    """Who failed to sign in, hashed: the table holds no e-mail or address."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


async def too_many_failures(
    pool: asyncpg.Pool, email: str, address: str, now: datetime, *, kind: str = ""
) -> bool:
    """True if sign-in for this e-mail or from this address is paused for a while.

    ``kind`` keeps other counts apart from sign-in's: asking for password-reset
    links is limited the same way, but must not pause anyone's sign-in.
    """
    counts = await pool.fetchrow(
        "SELECT count(*) FILTER (WHERE subject = $1) AS by_email,"
        " count(*) FILTER (WHERE subject = $2) AS by_address"
        " FROM sign_in_failures WHERE subject IN ($1, $2) AND failed_at > $3",
        _subject(kind + "email", email),
        _subject(kind + "address", address),
        now - FAILURE_WINDOW,
    )
    assert counts is not None
    return bool(
        counts["by_email"] >= MAX_FAILURES_PER_EMAIL
        or counts["by_address"] >= MAX_FAILURES_PER_ADDRESS
    )


async def record_failure(
    pool: asyncpg.Pool, email: str, address: str, now: datetime, *, kind: str = ""
) -> None:
    """Count one failure against this e-mail and this address."""
    await pool.executemany(
        "INSERT INTO sign_in_failures (subject, failed_at) VALUES ($1, $2)",
        [(_subject(kind + "email", email), now), (_subject(kind + "address", address), now)],
    )


async def clear_failures(pool: asyncpg.Pool, email: str) -> None:
    """Forget this e-mail's sign-in failures (it has just signed in)."""
    await pool.execute("DELETE FROM sign_in_failures WHERE subject = $1", _subject("email", email))


async def remove_old_failures(pool: asyncpg.Pool, now: datetime) -> None:
    """Forget failures older than the window they count in."""
    await pool.execute("DELETE FROM sign_in_failures WHERE failed_at <= $1", now - FAILURE_WINDOW)
