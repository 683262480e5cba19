"""Read-your-writes: wait until the views a page shows have caught up.

A command returns the position of its last event; before rendering, the
handler waits here until the projections it reads have reached it. Progress
arrives by LISTEN on the channel the worker NOTIFYs after each batch; a short
poll of the tracking table covers a missed notification.

Each wait is a future, resolved by the notification that reaches its position.
(Waking every waiter on every notification, each to re-check and, if still
behind, to re-read the tracking table, cost more than the votes being waited
for once a couple of hundred requests were waiting at once.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable

import asyncpg

from coop.projections.tracking import PROGRESS_CHANNEL

log = logging.getLogger(__name__)


class _Wait:
    __slots__ = ("done", "names", "position")

    def __init__(self, position: int, names: tuple[str, ...], done: asyncio.Future[None]):
        self.position = position
        self.names = names
        self.done = done


class ProjectionWaiter:
    """Knows how far each projection has got; waits for a position."""

    def __init__(self, url: str, pool: asyncpg.Pool, poll: float = 0.25) -> None:
        self.url = url
        self.pool = pool
        self.poll = poll
        self.positions: dict[str, int] = {}
        self._waits: set[_Wait] = set()
        self._refreshed = 0.0  # when the tracking table was last read
        self._listener: asyncpg.Connection | None = None

    async def start(self) -> None:
        self._listener = await asyncpg.connect(self.url)
        await self._listener.add_listener(PROGRESS_CHANNEL, self._notified)
        await self._refresh()

    async def stop(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close()

    async def wait_for(self, position: int, names: Iterable[str], timeout: float = 10.0) -> bool:
        """True once every named projection has reached ``position``."""
        names = tuple(names)
        if self._reached(position, names):
            return True
        wait = _Wait(position, names, asyncio.get_running_loop().create_future())
        self._waits.add(wait)
        deadline = time.monotonic() + timeout
        try:
            while not wait.done.done():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    log.warning(
                        "Projections %s did not reach %d in %.1fs", names, position, timeout
                    )
                    return False
                await asyncio.wait((wait.done,), timeout=min(self.poll, remaining))
                if not wait.done.done() and time.monotonic() - self._refreshed >= self.poll:
                    # No news for a while: a notification may be lost. One read
                    # serves every wait (a slow worker would otherwise see one
                    # read per waiting request per poll).
                    await self._refresh()
            return True
        finally:
            self._waits.discard(wait)

    def _reached(self, position: int, names: tuple[str, ...]) -> bool:
        return all(self.positions.get(n, 0) >= position for n in names)

    async def _refresh(self) -> None:
        self._refreshed = time.monotonic()
        rows = await self.pool.fetch("SELECT name, position FROM projection_tracking")
        self._advance({r["name"]: r["position"] for r in rows})
        if self._listener is not None and self._listener.is_closed():
            await self._listen_again()

    async def _listen_again(self) -> None:
        """After a database restart cut the listening connection: listen afresh, or
        every wait would poll from now on."""
        self._listener = None  # one reconnection at a time; a failed one is tried again
        try:
            listener = await asyncpg.connect(self.url)
            await listener.add_listener(PROGRESS_CHANNEL, self._notified)
        except Exception as e:
            log.warning("Could not listen for projections' progress again: %r", e)
            return
        self._listener = listener

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        name, _, position = payload.rpartition(":")
        self._advance({name: int(position)})

    def _advance(self, seen: dict[str, int]) -> None:
        moved = False
        for name, position in seen.items():
            if position > self.positions.get(name, 0):
                self.positions[name] = position
                moved = True
        if not moved:
            return
        for wait in self._waits:
            if not wait.done.done() and self._reached(wait.position, wait.names):
                wait.done.set_result(None)
