"""Casting votes without leaving the event loop: the web process's way to vote.

The same command as ``Coop.cast_vote``, deciding with the same domain code, but
its two round trips (read the ballot's news and the member's vote; insert the
vote unless the ballot has moved on) go over asyncpg from the event loop. A
vote handed to a thread instead paid for the hop there and back and for the
threads' contention for the GIL, more than for the vote itself.

Secret ballots and supported votes, which read more (papers, participation,
the advocate's consent), still go to ``Coop.cast_vote`` in a thread.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import asyncpg

from coop.application import Coop
from coop.commands.base import Busy
from coop.commands.governance.ballots import (
    VOTE_RETRIES,
    VOTING_READ,
    Cast,
    ballot_moved_to,
)
from coop.domain.errors import CoopError
from coop.domain.governance.ballots import Ballot, Mark, vote_id
from coop.domain.governance.votes import Vote
from coop.infra.eventstore.loop_commit import Conflict, LoopCommit
from coop.infra.shared_loads import SingleFlight

_READ = VOTING_READ.format("$1", "$2", "$3")
REMEMBERED = 50_000  # votes, a few hundred bytes each

# Runs a blocking call in a thread (Services.run).
InThread = Callable[..., Awaitable[Any]]


class VoteDesk:
    """Takes members' votes for one web process."""

    def __init__(self, coop: Coop, pool: asyncpg.Pool, in_thread: InThread) -> None:
        self.coop = coop
        self.pool = pool
        self.in_thread = in_thread
        self._loads: SingleFlight[UUID, Ballot] = SingleFlight()
        # Each vote as this process last saved it (taken out while in use).
        self._saved: dict[UUID, Vote] = {}
        self.commit = LoopCommit(pool, coop.recorder.datastore.lock_timeout)  # type: ignore[attr-defined]

    async def cast(self, ballot_id: UUID, member_id: UUID, mark: Mark, *, cast_by: UUID) -> Cast:
        """Cast (or change) the member's own vote; only their last before the close counts."""
        ballot = await self._ballot(ballot_id, 0)
        if ballot.secret:
            return await self._in_thread(ballot_id, member_id, mark, cast_by)
        vote = vote_id(ballot_id, member_id)
        # Most votes are a member's first, or a change of the vote this process
        # saved last: so first try on what the process knows, without reading.
        # If it guessed wrong (a vote of theirs saved elsewhere, the ballot moved
        # on), the log refuses the save, and the vote is decided again on a read.
        with contextlib.suppress(Conflict, CoopError):
            return await self._save(ballot, self._saved.pop(vote, None), member_id, mark, cast_by)
        for _ in range(VOTE_RETRIES):
            rows = await self.pool.fetch(_READ, ballot_id, ballot.version, vote)
            newer = ballot_moved_to(ballot_id, rows)
            if newer:  # opened, closed, an interest declared
                ballot = await self._ballot(ballot_id, newer)
            earlier = self.coop.vote_so_far(vote, rows)
            with contextlib.suppress(Conflict):  # a vote of theirs at the same moment
                return await self._save(ballot, earlier, member_id, mark, cast_by)
        raise Busy()

    async def _save(
        self, ballot: Ballot, earlier: Vote | None, member_id: UUID, mark: Mark, cast_by: UUID
    ) -> Cast:
        """Save the vote unless the ballot has moved on from ``ballot``; Conflict if it lost."""
        cast = self.coop.open_vote(ballot, earlier, member_id, mark, cast_by, supported=False)
        events = [self.coop.mapper.to_stored_event(e) for e in cast.collect_events()]
        positions = await self.commit.insert(events, [(ballot.id, ballot.version)])
        if len(self._saved) >= REMEMBERED:
            self._saved.clear()
        self._saved[cast.id] = cast
        return Cast(positions[-1], None)

    async def _ballot(self, ballot_id: UUID, version: int) -> Ballot:
        """The process's shared copy, loaded in a thread when missing or behind ``version``."""
        known = self.coop.voting_ballots.get(ballot_id)
        while known is None or known.version < version:
            # A load already under way (for an older version, perhaps) is shared.
            known = await self._loads.load(ballot_id, lambda: self._load(ballot_id, version))
        return known

    async def _load(self, ballot_id: UUID, version: int) -> Ballot:
        found: Ballot = await self.in_thread(self.coop.fresh_for_voting, ballot_id, version)
        # A large electorate is tens of thousands of objects that live as long as
        # the ballot: out of the cyclic collector's way, whose full passes over
        # them otherwise stalled every vote in flight for tens of milliseconds.
        gc.freeze()
        return found

    async def _in_thread(self, ballot_id: UUID, member_id: UUID, mark: Mark, cast_by: UUID) -> Cast:
        cast: Cast = await self.in_thread(
            self.coop.cast_vote, ballot_id, member_id, mark, cast_by=cast_by
        )
        return cast
