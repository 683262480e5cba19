"""A fair queue: a first-come-first-served gate for so many holders at a time.

asyncio's own queues and semaphores are not first come first served under
load: a slot given up wakes the longest waiter, but any coroutine that runs
before it wakes can take the slot, and the woken one goes to the back of the
line. With hundreds of requests waiting on sixteen database connections, an
unlucky request was sent to the back again and again.
"""

from __future__ import annotations

import asyncio
from collections import deque


class FairQueue:
    """At most ``limit`` holders; a slot given up goes straight to the longest waiter."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0
        self._waiting: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    async def take(self) -> None:
        if self.held < self.limit and not self._waiting:
            self.held += 1
            return
        turn = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.cancelled():
                self._waiting.remove(turn)
            else:
                self.give_back()  # handed the slot as it was cancelled: pass it on
            raise

    def give_back(self) -> None:
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)  # the slot passes on, so held stays the same
                return
        self.held -= 1
