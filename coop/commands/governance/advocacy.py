"""Supported voting: a member names an advocate who may vote with or for them."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from coop.clock import today
from coop.commands.base import Commands, Done
from coop.domain.errors import CoopError
from coop.domain.governance.votes import Advocacy


class AdvocacyCommands(Commands):
    """Commands on ``Advocacy`` aggregates (the supported vote itself is in ``voting``)."""

    def name_advocate(self, member_id: UUID, advocate_account: UUID) -> Done:
        """A member consents to an advocate voting with or for them."""

        def attempt() -> tuple[Aggregate, ...]:
            advocacy = self._get_or_none(Advocacy, Advocacy.create_id(member_id))
            if advocacy is None:
                named = Advocacy(
                    member_id=member_id, advocate_account=advocate_account, on=today(self.clock)
                )
                return (named,)
            advocacy.rename(advocate_account=advocate_account, on=today(self.clock))
            return (advocacy,)

        return self._retrying(Advocacy.create_id(member_id), attempt)

    def end_advocacy(self, member_id: UUID) -> Done:
        """A member withdraws their consent: the advocate can no longer vote for them."""
        return self._changing(
            Advocacy.create_id(member_id), self._advocacy, lambda a: a.end(on=today(self.clock))
        )

    def _advocacy(self, advocacy_id: UUID) -> Advocacy:
        advocacy = self._get_or_none(Advocacy, advocacy_id)
        if advocacy is None or advocacy.advocate is None:
            raise CoopError("You have not named an advocate.")
        return advocacy
