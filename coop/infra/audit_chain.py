"""The audit chain: recompute every link and name the first broken one.

The database writes the links (migrations/0002_audit_chain.sql); this module is
the independent check. It reads the events and links in log order, from the
live database or from an export file, and recomputes

    link = sha256(previous link ‖ int8(notification_id) ‖ uuid(originator_id)
                  ‖ int8(originator_version) ‖ utf8(topic) ‖ sha256(state))
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import asyncpg

GENESIS = bytes(32)


@dataclass(frozen=True)
class ChainedEvent:
    """One stored event with the link the database recorded for it (if any)."""

    notification_id: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes
    link: bytes | None
    previous_id: int | None


@dataclass(frozen=True)
class Verdict:
    """The outcome: how many links were checked, the head, and the first break."""

    count: int
    head: bytes
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def link(previous: bytes, event: ChainedEvent) -> bytes:
    """The link for ``event``, following ``previous``."""
    return hashlib.sha256(
        previous
        + event.notification_id.to_bytes(8, "big", signed=True)
        + event.originator_id.bytes
        + event.originator_version.to_bytes(8, "big", signed=True)
        + event.topic.encode("utf-8")
        + hashlib.sha256(event.state).digest()
    ).digest()


class ChainCheck:
    """Recomputes the chain one event at a time, in log order."""

    def __init__(self) -> None:
        self.head, self.previous_id, self.count = GENESIS, 0, 0

    def add(self, event: ChainedEvent) -> Verdict | None:
        """Check the next event; a Verdict if the chain breaks here."""
        expected = link(self.head, event)
        reason = ""
        if event.link is None:
            reason = "no link was recorded for it"
        elif event.previous_id != self.previous_id:
            reason = f"its link follows {event.previous_id}, but the event before it is {self.previous_id}"
        elif event.link != expected:
            reason = "its recorded link does not match its contents"
        if reason:
            return Verdict(self.count, self.head, event.notification_id, reason)
        self.head, self.previous_id, self.count = expected, event.notification_id, self.count + 1
        return None

    def verdict(self) -> Verdict:
        return Verdict(self.count, self.head)


def verify(events: Iterable[ChainedEvent]) -> Verdict:
    """Recompute the chain over ``events`` (in log order)."""
    check = ChainCheck()
    for event in events:
        broken = check.add(event)
        if broken:
            return broken
    return check.verdict()


_SELECT = """
    SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state,
           c.link, c.previous_id
      FROM coop_events e LEFT JOIN audit_chain c USING (notification_id)
     WHERE e.notification_id > $1
     ORDER BY e.notification_id
     LIMIT $2
"""


async def events_in(conn: asyncpg.Connection, batch: int = 5000) -> AsyncIterator[ChainedEvent]:
    """Every event and its link, from the live database, in log order."""
    after = 0
    while True:
        rows = await conn.fetch(_SELECT, after, batch)
        for row in rows:
            yield ChainedEvent(
                notification_id=row["notification_id"],
                originator_id=UUID(bytes=row["originator_id"].bytes),
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=bytes(row["state"]),
                link=None if row["link"] is None else bytes(row["link"]),
                previous_id=row["previous_id"],
            )
        if len(rows) < batch:
            return
        after = rows[-1]["notification_id"]


async def orphan_links(conn: asyncpg.Connection) -> int | None:
    """The first link whose event is missing (an event deleted behind our back)."""
    value = await conn.fetchval(
        "SELECT min(c.notification_id) FROM audit_chain c"
        " LEFT JOIN coop_events e USING (notification_id) WHERE e.notification_id IS NULL"
    )
    return int(value) if value is not None else None


async def verify_database(conn: asyncpg.Connection) -> Verdict:
    """Verify the live database's chain."""
    check = ChainCheck()
    async for event in events_in(conn):
        broken = check.add(event)
        if broken:
            return broken
    verdict = check.verdict()
    orphan = await orphan_links(conn)
    if verdict.ok and orphan is not None:
        return Verdict(verdict.count, verdict.head, orphan, "its event is missing")
    return verdict


def to_json_line(event: ChainedEvent) -> str:
    """One line of an export file."""
    return json.dumps(
        {
            "notification_id": event.notification_id,
            "originator_id": str(event.originator_id),
            "originator_version": event.originator_version,
            "topic": event.topic,
            "state": base64.b64encode(event.state).decode(),
            "link": event.link.hex() if event.link is not None else None,
            "previous_id": event.previous_id,
        }
    )


def events_from_export(path: Path) -> Iterator[ChainedEvent]:
    """Events and links from an export file written by ``coop audit export``."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            d = json.loads(line)
            yield ChainedEvent(
                notification_id=int(d["notification_id"]),
                originator_id=UUID(d["originator_id"]),
                originator_version=int(d["originator_version"]),
                topic=str(d["topic"]),
                state=base64.b64decode(d["state"]),
                link=bytes.fromhex(d["link"]) if d["link"] is not None else None,
                previous_id=d["previous_id"],
            )
