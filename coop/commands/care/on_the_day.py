"""On the day: the visit's PA checks in and out, and the visit is completed.

Who may: the visit's own PA, or a coordinator acting for them (a phone left at
home); anyone else is told the visit is not theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from coop.commands.base import Commands, Done
from coop.commands.care import access
from coop.commands.care.loads import CareLoads
from coop.domain.care.visits import Visit
from coop.domain.errors import InvalidInput


class OnTheDayCommands(Commands):
    """Commands on a ``Visit`` once it is due."""

    def check_in(
        self, visit_id: UUID, *, actual: datetime | None = None, reason: str = "", by: UUID
    ) -> Done:
        """The PA arrives (at ``actual``, else now); over 15 minutes off the plan needs a reason."""
        now = self.clock.now()
        when = _actual(actual, now)
        return self._as_the_pa(
            visit_id,
            by,
            "check in",
            lambda visit, pa_id, _: visit.check_in(pa_id, actual=when, reason=reason, now=now),
        )

    def check_out(
        self, visit_id: UUID, *, actual: datetime | None = None, reason: str = "", by: UUID
    ) -> Done:
        """The PA leaves (at ``actual``, else now)."""
        now = self.clock.now()
        when = _actual(actual, now)
        return self._as_the_pa(
            visit_id,
            by,
            "check out",
            lambda visit, pa_id, _: visit.check_out(pa_id, actual=when, reason=reason, now=now),
        )

    def complete_visit(self, visit_id: UUID, *, by: UUID) -> Done:
        """Close a delivered visit: its minutes count for pay and reports."""
        return self._as_the_pa(
            visit_id,
            by,
            "complete it",
            lambda visit, _, person: visit.complete(by=person, now=self.clock.now()),
        )

    def _as_the_pa(
        self, visit_id: UUID, by: UUID, doing: str, act: Callable[[Visit, UUID, UUID], None]
    ) -> Done:
        """Load the visit, check the asker is its PA (or a coordinator), act, save."""
        care = CareLoads(self.repository)
        actor = care.actor(by)

        def change(visit: Visit) -> None:
            act(visit, access.visit_pa(actor, visit, doing), actor.person)

        return self._changing(visit_id, care.visit, change)


def _actual(actual: datetime | None, now: datetime) -> datetime:
    if actual is None:
        return now
    if actual.tzinfo is None:
        raise InvalidInput("Give the time in the UK, with its date.", "actual")
    return actual
