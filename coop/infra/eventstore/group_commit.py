"""Group commit: concurrent saves share one transaction and one table lock.

The library's insert path takes an EXCLUSIVE lock on the events table for each
save, so that commit order equals notification order (followers never skip an
event). That makes writers queue one behind another. Here the first writer to
arrive leads: it takes every save queued so far and inserts them together, so
the lock and the commit are paid once per group instead of once per save.

Each waiting save has a lock of its own: the leader wakes exactly the saves it
committed, and hands the lead to the next queued save (notify_all on a shared
condition woke every waiter for every group, and that storm held the GIL).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar
from uuid import UUID

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry

from coop.infra.audit_seals import SEAL, seals_for
from coop.infra.request_keys import REQUEST_KEY, RequestKey, done_already_or
from coop.infra.sealing import NewKey

MAX_EVENTS_PER_GROUP = 2000


# An aggregate a save read but does not change, at the version it read.
Unchanged = tuple[UUID, int]


class _Save:
    __slots__ = ("done", "error", "events", "ids", "keys", "request", "unchanged", "wake")

    def __init__(
        self,
        events: Sequence[StoredEvent],
        keys: Sequence[NewKey],
        unchanged: Sequence[Unchanged],
        request: RequestKey | None,
    ) -> None:
        self.events = events
        self.keys = keys
        self.unchanged = unchanged
        self.request = request  # saved with the events, so a retry finds it done
        self.ids: Sequence[int] = ()
        self.error: BaseException | None = None
        self.done = False
        # Held until this save is done, or until it is this save's turn to lead.
        self.wake = threading.Lock()
        self.wake.acquire()


class GroupCommitRecorder(PostgresApplicationRecorder):
    # The keys of new data subjects sealed for the events about to be saved
    # (set by the application to its key ring's ``take_new_keys``).
    take_new_keys: Callable[[], Sequence[NewKey]] = staticmethod(lambda: ())
    # The key that seals each event's link (set by the application; see audit_seals).
    seal_key: bytes = b""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._queue: deque[_Save] = deque()
        self._leading = False

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Insert the events, unless an aggregate in ``unchanged`` has moved on (IntegrityError)."""
        if not stored_events:
            return []
        save = _Save(
            stored_events, self.take_new_keys(), kwargs.get("unchanged", ()), REQUEST_KEY.get()
        )
        with self._lock:
            self._queue.append(save)
            lead = not self._leading
            self._leading = True
        if not lead:
            save.wake.acquire()  # done by another's group, or handed the lead
        if not save.done:
            self._lead()
        if save.error is not None:
            raise save.error
        # The request's key is kept with its command's first save; a later save of the
        # same command (a close, then its count) is part of what that key already says.
        REQUEST_KEY.set(None)
        return save.ids

    def _lead(self) -> None:
        with self._lock:
            group = self._take_group()
        try:
            self._commit(group)
        finally:
            with self._lock:
                if self._queue:
                    self._queue[0].wake.release()  # the next leader
                else:
                    self._leading = False
            for s in group:
                s.done = True
                if s.wake.locked():
                    s.wake.release()

    def _take_group(self) -> list[_Save]:
        return take_group(self._queue)

    def _commit(self, group: list[_Save]) -> None:
        if len(group) > 1:
            try:
                ids = self._insert(
                    [e for save in group for e in save.events],
                    [k for save in group for k in save.keys],
                    [u for save in group for u in save.unchanged],
                    requests_of(group),
                )
            except IntegrityError:
                pass  # one save conflicts: commit the others alone so only it fails
            except BaseException as e:
                # Nothing of the group was committed: every save in it fails alike.
                for save in group:
                    save.error = e
                return
            else:
                start = 0
                for save in group:
                    save.ids, start = (
                        ids[start : start + len(save.events)],
                        start + len(save.events),
                    )
                    save.done = True
                return
        for save in group:
            try:
                save.ids = self._insert(save.events, save.keys, save.unchanged, requests_of([save]))
            except BaseException as e:
                save.error = done_already_or(e)
            save.done = True

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def _insert(
        self,
        events: Sequence[StoredEvent],
        keys: Sequence[NewKey],
        unchanged: Sequence[Unchanged],
        requests: Sequence[tuple[RequestKey, int]] = (),
    ) -> Sequence[int]:
        """One statement, so one round trip: keys, lock, check, notify and insert (and
        the requests' keys, with the events they saved); then the links it hands back
        are sealed, in the same transaction."""
        params = _insert_arguments(events, keys, unchanged, self.datastore.lock_timeout)
        statement = _INSERT
        if requests:
            statement = _INSERT_KEYED
            params += (
                [r.who for r, _ in requests],
                [r.key for r, _ in requests],
                [r.fingerprint for r, _ in requests],
                [last for _, last in requests],
            )
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor() as curs,
        ):
            curs.execute(statement, params, prepare=True)
            links = [(row["id"], row["link"]) for row in curs.fetchall()]
            # Sealed in the same transaction: an event is never committed unsealed, so a
            # crash can leave nothing `coop audit verify` would take for forged.
            if self.seal_key and links:
                curs.execute(_SEAL, seals_for(self.seal_key, links), prepare=True)
        assert len(links) == len(events)
        return [n for n, _ in links]


def requests_of(group: Sequence[_Save]) -> list[tuple[RequestKey, int]]:
    """Each keyed save's request key and its first event's place (from 1) in the group.

    The first: a secret vote saves the record that the member voted, then their paper,
    and the key (which names the account) must point at the record, never the paper.
    """
    found, start = [], 1
    for save in group:
        if save.request is not None:
            found.append((save.request, start))
        start += len(save.events)
    return found


class Queued(Protocol):
    events: Sequence[StoredEvent]


Q = TypeVar("Q", bound=Queued)


def take_group(queue: deque[Q]) -> list[Q]:
    """The saves at the head of ``queue`` that fit in one group (at least one)."""
    group: list[Q] = []
    size = 0
    while queue and (not group or size + len(queue[0].events) <= MAX_EVENTS_PER_GROUP):
        save = queue.popleft()
        group.append(save)
        size += len(save.events)
    return group


def _insert_arguments(
    events: Sequence[StoredEvent],
    keys: Sequence[NewKey],
    unchanged: Sequence[Unchanged],
    lock_timeout: float,
) -> tuple[Any, ...]:
    """The arguments of ``coop_insert_events`` (migrations 0007 and 0016), in order."""
    return (
        [e.originator_id for e in events],
        [e.originator_version for e in events],
        [e.topic for e in events],
        [e.state for e in events],
        [subject for subject, _ in keys],
        [wrapped for _, wrapped in keys],
        f"{lock_timeout}s",
        [aggregate for aggregate, _ in unchanged],
        [version for _, version in unchanged],
    )


_INSERT = "SELECT id, link FROM coop_insert_events(%s, %s, %s, %s, %s, %s, %s, %s, %s)"
_SEAL = SEAL.replace("$1", "%s").replace("$2", "%s")
_INSERT_KEYED = (
    "SELECT id, link FROM coop_insert_events_keyed("
    "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
