"""Voting: a member casts or changes their vote, in the open or on a secret paper,
themselves or through their advocate. Only their last vote before the close counts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.application import project_aggregate
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, StoredEvent

from coop.commands.base import Busy, Commands
from coop.commands.governance.open_ballots import OpenBallots
from coop.domain.governance.ballots import Ballot, BallotNotOpen, Mark, paper_key_id, vote_id
from coop.domain.governance.votes import (
    Advocacy,
    NoAdvocate,
    Paper,
    Participation,
    Vote,
    mark_paper,
    new_receipt,
    paper_id,
    record_voting,
    secret_paper,
    vote_on,
)
from coop.infra.eventstore.reads import ballot_news_and_vote, newest_version

VOTE_RETRIES = 20


class Cast(NamedTuple):
    """A vote accepted: its position in the log, and a secret ballot's receipt code."""

    position: int
    receipt: str | None


class VotingCommands(Commands):
    """Casting votes, from a thread (the event loop's way is ``LoopVoting``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_ballots = OpenBallots(self._ballot)

    def cast_vote(
        self,
        ballot_id: UUID,
        member_id: UUID,
        mark: Mark,
        *,
        cast_by: UUID,
        supported: bool = False,
    ) -> Cast:
        """Cast (or change) a member's vote; only their last vote before the close counts."""
        if supported:
            advocacy = self._get_or_none(Advocacy, Advocacy.create_id(member_id))
            if advocacy is None or advocacy.advocate != cast_by:
                raise NoAdvocate()
        for _ in range(VOTE_RETRIES):
            ballot, earlier = self._for_voting(ballot_id, vote_id(ballot_id, member_id))
            receipt: str | None = None
            if ballot.secret:
                receipt = new_receipt()
                aggregates = self._secret_vote(ballot, member_id, mark, receipt, cast_by, supported)
            else:
                aggregates = (self.open_vote(ballot, earlier, member_id, mark, cast_by, supported),)
            try:
                recordings = self.save(*aggregates, unchanged=[(ballot_id, ballot.version)])
            except IntegrityError:
                # The same member voting twice at once, or the ballot moved on
                # since it was read (closed, say): re-read and decide again.
                continue
            return Cast(recordings[-1].notification.id, receipt)
        raise Busy()

    def open_vote(
        self,
        ballot: Ballot,
        vote: Vote | None,
        member_id: UUID,
        mark: Mark,
        cast_by: UUID,
        supported: bool,
    ) -> Vote:
        """The member's vote on an open (not secret) ballot, cast or changed, not yet saved."""
        return vote_on(
            ballot,
            vote,
            member_id,
            mark,
            cast_by=cast_by,
            supported=supported,
            now=self.clock.now(),
        )

    def voting_ballot(self, ballot_id: UUID) -> Ballot:
        """The ballot as votes last found it in this process (shared: never change it)."""
        return self.open_ballots.at_least(ballot_id)

    def vote_so_far(self, vote: UUID, events: Iterable[StoredEvent]) -> Vote | None:
        """The member's vote as its events among ``events`` (stored) make it."""
        found: Any = project_aggregate(
            None,
            [self.mapper.to_domain_event(e) for e in events if e.originator_id == vote],
        )
        return found if isinstance(found, Vote) else None

    def _for_voting(self, ballot_id: UUID, vote: UUID) -> tuple[Ballot, Vote | None]:
        """The ballot as it is now, and the member's vote so far, in one query.

        One query asks for any newer events of the process's copy of the ballot
        (``OpenBallots``) together with the voter's own; only when the ballot has
        moved on is it loaded afresh. (The library's cache instead fast-forwards
        under a lock per aggregate, so every vote queued behind one lock on the
        ballot.) The vote is saved only if the ballot is still at the version read.
        """
        ballot = self.open_ballots.at_least(ballot_id)
        events = ballot_news_and_vote(self.datastore, ballot_id, ballot.version, vote)
        newer = newest_version(events, ballot_id)
        if newer:  # opened, closed, an interest declared
            ballot = self.open_ballots.at_least(ballot_id, newer)
        return ballot, self.vote_so_far(vote, events)

    def _secret_vote(
        self,
        ballot: Ballot,
        member_id: UUID,
        mark: Mark,
        receipt: str,
        cast_by: UUID,
        supported: bool,
    ) -> tuple[Aggregate, ...]:
        """The member's paper and the record that they voted, not yet saved."""
        now = self.clock.now()
        content = secret_paper(ballot, member_id, mark, receipt=receipt, now=now)
        derived = self._keyring.derive(paper_key_id(ballot.id), b"paper ids")
        if derived is None:
            raise BallotNotOpen("closed")  # the key goes when the ballot is counted
        pid = paper_id(derived, member_id)
        voted = record_voting(
            self._get_or_none(Participation, vote_id(ballot.id, member_id)),
            ballot_id=ballot.id,
            member_id=member_id,
            cast_by=cast_by,
            supported=supported,
            at=now,
        )
        return voted, mark_paper(self._get_or_none(Paper, pid), pid, ballot.id, content)
