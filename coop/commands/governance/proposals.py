"""Reinvestment proposals: the trustees ask for them, members make them, trustees decide.

A reinvestment ballot takes its budget from a financial period's declared surplus
(``draft_reinvestment``), and its proposals cost a rate change from that period's own
books. A ballot drafted with a budget typed in takes proposals of sums only.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from coop.commands.base import Commands, Done
from coop.commands.finance import loading
from coop.domain.finance.periods import FinancialPeriod, PeriodError
from coop.domain.governance.ballots import Ballot, BallotDraft, BallotKind
from coop.domain.governance.proposals import costing


def _hours(period: FinancialPeriod) -> Decimal:
    """The period's care hours, to the hundredth, as members are shown them."""
    minutes = period.totals.care_minutes if period.totals else 0
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


class ProposalCommands(Commands):
    """Commands on members' proposals for a reinvestment ballot."""

    def draft_reinvestment(
        self, period_id: UUID, *, proposals_until: datetime | None = None, by: UUID, **draft: Any
    ) -> Done:
        """Trustees (the pages let only them) draft the reinvestment ballot of a period whose
        surplus they declared: its budget is the declared sum (never typed), and the
        proposal window, if given, opens with it. One ballot per declared surplus."""
        kind = draft.pop("kind", BallotKind.REINVESTMENT)
        if "budget_pence" in draft or kind != BallotKind.REINVESTMENT:
            raise PeriodError(
                "A reinvestment ballot's budget is the surplus declared for its period."
            )
        now = self.clock.now()
        period = loading.period(self.repository, period_id)
        ballot = Ballot.draft(
            BallotDraft(
                kind=BallotKind.REINVESTMENT, budget_pence=period.distributable or 0, **draft
            ),
            now=now,
            by=by,
        )
        period.put_to_members(ballot.id, by=by)
        if proposals_until is not None:
            self._invite(ballot, period, until=proposals_until, now=now, by=by)
        return self._save_new(
            ballot,
            period,
            conflict=lambda: PeriodError(
                f"The surplus of {period.span.name} has just been put to the members in another"
                " ballot."
            ),
        )

    def invite_proposals(
        self,
        ballot_id: UUID,
        *,
        until: datetime,
        by: UUID,
        period_id: UUID | None = None,
        period: str = "",
    ) -> Done:
        """Ask members for proposals until ``until`` (or move the window).

        With ``period_id`` (the ballot's declared period), rate changes are costed from
        that period's books; without it, only ``period``'s name is shown and members
        propose sums.
        """
        now = self.clock.now()
        if period_id is None:
            return self._changing(
                ballot_id,
                self._ballot,
                lambda b: b.invite_proposals(until=until, period=period, now=now, by=by),
            )

        def invite(b: Ballot) -> None:
            found = loading.period(self.repository, period_id)
            if found.ballot_id != b.id:
                raise PeriodError(
                    f"This ballot does not share out the surplus of {found.span.name}: draft"
                    " the reinvestment ballot from the period's declared surplus."
                )
            self._invite(b, found, until=until, now=now, by=by)

        return self._changing(ballot_id, self._ballot, invite)

    def _invite(
        self, ballot: Ballot, period: FinancialPeriod, *, until: datetime, now: datetime, by: UUID
    ) -> None:
        ballot.invite_proposals(
            until=until,
            period=period.span.name,
            hours_delivered=_hours(period),
            period_id=period.id,
            now=now,
            by=by,
        )

    def propose_option(
        self,
        ballot_id: UUID,
        member_id: UUID,
        *,
        title: str,
        description: str,
        benefits: str,
        cost_pence: int = 0,
        rate: str = "",
        pence_per_hour: int = 0,
    ) -> Done:
        """A member proposes an option: a sum, or a rate change costed from the care
        delivered (the declared period's priced minutes; a ballot without one refuses it)."""
        proposal_id, now = uuid4(), self.clock.now()

        def propose(b: Ballot) -> None:
            from_books = None
            if b.period_id is not None:
                from_books = loading.period(self.repository, b.period_id).rate_change_cost
            found = costing(
                cost_pence=cost_pence,
                rate=rate,
                pence_per_hour=pence_per_hour,
                hours=b.hours_delivered,
                budget_pence=b.budget_pence,
                rate_cost=from_books,
            )
            b.propose(
                proposal_id,
                member_id=member_id,
                title=title,
                description=description,
                benefits=benefits,
                costing=found,
                now=now,
            )

        return Done(self._changing(ballot_id, self._ballot, propose).position, proposal_id)

    def withdraw_proposal(self, ballot_id: UUID, proposal_id: UUID, *, member_id: UUID) -> Done:
        now = self.clock.now()
        return self._changing(
            ballot_id,
            self._ballot,
            lambda b: b.withdraw_proposal(proposal_id, member_id=member_id, now=now),
        )

    def list_proposal(self, ballot_id: UUID, proposal_id: UUID, *, by: UUID) -> Done:
        return self._changing(
            ballot_id, self._ballot, lambda b: b.list_proposal(proposal_id, by=by)
        )

    def decline_proposal(
        self, ballot_id: UUID, proposal_id: UUID, *, reason: str, by: UUID
    ) -> Done:
        return self._changing(
            ballot_id, self._ballot, lambda b: b.decline_proposal(proposal_id, reason=reason, by=by)
        )
