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
from typing import ClassVar
from uuid import UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from coop.domain.errors import CoopError, InvalidInput
from coop.domain.governance.ballots import Mark
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
