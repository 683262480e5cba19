"""One load at a time per key: whoever asks while it is under way shares its result.

When a ballot opens, every member's first vote in a process finds it not yet
loaded, all in the same moment. Each loading it for themselves (a hop to a
thread each, two hundred threads' worth of GIL hand-overs) stalled those
votes for a third of a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SharedLoads(Generic[K, V]):
    """Loads by key, never two at once for the same key."""

    def __init__(self) -> None:
        self._under_way: dict[K, asyncio.Future[V]] = {}

    async def load(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """``load()``'s result, or that of the load for ``key`` already under way."""
        future = self._under_way.get(key)
        if future is None:
            future = asyncio.ensure_future(load())
            self._under_way[key] = future
            future.add_done_callback(lambda done: self._forget(key, done))
        # Shielded: one caller cancelled (its client went away) cancels not the others' load.
        return await asyncio.shield(future)

    def _forget(self, key: K, done: asyncio.Future[V]) -> None:
        if self._under_way.get(key) is done:
            del self._under_way[key]
        if not done.cancelled():
            done.exception()  # retrieved: each caller was given it already
