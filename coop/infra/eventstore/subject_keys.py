"""Subject keys in PostgreSQL, for the write side (psycopg) and the read side (asyncpg)."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import asyncpg
from eventsourcing.postgres import PostgresDatastore

from coop.infra.sealing import KeyRing, preloaded

_DESTROY = (
    "UPDATE subject_keys SET wrapped_key = NULL, destroyed_at = now()"
    " WHERE subject_id = {} AND wrapped_key IS NOT NULL"
)
_SELECT = "SELECT wrapped_key FROM subject_keys WHERE subject_id = %s"
# DO UPDATE (a no-op) rather than DO NOTHING, so the row comes back either way.
_UPSERT = (
    "INSERT INTO subject_keys (subject_id, wrapped_key) VALUES (%s, %s)"
    " ON CONFLICT (subject_id) DO UPDATE SET subject_id = EXCLUDED.subject_id"
    " RETURNING wrapped_key"
)


def database_keyring(datastore: PostgresDatastore, master: bytes) -> KeyRing:
    """The write side's key ring: creates keys for new subjects."""

    def load(subject: UUID) -> bytes | None:
        with datastore.get_connection() as conn, conn.cursor() as curs:
            row = curs.execute(_SELECT, (subject,), prepare=True).fetchone()
        if row is None:
            raise KeyError(subject)
        return None if row["wrapped_key"] is None else bytes(row["wrapped_key"])

    def create(subject: UUID, wrapped: bytes) -> bytes | None:
        with datastore.get_connection() as conn, conn.cursor() as curs:
            row = curs.execute(_UPSERT, (subject, wrapped), prepare=True).fetchone()
        assert row is not None
        return None if row["wrapped_key"] is None else bytes(row["wrapped_key"])

    return KeyRing(master, load, create)


async def batch_keyring(
    conn: asyncpg.Connection, master: bytes, subjects: Iterable[UUID]
) -> KeyRing:
    """A read-only key ring holding the keys of ``subjects`` (one query)."""
    rows = await conn.fetch(
        "SELECT subject_id, wrapped_key FROM subject_keys WHERE subject_id = ANY($1::uuid[])",
        list(set(subjects)),
    )
    return preloaded(master, {r["subject_id"]: r["wrapped_key"] for r in rows})


def destroy_keys(datastore: PostgresDatastore, subjects: Iterable[UUID]) -> None:
    """Erase these subjects' personal data everywhere by destroying their keys, at once."""
    with datastore.transaction(commit=True) as curs:
        for subject in subjects:
            curs.execute(_DESTROY.format("%s"), (subject,))


async def destroy_key(conn: asyncpg.Connection, subject: UUID) -> bool:
    """Erase a subject's personal data everywhere by destroying their key."""
    done = await conn.execute(_DESTROY.format("$1"), subject)
    return bool(done.endswith(" 1"))
