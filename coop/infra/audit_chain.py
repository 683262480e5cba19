"""The audit chain: recompute every link and name the first broken one.

The database writes the links (migrations/0002_audit_chain.sql); this module is
the independent check. It reads the events and links in log order, from the
live database or from an export file, and recomputes

    link = sha256(previous link ‖ int8(notification_id) ‖ uuid(originator_id)
                  ‖ int8(originator_version) ‖ utf8(topic) ‖ sha256(state))

Given the seal key (from COOP_SECRET_KEY), it also checks each link's seal
(coop/infra/audit_seals.py): the chain alone shows the log is consistent; the
seals show that coop wrote it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import operator
import struct
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Iterator
from contextlib import aclosing
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, cast
from uuid import UUID

import asyncpg

from coop.infra.audit_seals import EVENT, HISTORY, is_sealed, seal

GENESIS = bytes(32)


class ChainedEvent(NamedTuple):
    """One stored event with the link the database recorded for it (if any).

    Its fields are SELECT's columns in order, so ChainRow reads a row as one.
    """

    notification_id: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes
    link: bytes | None
    previous_id: int | None
    seal: bytes | None = None
    seal_kind: str = EVENT


class ChainRow(asyncpg.Record):  # type: ignore[misc]  # asyncpg is untyped
    """A row of ``SELECT`` read as a ChainedEvent, field for field, without copying it:
    copying took a third of `coop audit verify`'s time on a log of millions."""

    for _index, _name in enumerate(ChainedEvent._fields):
        locals()[_name] = property(operator.itemgetter(_index))
    del _index, _name


@dataclass(frozen=True)
class Verdict:
    """The outcome: how many links were checked, the head, and the first break."""

    count: int
    head: bytes
    broken_at: int | None = None
    reason: str = ""
    # Whether the seals were checked too, and the history seal's position if any.
    sealed: bool = False
    history_at: int | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


# int8(notification_id) ‖ uuid(originator_id) ‖ int8(originator_version), in one call.
_NUMBERS = struct.Struct(">q16sq").pack
_sha256 = hashlib.sha256


def link(previous: bytes, event: ChainedEvent) -> bytes:
    """The link for ``event``, following ``previous``."""
    return _sha256(
        b"".join(
            (
                previous,
                _NUMBERS(
                    event.notification_id, event.originator_id.bytes, event.originator_version
                ),
                event.topic.encode("utf-8"),
                _sha256(event.state).digest(),
            )
        )
    ).digest()


class ChainCheck:
    """Recomputes the chain one event at a time, in log order (and the seals, given the key)."""

    def __init__(
        self,
        seal_key: bytes | None = None,
        head: bytes = GENESIS,
        previous_id: int = 0,
        count: int = 0,
    ) -> None:
        # From the start of the log, or (given where it stood) from further on.
        self.head, self.previous_id, self.count = head, previous_id, count
        self.seal_key = seal_key
        self.history_at: int | None = None
        # The first event without a seal, with the count and head before it: a
        # break unless a history seal later in the log covers it.
        self.unsealed: Verdict | None = None

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
        elif self.seal_key is not None:
            reason = self._check_seal(event, expected)
        if reason:
            return self._broken(event.notification_id, reason)
        if self.unsealed and event.seal is not None and event.seal_kind == EVENT:
            return self.unsealed  # coop sealed this one, but not the one before
        self.head, self.previous_id, self.count = expected, event.notification_id, self.count + 1
        return None

    def add_all(self, events: Iterable[ChainedEvent]) -> Verdict | None:
        """``add`` each of ``events`` in turn: the same checks, a tight loop for millions.

        An event whose link follows, matches and carries coop's event seal is
        taken here; any other goes through ``add``, which says what is wrong.
        """
        head, previous_id, count, key = self.head, self.previous_id, self.count, self.seal_key
        for event in events:
            expected = link(head, event)
            if (
                event.link == expected
                and event.previous_id == previous_id
                and self.unsealed is None
                and (
                    key is None
                    or (
                        event.seal_kind == EVENT
                        and event.seal is not None
                        and hmac.compare_digest(
                            seal(key, event.notification_id, expected), event.seal
                        )
                    )
                )
            ):
                head, previous_id, count = expected, event.notification_id, count + 1
                continue
            self.head, self.previous_id, self.count = head, previous_id, count
            broken = self.add(event)
            if broken:
                return broken
            head, previous_id, count = self.head, self.previous_id, self.count
        self.head, self.previous_id, self.count = head, previous_id, count
        return None

    def _check_seal(self, event: ChainedEvent, expected: bytes) -> str:
        assert self.seal_key is not None
        if event.seal is None:
            if self.unsealed is None:
                self.unsealed = self._broken(
                    event.notification_id,
                    "it has no seal: coop did not write it (added behind coop's back)",
                )
            return ""
        if event.seal_kind not in (EVENT, HISTORY) or not is_sealed(
            self.seal_key, event.notification_id, expected, event.seal_kind, event.seal
        ):
            return (
                "its seal does not match: it was changed, moved or re-chained after coop wrote it"
            )
        if event.seal_kind == HISTORY:
            # The log before sealing began: this seal covers it through the chain.
            self.unsealed, self.history_at = None, event.notification_id
        return ""

    def _broken(self, at: int, reason: str) -> Verdict:
        return Verdict(
            self.count, self.head, at, reason, self.seal_key is not None, self.history_at
        )

    def verdict(self) -> Verdict:
        if self.unsealed:
            return self.unsealed
        return Verdict(self.count, self.head, None, "", self.seal_key is not None, self.history_at)


def verify(events: Iterable[ChainedEvent], seal_key: bytes | None = None) -> Verdict:
    """Recompute the chain over ``events`` (in log order), and their seals given the key."""
    check = ChainCheck(seal_key)
    return check.add_all(events) or check.verdict()


# Every event with its link and seal after a position, the columns in ChainedEvent's order.
SELECT = """
    SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state,
           c.link, c.previous_id, s.seal, coalesce(s.kind, 'event')
      FROM coop_events e
      -- The bound on each side too: a merge join would otherwise read the links
      -- and seals from the start of the log up to $1.
      LEFT JOIN audit_chain c ON c.notification_id = e.notification_id AND c.notification_id > $1
      LEFT JOIN audit_seals s ON s.notification_id = e.notification_id AND s.notification_id > $1
     WHERE e.notification_id > $1
     ORDER BY e.notification_id
"""


async def events_in(
    conn: asyncpg.Connection, batch: int = 5000, after: int = 0
) -> AsyncIterator[ChainedEvent]:
    """Every event and its link (after position ``after``), from the live database, in log order.

    A batch at a time, each its own statement: the caller may stop whenever it
    likes (``stream`` is the faster read of the whole log).
    """
    while True:
        rows = await conn.fetch(SELECT + " LIMIT $2", after, batch)
        for row in rows:
            yield ChainedEvent._make(row)
        if len(rows) < batch:
            return
        after = rows[-1]["notification_id"]


async def stream(
    conn: asyncpg.Connection, after: int = 0, batch: int = 20_000
) -> AsyncGenerator[list[ChainedEvent], None]:
    """Every event after ``after``, in log order and in batches, from one snapshot.

    One query through a server-side cursor, in a read-only repeatable-read
    transaction (a consistent log however long the read takes). The next batch
    is asked for before this one is handed over, so the server reads it while
    the caller hashes. Read it in ``contextlib.aclosing`` (or to the end): the
    transaction ends when it closes.
    """
    # Inside the caller's transaction (the scheduler's, under its lock), its snapshot.
    if conn.is_in_transaction():
        snapshot = conn.transaction()
    else:
        snapshot = conn.transaction(isolation="repeatable_read", readonly=True)
    async with snapshot:
        cursor = await conn.cursor(SELECT, after, record_class=ChainRow)
        ahead = asyncio.ensure_future(cursor.fetch(batch))
        try:
            while True:
                rows = await ahead
                if len(rows) == batch:
                    ahead = asyncio.ensure_future(cursor.fetch(batch))
                    await asyncio.sleep(0)  # let it send the request before we hash
                yield cast(list[ChainedEvent], rows)  # ChainRows: the same fields
                if len(rows) < batch:
                    return
        finally:
            # Stopped early (a break found): the connection is free only once
            # the batch asked for has arrived.
            await asyncio.wait([ahead])


async def orphan_links(conn: asyncpg.Connection) -> int | None:
    """The first link whose event is missing (an event deleted behind our back)."""
    value = await conn.fetchval(
        "SELECT min(c.notification_id) FROM audit_chain c"
        " LEFT JOIN coop_events e USING (notification_id) WHERE e.notification_id IS NULL"
    )
    return int(value) if value is not None else None


async def verify_database(conn: asyncpg.Connection, seal_key: bytes | None = None) -> Verdict:
    """Verify the live database's chain, and its seals given the key."""
    check = ChainCheck(seal_key)
    async with aclosing(stream(conn)) as batches:
        async for events in batches:
            broken = check.add_all(events)
            if broken:
                return broken
    verdict = check.verdict()
    orphan = await orphan_links(conn)
    if verdict.ok and orphan is not None:
        return Verdict(
            verdict.count, verdict.head, orphan, "its event is missing", verdict.sealed, None
        )
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
            "seal": event.seal.hex() if event.seal is not None else None,
            "seal_kind": event.seal_kind,
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
                # Exports made before seals existed have none.
                seal=bytes.fromhex(d["seal"]) if d.get("seal") else None,
                seal_kind=str(d.get("seal_kind", EVENT)),
            )
