"""Seals: only coop can write an event that verifies.

The database computes each event's link (migrations/0002_audit_chain.sql), so
anyone who can write to the database can also extend the chain, or rewrite it
consistently from some event on. A seal is an HMAC of an event's link under a
key derived from COOP_SECRET_KEY, which never enters the database. The writer
seals the links that its insert hands back (migration 0023); an event that
coop did not write has no seal, and one changed, moved or re-chained since has
a seal that no longer matches.

A log that already had events when sealing began gets one *history* seal, on
its head at that moment: through the chain it covers every event before it.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Sequence

import asyncpg
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

EVENT = "event"
HISTORY = "history"
_LABELS = {EVENT: b"coop event seal v1", HISTORY: b"coop history seal v1"}

# The writers' statement (asyncpg numbering; the threads' recorder swaps in %s).
SEAL = "SELECT coop_seal_events($1, $2)"


def seal_key(secret_key: str) -> bytes:
    """The key that seals events, derived from the app's secret."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"coop audit seals").derive(
        secret_key.encode()
    )


def seal(key: bytes, notification_id: int, link: bytes, kind: str = EVENT) -> bytes:
    """The seal of the event at ``notification_id`` whose link is ``link``."""
    inner, outer = _keyed(key)
    hashed = inner.copy()
    hashed.update(_LABELS[kind] + notification_id.to_bytes(8, "big", signed=True) + link)
    sealed = outer.copy()
    sealed.update(hashed.digest())
    return sealed.digest()


@functools.lru_cache(maxsize=8)
def _keyed(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    """HMAC-SHA256 (RFC 2104) with the key's two padded blocks hashed once, not per seal:
    `coop audit verify` checks millions, and this was a third of its time."""
    block = key if len(key) <= 64 else hashlib.sha256(key).digest()
    block = block.ljust(64, b"\0")
    return (
        hashlib.sha256(bytes(b ^ 0x36 for b in block)),
        hashlib.sha256(bytes(b ^ 0x5C for b in block)),
    )


def is_sealed(key: bytes, notification_id: int, link: bytes, kind: str, stored: bytes) -> bool:
    """Whether ``stored`` is the seal coop would have written (in constant time)."""
    return hmac.compare_digest(seal(key, notification_id, link, kind), stored)


def seals_for(key: bytes, links: Sequence[tuple[int, bytes]]) -> tuple[list[int], list[bytes]]:
    """The arguments of SEAL for the events just inserted, as (position, link)."""
    return [n for n, _ in links], [seal(key, n, link) for n, link in links]


async def seal_history(conn: asyncpg.Connection, key: bytes) -> int | None:
    """Seal the head of a log that has events but no seals yet (once, at start-up).

    Under the events table's lock, so the head cannot move meanwhile, and only
    if nothing is sealed yet: a log coop has been sealing never gets another
    history seal (that would bless whatever was slipped in since). Returns the
    position sealed, if any.
    """
    async with conn.transaction():
        await conn.execute("LOCK TABLE coop_events IN EXCLUSIVE MODE")
        if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM audit_seals)"):
            return None
        head = await conn.fetchrow(
            "SELECT notification_id, link FROM audit_chain ORDER BY notification_id DESC LIMIT 1"
        )
        if head is None:
            return None
        position, link = head["notification_id"], bytes(head["link"])
        await conn.execute(
            "INSERT INTO audit_seals (notification_id, kind, seal) VALUES ($1, $2, $3)",
            position,
            HISTORY,
            seal(key, position, link, HISTORY),
        )
        return int(position)


SEALS_MIGRATION = "0023_audit_seals_and_checkpoints.sql"


async def start_sealing(url: str, secret_key: str, applied: Sequence[str]) -> int | None:
    """After the migrations: a log from before sealing gets its history seal.

    Only by the process that has just created the seals table (``applied``):
    otherwise someone who deleted every seal could have coop bless whatever
    they left at its next start. `coop audit seal-history` does it by hand.
    """
    if SEALS_MIGRATION not in applied:
        return None
    return await seal_history_now(url, secret_key)


async def seal_history_now(url: str, secret_key: str) -> int | None:
    """The history seal, if nothing is sealed yet (``coop audit seal-history``)."""
    conn = await asyncpg.connect(url)
    try:
        return await seal_history(conn, seal_key(secret_key))
    finally:
        await conn.close()
