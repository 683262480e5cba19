"""Recording a change of the key that signs the log's checkpoints."""

from __future__ import annotations

from eventsourcing.application import AggregateNotFoundError

from coop.commands.base import Commands, Done
from coop.domain.reports.signing_keys import SIGNING_KEYS_ID, SigningKeys


class SigningKeyCommands(Commands):
    """Commands on the ``SigningKeys`` aggregate (the key itself never enters the log)."""

    def record_key_rotation(self, retired: str, adopted: str, *, reason: str) -> Done:
        """The co-op now signs with ``adopted`` instead of ``retired`` (public keys)."""

        def attempt() -> tuple[SigningKeys]:
            try:
                keys: SigningKeys = self.repository.get(SIGNING_KEYS_ID)
            except AggregateNotFoundError:
                keys = SigningKeys()
            assert isinstance(keys, SigningKeys)
            keys.rotate(retired, adopted, at=self.clock.now(), reason=reason)
            return (keys,)

        return self._retrying(SIGNING_KEYS_ID, attempt)
