"""Ballots: drafted, opened with a fixed electorate, closed on time, counted."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid4, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from coop.clock import UK
from coop.domain.errors import CoopError, InvalidInput, NotFound
from coop.domain.governance.proposals import (
    Costing,
    Proposal,
    ProposalState,
    check_proposal_text,
    same_title,
)
from coop.domain.governance.rules import ConflictPolicy, RuleBook
from coop.domain.governance.seats import Trustee, continuing, reserved_seats
from coop.domain.stored_names import stored_under

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


class Electors(Mapping[UUID, str]):
    """Who may vote on a ballot, and in which class: fixed when it opens, never changed.

    So copies of the ballot share it rather than copying it: copying a
    10,000-member electorate took over 100 ms, paid by the first votes on every
    ballot in every process while the event loop waited for the GIL.
    """

    __slots__ = ("_classes",)

    def __init__(self, electorate: Iterable[Elector] = ()) -> None:
        self._classes = {e.member_id: e.member_class for e in electorate}

    def __getitem__(self, member_id: UUID) -> str:
        return self._classes[member_id]

    def get(self, member_id: UUID, default: Any = None) -> Any:  # dict's speed, not Mapping's
        return self._classes.get(member_id, default)

    def __iter__(self) -> Iterator[UUID]:
        return iter(self._classes)

    def __len__(self) -> int:
        return len(self._classes)

    def __deepcopy__(self, memo: dict[int, Any]) -> Electors:
        return self


class BallotError(CoopError):
    """Base of ballot refusals."""


class BallotNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("There is no ballot with that reference.")


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


class BallotDraft(msgspec.Struct, frozen=True, kw_only=True):
    """A ballot as the trustees draft it: what it asks, when it is open, and its choices.

    The one list of a draft's fields and their defaults: the draft command takes
    them as keywords, and ``Ballot.Drafted`` records them as they are.
    """

    kind: BallotKind
    title: str
    question: str
    easy_read: str = ""
    topic: str = "general"
    special: bool = False
    secret: bool = False
    opens_at: datetime
    closes_at: datetime
    options: tuple[Option, ...] = ()
    seats: int = 0
    budget_pence: int = 0
    meeting_id: UUID | None = None
    proposed_rules: RuleBook | None = None


class Ballot(Aggregate):
    """One question put to the members, from draft to published result."""

    class Drafted(Aggregate.Created):
        """A ballot drafted: its ``BallotDraft`` as it was (the fields are the same, and a
        test keeps them so), and who drafted it."""

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

        def apply(self, aggregate: Any) -> None:
            """Set the new ballot up as drafted."""
            fields = {name: getattr(self, name) for name in BallotDraft.__struct_fields__}
            aggregate._take_draft(BallotDraft(**fields))

    class OptionsListed(Aggregate.Event):
        options: tuple[Option, ...]
        by: UUID

    class ProposalsInvited(Aggregate.Event):
        """The proposal window, and the financial period whose surplus is the budget.

        Version 2 names the declared period (its id): its care hours cost a rate
        change. Version 1 had the period's name and hours typed in by a trustee, as
        version 2 windows without a period did until the typed hours went: those
        events still replay, but no rate change is costed from their hours.
        """

        class_version = 2
        until: datetime
        period: str
        hours_delivered: Decimal  # the declared period's, from its books; 0 without one
        period_id: UUID | None  # the declared period, or None: members propose sums only
        by: UUID

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["period_id"] = None

    class OptionProposed(Aggregate.Event):
        proposal_id: UUID
        member_id: UUID
        title: str
        description: str
        benefits: str
        costing: Costing
        at: datetime

    class ProposalWithdrawn(Aggregate.Event):
        proposal_id: UUID
        at: datetime

    class ProposalListed(Aggregate.Event):
        proposal_id: UUID
        option: Option
        by: UUID

    class ProposalDeclined(Aggregate.Event):
        proposal_id: UUID
        reason: str
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

    class SeatsReserved(Aggregate.Event):
        """An election's reserved seats, fixed as it opened: the rules' reservation less
        the trustees continuing in office (recorded by name), per class."""

        continuing: tuple[Trustee, ...]
        rules_reserve: tuple[tuple[str, int], ...]
        reserved: tuple[tuple[str, int], ...]

    class Closed(Aggregate.Event):
        at: datetime

    class Counted(Aggregate.Event):
        up_to: int  # votes recorded before this position in the log count
        result: dict[str, Any]

    def __init__(self) -> None:
        """A ballot just drafted (``Drafted.apply`` then sets what was drafted)."""
        self.state = "drafted"
        self.declared: dict[UUID, str] = {}
        self.electors = Electors()
        self.rules: RuleBook | None = None
        self.rules_version = 0
        self.reserved: dict[str, int] = {}
        self.result: dict[str, Any] | None = None
        self.proposals_until: datetime | None = None
        self.period = ""
        self.hours_delivered = Decimal(0)
        self.period_id: UUID | None = None
        self.proposals: dict[UUID, Proposal] = {}
        self.costings: dict[str, Costing] = {}  # a listed proposal's option id: its costing

    def _take_draft(self, draft: BallotDraft) -> None:
        self.kind = draft.kind
        self.topic = draft.topic
        self.special = draft.special
        self.secret = draft.secret
        self.opens_at = draft.opens_at
        self.closes_at = draft.closes_at
        self.options = draft.options
        self.seats = draft.seats
        self.budget_pence = draft.budget_pence
        self.proposed_rules = draft.proposed_rules

    @classmethod
    def draft(cls, draft: BallotDraft, *, now: datetime, by: UUID) -> Ballot:
        """A new ballot, checked: a real window in the future and the right options."""
        if draft.closes_at <= draft.opens_at:
            raise InvalidInput("The ballot must close after it opens.", "closes_at")
        if draft.closes_at <= now:
            raise InvalidInput("The closing time must be in the future.", "closes_at")
        if draft.kind is BallotKind.RESOLUTION:
            answers = tuple(Option(id=a, label=a.capitalize()) for a in RESOLUTION_ANSWERS)
            draft = msgspec.structs.replace(draft, options=answers)
        _check_options(draft.kind, draft.options, draft.seats)
        if draft.proposed_rules is not None:
            if draft.kind is not BallotKind.RESOLUTION or not draft.special:
                raise InvalidInput("New rules can only be proposed by a special resolution.")
            # The members must never be asked to adopt rules that can't work.
            draft.proposed_rules.check()
        return cls._create(cls.Drafted, id=uuid4(), by=by, **msgspec.structs.asdict(draft))

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

    # Members' proposals (reinvestment ballots) -------------------------------------------

    def invite_proposals(
        self,
        *,
        until: datetime,
        period: str,
        now: datetime,
        by: UUID,
        period_id: UUID | None = None,
        hours_delivered: Decimal = Decimal(0),
    ) -> None:
        """Open (or move) the window in which members propose options, before voting opens.

        ``hours_delivered`` are the declared period's (``period_id``), from its books.
        """
        self._check_still_drafting()
        if until <= now:
            raise InvalidInput("The proposal window must end in the future.", "until")
        if until > self.opens_at:
            raise InvalidInput(
                "The proposal window must end by the time voting opens, so the trustees can"
                " list the options first.",
                "until",
            )
        if not period.strip() or len(period) > 100:
            raise InvalidInput("Name the financial period, for example 2025 to 2026.", "period")
        if period_id is None and hours_delivered != 0:
            raise BallotError(
                "The hours of care delivered come only from a declared period's books."
            )
        if self.period_id is not None and period_id != self.period_id:
            raise BallotError(
                "This ballot shares out the surplus declared for its period: its hours of"
                " care come from that period's books."
            )
        self._proposals_invited(
            until=until, period=period, hours_delivered=hours_delivered, period_id=period_id, by=by
        )

    @event(ProposalsInvited)
    def _proposals_invited(
        self,
        until: datetime,
        period: str,
        hours_delivered: Decimal,
        period_id: UUID | None,
        by: UUID,
    ) -> None:
        self.proposals_until = until
        self.period = period
        self.hours_delivered = hours_delivered
        self.period_id = period_id

    def propose(
        self,
        proposal_id: UUID,
        *,
        member_id: UUID,
        title: str,
        description: str,
        benefits: str,
        costing: Costing,
        now: datetime,
    ) -> None:
        """A member proposes a costed option while the window is open."""
        self._check_still_drafting()
        if self.proposals_until is None:
            raise BallotError("The trustees have not asked for proposals on this ballot.")
        if now >= self.proposals_until:
            raise BallotError("The time for proposing options on this ballot has passed.")
        check_proposal_text(title, description, benefits)
        live = (ProposalState.PROPOSED, ProposalState.LISTED)  # a withdrawn one may come back
        taken = [p.title for p in self.proposals.values() if p.state in live]
        taken += [o.label for o in self.options if o.label not in taken]
        if (same := same_title(title, taken)) is not None:
            raise InvalidInput(
                f"There is already an option called “{same}”: give this one a different title.",
                "title",
            )
        self._option_proposed(
            proposal_id=proposal_id,
            member_id=member_id,
            title=title.strip(),
            description=description.strip(),
            benefits=benefits,
            costing=costing,
            at=now,
        )

    @event(OptionProposed)
    def _option_proposed(
        self,
        proposal_id: UUID,
        member_id: UUID,
        title: str,
        description: str,
        benefits: str,
        costing: Costing,
        at: datetime,
    ) -> None:
        self.proposals[proposal_id] = Proposal(
            member_id=member_id,
            title=title,
            description=description,
            benefits=benefits,
            costing=costing,
        )

    def withdraw_proposal(self, proposal_id: UUID, *, member_id: UUID, now: datetime) -> None:
        """The member who proposed an option takes it back, before the trustees decide."""
        proposal = self._waiting_proposal(proposal_id)
        if proposal.member_id != member_id:
            raise BallotError("Only the member who proposed an option can withdraw it.")
        self._proposal_withdrawn(proposal_id=proposal_id, at=now)

    @event(ProposalWithdrawn)
    def _proposal_withdrawn(self, proposal_id: UUID, at: datetime) -> None:
        self.proposals[proposal_id].state = ProposalState.WITHDRAWN

    def list_proposal(self, proposal_id: UUID, *, by: UUID) -> None:
        """Trustees put a member's proposal on the ballot as one of its options."""
        proposal = self._waiting_proposal(proposal_id)
        if (same := same_title(proposal.title, [o.label for o in self.options])) is not None:
            raise BallotError(f"An option called “{same}” is already on the ballot.")
        if proposal.costing.cost_pence > self.budget_pence:
            raise BallotError("It costs more than the surplus, so it cannot be listed.")
        ids = {o.id for o in self.options}
        option_id = next(i for n in range(1, 1000) if (i := _numbered(proposal_id, n)) not in ids)
        option = Option(
            id=option_id,
            label=proposal.title,
            detail=proposal.description,
            cost_pence=proposal.costing.cost_pence,
            benefits=proposal.benefits,
        )
        self._proposal_listed(proposal_id=proposal_id, option=option, by=by)

    @event(ProposalListed)
    def _proposal_listed(self, proposal_id: UUID, option: Option, by: UUID) -> None:
        self.proposals[proposal_id].state = ProposalState.LISTED
        self.options = (*self.options, option)
        self.costings[option.id] = self.proposals[proposal_id].costing

    def decline_proposal(self, proposal_id: UUID, *, reason: str, by: UUID) -> None:
        """Trustees leave a proposal off the ballot, saying why (members see the reason)."""
        self._waiting_proposal(proposal_id)
        if not reason.strip():
            raise InvalidInput("Say why the proposal is not going on the ballot.", "reason")
        if len(reason) > 1000:
            raise InvalidInput("The reason must be 1000 characters or fewer.", "reason")
        self._proposal_declined(proposal_id=proposal_id, reason=reason.strip(), by=by)

    @event(ProposalDeclined)
    def _proposal_declined(self, proposal_id: UUID, reason: str, by: UUID) -> None:
        self.proposals[proposal_id].state = ProposalState.DECLINED

    def _waiting_proposal(self, proposal_id: UUID) -> Proposal:
        self._check_still_drafting()
        proposal = self.proposals.get(proposal_id)
        if proposal is None:
            raise BallotError("There is no such proposal on this ballot.")
        if proposal.state is not ProposalState.PROPOSED:
            raise BallotError(f"That proposal has already been {proposal.state}.")
        return proposal

    def _check_still_drafting(self) -> None:
        if self.kind is not BallotKind.REINVESTMENT:
            raise BallotError("Only a reinvestment ballot takes members' proposals.")
        if self.state != "drafted":
            raise BallotError("Voting has opened, so the options can no longer change.")

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
        self,
        electorate: tuple[Elector, ...],
        *,
        rules: RuleBook,
        rules_version: int,
        at: datetime,
        trustees: tuple[Trustee, ...] = (),
    ) -> None:
        """Fix the electorate (voting classes, less recusals) and open for votes.

        An election also fixes its reserved seats, from the trustees in office now.
        """
        if self.state != "drafted":
            raise BallotError("This ballot has already opened.")
        if self.kind is not BallotKind.RESOLUTION and len(self.options) < 1:
            raise BallotError("List the candidates or options before opening the ballot.")
        if self.proposals_until is not None and at < self.proposals_until:
            raise BallotError(
                "Members can still propose options: open the ballot once the proposal"
                " window has ended."
            )
        recuse = rules.policy_for(self.topic) is ConflictPolicy.RECUSE
        recused = tuple(sorted(m for m in self.declared if recuse))
        voting = rules.voting_classes()
        kept = tuple(
            e for e in electorate if e.member_class in voting and e.member_id not in recused
        )
        self._opened(
            electorate=kept, recused=recused, rules_version=rules_version, rules=rules, at=at
        )
        if self.kind is BallotKind.ELECTION:
            staying = continuing(
                trustees,
                after=self.closes_at.astimezone(UK).date(),
                term_years=rules.trustee_term_years,
                standing={o.id for o in self.options},
            )
            self._seats_reserved(
                continuing=staying,
                rules_reserve=rules.reserved_seats,
                reserved=reserved_seats(self.seats, rules.reserved_seats, staying),
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
        self.electors = Electors(electorate)
        self.rules = rules
        self.rules_version = rules_version
        # Elections opened before SeatsReserved was recorded kept the rules' reservation.
        self.reserved = dict(reserved_seats(self.seats, rules.reserved_seats, ()))

    @event(SeatsReserved)
    def _seats_reserved(
        self,
        continuing: tuple[Trustee, ...],
        rules_reserve: tuple[tuple[str, int], ...],
        reserved: tuple[tuple[str, int], ...],
    ) -> None:
        self.reserved = dict(reserved)

    def check_vote(self, member_id: UUID, mark: Mark, now: datetime) -> str:
        """The voter's class, if ``member_id`` may cast ``mark`` now; else say why not."""
        if self.state != "open" or now >= self.closes_at:
            raise BallotNotOpen("closed" if now >= self.closes_at else self.state)
        member_class: str | None = self.electors.get(member_id)
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


def _numbered(proposal_id: UUID, n: int) -> str:
    """A listed proposal's option id: short, stable, and unlike the other options'."""
    return f"proposal-{proposal_id.hex[: 6 + n]}"


def vote_id(ballot_id: UUID, member_id: UUID) -> UUID:
    """One vote (or, in a secret ballot, one record of voting) per elector per ballot."""
    return uuid5(_NAMESPACE, f"vote:{ballot_id}:{member_id}")


def paper_key_id(ballot_id: UUID) -> UUID:
    """The key that seals a secret ballot's papers; destroyed when it is counted."""
    return uuid5(_NAMESPACE, f"papers:{ballot_id}")


# Stored in the log before governance and membership had rooms of their own.
stored_under(__name__, "coop.domain.ballots")
