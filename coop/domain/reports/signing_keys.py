"""The keys that have signed the log's checkpoints, in the log itself.

The signing key is kept outside the database; its public half is a fact of the
record. When the key is changed, the old and the new public keys are recorded
as an event, so anyone checking an old checkpoint can find the key it was
signed with, and see when it stopped being used.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from coop.domain.errors import InvalidInput

SIGNING_KEYS_ID = uuid5(NAMESPACE_URL, "coop:audit-signing-keys")


class SigningKeys(Aggregate):
    """Every public key that has signed checkpoints, oldest first."""

    class Started(Aggregate.Created):
        pass

    class Rotated(Aggregate.Event):
        retired: str  # the old public key, as `coop audit keygen` prints it
        adopted: str  # the new one
        at: datetime
        reason: str

    @staticmethod
    def create_id() -> UUID:
        return SIGNING_KEYS_ID

    @event(Started)
    def __init__(self) -> None:
        self.keys: tuple[str, ...] = ()

    def rotate(self, retired: str, adopted: str, *, at: datetime, reason: str) -> None:
        """The co-op signs with ``adopted`` from ``at``; ``retired`` signs no more."""
        if retired == adopted:
            raise InvalidInput("The new key is the old key: nothing would change.", "key")
        if not reason.strip():
            raise InvalidInput("Say why the key is being changed.", "reason")
        self._rotated(retired=retired, adopted=adopted, at=at, reason=reason.strip())

    @event(Rotated)
    def _rotated(self, retired: str, adopted: str, at: datetime, reason: str) -> None:
        known = self.keys or (retired,)
        self.keys = (*known, adopted)
