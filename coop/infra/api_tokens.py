"""Bearer tokens for the JSON API; the database keeps only their SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def issue_api_token(
    pool: asyncpg.Pool, account_id: UUID, now: datetime, hours: int
) -> tuple[str, datetime]:
    """A bearer token for the JSON API; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=hours)
    await pool.execute(
        "INSERT INTO api_tokens (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        _hash(token),
        account_id,
        now,
        expires,
    )
    return token, expires


async def api_token_account(pool: asyncpg.Pool, token: str, now: datetime) -> UUID | None:
    """The account a live token signs in as, if any."""
    value = await pool.fetchval(
        "SELECT account_id FROM api_tokens WHERE token_hash = $1 AND expires_at > $2",
        _hash(token),
        now,
    )
    return UUID(str(value)) if value is not None else None


async def revoke_api_token(pool: asyncpg.Pool, token: str) -> None:
    """Make this token stop working."""
    await pool.execute("DELETE FROM api_tokens WHERE token_hash = $1", _hash(token))


async def remove_expired_api_tokens(pool: asyncpg.Pool, now: datetime) -> None:
    """Forget tokens that have expired."""
    await pool.execute("DELETE FROM api_tokens WHERE expires_at <= $1", now)


async def api_tokens_of(
    pool: asyncpg.Pool, account_id: UUID, now: datetime
) -> list[dict[str, Any]]:
    """The account's live tokens: when each was made and ends; never the token."""
    rows = await pool.fetch(
        "SELECT created_at, expires_at FROM api_tokens WHERE account_id = $1"
        " AND expires_at > $2 ORDER BY created_at",
        account_id,
        now,
    )
    return [dict(r) for r in rows]
