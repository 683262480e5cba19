"""Ballots: drafted, opened with a fixed electorate, closed on time, counted."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from coop.domain.errors import CoopError, InvalidInput
from coop.domain.rules import ConflictPolicy, RuleBook

_NAMESPACE = UUID("b0a11075-2f6e-4c1d-8e3a-6d2b9f0c4e7a")
RESOLUTION_ANSWERS = ("for", "against", "abstain")


class BallotKind(StrEnum):
    RESOLUTION = "resolution"
    ELECTION = "election"
    REINVESTMENT = "reinvestment"


class Option(msgspec.Struct, frozen=True, kw_only=True):
    """A choice on the ballot: an answer, a candidate, or a costed reinvestment option."""

    id: str
    label: str
    detail: str = ""
    cost_pence: int = 0
    member_class: str = ""  # a candidate's class (for reserved seats)
    benefits: str = ""  # users / carers / pas / everyone (reinvestment)


class Mark(msgspec.Struct, frozen=True, kw_only=True):
    """What a voter marked: an answer, a ranking, or the options they approve."""

    answer: str = ""
    ranking: tuple[str, ...] = ()
    approvals: tuple[str, ...] = ()


class Elector(msgspec.Struct, frozen=True):
    member_id: UUID
    member_class: str


class BallotError(CoopError):
    """Base of ballot refusals."""


class BallotNotOpen(BallotError):
    def __init__(self, state: str) -> None:
        words = {"drafted": "has not opened yet", "closed": "has closed", "counted": "has closed"}
        super().__init__(f"This ballot {words.get(state, 'is not open')}.")


class NotAnElector(BallotError):
    status = 403

    def __init__(self) -> None:
        super().__init__(
            "You are not on this ballot's list of voters. The list was fixed when it opened:"
            " members in good standing of the voting classes, less anyone who stood aside."
        )


class Ballot(Aggregate):
    """One question put to the members, from draft to published result."""

    class Drafted(Aggregate.Created):
        kind: BallotKind
        title: str
        question: str
        easy_read: str
        topic: str
        special: bool
        secret: bool
        opens_at: datetime
        closes_at: datetime
        options: tuple[Option, ...]
        seats: int
        budget_pence: int
        meeting_id: UUID | None
        proposed_rules: RuleBook | None
        by: UUID

    class OptionsListed(Aggregate.Event):
        options: tuple[Option, ...]
        by: UUID

    class InterestDeclared(Aggregate.Event):
        member_id: UUID
        interest: str

    class Opened(Aggregate.Event):
        electorate: tuple[Elector, ...]
        recused: tuple[UUID, ...]
        rules_version: int
        rules: RuleBook
        at: datetime

    class Closed(Aggregate.Event):
        at: datetime

    class Counted(Aggregate.Event):
        up_to: int  # votes recorded before this position in the log count
        result: dict[str, Any]

    @event(Drafted)
    def __init__(
        self,
        kind: BallotKind,
        title: str,
        question: str,
        easy_read: str,
        topic: str,
        special: bool,
        secret: bool,
        opens_at: datetime,
        closes_at: datetime,
        options: tuple[Option, ...],
        seats: int,
        budget_pence: int,
        meeting_id: UUID | None,
        proposed_rules: RuleBook | None,
        by: UUID,
    ) -> None:
        self.kind = kind
        self.topic = topic
        self.special = special
        self.secret = secret
        self.opens_at = opens_at
        self.closes_at = closes_at
        self.options = options
        self.seats = seats
        self.budget_pence = budget_pence
        self.proposed_rules = proposed_rules
        self.state = "drafted"
        self.declared: dict[UUID, str] = {}
        self.electors: dict[UUID, str] = {}
        self.rules: RuleBook | None = None
        self.rules_version = 0
        self.result: dict[str, Any] | None = None

    @classmethod
    def draft(
        cls,
        *,
        kind: BallotKind,
        opens_at: datetime,
        closes_at: datetime,
        now: datetime,
        **fields: Any,
    ) -> Ballot:
        """A new ballot, checked: a real window in the future and the right options."""
        if closes_at <= opens_at:
            raise InvalidInput("The ballot must close after it opens.", "closes_at")
        if closes_at <= now:
            raise InvalidInput("The closing time must be in the future.", "closes_at")
        options = fields.pop("options", ())
        if kind is BallotKind.RESOLUTION:
            options = tuple(Option(id=a, label=a.capitalize()) for a in RESOLUTION_ANSWERS)
        _check_options(kind, options, fields.get("seats", 0))
        proposed: RuleBook | None = fields.get("proposed_rules")
        if proposed is not None:
            if kind is not BallotKind.RESOLUTION or not fields.get("special"):
                raise InvalidInput("New rules can only be proposed by a special resolution.")
            proposed.check()  # the members must never be asked to adopt rules that can't work
        return cls(kind=kind, opens_at=opens_at, closes_at=closes_at, options=options, **fields)

    # Before it opens ------------------------------------------------------------------

    def list_options(self, options: tuple[Option, ...], *, by: UUID) -> None:
        """Set the candidates or reinvestment options (trustees, while drafted)."""
        if self.state != "drafted":
            raise BallotError("The options can only be changed before the ballot opens.")
        if self.kind is BallotKind.RESOLUTION:
            raise BallotError("A resolution's answers are always for, against and abstain.")
        _check_options(self.kind, options, self.seats)
        self._options_listed(options=options, by=by)

    @event(OptionsListed)
    def _options_listed(self, options: tuple[Option, ...], by: UUID) -> None:
        self.options = options

    def declare_interest(self, member_id: UUID, interest: str, policy: ConflictPolicy) -> None:
        """A member declares an interest; under ``recuse`` they must do so before it opens."""
        if not interest.strip():
            raise InvalidInput("Say what the interest is.", "interest")
        if self.state in ("closed", "counted"):
            raise BallotNotOpen(self.state)
        if policy is ConflictPolicy.RECUSE and self.state != "drafted":
            raise BallotError(
                "On this topic members with an interest stand aside, so interests must be"
                " declared before the ballot opens."
            )
        if member_id in self.declared:
            raise BallotError("You have already declared an interest on this ballot.")
        self._interest_declared(member_id=member_id, interest=interest)

    @event(InterestDeclared)
    def _interest_declared(self, member_id: UUID, interest: str) -> None:
        self.declared[member_id] = interest

    # Opening, voting, closing -------------------------------------------------------

    def open(
        self, electorate: tuple[Elector, ...], *, rules: RuleBook, rules_version: int, at: datetime
    ) -> None:
        """Fix the electorate (voting classes, less recusals) and open for votes."""
        if self.state != "drafted":
            raise BallotError("This ballot has already opened.")
        if self.kind is not BallotKind.RESOLUTION and len(self.options) < 1:
            raise BallotError("List the candidates or options before opening the ballot.")
        recuse = rules.policy_for(self.topic) is ConflictPolicy.RECUSE
        recused = tuple(sorted(m for m in self.declared if recuse))
        voting = rules.voting_classes()
        kept = tuple(
            e for e in electorate if e.member_class in voting and e.member_id not in recused
        )
        self._opened(
            electorate=kept, recused=recused, rules_version=rules_version, rules=rules, at=at
        )

    @event(Opened)
    def _opened(
        self,
        electorate: tuple[Elector, ...],
        recused: tuple[UUID, ...],
        rules_version: int,
        rules: RuleBook,
        at: datetime,
    ) -> None:
        self.state = "open"
        self.electors = {e.member_id: e.member_class for e in electorate}
        self.rules = rules
        self.rules_version = rules_version

    def check_vote(self, member_id: UUID, mark: Mark, now: datetime) -> str:
        """The voter's class, if ``member_id`` may cast ``mark`` now; else say why not."""
        if self.state != "open" or now >= self.closes_at:
            raise BallotNotOpen("closed" if now >= self.closes_at else self.state)
        member_class = self.electors.get(member_id)
        if member_class is None:
            raise NotAnElector()
        check_mark(self.kind, self.options, mark)
        return member_class

    def conflicted(self, member_id: UUID) -> bool:
        return member_id in self.declared

    def close(self, at: datetime) -> None:
        """Stop taking votes (the scheduler closes it at ``closes_at``)."""
        if self.state != "open":
            raise BallotNotOpen(self.state)
        self._closed(at=at)

    @event(Closed)
    def _closed(self, at: datetime) -> None:
        self.state = "closed"

    def record_count(self, up_to: int, result: dict[str, Any]) -> None:
        if self.state != "closed":
            raise BallotError("A ballot is counted once, after it closes.")
        self._counted(up_to=up_to, result=result)

    @event(Counted)
    def _counted(self, up_to: int, result: dict[str, Any]) -> None:
        self.state = "counted"
        self.result = result


def _check_options(kind: BallotKind, options: tuple[Option, ...], seats: int) -> None:
    ids = [o.id for o in options]
    if len(set(ids)) != len(ids):
        raise InvalidInput("Each option must be different.", "options")
    if kind is BallotKind.ELECTION and seats < 1:
        raise InvalidInput("An election needs at least one seat.", "seats")
    if kind is BallotKind.REINVESTMENT and any(o.cost_pence <= 0 for o in options):
        raise InvalidInput("Every reinvestment option needs a cost above £0.", "options")


def check_mark(kind: BallotKind, options: tuple[Option, ...], mark: Mark) -> None:
    """Refuse a mark the ballot can't take, saying what is wrong."""
    ids = {o.id for o in options}
    if kind is BallotKind.RESOLUTION:
        if mark.answer not in RESOLUTION_ANSWERS or mark.ranking or mark.approvals:
            raise InvalidInput("Choose for, against or abstain.", "answer")
    elif kind is BallotKind.ELECTION:
        if not mark.ranking or mark.answer or mark.approvals:
            raise InvalidInput("Number at least one candidate, 1 for your first choice.", "ranking")
        if len(set(mark.ranking)) != len(mark.ranking):
            raise InvalidInput("Give each candidate a different number.", "ranking")
        if not set(mark.ranking) <= ids:
            raise InvalidInput("That is not a candidate on this ballot.", "ranking")
    else:
        if mark.answer or mark.ranking or len(set(mark.approvals)) != len(mark.approvals):
            raise InvalidInput("Tick the options you support.", "approvals")
        if not set(mark.approvals) <= ids:
            raise InvalidInput("That is not an option on this ballot.", "approvals")


def vote_id(ballot_id: UUID, member_id: UUID) -> UUID:
    """One vote (or, in a secret ballot, one record of voting) per elector per ballot."""
    return uuid5(_NAMESPACE, f"vote:{ballot_id}:{member_id}")


def paper_key_id(ballot_id: UUID) -> UUID:
    """The key that seals a secret ballot's papers; destroyed when it is counted."""
    return uuid5(_NAMESPACE, f"papers:{ballot_id}")
