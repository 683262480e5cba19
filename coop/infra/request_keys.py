"""Idempotency keys: a command's request key, saved with its events.

A request that carries a key (a form's hidden field, the API's Idempotency-Key
header) runs its command with ``REQUEST_KEY`` set. Both group commits read it as
a save is queued and put the key into the database in the same statement as the
save's events (migration 0021), so "it was done" and "its key is known" commit
together or not at all. The web layer (coop/web/request_keys.py) looks a key up
before running a request again and records the answer once it is given.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import NamedTuple

import asyncpg

# How long a request's outcome is kept for a retry to find.
KEPT_FOR = timedelta(days=7)


class RequestKey(NamedTuple):
    """Whose request, its key, and what it asked for."""

    who: str
    key: str
    fingerprint: str


class Outcome(NamedTuple):
    """What a keyed request did, and its answer if it was given."""

    fingerprint: str
    event_position: int  # the first event its command saved
    recorded_at: datetime
    status: int | None
    location: str | None
    content_type: str | None
    body: bytes | None


class RequestDone(Exception):
    """The request with this key was done already (sent twice at once): nothing was saved
    for this one, and it is answered as the first was."""

    def __init__(self) -> None:
        super().__init__("This request was done already.")


# The SQLSTATE coop_insert_events_keyed refuses a key saved already with (migration 0021).
KEY_TAKEN = "23C02"


def done_already_or(error: BaseException) -> BaseException:
    """``RequestDone`` if ``error`` is the event store refusing a key saved already; else
    ``error`` (the library wraps psycopg's error: its cause carries the SQLSTATE)."""
    cause = error.__cause__
    return RequestDone() if getattr(cause, "sqlstate", None) == KEY_TAKEN else error


# The key of the request whose command is running here (threads copy it from the
# request's context: anyio runs each command in a copy of it).
REQUEST_KEY: ContextVar[RequestKey | None] = ContextVar("coop_request_key", default=None)


async def outcome(pool: asyncpg.Pool, who: str, key: str) -> Outcome | None:
    """What the request with this key did, if it saved anything."""
    row = await pool.fetchrow(
        "SELECT fingerprint, event_position, recorded_at, status, location, content_type, body"
        " FROM coop_request_keys WHERE who = $1 AND key = $2",
        who,
        key,
    )
    return Outcome(*row) if row else None


async def record_answer(
    pool: asyncpg.Pool,
    request: RequestKey,
    status: int,
    location: str | None,
    content_type: str | None,
    body: bytes | None,
) -> None:
    """Keep the first answer to a keyed request whose command saved something."""
    await pool.execute(
        "UPDATE coop_request_keys SET status = $3, location = $4, content_type = $5, body = $6"
        " WHERE who = $1 AND key = $2 AND status IS NULL",
        request.who,
        request.key,
        status,
        location,
        content_type,
        body,
    )


async def remove_old_request_keys(pool: asyncpg.Pool, now: datetime) -> None:
    """Forget outcomes older than anyone would retry."""
    await pool.execute("DELETE FROM coop_request_keys WHERE recorded_at < $1", now - KEPT_FOR)
