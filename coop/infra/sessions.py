"""Server-side sessions in PostgreSQL.

The cookie holds a random token; the database keeps only its SHA-256, so a
copy of the database cannot be used to take over a session. Signing in always
starts a new session (no fixation).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

# However active, a session ends this long after signing in.
LONGEST_SESSION = timedelta(days=7)
# However often a session is used, its idle limit is written at most once a
# minute: most requests then write nothing (a write is a WAL flush per request).
TOUCH_EVERY = timedelta(minutes=1)

# The session (if still valid) and its idle limit moved on when it has fallen
# behind by more than TOUCH_EVERY (or when the setting has been shortened), as
# a WITH clause: the accounts projection joins its own select to ``s`` so that
# signing a request in is one round trip (see ``session_arguments``).
LIVE_SESSION = (
    "WITH s AS ("
    "  SELECT key, value, expires_at,"
    "   least($3::timestamptz, started_at + $4::interval) AS renewed"
    "  FROM web_sessions WHERE key = $1 AND expires_at > $2),"
    " touched AS ("
    "  UPDATE web_sessions w SET expires_at = s.renewed FROM s WHERE w.key = s.key"
    "  AND (s.renewed < s.expires_at OR s.renewed > s.expires_at + $5::interval)) "
)


def session_key(token: str) -> str:
    """What the database keeps of a session's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def session_arguments(token: str, now: datetime, hours: int) -> tuple[Any, ...]:
    """The arguments of LIVE_SESSION: using a session keeps it alive for another
    ``hours`` (an idle limit, so nobody loses their work mid-form), up to
    LONGEST_SESSION after signing in."""
    return (session_key(token), now, now + timedelta(hours=hours), LONGEST_SESSION, TOUCH_EVERY)


async def start_session(pool: asyncpg.Pool, account_id: UUID, now: datetime, hours: int) -> str:
    """A new session for ``account_id``; returns the cookie's token."""
    token = secrets.token_urlsafe(32)
    await pool.execute(
        "INSERT INTO web_sessions (key, value, expires_at, started_at) VALUES ($1, $2, $3, $4)",
        session_key(token),
        account_id.bytes,
        now + timedelta(hours=hours),
        now,
    )
    return token


async def end_session(pool: asyncpg.Pool, token: str) -> None:
    """Sign out of this one session."""
    await pool.execute("DELETE FROM web_sessions WHERE key = $1", session_key(token))


async def end_all_sessions(pool: asyncpg.Pool, account_id: UUID) -> None:
    """Sign the account out everywhere: its sessions and its API tokens."""
    await pool.execute("DELETE FROM web_sessions WHERE value = $1", account_id.bytes)
    await pool.execute("DELETE FROM api_tokens WHERE account_id = $1", account_id)


async def remove_expired_sessions(pool: asyncpg.Pool, now: datetime) -> None:
    """Forget sessions that have ended."""
    await pool.execute("DELETE FROM web_sessions WHERE expires_at <= $1", now)


async def sessions_of(
    pool: asyncpg.Pool, account_id: UUID, now: datetime, session_hours: int
) -> list[dict[str, Any]]:
    """Active sessions: when each started, was last used and ends; never its token."""
    rows = await pool.fetch(
        "SELECT started_at, expires_at FROM web_sessions WHERE value = $1 AND expires_at > $2"
        " ORDER BY started_at",
        account_id.bytes,
        now,
    )
    idle = timedelta(hours=session_hours)
    out = []
    for r in rows:
        # Each use moves the end to (use + idle), capped at LONGEST_SESSION after the
        # start, so the last use is the end less the idle time (at least, once capped).
        last_used = max(r["started_at"], r["expires_at"] - idle)
        capped = r["expires_at"] >= r["started_at"] + LONGEST_SESSION
        out.append(
            {
                "started_at": r["started_at"],
                "last_used_at": last_used,
                "last_used_at_is_earliest_possible": capped,
                "expires_at": r["expires_at"],
            }
        )
    return out
