"""Votes cast on the event loop (LoopVoting), on the real event store.

It must decide exactly as ``Coop.cast_vote`` does, and its group commit must
never record a vote decided on a ballot that has since moved on (closed, say).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import anyio.to_thread
import asyncpg
import pytest
from eventsourcing.persistence import IntegrityError

from coop.application import Coop
from coop.clock import FixedClock
from coop.commands.governance.loop_voting import LoopVoting
from coop.domain.errors import InvalidInput
from coop.domain.governance.ballots import BallotNotOpen, Elector, Mark, NotAnElector, vote_id
from coop.domain.governance.votes import Vote
from coop.infra.eventstore.loop_commit import Conflict
from tests.app.governance.test_ballots import amira_changes_her_mind, co_op, resolution


async def _in_thread(call: Any, *args: Any, **kwargs: Any) -> Any:
    return await anyio.to_thread.run_sync(lambda: call(*args, **kwargs))


@pytest.fixture
async def desk(coop: Coop, pool: asyncpg.Pool) -> AsyncIterator[LoopVoting]:
    yield LoopVoting(coop, pool, _in_thread)


def _opened(coop: Coop, clock: FixedClock) -> tuple[list[Elector], UUID]:
    """The co-op's members, and a resolution open to them all."""
    electors = co_op(coop)
    ballot = resolution(coop, clock)
    coop.open_ballot(ballot, electors)
    return electors, ballot


async def _events_of(pool: asyncpg.Pool, originator: UUID) -> int:
    found: int = await pool.fetchval(
        "SELECT count(*) FROM coop_events WHERE originator_id = $1", originator
    )
    return found


async def test_votes_at_the_desk_count_as_any_other_and_only_the_last_counts(
    coop: Coop, clock: FixedClock, desk: LoopVoting
) -> None:
    electors, ballot = _opened(coop, clock)
    for member, answer in amira_changes_her_mind(electors):
        cast = await desk.cast(ballot, member, Mark(answer=answer), cast_by=member)
        assert cast.receipt is None and cast.position > 0
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)
    result = coop.repository.get(ballot).result
    assert result["carried"] is True
    assert result["turnout"] == {"user": 2, "carer": 1, "pa": 3}


async def test_bad_votes_at_the_desk_are_refused_and_store_nothing(
    coop: Coop, clock: FixedClock, desk: LoopVoting, pool: asyncpg.Pool
) -> None:
    electors = co_op(coop)
    ballot = resolution(coop, clock)
    amira = electors[0].member_id
    with pytest.raises(BallotNotOpen, match="has not opened yet"):
        await desk.cast(ballot, amira, Mark(answer="for"), cast_by=amira)
    coop.open_ballot(ballot, electors)
    with pytest.raises(NotAnElector):
        await desk.cast(ballot, uuid4(), Mark(answer="for"), cast_by=amira)
    with pytest.raises(InvalidInput, match="Choose for, against or abstain"):
        await desk.cast(ballot, amira, Mark(answer="maybe"), cast_by=amira)
    clock.advance(timedelta(days=7))
    with pytest.raises(BallotNotOpen, match="has closed"):
        await desk.cast(ballot, amira, Mark(answer="for"), cast_by=amira)
    assert await _events_of(pool, vote_id(ballot, amira)) == 0


async def test_a_vote_decided_before_the_ballot_moved_on_is_not_saved_but_decided_again(
    coop: Coop, clock: FixedClock, desk: LoopVoting, pool: asyncpg.Pool
) -> None:
    electors = co_op(coop)
    ballot = resolution(coop, clock)  # on PA pay: interests are declared, and shown
    coop.open_ballot(ballot, electors)
    marcus = electors[4].member_id
    read = coop.voting_ballot(ballot)  # as a vote read it, before Marcus declares

    def decided() -> Vote:
        return coop.open_vote(read, None, marcus, Mark(answer="for"), marcus, supported=False)

    events = [coop.mapper.to_stored_event(e) for e in decided().collect_events()]
    coop.declare_interest(ballot, marcus, "I am a PA")

    with pytest.raises(Conflict, match="what it read has moved on"):
        await desk.commit.insert(events, [(ballot, read.version)])
    with pytest.raises(IntegrityError, match="has changed since it was read"):
        coop.save(decided(), unchanged=[(ballot, read.version)])  # the threads' way alike
    assert await _events_of(pool, vote_id(ballot, marcus)) == 0

    await desk.cast(ballot, marcus, Mark(answer="for"), cast_by=marcus)  # reads afresh
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)
    result = coop.repository.get(ballot).result
    assert result["quorum"]["cast"] == 1
    assert result["without_conflicted"]["quorum"]["cast"] == 0  # his vote is marked


async def test_many_votes_at_once_each_count_once_and_a_members_own_race_keeps_every_change(
    coop: Coop, clock: FixedClock, desk: LoopVoting, pool: asyncpg.Pool
) -> None:
    electors, ballot = _opened(coop, clock)
    amira = electors[0].member_id
    answers = ["for", "against", "abstain"] * 4
    # Amira sends twelve votes at once while everyone else votes once: they
    # share groups, and her saves clash with each other inside them.
    await asyncio.gather(
        *(desk.cast(ballot, amira, Mark(answer=a), cast_by=amira) for a in answers),
        *(
            desk.cast(ballot, e.member_id, Mark(answer="for"), cast_by=e.member_id)
            for e in electors[1:]
        ),
    )
    assert await _events_of(pool, vote_id(ballot, amira)) == len(answers)
    for e in electors[1:]:
        assert await _events_of(pool, vote_id(ballot, e.member_id)) == 1
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)
    result = coop.repository.get(ballot).result
    assert sum(result["turnout"].values()) == len(electors)


async def test_a_vote_changed_elsewhere_is_changed_again_here_and_counts_as_the_last(
    coop: Coop, clock: FixedClock, desk: LoopVoting, pool: asyncpg.Pool
) -> None:
    electors, ballot = _opened(coop, clock)
    amira, tom, priya = (e.member_id for e in electors[:3])
    await desk.cast(ballot, amira, Mark(answer="for"), cast_by=amira)
    # Another web process (the threads' way alike) changes Amira's vote, and
    # Tom voted there before this desk ever saw her: this desk's first guess
    # (its own last save of Amira's vote; no vote of Tom's) is wrong for both.
    coop.cast_vote(ballot, amira, Mark(answer="against"), cast_by=amira)
    coop.cast_vote(ballot, tom, Mark(answer="for"), cast_by=tom)
    await asyncio.gather(
        desk.cast(ballot, amira, Mark(answer="abstain"), cast_by=amira),
        desk.cast(ballot, tom, Mark(answer="against"), cast_by=tom),
        # in the same group as the two refused: saved the first time
        desk.cast(ballot, priya, Mark(answer="for"), cast_by=priya),
    )
    assert await _events_of(pool, vote_id(ballot, amira)) == 3
    assert await _events_of(pool, vote_id(ballot, tom)) == 2
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)
    result = coop.repository.get(ballot).result
    by_class = {c["member_class"]: c for c in result["classes"]}
    assert (by_class["user"]["abstentions"], by_class["user"]["votes_against"]) == (1, 1)
    assert sum(result["turnout"].values()) == 3


async def test_a_secret_ballot_at_the_desk_still_gives_a_receipt(
    coop: Coop, clock: FixedClock, desk: LoopVoting
) -> None:
    electors = co_op(coop)
    ballot = resolution(coop, clock, secret=True)
    coop.open_ballot(ballot, electors)
    amira = electors[0].member_id
    cast = await desk.cast(ballot, amira, Mark(answer="for"), cast_by=amira)
    assert cast.receipt is not None and len(cast.receipt) >= 8
