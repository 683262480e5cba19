"""Financial periods: opened and closed by trustees, never overlapping, locked once closed.

The periods' dates are kept by the ``PeriodCalendar`` (``coop.domain.finance.calendar``),
which refuses overlaps. A ``FinancialPeriod`` is the book for its dates: the treasurer's entries are recorded
on it, so closing it and recording in it are ordered on one aggregate, and nothing
slips in after the close. A late fix goes into a later open period as an adjustment
that names the closed one and says why.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from coop.clock import UK
from coop.domain.errors import InvalidInput
from coop.domain.finance.calendar import PeriodCalendar, Span
from coop.domain.finance.closing import Check
from coop.domain.finance.ledger import Entry, check_entry
from coop.domain.finance.money import FinanceError, pounds
from coop.domain.finance.pricing import PricingRules
from coop.domain.finance.rates import long_date
from coop.domain.finance.surplus import (
    RateChangeBasis,
    SurplusStatement,
    most_distributable,
    reserve_for,
)
from coop.domain.governance.proposals import Rate

_NAMESPACE = UUID("5c2e7a14-3b9d-4f6a-8e1c-2d7b9a0f4e63")


def commitment_id(ballot_id: UUID, option_id: str) -> UUID:
    """One commitment per funded option."""
    return uuid5(_NAMESPACE, f"commitment:{ballot_id}:{option_id}")


class PeriodTotals(msgspec.Struct, frozen=True, kw_only=True):
    """What the period's books came to at its close."""

    revenue_pence: int
    costs_pence: int
    care_minutes: int
    visits: int
    basis: RateChangeBasis = RateChangeBasis()  # to cost rate changes from the care delivered

    @property
    def surplus_pence(self) -> int:
        return self.revenue_pence - self.costs_pence


class Commitment(msgspec.Struct, frozen=True, kw_only=True):
    """A funded one-off option: money promised from the period's surplus, shown until spent."""

    commitment_id: UUID
    ballot_id: UUID
    option_id: str
    title: str
    pence: int


class PeriodClosed(FinanceError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"The period {name} is closed, so nothing more can be recorded in it. Put a late"
            " fix into the next open period as an adjustment, saying why."
        )


class CloseRefused(FinanceError):
    def __init__(self, check: Check) -> None:
        super().__init__(f"The period can't close: {check.name} failed. {check.detail}")
        self.check = check


class PeriodError(FinanceError):
    """Other refusals about a period."""


def open_period(
    calendar: PeriodCalendar, name: str, starts: date, ends: date, *, by: UUID, minute: str
) -> FinancialPeriod:
    """A new period, added to the calendar: save both aggregates together."""
    if not minute.strip():
        raise InvalidInput("Give the board minute that records the decision.", "minute")
    span = calendar.add(name, starts, ends, by=by)
    return FinancialPeriod(span=span, by=by, minute=minute.strip())


class FinancialPeriod(Aggregate):
    """One period's book: the treasurer's entries, the close, and the surplus declared."""

    class Opened(Aggregate.Created):
        span: Span
        by: UUID
        minute: str

    class EntryRecorded(Aggregate.Event):
        entry: Entry
        by: UUID

    class Closed(Aggregate.Event):
        at: datetime
        by: UUID
        minute: str
        checks: tuple[Check, ...]
        totals: PeriodTotals
        # How the visits were priced, and from which log position the care side's
        # events were read: with the rates (locked from here on) these make the priced
        # lines again exactly, so the read model needs no copy of them in the log.
        pricing: PricingRules
        visits_up_to: int
        statement: SurplusStatement | None

    class DistributableDeclared(Aggregate.Event):
        pence: int
        surplus_pence: int
        reserve_percent: int
        reserve_pence: int
        care_minutes: int
        by: UUID
        minute: str
        at: datetime

    class PutToMembers(Aggregate.Event):
        """The declared surplus is the budget of this reinvestment ballot (only one)."""

        ballot_id: UUID
        by: UUID

    class ReinvestmentEnacted(Aggregate.Event):
        """What the members decided, carried out: rate changes (enacted on the rates)
        and one-off options, each a commitment against the surplus."""

        ballot_id: UUID
        rate_options: tuple[str, ...]
        commitments: tuple[Commitment, ...]
        at: datetime

    class CommitmentSpent(Aggregate.Event):
        commitment_id: UUID
        entry_id: UUID  # the cost recorded in the open period it was spent in
        pence: int
        at: datetime

    @staticmethod
    def create_id(span: Span, **_: object) -> UUID:
        return span.period_id

    @event(Opened)
    def __init__(self, span: Span, by: UUID, minute: str) -> None:
        self.span = span
        self.entries: dict[UUID, Entry] = {}
        self.reversed: set[UUID] = set()
        self.closed = False
        self.totals: PeriodTotals | None = None
        self.distributable: int | None = None
        self.ballot_id: UUID | None = None
        self.enacted = False
        self.commitments: dict[UUID, Commitment] = {}
        self.spent: dict[UUID, int] = {}

    # Recording ------------------------------------------------------------------------

    def record(self, entry: Entry, *, by: UUID) -> None:
        """Record the treasurer's income or cost, dated within this open period."""
        if entry.reverses or entry.adjusts or entry.commitment:
            raise InvalidInput(
                "Put a mistake right with a reversal, a late fix as an adjustment, and spend"
                " a commitment against it."
            )
        self._check_recordable(entry)
        self._entry_recorded(entry=entry, by=by)

    def reverse(self, entry_id: UUID, *, new_id: UUID, on: date, reason: str, by: UUID) -> None:
        """Put right an entry of this period by recording its reversal, saying why."""
        original = self._reversible(entry_id)
        reversal = msgspec.structs.replace(
            original, entry_id=new_id, on=on, reverses=entry_id, reason=reason.strip()
        )
        self._check_recordable(reversal)
        self._entry_recorded(entry=reversal, by=by)

    def record_late(self, closed: FinancialPeriod, entry: Entry, *, by: UUID) -> None:
        """A late fix for a closed earlier period, recorded here as an adjustment naming it.

        ``entry`` is a new income or cost the closed period missed, or (with ``reverses``)
        the reversal of one of the closed period's entries.
        """
        if not closed.closed:
            raise PeriodError(f"{closed.span.name} is still open: record the fix there.")
        if closed.span.ends >= self.span.starts:
            raise PeriodError("A late fix goes into a period after the one it puts right.")
        if entry.reverses is not None:
            original = closed._reversible(entry.reverses)
            entry = msgspec.structs.replace(
                entry, category=original.category, amount_pence=original.amount_pence
            )
        entry = msgspec.structs.replace(entry, adjusts=closed.span.name)
        self._check_recordable(entry)
        self._entry_recorded(entry=entry, by=by)

    @event(EntryRecorded)
    def _entry_recorded(self, entry: Entry, by: UUID) -> None:
        self.entries[entry.entry_id] = entry
        if entry.reverses is not None:
            self.reversed.add(entry.reverses)

    def _reversible(self, entry_id: UUID) -> Entry:
        original = self.entries.get(entry_id)
        if original is None:
            raise PeriodError(f"There is no entry with that reference in {self.span.name}.")
        if original.reverses is not None:
            raise PeriodError(
                "That entry is itself a reversal: record the right entry again instead."
            )
        if entry_id in self.reversed:
            raise PeriodError("That entry has already been reversed.")
        return original

    def _check_recordable(self, entry: Entry) -> None:
        if self.closed:
            raise PeriodClosed(self.span.name)
        check_entry(entry)
        if not self.span.starts <= entry.on <= self.span.ends:
            raise InvalidInput(
                f"{long_date(entry.on)} is outside {self.span.words()}: date the entry"
                " within the period, or record it in the period its date falls in.",
                "on",
            )
        if entry.entry_id in self.entries:
            raise PeriodError("That entry has already been recorded.")

    # Closing and the surplus ----------------------------------------------------------

    def close(
        self,
        checks: tuple[Check, ...],
        totals: PeriodTotals,
        *,
        at: datetime,
        by: UUID,
        minute: str,
        pricing: PricingRules | None = None,
        visits_up_to: int = 0,
        statement: SurplusStatement | None = None,
    ) -> None:
        """Lock the period, if every check the caller made on its books passed."""
        if self.closed:
            raise PeriodClosed(self.span.name)
        if at.astimezone(UK).date() <= self.span.ends:
            raise PeriodError(f"The period can't close until after {long_date(self.span.ends)}.")
        if not checks:
            raise PeriodError("The period's books must be checked before it closes.")
        for check in checks:
            if not check.passed:
                raise CloseRefused(check)
        if not minute.strip():
            raise InvalidInput("Give the board minute that records the decision.", "minute")
        self._closed(
            at=at,
            by=by,
            minute=minute.strip(),
            checks=checks,
            totals=totals,
            pricing=pricing or PricingRules(),
            visits_up_to=visits_up_to,
            statement=statement,
        )

    @event(Closed)
    def _closed(
        self,
        at: datetime,
        by: UUID,
        minute: str,
        checks: tuple[Check, ...],
        totals: PeriodTotals,
        pricing: PricingRules,
        visits_up_to: int,
        statement: SurplusStatement | None,
    ) -> None:
        self.closed = True
        self.totals = totals

    def declare_distributable(
        self, pence: int, *, reserve_percent: int, at: datetime, by: UUID, minute: str
    ) -> None:
        """Trustees declare how much of the surplus the members may decide how to spend."""
        if self.totals is None:
            raise PeriodError("Close the period before declaring its surplus.")
        if self.distributable is not None:
            raise PeriodError(
                f"{pounds(self.distributable)} has already been declared distributable"
                f" for {self.span.name}."
            )
        if not isinstance(pence, int) or pence < 0:
            raise InvalidInput("The amount must be whole pence, £0 or more.", "pence")
        surplus = self.totals.surplus_pence
        reserve = reserve_for(surplus, reserve_percent)
        most = most_distributable(surplus, reserve_percent)
        if pence > most:
            if surplus <= 0:
                raise PeriodError(
                    f"{self.span.name} made no surplus ({pounds(surplus)}), so nothing can be"
                    " declared distributable."
                )
            raise PeriodError(
                f"{pounds(pence)} is more than can be distributed: the surplus is"
                f" {pounds(surplus)} and the rules keep {reserve_percent} % of it"
                f" ({pounds(reserve)}) in reserve, so at most {pounds(most)}."
            )
        if not minute.strip():
            raise InvalidInput("Give the board minute that records the decision.", "minute")
        self._distributable_declared(
            pence=pence,
            surplus_pence=surplus,
            reserve_percent=reserve_percent,
            reserve_pence=reserve,
            care_minutes=self.totals.care_minutes,
            by=by,
            minute=minute.strip(),
            at=at,
        )

    @event(DistributableDeclared)
    def _distributable_declared(
        self,
        pence: int,
        surplus_pence: int,
        reserve_percent: int,
        reserve_pence: int,
        care_minutes: int,
        by: UUID,
        minute: str,
        at: datetime,
    ) -> None:
        self.distributable = pence

    # The members' decision ------------------------------------------------------------

    def put_to_members(self, ballot_id: UUID, *, by: UUID) -> None:
        """Make the declared surplus a reinvestment ballot's budget (once; again: nothing)."""
        if self.distributable is None:
            raise PeriodError(
                f"No surplus of {self.span.name} has been declared distributable yet, so there"
                " is nothing to put to the members."
            )
        if self.ballot_id == ballot_id:
            return
        if self.ballot_id is not None:
            raise PeriodError(
                f"The surplus of {self.span.name} is already the budget of another"
                " reinvestment ballot."
            )
        self._put_to_members(ballot_id=ballot_id, by=by)

    @event(PutToMembers)
    def _put_to_members(self, ballot_id: UUID, by: UUID) -> None:
        self.ballot_id = ballot_id

    def rate_change_cost(self, rate: Rate, pence_per_hour: int) -> int:
        """What moving ``rate`` by ``pence_per_hour`` would have cost over this period."""
        if self.totals is None:
            raise PeriodError("Close the period before costing changes from it.")
        return self.totals.basis.cost(rate, pence_per_hour)

    def enact(
        self,
        ballot_id: UUID,
        *,
        rate_options: tuple[str, ...],
        commitments: tuple[Commitment, ...],
        at: datetime,
    ) -> None:
        """Record the members' decision carried out: its rate changes and commitments."""
        if self.ballot_id != ballot_id:
            raise PeriodError(f"That ballot does not decide the surplus of {self.span.name}.")
        if self.enacted:
            raise PeriodError("The members' decision on this surplus has already been enacted.")
        if sum(c.pence for c in commitments) > (self.distributable or 0):
            raise PeriodError("The commitments add up to more than the surplus declared.")
        self._reinvestment_enacted(
            ballot_id=ballot_id, rate_options=rate_options, commitments=commitments, at=at
        )

    @event(ReinvestmentEnacted)
    def _reinvestment_enacted(
        self,
        ballot_id: UUID,
        rate_options: tuple[str, ...],
        commitments: tuple[Commitment, ...],
        at: datetime,
    ) -> None:
        self.enacted = True
        self.commitments = {c.commitment_id: c for c in commitments}
        self.spent = {c.commitment_id: 0 for c in commitments}

    def left_of(self, commitment_id: UUID) -> int:
        """What is still to be spent of a commitment."""
        commitment = self.commitments.get(commitment_id)
        if commitment is None:
            raise PeriodError(f"There is no such commitment against {self.span.name}'s surplus.")
        return commitment.pence - self.spent[commitment_id]

    def spend(
        self, closed: FinancialPeriod, commitment_id: UUID, entry: Entry, *, by: UUID, at: datetime
    ) -> None:
        """Spend money committed from ``closed``'s surplus: a cost recorded in this period."""
        left = closed.left_of(commitment_id)
        if entry.category.money_in:
            raise InvalidInput(
                "Spending a commitment is a cost: choose what it was spent on.", "category"
            )
        if entry.amount_pence > left:
            raise PeriodError(
                f"{pounds(entry.amount_pence)} is more than is left of the commitment"
                f" ({pounds(left)})."
            )
        entry = msgspec.structs.replace(entry, commitment=commitment_id)
        self._check_recordable(entry)
        self._entry_recorded(entry=entry, by=by)
        closed._commitment_spent(
            commitment_id=commitment_id,
            entry_id=entry.entry_id,
            pence=entry.amount_pence,
            at=at,
        )

    @event(CommitmentSpent)
    def _commitment_spent(
        self, commitment_id: UUID, entry_id: UUID, pence: int, at: datetime
    ) -> None:
        self.spent[commitment_id] += pence
