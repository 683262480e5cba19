"""Open ballots as this process knows them: one shared, read-only copy of each.

What a vote needs of its ballot (open or not, the electorate, the declarations)
changes rarely, so every vote in a process decides on the same copy, and a
copy is loaded again only when the log shows the ballot has moved on. Both ways
of voting use it: commands in threads (``VotingCommands.cast_vote``) and votes
on the event loop (``LoopVoting``).

When a ballot opens, every vote's first look at it finds it missing at once.
Each loading a copy of its own (a large electorate is tens of thousands of
objects) held the GIL for seconds among threads, and stalled the first two
hundred votes on the loop for a third of a second: so a load is shared, by the
threads (a lock) and by the coroutines (``SharedLoads``) alike.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from coop.domain.governance.ballots import Ballot
from coop.infra.shared_loads import SharedLoads

# Runs a blocking call in a thread (``Services.run``, say) and awaits its result.
InThread = Callable[..., Awaitable[Any]]

KEPT = 64  # ballots are few; a long-lived process forgets old ones


class OpenBallots:
    """The process's copy of each ballot being voted on; never change one."""

    def __init__(self, load: Callable[[UUID], Ballot]) -> None:
        self._load = load
        self._known: dict[UUID, Ballot] = {}
        self._loading = threading.Lock()
        self._shared: SharedLoads[UUID, Ballot] = SharedLoads()

    def known(self, ballot_id: UUID) -> Ballot | None:
        """The copy held now, if any, however old."""
        return self._known.get(ballot_id)

    def at_least(self, ballot_id: UUID, version: int = 0) -> Ballot:
        """The copy at ``version`` or later, loaded by one thread while the others wait."""
        found = self._known.get(ballot_id)
        if found is not None and found.version >= version:
            return found
        with self._loading:
            found = self._known.get(ballot_id)
            if found is not None and found.version >= version:
                return found  # another thread has just loaded it
            found = self._load(ballot_id)  # a copy of its own: never changed after this
            if len(self._known) >= KEPT:
                self._known.clear()
            self._known[ballot_id] = found
            return found

    async def at_least_on_loop(self, ballot_id: UUID, version: int, in_thread: InThread) -> Ballot:
        """``at_least`` for coroutines: one load in a thread, shared by all who wait for it."""
        found = self._known.get(ballot_id)
        while found is None or found.version < version:
            # A load already under way (for an older version, perhaps) is shared.
            found = await self._shared.load(
                ballot_id, lambda: self._load_in_thread(ballot_id, version, in_thread)
            )
        return found

    async def _load_in_thread(self, ballot_id: UUID, version: int, in_thread: InThread) -> Ballot:
        found: Ballot = await in_thread(self.at_least, ballot_id, version)
        # A large electorate is tens of thousands of objects that live as long as
        # the ballot: out of the cyclic collector's way, whose full passes over
        # them otherwise stalled every vote in flight for tens of milliseconds.
        gc.freeze()
        return found
