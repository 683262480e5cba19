"""Carer links: who asked to be linked to whom, and what the user said."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from coop.domain.membership.carers import CarerLink
from coop.projections.base import Projection, Statement

carers = Projection("carers", tables=("carer_links",))


@carers.on(CarerLink.Requested)
def requested(e: CarerLink.Requested, position: int) -> list[Statement]:
    return [
        (
            "INSERT INTO {carer_links} (link_id, carer_id, user_id, state, requested_on,"
            " changed_on) VALUES ($1, $2, $3, 'requested', $4, $4)",
            (e.originator_id, e.carer_id, e.user_id, e.on),
        )
    ]


def _state(state: str) -> Any:
    def handler(e: Any, position: int) -> list[Statement]:
        extra = ", requested_on = $3" if state == "requested" else ""
        return [
            (
                f"UPDATE {{carer_links}} SET state = '{state}', changed_on = $2{extra}"
                " WHERE link_id = $1",
                (e.originator_id, e.on, e.on) if extra else (e.originator_id, e.on),
            )
        ]

    return handler


carers.on(CarerLink.AskedAgain)(_state("requested"))
carers.on(CarerLink.Consented)(_state("consented"))
carers.on(CarerLink.Declined)(_state("declined"))
carers.on(CarerLink.ConsentWithdrawn)(_state("withdrawn"))


class CarerLinkRow(msgspec.Struct, frozen=True):
    """A link as one side of it sees it: the other person's name and number."""

    carer_id: UUID
    user_id: UUID
    state: str
    requested_on: date
    changed_on: date
    other_name: str
    other_number: int | None


async def links_of_user(pool: asyncpg.Pool, user_id: UUID) -> list[CarerLinkRow]:
    """Carers who asked to be linked to this user, and what the user said."""
    rows = await pool.fetch(
        "SELECT l.carer_id, l.user_id, l.state, l.requested_on, l.changed_on,"
        " m.name, m.membership_number FROM carer_links l JOIN members m ON m.member_id = l.carer_id"
        " WHERE l.user_id = $1 ORDER BY l.requested_on, m.membership_number",
        user_id,
    )
    return [CarerLinkRow(*r) for r in rows]


async def links_of_carer(pool: asyncpg.Pool, carer_id: UUID) -> list[CarerLinkRow]:
    """Users this carer asked to be linked to, and what each said."""
    rows = await pool.fetch(
        "SELECT l.carer_id, l.user_id, l.state, l.requested_on, l.changed_on,"
        " m.name, m.membership_number FROM carer_links l JOIN members m ON m.member_id = l.user_id"
        " WHERE l.carer_id = $1 ORDER BY l.requested_on, m.membership_number",
        carer_id,
    )
    return [CarerLinkRow(*r) for r in rows]


async def may_act_for(pool: asyncpg.Pool, carer_id: UUID, user_id: UUID) -> bool:
    """True while the user's consent stands."""
    state = await pool.fetchval(
        "SELECT state FROM carer_links WHERE carer_id = $1 AND user_id = $2", carer_id, user_id
    )
    return bool(state == "consented")
