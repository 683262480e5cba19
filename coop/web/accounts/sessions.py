"""Server-side sessions in PostgreSQL, and the sign-in rate limit.

The cookie holds a random token; the database keeps only its SHA-256, so a
copy of the database cannot be used to take over a session. Signing in always
starts a new session (no fixation).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from coop.projections.accounts import ACCOUNT_SELECT, AccountRow

COOKIE = "coop_session"
FAILURE_WINDOW = timedelta(minutes=15)
# However active, a session ends this long after signing in.
LONGEST_SESSION = timedelta(days=7)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 30


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _subject(kind: str, value: str) -> str:
    """Who failed to sign in, hashed: the table holds no e-mail or address."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


async def start_session(pool: asyncpg.Pool, account_id: UUID, now: datetime, hours: int) -> str:
    """A new session for ``account_id``; returns the cookie's token."""
    token = secrets.token_urlsafe(32)
    await pool.execute(
        "INSERT INTO web_sessions (key, value, expires_at, started_at) VALUES ($1, $2, $3, $4)",
        _key(token),
        account_id.bytes,
        now + timedelta(hours=hours),
        now,
    )
    return token


# However often a session is used, its idle limit is written at most once a
# minute: most requests then write nothing (a write is a WAL flush per request).
TOUCH_EVERY = timedelta(minutes=1)

# One round trip: the session (if still valid), its idle limit moved on when it
# has fallen behind by more than TOUCH_EVERY (or when the setting has been
# shortened), and the account it signs in as the read side knows it.
_SIGNED_IN = (
    "WITH s AS ("  # noqa: S608 (constant SQL: the accounts projection's own select)
    "  SELECT key, value, expires_at,"
    "   least($3::timestamptz, started_at + $4::interval) AS renewed"
    "  FROM web_sessions WHERE key = $1 AND expires_at > $2),"
    " touched AS ("
    "  UPDATE web_sessions w SET expires_at = s.renewed FROM s WHERE w.key = s.key"
    "  AND (s.renewed < s.expires_at OR s.renewed > s.expires_at + $5::interval)) "
    + ACCOUNT_SELECT
    + " JOIN s ON a.account_id = encode(s.value, 'hex')::uuid"
)


async def session_user(
    pool: asyncpg.Pool, token: str, now: datetime, hours: int
) -> AccountRow | None:
    """The account signed in with ``token``, if the session is still valid.

    Using a session keeps it alive for another ``hours`` (an idle limit, so
    nobody loses their work mid-form), up to LONGEST_SESSION after signing in.
    """
    row = await pool.fetchrow(
        _SIGNED_IN, _key(token), now, now + timedelta(hours=hours), LONGEST_SESSION, TOUCH_EVERY
    )
    return AccountRow(**dict(row)) if row else None


async def end_session(pool: asyncpg.Pool, token: str) -> None:
    await pool.execute("DELETE FROM web_sessions WHERE key = $1", _key(token))


async def end_all_sessions(pool: asyncpg.Pool, account_id: UUID) -> None:
    """Sign the account out everywhere: its sessions and its API tokens."""
    await pool.execute("DELETE FROM web_sessions WHERE value = $1", account_id.bytes)
    await pool.execute("DELETE FROM api_tokens WHERE account_id = $1", account_id)


async def remove_expired(pool: asyncpg.Pool, now: datetime) -> None:
    await pool.execute("DELETE FROM web_sessions WHERE expires_at <= $1", now)
    await pool.execute("DELETE FROM sign_in_failures WHERE failed_at <= $1", now - FAILURE_WINDOW)
    await pool.execute("DELETE FROM api_tokens WHERE expires_at <= $1", now)


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
    await pool.executemany(
        "INSERT INTO sign_in_failures (subject, failed_at) VALUES ($1, $2)",
        [(_subject(kind + "email", email), now), (_subject(kind + "address", address), now)],
    )


async def clear_failures(pool: asyncpg.Pool, email: str) -> None:
    await pool.execute("DELETE FROM sign_in_failures WHERE subject = $1", _subject("email", email))


async def issue_api_token(
    pool: asyncpg.Pool, account_id: UUID, now: datetime, hours: int
) -> tuple[str, datetime]:
    """A bearer token for the JSON API; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=hours)
    await pool.execute(
        "INSERT INTO api_tokens (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        hashlib.sha256(token.encode()).digest(),
        account_id,
        now,
        expires,
    )
    return token, expires


async def api_token_account(pool: asyncpg.Pool, token: str, now: datetime) -> UUID | None:
    value = await pool.fetchval(
        "SELECT account_id FROM api_tokens WHERE token_hash = $1 AND expires_at > $2",
        hashlib.sha256(token.encode()).digest(),
        now,
    )
    return UUID(str(value)) if value is not None else None


async def revoke_api_token(pool: asyncpg.Pool, token: str) -> None:
    await pool.execute(
        "DELETE FROM api_tokens WHERE token_hash = $1", hashlib.sha256(token.encode()).digest()
    )
