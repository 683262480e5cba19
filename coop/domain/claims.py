"""Claims: "only one" rules (one application per e-mail, one account per e-mail).

A claim's id is derived from what is claimed, so a second claim on the same
thing collides in the event store, whatever process or thread makes it. The
derivation uses a keyed hash, so ids carry no personal data.
"""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

_NAMESPACE = UUID("0b5c3f0e-6a43-4d1f-8a0e-2f6b1c3d4e5f")


def claim_id(secret_key: str, kind: str, value: str) -> UUID:
    """The id of the claim of ``kind`` on ``value`` (e.g. an e-mail address)."""
    digest = hmac.new(secret_key.encode(), f"{kind}:{value}".encode(), hashlib.sha256)
    return uuid5(_NAMESPACE, digest.hexdigest())


class Claim(Aggregate):
    """Something claimed once, by ``claimant``."""

    @event("Made")
    def __init__(
        self, id: UUID, kind: str, claimant: UUID
    ) -> None:  # the library takes `id` as the aggregate id
        self.kind = kind
        self.claimant = claimant
