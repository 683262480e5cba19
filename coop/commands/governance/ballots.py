"""Ballots: drafted, their options listed, opened with the electorate fixed, closed and counted."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from coop.commands.base import Commands, Done
from coop.domain.governance.ballots import (
    Ballot,
    BallotDraft,
    BallotError,
    BallotNotOpen,
    Elector,
    Mark,
    Option,
    paper_key_id,
    vote_id,
)
from coop.domain.governance.seats import Trustee
from coop.domain.governance.tally import count_ballot
from coop.domain.governance.votes import PaperContent, Vote, paper_id, published
from coop.infra.eventstore.reads import events_before, position_of

# As stored: the topic the ballots' events were first written under.
_CLOSED_TOPIC = "coop.domain.ballots:Ballot.Closed"

# (class, mark, conflicted, supported): what the count needs of each elector's last vote.
Counted = tuple[str, Mark, bool, bool]


class BallotCommands(Commands):
    """Commands on ``Ballot`` aggregates, from draft to count (members' proposals and
    votes are in ``proposals`` and ``voting``)."""

    def draft_ballot(self, *, by: UUID, **draft: Any) -> Done:
        """Draft a ballot: a resolution, an election or a reinvestment ballot."""
        ballot = Ballot.draft(BallotDraft(**draft), now=self.clock.now(), by=by)
        recordings = self.save(ballot)
        return Done(recordings[-1].notification.id, ballot.id)

    def list_options(self, ballot_id: UUID, options: tuple[Option, ...], *, by: UUID) -> Done:
        """Set an election's candidates or a reinvestment ballot's options, while drafted."""
        return self._changing(ballot_id, self._ballot, lambda b: b.list_options(options, by=by))

    def declare_interest(self, ballot_id: UUID, member_id: UUID, interest: str) -> Done:
        """A member declares an interest in what the ballot decides."""

        def declare(ballot: Ballot) -> None:
            policy = self.rules_in_force().rules.policy_for(ballot.topic)
            ballot.declare_interest(member_id, interest, policy)

        return self._changing(ballot_id, self._ballot, declare)

    def open_ballot(
        self, ballot_id: UUID, electorate: Sequence[Elector], trustees: Sequence[Trustee] = ()
    ) -> Done:
        """Open the ballot with its electorate fixed: the members in good standing now.

        An election also fixes its reserved seats from ``trustees``, those in office now.
        """
        rules = self.rules_in_force()
        return self._changing(
            ballot_id,
            self._ballot,
            lambda b: b.open(
                tuple(electorate),
                rules=rules.rules,
                rules_version=rules.version,
                at=self.clock.now(),
                trustees=tuple(trustees),
            ),
        )

    def close_ballot(self, ballot_id: UUID) -> Done:
        """Close the ballot, count every vote recorded before the close, publish the result.

        For a secret ballot the papers are published in random order by receipt
        code, and then the paper key is destroyed.
        """
        ballot = self._ballot(ballot_id)
        if ballot.state == "open":
            self._changing(ballot_id, self._ballot, lambda b: b.close(self.clock.now()))
        ballot = self._ballot(ballot_id)
        if ballot.state != "closed":
            raise BallotNotOpen(ballot.state)
        up_to = position_of(self.datastore, ballot_id, _CLOSED_TOPIC)
        assert up_to is not None
        marks, papers = self._last_marks(ballot, up_to)
        result = count_ballot(ballot, marks)
        if ballot.secret:
            random.SystemRandom().shuffle(papers)
            result["papers"] = papers
        done = self._changing(ballot_id, self._ballot, lambda b: b.record_count(up_to, result))
        if ballot.secret:
            self.destroy_keys([paper_key_id(ballot_id)])
        return done

    def _last_marks(self, ballot: Ballot, up_to: int) -> tuple[list[Counted], list[dict[str, Any]]]:
        """Each elector's last mark before ``up_to``, and a secret ballot's papers."""
        class_of: dict[UUID, str] = {}
        if ballot.secret:
            derived = self._keyring.derive(paper_key_id(ballot.id), b"paper ids")
            if derived is None:  # another process has just counted it and destroyed the key
                raise BallotError("This ballot has already been counted.")
            ids = [paper_id(derived, m) for m in ballot.electors]
        else:
            # Each vote's id and its voter's class, looked up once: a change doesn't repeat it.
            class_of = {vote_id(ballot.id, m): c for m, c in ballot.electors.items()}
            ids = list(class_of)
        latest: dict[UUID | str, Any] = {}
        for stored in events_before(self.datastore, ids, up_to):
            latest[stored.originator_id] = self.mapper.to_domain_event(stored)
        marks: list[Counted] = []
        papers: list[dict[str, Any]] = []
        for e in latest.values():
            if ballot.secret:
                c: PaperContent = e.content
                marks.append((c.member_class, c.mark, c.conflicted, False))
                papers.append(published(c, ballot.kind))
            else:
                cls = e.member_class if isinstance(e, Vote.Cast) else class_of[e.originator_id]
                marks.append((cls, e.mark, e.conflicted, e.supported))
        return marks, papers
