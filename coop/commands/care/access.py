"""Who may do what in care, decided on the write side from the aggregates (see ``people``).

- A user's plan and bookings: the user, a carer while the user consents, a coordinator.
- A PA's availability: the PA or a coordinator; their skills: a coordinator (training
  is the office's record).
- Offering, confirming, reassigning, approving extra hours: a coordinator.
- Checking in and out, notes, completing: the visit's PA, or a coordinator.
"""

from __future__ import annotations

from uuid import UUID

from coop.commands.care.people import Actor, People
from coop.domain.care.errors import CareError, NotYourVisit
from coop.domain.care.visits import Requester, Visit


class NotAllowed(CareError):
    status = 403


class NoConsent(NotAllowed):
    def __init__(self, carer: str, user: str, doing: str) -> None:
        super().__init__(f"{carer} can {doing} for {user} only while {user} consents.")


class NotTheirs(NotAllowed):
    def __init__(self, user: str, doing: str) -> None:
        super().__init__(
            f"Only {user}, a carer {user} consents to, or a coordinator can {doing} for {user}."
        )


class OnlyCoordinator(NotAllowed):
    def __init__(self, doing: str) -> None:
        super().__init__(f"Only a coordinator can {doing}.")


class OnlyThePa(NotAllowed):
    def __init__(self, pa: str, doing: str) -> None:
        super().__init__(f"Only {pa} or a coordinator can {doing} {pa}'s availability.")


def acting_for(people: People, actor: Actor, user_id: UUID, doing: str) -> Requester:
    """The role in which ``actor`` acts for the user, or why they may not.

    ``doing`` completes "Priya can … for Siobhan", e.g. "book".
    """
    if actor.member_id == user_id:
        return Requester.USER
    if actor.coordinator:
        return Requester.COORDINATOR
    if actor.member_id is not None:
        if people.consents(actor.member_id, user_id):
            return Requester.CARER
        if people.is_carer(actor.member_id):
            raise NoConsent(actor.name, people.name(user_id), doing)
    raise NotTheirs(people.name(user_id), doing)


def require_coordinator(actor: Actor, doing: str) -> None:
    if not actor.coordinator:
        raise OnlyCoordinator(doing)


def require_pa_or_coordinator(people: People, actor: Actor, pa_id: UUID, doing: str) -> None:
    """The PA themselves, or a coordinator (``doing``: "change")."""
    if actor.member_id != pa_id and not actor.coordinator:
        raise OnlyThePa(people.name(pa_id), doing)


def visit_pa(actor: Actor, visit: Visit, doing: str) -> UUID:
    """The PA in whose name ``actor`` acts on the day: the visit's own PA, or a coordinator."""
    if visit.pa_id is not None and (actor.member_id == visit.pa_id or actor.coordinator):
        return visit.pa_id
    raise NotYourVisit(doing)
