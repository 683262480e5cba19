"""The random reference that lets an applicant, and only them, follow their application.

A member's id cannot be the key to this page: imported members' ids are uuid5s of
their membership numbers and so can be listed. The reference is random, given once (in
the address the applicant is sent to after applying) and kept only as its SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from uuid import UUID

import asyncpg


def _hash(reference: str) -> bytes:
    return hashlib.sha256(reference.encode()).digest()


async def issue_application_reference(pool: asyncpg.Pool, member_id: UUID, now: datetime) -> str:
    """A new unguessable reference for this application (192 random bits)."""
    reference = secrets.token_urlsafe(24)
    await pool.execute(
        "INSERT INTO application_references (reference_hash, member_id, created_at)"
        " VALUES ($1, $2, $3)",
        _hash(reference),
        member_id,
        now,
    )
    return reference


async def application_by_reference(pool: asyncpg.Pool, reference: str) -> UUID | None:
    """The application this reference was given for, if it was given for one."""
    value = await pool.fetchval(
        "SELECT member_id FROM application_references WHERE reference_hash = $1",
        _hash(reference),
    )
    return UUID(str(value)) if value is not None else None
