"""Group commit: concurrent saves share one transaction and one table lock.

The library's insert path takes an EXCLUSIVE lock on the events table for each
save, so that commit order equals notification order (followers never skip an
event). That makes writers queue one behind another. Here the first writer to
arrive leads: it takes every save queued so far and inserts them together, so
the lock and the commit are paid once per group instead of once per save.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder

# A bound keeps one group's transaction short, so its lock is held briefly.
MAX_EVENTS_PER_GROUP = 2000


class _Save:
    __slots__ = ("done", "error", "events", "ids")

    def __init__(self, events: Sequence[StoredEvent]) -> None:
        self.events = events
        self.ids: Sequence[int] = ()
        self.error: BaseException | None = None
        self.done = False


class GroupCommitRecorder(PostgresApplicationRecorder):
    """An application recorder whose concurrent inserts are committed in groups."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turn = threading.Condition()
        self._queue: list[_Save] = []
        self._leading = False

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        save = _Save(stored_events)
        with self._turn:
            self._queue.append(save)
            while not save.done:
                if self._leading:
                    self._turn.wait()
                    continue
                self._leading = True
                group = self._take_group()
                self._turn.release()
                try:
                    self._commit(group)
                finally:
                    self._turn.acquire()
                    self._leading = False
                    self._turn.notify_all()
        if save.error is not None:
            raise save.error
        return save.ids

    def _take_group(self) -> list[_Save]:
        group: list[_Save] = []
        size = 0
        while self._queue and (
            not group or size + len(self._queue[0].events) <= MAX_EVENTS_PER_GROUP
        ):
            save = self._queue.pop(0)
            group.append(save)
            size += len(save.events)
        return group

    def _commit(self, group: list[_Save]) -> None:
        if len(group) > 1:
            try:
                ids = self._insert([e for save in group for e in save.events])
            except IntegrityError:
                # One save conflicts: commit the others alone so only it fails.
                pass
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
                save.ids = self._insert(save.events)
            except BaseException as e:  # handed to the thread that asked
                save.error = e
            save.done = True

    def _insert(self, events: Sequence[StoredEvent]) -> Sequence[int]:
        ids: Sequence[int] | None = super().insert_events(events)
        assert ids is not None and len(ids) == len(events)
        return ids
