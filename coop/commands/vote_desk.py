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

import gc
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import asyncpg

from coop.application import Coop
from coop.commands.base import Busy
from coop.commands.governance import (
    VOTE_RETRIES,
    VOTING_READ,
    Cast,
    ballot_moved_to,
)
from coop.domain.ballots import Ballot, Mark, vote_id
from coop.eventstore.loop_commit import Conflict, LoopCommit

_READ = VOTING_READ.format("$1", "$2", "$3")

# Runs a blocking call in a thread (Services.run).
InThread = Callable[..., Awaitable[Any]]


class VoteDesk:
    """Takes members' votes for one web process."""

    def __init__(self, coop: Coop, pool: asyncpg.Pool, in_thread: InThread) -> None:
        self.coop = coop
        self.pool = pool
        self.in_thread = in_thread
        self.commit = LoopCommit(pool, coop.recorder.datastore.lock_timeout)  # type: ignore[attr-defined]

    async def cast(self, ballot_id: UUID, member_id: UUID, mark: Mark, *, cast_by: UUID) -> Cast:
        """Cast (or change) the member's own vote; only their last before the close counts."""
        ballot = await self._ballot(ballot_id, 0)
        if ballot.secret:
            return await self._in_thread(ballot_id, member_id, mark, cast_by)
        vote = vote_id(ballot_id, member_id)
        for _ in range(VOTE_RETRIES):
            rows = await self.pool.fetch(_READ, ballot_id, ballot.version, vote)
            newer = ballot_moved_to(ballot_id, rows)
            if newer:  # opened, closed, an interest declared
                ballot = await self._ballot(ballot_id, newer)
            earlier = self.coop.vote_so_far(vote, rows)
            cast = self.coop.open_vote(ballot, earlier, member_id, mark, cast_by, supported=False)
            events = [self.coop.mapper.to_stored_event(e) for e in cast.collect_events()]
            try:
                positions = await self.commit.insert(events, [(ballot_id, ballot.version)])
            except Conflict:
                continue  # a vote of theirs at the same moment, or the ballot moved on
            return Cast(positions[-1], None)
        raise Busy()

    async def _ballot(self, ballot_id: UUID, version: int) -> Ballot:
        """The process's shared copy, loaded in a thread when missing or behind ``version``."""
        known = self.coop.voting_ballots.get(ballot_id)
        if known is not None and known.version >= version:
            return known
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
