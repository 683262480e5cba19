"""Group commit on the event loop: saves made by coroutines, over asyncpg.

The same statement as the threads' group commit (group_commit.py), for the
saves a web process makes without leaving its event loop (votes). While one
group's insert is in flight the next saves queue; when it returns, everything
queued goes in the next group. One insert at a time per process: the events
table's lock lets only one in at a time anyway.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence

import asyncpg
from eventsourcing.persistence import StoredEvent

from coop.eventstore.group_commit import (
    INSERT_EVENTS,
    Unchanged,
    insert_arguments,
    take_group,
)

_INSERT = INSERT_EVENTS.format(", ".join(f"${n}" for n in range(1, 10)))


class Conflict(Exception):
    """Lost a race: the aggregate was saved by someone else, or one read has moved on."""


class _Save:
    __slots__ = ("done", "events", "unchanged")

    def __init__(
        self,
        events: Sequence[StoredEvent],
        unchanged: Sequence[Unchanged],
        done: asyncio.Future[Sequence[int]],
    ) -> None:
        self.events = events
        self.unchanged = unchanged
        self.done = done


class LoopCommit:
    """Inserts events for coroutines, many saves to a statement."""

    def __init__(self, pool: asyncpg.Pool, lock_timeout: float = 5.0) -> None:
        self.pool = pool
        self.lock_timeout = lock_timeout
        self._queue: deque[_Save] = deque()
        self._draining: asyncio.Task[None] | None = None

    async def insert(
        self, events: Sequence[StoredEvent], unchanged: Sequence[Unchanged] = ()
    ) -> Sequence[int]:
        """The events' positions once committed; Conflict if the save lost a race.

        Events carrying personal data must not come this way: new subject keys
        are saved only by the threads' group commit.
        """
        save = _Save(events, unchanged, asyncio.get_running_loop().create_future())
        self._queue.append(save)
        if self._draining is None:
            self._draining = asyncio.create_task(self._drain())
        return await save.done

    async def _drain(self) -> None:
        try:
            while self._queue:
                await self._commit(take_group(self._queue))
        finally:
            self._draining = None

    async def _commit(self, group: list[_Save]) -> None:
        try:
            ids = await self._insert_or_conflict(
                [e for s in group for e in s.events], [u for s in group for u in s.unchanged]
            )
        except Conflict as e:
            if len(group) == 1:
                _settle(group[0], error=e)
                return
            # One save conflicts: commit the others alone, so that only it fails.
            for save in group:
                await self._commit([save])
            return
        except Exception as e:  # nothing of the group was committed: each fails alike
            for save in group:
                _settle(save, error=e)
            return
        start = 0
        for save in group:
            _settle(save, ids=ids[start : start + len(save.events)])
            start += len(save.events)

    async def _insert_or_conflict(
        self, events: Sequence[StoredEvent], unchanged: Sequence[Unchanged]
    ) -> list[int]:
        try:
            rows = await self.pool.fetch(
                _INSERT, *insert_arguments(events, (), unchanged, self.lock_timeout)
            )
        except asyncpg.PostgresError as e:
            # Class 23, integrity: a version taken, or a read moved on (SQLSTATE
            # 23C01, ours, which asyncpg knows by no name of its own).
            if (e.sqlstate or "").startswith("23"):
                raise Conflict(str(e)) from e
            raise
        return [row["id"] for row in rows]


def _settle(save: _Save, *, ids: Sequence[int] = (), error: BaseException | None = None) -> None:
    if save.done.done():
        return  # its request went away (cancelled)
    if error is not None:
        save.done.set_exception(error)
    else:
        save.done.set_result(ids)
