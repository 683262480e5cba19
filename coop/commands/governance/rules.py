"""The co-op's rules: adopted once in coop, then amended only by a special resolution."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import IntegrityError

from coop.clock import today
from coop.commands.base import Commands, Done
from coop.domain.errors import CoopError
from coop.domain.governance.ballots import BallotError
from coop.domain.governance.rules import RULES_ID, RuleBook, Rules


class RulesCommands(Commands):
    """Commands on the ``Rules`` aggregate (``rules_in_force`` reads it: see ``Commands``)."""

    def adopt_rules(self, rules: RuleBook, *, by: UUID, reference: str) -> Done:
        """Adopt the co-op's rules in coop (once; later changes are amendments)."""
        rules.check()
        adopted = Rules(rules=rules, on=today(self.clock), by=by, reference=reference)
        try:
            recordings = self.save(adopted)
        except IntegrityError:
            raise CoopError(
                "The rules have already been adopted; change them by special resolution."
            ) from None
        return Done(recordings[-1].notification.id, adopted.id)

    def amend_rules(self, ballot_id: UUID, *, reference: str) -> Done:
        """Apply the rules a special resolution carried (its ballot proposed them)."""
        ballot = self._ballot(ballot_id)
        if ballot.state != "counted" or ballot.proposed_rules is None or not ballot.special:
            raise BallotError(
                "Only a counted special resolution proposing new rules can amend them."
            )
        if not (ballot.result or {}).get("carried"):
            raise BallotError(
                "The special resolution was not carried, so the rules stay as they are."
            )
        rules = self.rules_in_force()
        rules.amend(
            ballot.proposed_rules, on=today(self.clock), ballot_id=ballot_id, reference=reference
        )
        return self._retrying(RULES_ID, lambda: (rules,))
