"""Missed visits: the app's own scheduler marks a confirmed visit nobody checked in to.

No one asks for this: ``coop.scheduler`` calls it, on the injected clock, for
each confirmed visit its read model says is due. The visit itself decides (a
check-in that just arrived, or another process that marked it first, makes
this a no-op), so calling it twice, or from two processes, records it once.
"""

from __future__ import annotations

from uuid import UUID

from coop.commands.base import Commands, Done
from coop.commands.care.loads import CareLoads
from coop.domain.care.errors import VisitStateError


class MissedVisitCommands(Commands):
    """The scheduler's command on a ``Visit``."""

    def missed_after_minutes(self) -> int:
        """How long after its start a visit with no check-in is missed (the rules)."""
        return self.rules_in_force().rules.missed_after_minutes

    def mark_missed(self, visit_id: UUID) -> Done | None:
        """Mark the visit missed if it is confirmed and its time to check in has passed.

        None if there is nothing to do (checked in, cancelled, missed already,
        or not yet due).
        """
        care = CareLoads(self.repository)
        rules = self.rules_in_force().rules
        try:
            return self._changing(
                visit_id, care.visit, lambda v: v.mark_missed(rules=rules, now=self.clock.now())
            )
        except VisitStateError:
            return None  # checked in, cancelled or missed already, or not yet due
