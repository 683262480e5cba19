"""Financial periods: opened, closed from the care delivered, and their surplus declared."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from coop.clock import UK
from coop.commands.base import Busy, Commands, Done
from coop.commands.finance import loading
from coop.commands.finance.delivered import delivered_in
from coop.domain.finance.books import make_books
from coop.domain.finance.calendar import CALENDAR_ID, PeriodCalendar
from coop.domain.finance.periods import (
    FinancialPeriod,
    PeriodClosed,
    PeriodError,
    open_period,
)
from coop.domain.finance.pricing import PricingRules
from coop.domain.finance.rates import RATES_ID, long_date

# A close that loses a race (an entry recorded, rates adopted meanwhile) is made again.
_CLOSE_TRIES = 3


class PeriodCommands(Commands):
    """Commands on ``FinancialPeriod`` aggregates and the ``PeriodCalendar``."""

    def open_period(self, *, name: str, starts: date, ends: date, minute: str, by: UUID) -> Done:
        """Trustees (the pages let only them) open a period; one that overlaps another is
        refused. The calendar and the new period are saved together, so of two trustees
        opening overlapping periods at once, one is refused."""

        def attempt() -> tuple[PeriodCalendar, FinancialPeriod]:
            calendar = loading.calendar(self.repository)
            return calendar, open_period(calendar, name, starts, ends, by=by, minute=minute)

        done = self._retrying(CALENDAR_ID, attempt)
        period = loading.calendar(self.repository).covering(starts)
        assert period is not None
        return Done(done.position, period.period_id)

    def close_period(self, period_id: UUID, *, minute: str, by: UUID) -> Done:
        """Trustees (the pages let only them) close a period after its last day.

        The period's delivered visits come from the finance read model of the visits'
        events; they are priced at the rates in force, journalled with the treasurer's
        entries, summed into the surplus statement and checked. If a check fails, the
        close is refused naming it; if all pass, the period is locked (and the
        calendar with it, so no rate can take effect inside it any more).
        """
        for _ in range(_CLOSE_TRIES):
            period = loading.period(self.repository, period_id)
            now = self.clock.now()
            if period.closed:
                raise PeriodClosed(period.span.name)
            if now.astimezone(UK).date() <= period.span.ends:  # before reading a year of visits
                raise PeriodError(
                    f"The period can't close until after {long_date(period.span.ends)}."
                )
            rates = loading.rates(self.repository)
            rules = PricingRules.from_rules(self.rules_in_force().rules)
            visits, up_to = delivered_in(self.datastore, period.span)
            books = make_books(period.span, visits, rates.history, period.entries.values(), rules)
            period.close(
                books.checks,
                books.totals,
                at=now,
                by=by,
                minute=minute,
                pricing=rules,
                visits_up_to=up_to,
                statement=books.statement,
            )
            calendar = loading.calendar(self.repository)
            calendar.lock(period.span)
            # The rates it priced at must still be the rates: else price again.
            read = [(RATES_ID, rates.version if rates.history else 0)]
            try:
                recordings = self.save(period, calendar, unchanged=read)
            except IntegrityError:
                continue
            return Done(recordings[-1].notification.id, period_id)
        raise Busy()

    def declare_distributable(self, period_id: UUID, *, pence: int, minute: str, by: UUID) -> Done:
        """Trustees (the pages let only them) declare how much of a closed period's surplus
        the members may decide how to spend: no more than the surplus less the reserve
        the rules keep."""
        reserve = self.rules_in_force().rules.surplus_reserve_percent
        now = self.clock.now()
        return self._changing(
            period_id,
            lambda i: loading.period(self.repository, i),
            lambda p: p.declare_distributable(
                pence, reserve_percent=reserve, at=now, by=by, minute=minute
            ),
        )
