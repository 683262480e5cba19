"""Casting votes on the event loop: the web process's way to vote.

The same command as ``VotingCommands.cast_vote``, deciding with the same domain
code on the same copy of the ballot (``OpenBallots``), but its two round trips
(read the ballot's news and the member's vote; insert the vote unless the
ballot has moved on) go over asyncpg from the event loop. A vote handed to a
thread instead paid for the hop there and back and for the threads' contention
for the GIL, more than for the vote itself.

Secret ballots and supported votes, which read more (papers, participation,
the advocate's consent), still go to ``cast_vote`` in a thread.
"""

from __future__ import annotations

import contextlib
from uuid import UUID

import asyncpg

from coop.commands.base import Busy
from coop.commands.governance.open_ballots import InThread
from coop.commands.governance.voting import VOTE_RETRIES, Cast, VotingCommands
from coop.domain.errors import CoopError
from coop.domain.governance.ballots import Ballot, Mark, vote_id
from coop.domain.governance.votes import Vote
from coop.infra.eventstore.loop_commit import Conflict, LoopCommit
from coop.infra.eventstore.reads import ballot_news_and_vote_on_loop, newest_version

REMEMBERED = 50_000  # votes, a few hundred bytes each


class LoopVoting:
    """Casts members' votes from one web process's event loop."""

    def __init__(self, voting: VotingCommands, pool: asyncpg.Pool, in_thread: InThread) -> None:
        self.voting = voting
        self.pool = pool
        self.in_thread = in_thread
        # Each vote as this process last saved it (taken out while in use).
        self._saved: dict[UUID, Vote] = {}
        self.commit = LoopCommit(
            pool, voting.datastore.lock_timeout, getattr(voting.recorder, "seal_key", b"")
        )

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
            events = await ballot_news_and_vote_on_loop(self.pool, ballot_id, ballot.version, vote)
            newer = newest_version(events, ballot_id)
            if newer:  # opened, closed, an interest declared
                ballot = await self._ballot(ballot_id, newer)
            earlier = self.voting.vote_so_far(vote, events)
            with contextlib.suppress(Conflict):  # a vote of theirs at the same moment
                return await self._save(ballot, earlier, member_id, mark, cast_by)
        raise Busy()

    async def _save(
        self, ballot: Ballot, earlier: Vote | None, member_id: UUID, mark: Mark, cast_by: UUID
    ) -> Cast:
        """Save the vote unless the ballot has moved on from ``ballot``; Conflict if it lost."""
        cast = self.voting.open_vote(ballot, earlier, member_id, mark, cast_by, supported=False)
        events = [self.voting.mapper.to_stored_event(e) for e in cast.collect_events()]
        positions = await self.commit.insert(events, [(ballot.id, ballot.version)])
        if len(self._saved) >= REMEMBERED:
            self._saved.clear()
        self._saved[cast.id] = cast
        return Cast(positions[-1], None)

    async def ballot(self, ballot_id: UUID) -> Ballot:
        """The ballot as this process knows it, to read a vote's paper by (never change it).

        BallotNotFound if there is none."""
        return await self._ballot(ballot_id, 0)

    async def _ballot(self, ballot_id: UUID, version: int) -> Ballot:
        return await self.voting.open_ballots.at_least_on_loop(ballot_id, version, self.in_thread)

    async def _in_thread(self, ballot_id: UUID, member_id: UUID, mark: Mark, cast_by: UUID) -> Cast:
        cast: Cast = await self.in_thread(
            self.voting.cast_vote, ballot_id, member_id, mark, cast_by=cast_by
        )
        return cast
