"""Carers linked to the users they support, only with the user's consent."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from coop.domain.errors import CoopError
from coop.domain.stored_names import stored_under

_NAMESPACE = UUID("4d0c1c43-2a8e-4f4b-9d0e-7c7a3f1b2e61")


class CarerLinkError(CoopError):
    """Base of carer-link refusals."""


class NotAskedYet(CarerLinkError):
    def __init__(self) -> None:
        super().__init__(
            "This carer has not asked to be linked to you, or the request was withdrawn."
        )


class AlreadyLinked(CarerLinkError):
    def __init__(self, state: str) -> None:
        super().__init__(f"This carer and user are already {state}.")


class CarerLink(Aggregate):
    """A carer's link to a user: asked for, then consented to (or declined) by the user.

    One aggregate per (carer, user), so two requests at once collide in the
    event store. The user can withdraw consent at any time; the carer can ask again.
    """

    class Requested(Aggregate.Created):
        carer_id: UUID
        user_id: UUID
        on: date
        by: UUID

    class AskedAgain(Aggregate.Event):
        on: date
        by: UUID

    class Consented(Aggregate.Event):
        on: date
        by: UUID

    class Declined(Aggregate.Event):
        on: date
        by: UUID

    class ConsentWithdrawn(Aggregate.Event):
        on: date
        by: UUID

    @staticmethod
    def create_id(carer_id: UUID, user_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, f"{carer_id}:{user_id}")

    @event(Requested)
    def __init__(self, carer_id: UUID, user_id: UUID, on: date, by: UUID) -> None:
        self.carer_id = carer_id
        self.user_id = user_id
        self.state = "requested"

    def ask_again(self, *, on: date, by: UUID) -> None:
        """Ask again after the user declined or withdrew consent."""
        if self.state in ("requested", "consented"):
            raise AlreadyLinked("linked" if self.state == "consented" else "waiting for consent")
        self._asked_again(on=on, by=by)

    def consent(self, *, on: date, by: UUID) -> None:
        """The user agrees: the carer may now act for them."""
        if self.state != "requested":
            raise NotAskedYet() if self.state != "consented" else AlreadyLinked("linked")
        self._consented(on=on, by=by)

    def decline(self, *, on: date, by: UUID) -> None:
        """The user says no."""
        if self.state != "requested":
            raise NotAskedYet()
        self._declined(on=on, by=by)

    def withdraw_consent(self, *, on: date, by: UUID) -> None:
        """The user takes their consent back: the link ends at once."""
        if self.state != "consented":
            raise CarerLinkError(
                "There is no consent to withdraw: this carer is not linked to you."
            )
        self._consent_withdrawn(on=on, by=by)

    @event(AskedAgain)
    def _asked_again(self, on: date, by: UUID) -> None:
        self.state = "requested"

    @event(Consented)
    def _consented(self, on: date, by: UUID) -> None:
        self.state = "consented"

    @event(Declined)
    def _declined(self, on: date, by: UUID) -> None:
        self.state = "declined"

    @event(ConsentWithdrawn)
    def _consent_withdrawn(self, on: date, by: UUID) -> None:
        self.state = "withdrawn"


# Stored in the log before governance and membership had rooms of their own.
stored_under(__name__, "coop.domain.carers")
