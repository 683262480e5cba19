"""Financial periods: opened and closed by trustees, never overlapping, locked once closed.

``PeriodCalendar`` (one per co-op) holds every period's dates, so a new period that
overlaps another is refused by one aggregate's rule: the command saves the calendar
and the new ``FinancialPeriod`` together, and two trustees opening overlapping
periods at once conflict on the calendar's version, so only one can succeed.

A ``FinancialPeriod`` is the book for its dates: the treasurer's entries are recorded
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
from coop.domain.finance.closing import Check
from coop.domain.finance.ledger import Entry, check_entry
from coop.domain.finance.money import FinanceError, pounds
from coop.domain.finance.rates import long_date
from coop.domain.finance.surplus import most_distributable, reserve_for

_NAMESPACE = UUID("7d4e2b1a-9c3f-4a5e-8b6d-0f1e2d3c4b5a")
CALENDAR_ID = uuid5(_NAMESPACE, "financial periods")
_LONGEST_DAYS = 549  # eighteen months: the longest accounting period a society may have


def period_id(starts: date) -> UUID:
    """One period per start date."""
    return uuid5(_NAMESPACE, f"period:{starts.isoformat()}")


class Span(msgspec.Struct, frozen=True):
    """A period's name and dates, both ends included."""

    period_id: UUID
    name: str
    starts: date
    ends: date

    def words(self) -> str:
        return f"{self.name} ({long_date(self.starts)} to {long_date(self.ends)})"


class PeriodTotals(msgspec.Struct, frozen=True, kw_only=True):
    """What the period's books came to at its close."""

    revenue_pence: int
    costs_pence: int
    care_minutes: int
    visits: int

    @property
    def surplus_pence(self) -> int:
        return self.revenue_pence - self.costs_pence


class PeriodsOverlap(FinanceError):
    def __init__(self, new: Span, other: Span) -> None:
        super().__init__(
            f"The new period, {long_date(new.starts)} to {long_date(new.ends)}, overlaps"
            f" {other.words()}. Periods can't overlap: each day's money belongs to one period."
        )


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


class PeriodCalendar(Aggregate):
    """Every financial period's dates, so no two overlap."""

    class Started(Aggregate.Created):
        pass

    class PeriodAdded(Aggregate.Event):
        span: Span
        by: UUID

    @staticmethod
    def create_id() -> UUID:
        return CALENDAR_ID

    @event(Started)
    def __init__(self) -> None:
        self.spans: tuple[Span, ...] = ()

    def add(self, name: str, starts: date, ends: date, *, by: UUID) -> Span:
        """Make room for a new period, refusing one that overlaps another."""
        name = name.strip()
        if not name or len(name) > 100:
            raise InvalidInput("Name the period, for example 2025 to 2026.", "name")
        if ends < starts:
            raise InvalidInput("A period must end on or after the day it starts.", "ends")
        if (ends - starts).days >= _LONGEST_DAYS:
            raise InvalidInput("A financial period can't be longer than 18 months.", "ends")
        span = Span(period_id(starts), name, starts, ends)
        for other in self.spans:
            if starts <= other.ends and other.starts <= ends:
                raise PeriodsOverlap(span, other)
            if other.name.casefold() == name.casefold():
                raise InvalidInput(f"There is already a period called {other.name}.", "name")
        self._period_added(span=span, by=by)
        return span

    @event(PeriodAdded)
    def _period_added(self, span: Span, by: UUID) -> None:
        self.spans = tuple(sorted((*self.spans, span), key=lambda s: s.starts))

    def covering(self, day: date) -> Span | None:
        """The period ``day`` belongs to, if any."""
        return next((s for s in self.spans if s.starts <= day <= s.ends), None)


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

    class DistributableDeclared(Aggregate.Event):
        pence: int
        surplus_pence: int
        reserve_percent: int
        reserve_pence: int
        care_minutes: int
        by: UUID
        minute: str
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

    # Recording ------------------------------------------------------------------------

    def record(self, entry: Entry, *, by: UUID) -> None:
        """Record the treasurer's income or cost, dated within this open period."""
        if entry.reverses or entry.adjusts:
            raise InvalidInput(
                "Put a mistake right with a reversal, or a late fix as an adjustment."
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
        self._closed(at=at, by=by, minute=minute.strip(), checks=checks, totals=totals)

    @event(Closed)
    def _closed(
        self, at: datetime, by: UUID, minute: str, checks: tuple[Check, ...], totals: PeriodTotals
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
