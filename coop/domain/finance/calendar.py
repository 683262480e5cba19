"""The calendar of financial periods: every period's dates, so no two overlap.

``PeriodCalendar`` (one per co-op) holds every period's dates, so a new period that
overlaps another is refused by one aggregate's rule: the command saves the calendar
and the new ``FinancialPeriod`` together, and two trustees opening overlapping
periods at once conflict on the calendar's version, so only one can succeed.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from coop.domain.errors import InvalidInput
from coop.domain.finance.money import FinanceError
from coop.domain.finance.rates import long_date

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


class PeriodsOverlap(FinanceError):
    def __init__(self, new: Span, other: Span) -> None:
        super().__init__(
            f"The new period, {long_date(new.starts)} to {long_date(new.ends)}, overlaps"
            f" {other.words()}. Periods can't overlap: each day's money belongs to one period."
        )


class PeriodCalendar(Aggregate):
    """Every financial period's dates, so no two overlap, and how far the books are closed.

    A close is recorded here too (saved with the period's), so rates adopted at the
    same moment can't slip in behind it: they check ``locked_until`` on this aggregate.
    """

    class Started(Aggregate.Created):
        pass

    class PeriodAdded(Aggregate.Event):
        span: Span
        by: UUID

    class Locked(Aggregate.Event):
        period_id: UUID
        until: date

    @staticmethod
    def create_id() -> UUID:
        return CALENDAR_ID

    @event(Started)
    def __init__(self) -> None:
        self.spans: tuple[Span, ...] = ()
        self.locked_until: date | None = None

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

    def lock(self, span: Span) -> None:
        """Note that ``span``'s books are closed: nothing may change on or before its end."""
        self._locked(period_id=span.period_id, until=span.ends)

    @event(Locked)
    def _locked(self, period_id: UUID, until: date) -> None:
        self.locked_until = max(until, self.locked_until or until)
