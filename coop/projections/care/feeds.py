"""The iCalendar feeds' secrets and their visits, on the read side.

A feed is read by a calendar app at a secret URL, with no sign-in, so the
secret is the only key: 32 random bytes, of which only the SHA-256 is kept
(``care_feed_tokens``, migration 0018). It is operational state, like
sessions and API tokens, not a fact of the co-op: it stays out of the event
log, which is immutable and exported with the audit chain, and revoking it is
deleting its row, effective at once. The owner renews it (a new secret, the
old one dead) or revokes it; the web layer checks that the signed-in person is
the owner, as for their other settings.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from enum import StrEnum
from uuid import UUID

import asyncpg
import msgspec

from coop.projections.care.calendar import FeedVisit


class FeedKind(StrEnum):
    PA = "pa"  # the PA's rota
    USER = "user"  # the user's visits


class FeedOwner(msgspec.Struct, frozen=True):
    owner_id: UUID
    kind: FeedKind
    name: str


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def renew_feed_token(
    pool: asyncpg.Pool, owner_id: UUID, kind: FeedKind, now: datetime
) -> str:
    """A new secret for the owner's feed (the old one, if any, stops working): shown once."""
    token = secrets.token_urlsafe(32)
    await pool.execute(
        "INSERT INTO care_feed_tokens (owner_id, kind, token_hash, created_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (owner_id, kind)"
        " DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at",
        owner_id,
        str(kind),
        _hash(token),
        now,
    )
    return token


async def revoke_feed_token(pool: asyncpg.Pool, owner_id: UUID, kind: FeedKind) -> bool:
    """Stop the owner's feed; True if there was one."""
    status = await pool.execute(
        "DELETE FROM care_feed_tokens WHERE owner_id = $1 AND kind = $2", owner_id, str(kind)
    )
    return bool(status != "DELETE 0")


async def feed_started(pool: asyncpg.Pool, owner_id: UUID, kind: FeedKind) -> datetime | None:
    """When the owner's current secret was made (None: they have no feed)."""
    started: datetime | None = await pool.fetchval(
        "SELECT created_at FROM care_feed_tokens WHERE owner_id = $1 AND kind = $2",
        owner_id,
        str(kind),
    )
    return started


async def feed_owner(pool: asyncpg.Pool, token: str) -> FeedOwner | None:
    """Whose feed a secret opens (None if unknown, revoked, or the owner is erased)."""
    row = await pool.fetchrow(
        "SELECT t.owner_id, t.kind, coalesce(nullif(m.preferred_name, ''), m.name)"
        " FROM care_feed_tokens t JOIN members m ON m.member_id = t.owner_id"
        " WHERE t.token_hash = $1 AND m.erased_on IS NULL",
        _hash(token),
    )
    return None if row is None else FeedOwner(row[0], FeedKind(row[1]), row[2])


_FIELDS = "v.visit_id, v.starts_at, v.ends_at, v.state, v.version"
_OTHER = "coalesce(nullif(m.preferred_name, ''), m.name)"


async def feed_visits(pool: asyncpg.Pool, owner: FeedOwner, since: datetime) -> list[FeedVisit]:
    """The owner's visits starting from ``since``, in order, for their feed."""
    if owner.kind is FeedKind.USER:
        sql = (
            f"SELECT {_FIELDS}, {_OTHER}, false FROM care_visits v"
            " LEFT JOIN members m ON m.member_id = v.pa_id"
            " WHERE v.user_id = $1 AND v.starts_at >= $2"
        )
    else:
        sql = (
            f"SELECT {_FIELDS}, {_OTHER}, false FROM care_visits v"
            " JOIN members m ON m.member_id = v.user_id"
            " WHERE v.pa_id = $1 AND v.starts_at >= $2"
            f" UNION ALL SELECT {_FIELDS}, {_OTHER}, true FROM care_visits v"
            " JOIN members m ON m.member_id = v.user_id"
            " WHERE v.former_pas @> ARRAY[$1::uuid] AND v.former_pas <> '{}'"
            " AND v.pa_id IS DISTINCT FROM $1 AND v.starts_at >= $2"
        )
    rows = await pool.fetch(sql + " ORDER BY 2, 1", owner.owner_id, since)
    return [FeedVisit(*r) for r in rows]
