"""Votes: one per elector per ballot, changeable until close; secret ballots on papers.

In an open ballot a ``Vote`` records who marked what. In a secret ballot the
record that a member voted (``Participation``, for turnout and for "nobody
votes twice") is apart from their ``Paper``: the paper's id is derived from the
member's id with a per-ballot key, and its mark is sealed with that key. When
the ballot is counted the papers are published in random order by receipt code
and the key is destroyed: from then on nothing links a member to a paper.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from coop.domain.errors import CoopError, InvalidInput
from coop.domain.governance.ballots import Ballot, BallotKind, Mark, paper_key_id, vote_id
from coop.domain.governance.secrecy import counts_by_class, counts_conflicts
from coop.domain.stored_names import stored_under
from coop.infra.sealing import Personal

_NAMESPACE = UUID("70de5a1c-8b3f-4e29-a0d6-1c5e7f9b2a38")
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read out


def new_receipt() -> str:
    """A receipt code such as "K7QF-M2XA-9PTD": random, so it says nothing about the voter."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


class Vote(Aggregate):
    """An open ballot's vote: the record shows who voted what, and who cast it."""

    class Cast(Aggregate.Created):
        ballot_id: UUID
        member_id: UUID
        member_class: str
        mark: Mark
        conflicted: bool
        cast_by: UUID  # the account that cast it: the member, or their advocate
        supported: bool
        at: datetime

    class Changed(Aggregate.Event):
        mark: Mark
        conflicted: bool
        cast_by: UUID
        supported: bool
        at: datetime

    @classmethod
    def cast_first(
        cls,
        *,
        ballot_id: UUID,
        member_id: UUID,
        member_class: str,
        mark: Mark,
        conflicted: bool,
        cast_by: UUID,
        supported: bool,
        at: datetime,
    ) -> Vote:
        """A member's first vote on the ballot: one per member per ballot (``vote_id``)."""
        return cls._create(
            cls.Cast,
            id=vote_id(ballot_id, member_id),
            ballot_id=ballot_id,
            member_id=member_id,
            member_class=member_class,
            mark=mark,
            conflicted=conflicted,
            cast_by=cast_by,
            supported=supported,
            at=at,
        )

    @event(Cast)
    def __init__(
        self,
        ballot_id: UUID,
        member_id: UUID,
        member_class: str,
        mark: Mark,
        conflicted: bool,
        cast_by: UUID,
        supported: bool,
        at: datetime,
    ) -> None:
        self.mark = mark

    @event(Changed)
    def change(
        self, mark: Mark, conflicted: bool, cast_by: UUID, supported: bool, at: datetime
    ) -> None:
        """Replace the vote: only the last one counts."""
        self.mark = mark


class Participation(Aggregate):
    """A secret ballot's record that a member voted (never what they chose)."""

    class Voted(Aggregate.Created):
        ballot_id: UUID
        member_id: UUID
        cast_by: UUID
        supported: bool
        at: datetime

    class VotedAgain(Aggregate.Event):
        cast_by: UUID
        supported: bool
        at: datetime

    @classmethod
    def first_time(
        cls, *, ballot_id: UUID, member_id: UUID, cast_by: UUID, supported: bool, at: datetime
    ) -> Participation:
        """The record that a member has voted, made with their first paper."""
        return cls._create(
            cls.Voted,
            id=vote_id(ballot_id, member_id),
            ballot_id=ballot_id,
            member_id=member_id,
            cast_by=cast_by,
            supported=supported,
            at=at,
        )

    @event(Voted)
    def __init__(
        self, ballot_id: UUID, member_id: UUID, cast_by: UUID, supported: bool, at: datetime
    ) -> None:
        pass

    @event(VotedAgain)
    def vote_again(self, cast_by: UUID, supported: bool, at: datetime) -> None:
        """The member changed their vote (what to is on their paper, sealed)."""


class PaperContent(Personal, frozen=True, kw_only=True):
    """What is on a secret ballot paper; sealed with the ballot's paper key."""

    mark: Mark
    member_class: str  # the count is weighted by class
    conflicted: bool
    receipt: str
    padding: str = ""  # every paper is sealed at the same length: see ``padded``


class Paper(Aggregate):
    """A secret ballot paper: its id and its mark are only readable with the paper key."""

    class Marked(Aggregate.Created):
        SEALED_WITH: ClassVar[str] = "key_id"
        key_id: UUID
        content: PaperContent

    class Remarked(Aggregate.Event):
        SEALED_WITH: ClassVar[str] = "key_id"
        key_id: UUID
        content: PaperContent

    @classmethod
    def first_marked(cls, paper_id: UUID, *, key_id: UUID, content: PaperContent) -> Paper:
        """A member's paper, marked for the first time (its id from ``paper_id``)."""
        return cls._create(cls.Marked, id=paper_id, key_id=key_id, content=content)

    @event(Marked)
    def __init__(self, key_id: UUID, content: PaperContent) -> None:
        self.content = content

    @event(Remarked)
    def remark(self, key_id: UUID, content: PaperContent) -> None:
        """A new mark replaces the old one: only the last counts."""
        self.content = content


PAPER_BYTES = 4096


def padded(content: PaperContent) -> PaperContent:
    """The content made up to ``PAPER_BYTES``: a sealed paper's length must not give away
    its mark ("for" is shorter than "against")."""
    size = len(msgspec.json.encode(content))
    if size > PAPER_BYTES:
        raise InvalidInput("That is more choices than a ballot paper can hold.", "ranking")
    return msgspec.structs.replace(content, padding=" " * (PAPER_BYTES - size))


def paper_id(derived_key: bytes, member_id: UUID) -> UUID:
    """The member's paper in this ballot: computable only with the ballot's paper key."""
    digest = hmac.new(derived_key, member_id.bytes, hashlib.sha256).hexdigest()
    return uuid5(_NAMESPACE, digest)


def vote_on(
    ballot: Ballot,
    earlier: Vote | None,
    member_id: UUID,
    mark: Mark,
    *,
    cast_by: UUID,
    supported: bool,
    now: datetime,
) -> Vote:
    """The member's vote on an open (not secret) ballot, cast or changed; not yet saved."""
    member_class = ballot.check_vote(member_id, mark, now)
    conflicted = ballot.conflicted(member_id)
    if earlier is None:
        return Vote.cast_first(
            ballot_id=ballot.id,
            member_id=member_id,
            member_class=member_class,
            mark=mark,
            conflicted=conflicted,
            cast_by=cast_by,
            supported=supported,
            at=now,
        )
    earlier.change(mark=mark, conflicted=conflicted, cast_by=cast_by, supported=supported, at=now)
    return earlier


def secret_paper(
    ballot: Ballot, member_id: UUID, mark: Mark, *, receipt: str, now: datetime
) -> PaperContent:
    """What goes on the member's paper in a secret ballot: checked as any vote is, and
    made up to the one size every paper is sealed at."""
    member_class = ballot.check_vote(member_id, mark, now)
    return padded(
        PaperContent(
            mark=mark,
            member_class=member_class,
            conflicted=ballot.conflicted(member_id),
            receipt=receipt,
        )
    )


def mark_paper(
    paper: Paper | None, paper_id: UUID, ballot_id: UUID, content: PaperContent
) -> Paper:
    """The member's paper marked, or marked again, under the ballot's paper key."""
    key_id = paper_key_id(ballot_id)
    if paper is None:
        return Paper.first_marked(paper_id, key_id=key_id, content=content)
    paper.remark(key_id=key_id, content=content)
    return paper


def record_voting(
    record: Participation | None,
    *,
    ballot_id: UUID,
    member_id: UUID,
    cast_by: UUID,
    supported: bool,
    at: datetime,
) -> Participation:
    """The record that the member voted in a secret ballot (first time or again)."""
    if record is None:
        return Participation.first_time(
            ballot_id=ballot_id, member_id=member_id, cast_by=cast_by, supported=supported, at=at
        )
    record.vote_again(cast_by=cast_by, supported=supported, at=at)
    return record


def published(content: PaperContent, kind: BallotKind | str) -> dict[str, Any]:
    """A paper as the count publishes it: by receipt code, never by member, with only
    what a ``kind`` ballot's count uses (see ``secrecy``)."""
    paper: dict[str, Any] = {
        "receipt": content.receipt,
        "mark": {
            "answer": content.mark.answer,
            "ranking": list(content.mark.ranking),
            "approvals": list(content.mark.approvals),
        },
    }
    if counts_by_class(kind):
        paper["member_class"] = content.member_class
    if counts_conflicts(kind):
        paper["conflicted"] = content.conflicted
    return paper


class NoAdvocate(CoopError):
    status = 403

    def __init__(self) -> None:
        super().__init__(
            "You can vote for this member only if they have named you as their advocate."
        )


class Advocacy(Aggregate):
    """A member names an advocate (often a carer) who may vote with or for them."""

    class Named(Aggregate.Created):
        member_id: UUID
        advocate_account: UUID
        on: date

    class Ended(Aggregate.Event):
        on: date

    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        """One advocacy record per member."""
        return uuid5(_NAMESPACE, f"advocacy:{member_id}")

    @event(Named)
    def __init__(self, member_id: UUID, advocate_account: UUID, on: date) -> None:
        self.advocate: UUID | None = advocate_account

    @event("Renamed")
    def rename(self, advocate_account: UUID, on: date) -> None:
        """Name a different advocate (or the same one again after ending)."""
        self.advocate = advocate_account

    @event(Ended)
    def end(self, on: date) -> None:
        """The member withdraws their consent."""
        self.advocate = None


# Stored in the log before governance and membership had rooms of their own.
stored_under(__name__, "coop.domain.votes")
