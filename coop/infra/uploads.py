"""Files checked on the import page, kept a short while so they can be imported.

The bytes are sealed with a fresh key that is handed to the trustee's browser in
the "Import these members" form and never stored (migrations/0011). Only the
account that uploaded a file can import it, within ``LIFETIME``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

LIFETIME = timedelta(hours=1)  # from checking a file to importing it
KEEP_FOR = timedelta(days=1)  # the confirmation page reads the counts until then
_NONCE = 12


class Upload(msgspec.Struct, frozen=True):
    """A checked file: who uploaded it, its name and fingerprint, and what importing it did."""

    id: UUID
    filename: str
    sha256: str
    imported: int | None
    already_there: int | None


async def keep(
    pool: asyncpg.Pool, data: bytes, *, filename: str, account_id: UUID, now: datetime
) -> tuple[UUID, str]:
    """Keep a checked file; its id and the key that opens it (for the form, not the database)."""
    upload_id, key, nonce = uuid4(), AESGCM.generate_key(bit_length=256), os.urandom(_NONCE)
    sealed = nonce + AESGCM(key).encrypt(nonce, data, upload_id.bytes)
    await pool.execute(
        "INSERT INTO import_uploads (id, account_id, filename, sha256, data, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        upload_id,
        account_id,
        filename,
        hashlib.sha256(data).digest(),
        sealed,
        now,
    )
    return upload_id, base64.urlsafe_b64encode(key).decode()


async def opened(
    pool: asyncpg.Pool, upload_id: UUID, key: str, *, account_id: UUID, now: datetime
) -> tuple[Upload, bytes] | None:
    """The file, if this account uploaded it, it has not expired, and ``key`` opens it."""
    row = await pool.fetchrow(
        "SELECT id, filename, sha256, data, imported, already_there FROM import_uploads"
        " WHERE id = $1 AND account_id = $2 AND created_at > $3 AND data IS NOT NULL",
        upload_id,
        account_id,
        now - LIFETIME,
    )
    if row is None:
        return None
    try:
        cipher = AESGCM(base64.urlsafe_b64decode(key.encode()))
        sealed: bytes = row["data"]
        data = cipher.decrypt(sealed[:_NONCE], sealed[_NONCE:], upload_id.bytes)
    except (ValueError, binascii.Error, InvalidTag):
        return None  # a key that is not this file's
    return _upload(row), data


async def mark_imported(
    pool: asyncpg.Pool, upload_id: UUID, *, imported: int, already_there: int
) -> None:
    """Record what importing the file did, and drop its bytes: they are in the log now.

    The same form sent twice at once imports the members once: the run that
    imported them is the one to show, whichever of the two finishes first.
    """
    await pool.execute(
        "UPDATE import_uploads SET data = NULL, imported = $2, already_there = $3,"
        " imported_at = now() WHERE id = $1 AND (imported IS NULL OR imported < $2)",
        upload_id,
        imported,
        already_there,
    )


async def imported(pool: asyncpg.Pool, upload_id: UUID, *, account_id: UUID) -> Upload | None:
    """A file this account has imported (for the confirmation page)."""
    row = await pool.fetchrow(
        "SELECT id, filename, sha256, imported, already_there FROM import_uploads"
        " WHERE id = $1 AND account_id = $2 AND imported_at IS NOT NULL",
        upload_id,
        account_id,
    )
    return None if row is None else _upload(row)


async def remove_old_uploads(pool: asyncpg.Pool, now: datetime) -> None:
    """Forget files checked more than a day ago, imported or not."""
    await pool.execute("DELETE FROM import_uploads WHERE created_at < $1", now - KEEP_FOR)


def _upload(row: asyncpg.Record) -> Upload:
    return Upload(
        id=row["id"],
        filename=row["filename"],
        sha256=bytes(row["sha256"]).hex(),
        imported=row["imported"],
        already_there=row["already_there"],
    )
