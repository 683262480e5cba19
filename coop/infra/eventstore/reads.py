"""Named reads of the event log that the write side makes beyond loading an aggregate.

Each is one query on ``coop_events``, for the threads (psycopg, through the
library's datastore) or, where a vote needs it, for the event loop (asyncpg).
Rows come back as the library's ``StoredEvent``, for the application's mapper.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresDatastore

# A ballot's events newer than the version a process holds, and one member's vote.
_BALLOT_NEWS_AND_VOTE = (
    "SELECT originator_id, originator_version, topic, state FROM coop_events"
    " WHERE (originator_id = {0} AND originator_version > {1}) OR originator_id = {2}"
    " ORDER BY originator_version"
)
_NEWS_AND_VOTE_THREADS = _BALLOT_NEWS_AND_VOTE.format("%s", "%s", "%s")
_NEWS_AND_VOTE_LOOP = _BALLOT_NEWS_AND_VOTE.format("$1", "$2", "$3")


def _stored(row: Mapping[str, Any]) -> StoredEvent:
    return StoredEvent(
        originator_id=row["originator_id"],
        originator_version=row["originator_version"],
        topic=row["topic"],
        state=bytes(row["state"]),
    )


def ballot_news_and_vote(
    datastore: PostgresDatastore, ballot_id: UUID, since_version: int, vote_id: UUID
) -> list[StoredEvent]:
    """The ballot's events after ``since_version`` and every event of the vote, in one query."""
    with datastore.transaction(commit=False) as curs:
        curs.execute(_NEWS_AND_VOTE_THREADS, (ballot_id, since_version, vote_id), prepare=True)
        return [_stored(r) for r in curs.fetchall()]


async def ballot_news_and_vote_on_loop(
    pool: asyncpg.Pool, ballot_id: UUID, since_version: int, vote_id: UUID
) -> list[StoredEvent]:
    """``ballot_news_and_vote``, from the event loop."""
    rows = await pool.fetch(_NEWS_AND_VOTE_LOOP, ballot_id, since_version, vote_id)
    return [_stored(r) for r in rows]


def newest_version(events: Iterable[StoredEvent], originator_id: UUID) -> int:
    """The newest version of ``originator_id`` among ``events``, or 0 if it has none."""
    return max(
        (e.originator_version for e in events if e.originator_id == originator_id), default=0
    )


def position_of(datastore: PostgresDatastore, originator_id: UUID, topic: str) -> int | None:
    """The position in the log of the aggregate's event of this (stored) topic, if any."""
    with datastore.transaction(commit=False) as curs:
        curs.execute(
            "SELECT notification_id FROM coop_events WHERE originator_id = %s AND topic = %s",
            (originator_id, topic),
        )
        row = curs.fetchone()
    return None if row is None else int(row["notification_id"])


def events_before(
    datastore: PostgresDatastore, originator_ids: Sequence[UUID], position: int
) -> list[StoredEvent]:
    """Every event of these aggregates recorded before ``position``, in log order."""
    with datastore.transaction(commit=False) as curs:
        curs.execute(
            "SELECT originator_id, originator_version, topic, state FROM coop_events"
            " WHERE originator_id = ANY(%s) AND notification_id < %s ORDER BY notification_id",
            (list(originator_ids), position),
        )
        return [_stored(r) for r in curs.fetchall()]


def stored_among(datastore: PostgresDatastore, originator_ids: Sequence[UUID]) -> set[UUID]:
    """Which of these aggregates have events in the log."""
    with datastore.transaction(commit=False) as curs:
        curs.execute(
            "SELECT DISTINCT originator_id FROM coop_events WHERE originator_id = ANY(%s)",
            (list(originator_ids),),
        )
        return {r["originator_id"] for r in curs.fetchall()}


def news_of(datastore: PostgresDatastore, versions: Mapping[UUID, int]) -> list[StoredEvent]:
    """Every event of these aggregates after the version held of each (0: all), in one query."""
    with datastore.transaction(commit=False) as curs:
        curs.execute(
            "SELECT e.originator_id, e.originator_version, e.topic, e.state"
            " FROM unnest(%s::uuid[], %s::bigint[]) AS r(id, version)"
            " JOIN coop_events e ON e.originator_id = r.id AND e.originator_version > r.version"
            " ORDER BY e.originator_id, e.originator_version",
            (list(versions), list(versions.values())),
            prepare=True,
        )
        return [_stored(r) for r in curs.fetchall()]
