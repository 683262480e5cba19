"""Subject keys in PostgreSQL, for the write side (psycopg) and the read side (asyncpg).

Each key's other share is a file (``coop.infra.key_files``): destroying a key marks
its row destroyed, then overwrites and unlinks the file, which is what really
destroys it (the old row stays in the table's file and the WAL for a while).
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import asyncpg
from eventsourcing.postgres import PostgresDatastore

from coop.infra.key_files import key_files
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
    select = "SELECT subject_id, wrapped_key FROM subject_keys WHERE subject_id = ANY($1::uuid[])"
    rows = await conn.fetch(select, list(set(subjects)))
    wrapped = {r["subject_id"]: r["wrapped_key"] for r in rows}
    files = key_files()
    # A key destroyed between that read and reading its file: read its row again.
    gone = [s for s, w in wrapped.items() if w is not None and files.read(s) is None]
    if gone:
        wrapped.update({r["subject_id"]: r["wrapped_key"] for r in await conn.fetch(select, gone)})
    return preloaded(master, wrapped, files)


def destroy_keys(datastore: PostgresDatastore, subjects: Iterable[UUID]) -> None:
    """Erase these subjects' personal data everywhere by destroying their keys, at once.

    The rows first, so that no process takes a missing file for a lost one; then
    the files, which is what makes what remains in the database useless.
    """
    subjects = list(subjects)
    with datastore.transaction(commit=True) as curs:
        for subject in subjects:
            curs.execute(_DESTROY.format("%s"), (subject,))
    for subject in subjects:
        key_files().destroy(subject)


async def destroy_key(conn: asyncpg.Connection, subject: UUID) -> bool:
    """Erase a subject's personal data everywhere by destroying their key."""
    done = await conn.execute(_DESTROY.format("$1"), subject)
    key_files().destroy(subject)
    return bool(done.endswith(" 1"))


async def finish_destroying(db: asyncpg.Pool) -> int:
    """Destroy the files of keys whose rows were destroyed (a process stopped in between)."""
    files = key_files()
    present = list(files.subjects())
    rows = await db.fetch(
        "SELECT subject_id FROM subject_keys"
        " WHERE subject_id = ANY($1::uuid[]) AND wrapped_key IS NULL",
        present,
    )
    for r in rows:
        files.destroy(r["subject_id"])
    return len(rows)
