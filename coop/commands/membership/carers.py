"""Carer-link commands: a carer asks, the user consents, declines or withdraws."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from eventsourcing.domain import Aggregate

from coop.clock import today
from coop.commands.base import Commands, Done
from coop.domain.membership.carers import CarerLink, CarerLinkError, NotAskedYet
from coop.domain.membership.member_details import MemberClass
from coop.domain.membership.members import Member


class CarerCommands(Commands):
    """Commands on ``CarerLink`` aggregates."""

    def ask_to_link_carer(self, carer_id: UUID, user_id: UUID, *, by: UUID) -> Done:
        """A carer asks to be linked to a user they support; the user must consent."""
        self._current(carer_id, MemberClass.CARER, "The person asking to be linked")
        self._current(user_id, MemberClass.USER, "The person they support")
        link_id = CarerLink.create_id(carer_id, user_id)

        def attempt() -> tuple[Aggregate, ...]:
            link = self._get_or_none(CarerLink, link_id)
            if link is None:
                return (CarerLink(carer_id=carer_id, user_id=user_id, on=today(self.clock), by=by),)
            link.ask_again(on=today(self.clock), by=by)
            return (link,)

        return self._retrying(link_id, attempt)

    def consent_to_carer(self, user_id: UUID, carer_id: UUID, *, by: UUID) -> Done:
        """The user agrees that this carer may act for them."""
        return self._answering(
            user_id, carer_id, lambda link: link.consent(on=today(self.clock), by=by)
        )

    def decline_carer(self, user_id: UUID, carer_id: UUID, *, by: UUID) -> Done:
        """The user says no to this carer's request."""
        return self._answering(
            user_id, carer_id, lambda link: link.decline(on=today(self.clock), by=by)
        )

    def withdraw_carer_consent(self, user_id: UUID, carer_id: UUID, *, by: UUID) -> Done:
        """The user ends the link: the carer can no longer act for them."""
        return self._answering(
            user_id, carer_id, lambda link: link.withdraw_consent(on=today(self.clock), by=by)
        )

    def _answering(
        self, user_id: UUID, carer_id: UUID, answer: Callable[[CarerLink], None]
    ) -> Done:
        link_id = CarerLink.create_id(carer_id, user_id)

        def attempt() -> tuple[Aggregate, ...]:
            link = self._get_or_none(CarerLink, link_id)
            if link is None:
                raise NotAskedYet()
            answer(link)
            return (link,)

        return self._retrying(link_id, attempt)

    def _current(self, member_id: UUID, member_class: MemberClass, who: str) -> Member:
        member = self._member(member_id)
        if member.status != "admitted" or member.member_class != member_class:
            raise CarerLinkError(f"{who} must be a current member in the {member_class} class.")
        return member
