"""One-time links: invitations and password resets.

The link carries a random token; the database keeps only its SHA-256 (as for
sessions), so a copy of the database cannot be used to take over an account.
A token is redeemed by one conditional UPDATE, so of two people (or two tabs)
using the same link at once, exactly one gets through.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

import asyncpg
import msgspec

Purpose = Literal["invitation", "password_reset"]
INVITATION: Purpose = "invitation"
PASSWORD_RESET: Purpose = "password_reset"  # noqa: S105 (a purpose, not a password)
INVITATION_LIFETIME = timedelta(days=14)
PASSWORD_RESET_LIFETIME = timedelta(hours=1)
# Used and expired links are kept a while, so a late click says "used" or
# "expired" rather than "not recognised".
KEEP_FOR = timedelta(days=30)


class OneTimeLink(msgspec.Struct, frozen=True):
    """What a one-time link is for, and whether it can still be used."""

    purpose: str
    account_id: UUID | None
    member_id: UUID | None
    expires_at: datetime
    used_at: datetime | None

    def state(self, now: datetime) -> Literal["ready", "used", "expired"]:
        """Whether the link can be used now, or why not."""
        if self.used_at is not None:
            return "used"
        return "ready" if self.expires_at > now else "expired"


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


_SELECT = "SELECT purpose, account_id, member_id, expires_at, used_at FROM one_time_tokens"


async def issue(
    conn: asyncpg.Connection,
    purpose: Purpose,
    *,
    now: datetime,
    lifetime: timedelta,
    account_id: UUID | None = None,
    member_id: UUID | None = None,
) -> str:
    """A new token for one person; their older unused ones of this purpose stop working."""
    person = str(member_id if purpose == INVITATION else account_id)
    token = secrets.token_urlsafe(32)
    async with conn.transaction():
        # One issuer per person at a time, so two at once cannot both leave a live link.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"{purpose}:{person}")
        await conn.execute(
            "DELETE FROM one_time_tokens WHERE purpose = $1 AND used_at IS NULL"
            " AND (member_id = $2 OR account_id = $3)",
            purpose,
            member_id,
            account_id,
        )
        await conn.execute(
            "INSERT INTO one_time_tokens (token_hash, purpose, account_id, member_id,"
            " created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            _hash(token),
            purpose,
            account_id,
            member_id,
            now,
            now + lifetime,
        )
    return token


async def look_up(pool: asyncpg.Pool, purpose: Purpose, token: str) -> OneTimeLink | None:
    """The token, used or not, if it exists and is for ``purpose``."""
    row = await pool.fetchrow(
        _SELECT + " WHERE token_hash = $1 AND purpose = $2",
        _hash(token),
        purpose,
    )
    return OneTimeLink(**dict(row)) if row else None


async def redeem(
    conn: asyncpg.Connection, purpose: Purpose, token: str, now: datetime
) -> OneTimeLink | None:
    """Use the token, if it is unused and unexpired; None if it cannot be used.

    Run it in the transaction that does what the token allows: the row stays
    locked until then, and a rollback leaves the token unused.
    """
    row = await conn.fetchrow(
        "UPDATE one_time_tokens SET used_at = $3 WHERE token_hash = $1 AND purpose = $2"
        " AND used_at IS NULL AND expires_at > $3"
        " RETURNING purpose, account_id, member_id, expires_at, used_at",
        _hash(token),
        purpose,
        now,
    )
    return OneTimeLink(**dict(row)) if row else None


async def remove_old_links(pool: asyncpg.Pool, now: datetime) -> None:
    """Forget links that expired more than KEEP_FOR ago."""
    await pool.execute("DELETE FROM one_time_tokens WHERE expires_at <= $1", now - KEEP_FOR)


async def open_invitation(
    pool: asyncpg.Pool, member_id: UUID, now: datetime
) -> tuple[datetime, datetime] | None:
    """When the member's newest unused, unexpired invitation was sent, and when it expires."""
    row = await pool.fetchrow(
        "SELECT created_at, expires_at FROM one_time_tokens WHERE purpose = 'invitation'"
        " AND member_id = $1 AND used_at IS NULL AND expires_at > $2"
        " ORDER BY created_at DESC LIMIT 1",
        member_id,
        now,
    )
    return None if row is None else (row["created_at"], row["expires_at"])
