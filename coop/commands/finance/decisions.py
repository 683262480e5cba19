"""The members' reinvestment decision carried out: rate changes enacted, the rest committed.

Run by the app's scheduler after a reinvestment ballot on a declared surplus has been
counted (``coop.scheduler``), rather than inside ``close_ballot``: the count publishes
the result whatever happens next, a refusal here (say, rates that can't change yet)
must not undo or hold up the count, and a step that finds what is due and does it
once is safe to run again, and from every process.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from coop.clock import today
from coop.commands.base import Commands, Done
from coop.commands.finance import loading
from coop.domain.finance.periods import Commitment, PeriodError, commitment_id
from coop.domain.finance.rates import RatesError, Tariff
from coop.domain.governance.ballots import Ballot, BallotError, BallotKind
from coop.domain.governance.proposals import Costing, Rate


def first_of_next_month(day: date) -> date:
    """When a decided rate change takes effect: the 1st of the month after the count,
    so a month's pay is never split by it and payroll has notice."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


class DecisionCommands(Commands):
    """Carrying out the members' decisions on the surplus."""

    def enact_reinvestment(self, ballot_id: UUID) -> Done:
        """coop itself (the scheduler, once the ballot is counted) enacts what was funded.

        A funded rate change ("+50p an hour for PAs") becomes new rates from the 1st of
        the next month, by events on the ``Rates`` (several changes: one tariff); any
        other funded option becomes a commitment against the period's surplus, shown
        until it is spent. Enacting the same ballot twice is refused.
        """
        now = self.clock.now()

        def attempt() -> tuple[Aggregate, ...]:
            ballot = self._ballot(ballot_id)
            if ballot.state != "counted" or ballot.kind is not BallotKind.REINVESTMENT:
                raise BallotError("Only a counted reinvestment ballot can be enacted.")
            if ballot.period_id is None:
                raise PeriodError(
                    "This ballot's budget was typed in, not declared from a period's books,"
                    " so there is nothing to enact it against."
                )
            period = loading.period(self.repository, ballot.period_id)
            funded = (ballot.result or {}).get("selected_ids", [])
            changes = {o: ballot.costings[o] for o in funded if _changes_a_rate(ballot, o)}
            labels = {o.id: o for o in ballot.options}
            commitments = tuple(
                Commitment(
                    commitment_id=commitment_id(ballot_id, o),
                    ballot_id=ballot_id,
                    option_id=o,
                    title=labels[o].label,
                    pence=labels[o].cost_pence,
                )
                for o in funded
                if o not in changes
            )
            period.enact(ballot_id, rate_options=tuple(changes), commitments=commitments, at=now)
            if not changes:
                return (period,)
            rates = loading.rates(self.repository)
            day = today(self.clock)
            starts = rates.next_date(first_of_next_month(day))
            tariff = rates.in_force_on(starts)
            if tariff is None:
                raise RatesError("There are no rates yet for the members' decision to change.")
            for costing in changes.values():
                tariff = _changed(tariff, costing, starts)
            rates.enact(
                tariff,
                ballot_id=ballot_id,
                option_ids=tuple(changes),
                today=day,
                locked_until=loading.calendar(self.repository).locked_until,
            )
            return period, rates

        return self._retrying(ballot_id, attempt)


def _changes_a_rate(ballot: Ballot, option_id: str) -> bool:
    costing = ballot.costings.get(option_id)
    return costing is not None and bool(costing.rate)


def _changed(tariff: Tariff, costing: Costing, starts: date) -> Tariff:
    """The tariff with one funded change: PAs paid more, or users charged less, an hour."""
    rate = Rate(costing.rate)
    pence = costing.pence_per_hour if rate is Rate.PA_PAY else -costing.pence_per_hour
    return tariff.changed(rate, pence, starts)
