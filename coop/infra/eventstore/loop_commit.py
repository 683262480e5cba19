"""Group commit on the event loop: saves made by coroutines, over asyncpg.

Like the threads' group commit (group_commit.py), for the saves a web process
makes without leaving its event loop (votes). While one group's insert is in
flight the next saves queue; when it returns, everything queued goes in the
next group. One insert at a time per process: the events table's lock lets
only one in at a time anyway.

A group goes in one call of ``coop_insert_saves`` (migration 0017), which
refuses a save that lost a race on its own and saves the rest.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from typing import Any

import asyncpg
from eventsourcing.persistence import StoredEvent

from coop.infra.audit_seals import SEAL, seals_for
from coop.infra.eventstore.group_commit import Unchanged, take_group
from coop.infra.request_keys import REQUEST_KEY, RequestDone, RequestKey

_INSERT = (
    "SELECT save, event_position, link FROM coop_insert_saves($1, $2, $3, $4, $5, $6, $7, $8, $9)"
)
# The same, keeping the keys of the saved saves' requests (migrations 0021 and 0024).
_INSERT_KEYED = (
    "SELECT save, event_position, link FROM coop_insert_saves_keyed("
    "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
)


class Conflict(Exception):
    """Lost a race: the aggregate was saved by someone else, or one read has moved on."""


class _Save:
    __slots__ = ("done", "events", "request", "unchanged")

    def __init__(
        self,
        events: Sequence[StoredEvent],
        unchanged: Sequence[Unchanged],
        done: asyncio.Future[Sequence[int]],
    ) -> None:
        self.events = events
        self.unchanged = unchanged
        self.done = done
        self.request: RequestKey | None = REQUEST_KEY.get()  # the caller's, as it queues


class LoopCommit:
    """Inserts events for coroutines, many saves to a statement."""

    def __init__(
        self, pool: asyncpg.Pool, lock_timeout: float = 5.0, seal_key: bytes = b""
    ) -> None:
        self.pool = pool
        self.lock_timeout = lock_timeout
        self.seal_key = seal_key  # seals each event's link (see audit_seals)
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
        ids = await save.done
        # The request's key is kept with its command's first save; a later save of the
        # same command (a close, then its count) is part of what that key already says.
        REQUEST_KEY.set(None)
        return ids

    async def _drain(self) -> None:
        try:
            while self._queue:
                await self._commit(take_group(self._queue))
        finally:
            self._draining = None

    async def _commit(self, group: list[_Save]) -> None:
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                rows = await conn.fetch(*self._statement(group))
                # Sealed in the same transaction: an event is never committed unsealed,
                # so a crash can leave nothing `coop audit verify` would take for forged.
                links = [(r["event_position"], r["link"]) for r in rows if r["link"]]
                if self.seal_key and links:
                    await conn.execute(SEAL, *seals_for(self.seal_key, links))
        except asyncpg.IntegrityConstraintViolationError as e:
            # A race coop_insert_saves did not foresee: each save is decided again.
            rows = [(n, None, None) for n in range(len(group))]
            refusal = Conflict(str(e))
        except Exception as e:  # nothing of the group was committed: each fails alike
            for save in group:
                _settle(save, error=e)
            return
        else:
            refusal = Conflict("saved elsewhere first, or what it read has moved on")
        self._answer(group, rows, refusal)

    def _answer(self, group: list[_Save], rows: Sequence[Sequence[Any]], refusal: Conflict) -> None:
        positions: list[list[int]] = [[] for _ in group]
        refused = set()
        done_already = set()
        for n, position, _ in rows:
            if position is None:
                refused.add(n)
            elif position == 0:  # its request's key was saved already (migration 0021)
                done_already.add(n)
            else:
                positions[n].append(position)
        for n, save in enumerate(group):
            if n in done_already:
                _settle(save, error=RequestDone())
            elif n in refused:
                _settle(save, error=refusal)
            else:
                _settle(save, ids=sorted(positions[n]))

    def _statement(self, group: list[_Save]) -> tuple[object, ...]:
        """The insert and its arguments: with the requests' keys, if any carry one."""
        keyed = [(n, save.request) for n, save in enumerate(group) if save.request is not None]
        if not keyed:
            return (_INSERT, *self._arguments(group))
        return (
            _INSERT_KEYED,
            *self._arguments(group),
            [n for n, _ in keyed],
            [r.who for _, r in keyed],
            [r.key for _, r in keyed],
            [r.fingerprint for _, r in keyed],
        )

    def _arguments(self, group: list[_Save]) -> tuple[object, ...]:
        """The arguments of ``coop_insert_saves``, in order."""
        events = [(n, e) for n, save in enumerate(group) for e in save.events]
        reads = [(n, read) for n, save in enumerate(group) for read in save.unchanged]
        return (
            [n for n, _ in events],
            [e.originator_id for _, e in events],
            [e.originator_version for _, e in events],
            [e.topic for _, e in events],
            [e.state for _, e in events],
            [n for n, _ in reads],
            [aggregate for _, (aggregate, _) in reads],
            [version for _, (_, version) in reads],
            f"{self.lock_timeout}s",
        )


def _settle(save: _Save, *, ids: Sequence[int] = (), error: BaseException | None = None) -> None:
    if save.done.done():
        return  # its request went away (cancelled)
    if error is not None:
        save.done.set_exception(error)
    else:
        save.done.set_result(ids)
