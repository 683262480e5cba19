"""Reinvestment proposals: the trustees ask for them, members make them, trustees decide."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID, uuid4

from coop.commands.base import Commands, Done
from coop.domain.governance.ballots import Ballot
from coop.domain.governance.proposals import costing


class ProposalCommands(Commands):
    """Commands on members' proposals for a reinvestment ballot."""

    def invite_proposals(
        self, ballot_id: UUID, *, until: datetime, period: str, hours_delivered: Decimal, by: UUID
    ) -> Done:
        """Ask members for proposals until ``until``, costing rate changes on these hours."""
        now = self.clock.now()
        return self._changing(
            ballot_id,
            self._ballot,
            lambda b: b.invite_proposals(
                until=until, period=period, hours_delivered=hours_delivered, now=now, by=by
            ),
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
        """A member proposes an option: a sum, or a rate change costed from the hours."""
        proposal_id, now = uuid4(), self.clock.now()

        def propose(b: Ballot) -> None:
            found = costing(
                cost_pence=cost_pence,
                rate=rate,
                pence_per_hour=pence_per_hour,
                hours=b.hours_delivered,
                budget_pence=b.budget_pence,
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
