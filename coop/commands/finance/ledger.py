"""The treasurer's ledger: income and costs recorded, put right by reversals, never edited."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from coop.commands.base import Commands, Done
from coop.commands.finance import loading
from coop.domain.finance.ledger import Category, Entry, category_of
from coop.domain.finance.periods import FinancialPeriod


class LedgerCommands(Commands):
    """Commands of the treasurer: a coordinator whose account holds the treasurer's duty,
    checked here by ``loading.check_treasurer`` (``NotTreasurer`` for anyone else)."""

    def record_entry(
        self,
        period_id: UUID,
        *,
        on: date,
        category: Category,
        amount_pence: int,
        reference: str,
        description: str = "",
        by: UUID,
    ) -> Done:
        """Record other income (a grant, a donation) or a cost (rent, insurance, training),
        dated within the open period. The entry's id is the subject."""
        loading.check_treasurer(self.repository, by)
        entry = Entry(
            entry_id=uuid4(),
            on=on,
            category=category_of(category),
            amount_pence=amount_pence,
            reference=reference.strip(),
            description=description.strip(),
        )
        done = self._changing(period_id, self._period, lambda p: p.record(entry, by=by))
        return Done(done.position, entry.entry_id)

    def reverse_entry(
        self, period_id: UUID, entry_id: UUID, *, on: date, reason: str, by: UUID
    ) -> Done:
        """Put a mistake right: the same entry the other way round, saying why."""
        loading.check_treasurer(self.repository, by)
        new_id = uuid4()
        done = self._changing(
            period_id,
            self._period,
            lambda p: p.reverse(entry_id, new_id=new_id, on=on, reason=reason, by=by),
        )
        return Done(done.position, new_id)

    def record_late_fix(
        self,
        period_id: UUID,
        closed_period_id: UUID,
        *,
        on: date,
        reason: str,
        reference: str,
        category: Category = Category.OTHER_COST,
        amount_pence: int = 0,
        description: str = "",
        reverses: UUID | None = None,
        by: UUID,
    ) -> Done:
        """A fix for a closed period, recorded in this later open one as an adjustment
        naming it and saying why: an entry it missed, or (``reverses``) the reversal of
        one of its entries (then the amount and category are the original's)."""
        loading.check_treasurer(self.repository, by)
        entry = Entry(
            entry_id=uuid4(),
            on=on,
            category=category_of(category),
            amount_pence=amount_pence,
            reference=reference.strip(),
            description=description.strip(),
            reverses=reverses,
            reason=reason.strip(),
        )

        def attempt() -> tuple[Aggregate, ...]:
            period = self._period(period_id)
            period.record_late(self._period(closed_period_id), entry, by=by)
            return (period,)

        done = self._retrying(period_id, attempt)
        return Done(done.position, entry.entry_id)

    def spend_commitment(
        self,
        period_id: UUID,
        committed_in: UUID,
        commitment_id: UUID,
        *,
        on: date,
        category: Category,
        amount_pence: int,
        reference: str,
        description: str = "",
        by: UUID,
    ) -> Done:
        """Spend money the members committed from ``committed_in``'s surplus: a cost in
        this open period, and the commitment shown as spent by as much (saved together)."""
        loading.check_treasurer(self.repository, by)
        entry = Entry(
            entry_id=uuid4(),
            on=on,
            category=category_of(category),
            amount_pence=amount_pence,
            reference=reference.strip(),
            description=description.strip(),
        )
        now = self.clock.now()

        def attempt() -> tuple[Aggregate, ...]:
            period, closed = self._period(period_id), self._period(committed_in)
            period.spend(closed, commitment_id, entry, by=by, at=now)
            return period, closed

        done = self._retrying(period_id, attempt)
        return Done(done.position, entry.entry_id)

    def _period(self, period_id: UUID) -> FinancialPeriod:
        return loading.period(self.repository, period_id)
