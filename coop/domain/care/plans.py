"""A user's support plan: funded hours, tasks, the PAs they prefer or do not want, the place."""

from __future__ import annotations

from uuid import UUID

import msgspec

from coop.domain.care.tasks import Task
from coop.domain.errors import InvalidInput
from coop.infra.sealing import Personal

MAX_FUNDED_MINUTES = 7 * 24 * 60


class Place(Personal, frozen=True, kw_only=True):
    """Where visits happen, and how to get in: personal data, sealed under the user's key."""

    address: str
    postcode: str
    access: str = ""  # e.g. "key safe by the back door"


class SupportPlan(msgspec.Struct, frozen=True, kw_only=True):
    """What the user's care is: who decides it is the user (or their carer, or the office)."""

    funded_minutes_a_week: int
    tasks: tuple[Task, ...]
    preferred: tuple[UUID, ...] = ()  # PAs, most preferred first
    not_wanted: tuple[UUID, ...] = ()


def check_plan(plan: SupportPlan, place: Place) -> None:
    """Refuse a plan that cannot be right, saying what to fix."""
    if not 0 <= plan.funded_minutes_a_week <= MAX_FUNDED_MINUTES:
        raise InvalidInput(
            "The funded hours must be between 0 and 168 hours a week.", "funded_hours"
        )
    if not plan.tasks:
        raise InvalidInput("Choose at least one task the visits are for.", "tasks")
    if set(plan.preferred) & set(plan.not_wanted):
        raise InvalidInput("A PA can't be both preferred and not wanted.", "preferred")
    if len(set(plan.preferred)) != len(plan.preferred):
        raise InvalidInput("Name each preferred PA once.", "preferred")
    if not place.address.strip() or not place.postcode.strip():
        raise InvalidInput("Give the address and postcode where visits happen.", "address")
    if len(place.address) > 500 or len(place.access) > 1000:
        raise InvalidInput("The address or the access notes are too long.", "address")
