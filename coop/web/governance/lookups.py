"""What the governance pages look up: the ballot or meeting a URL names (or a 404
page), the meetings a form offers, and the rules in force."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from litestar import Request
from litestar.exceptions import NotFoundException

from coop.domain.governance.rules import RuleBook, RulesNotAdopted
from coop.projections.finance.queries import declared_not_yet_put
from coop.projections.governance.meetings import MeetingView, meeting, meetings_list
from coop.projections.governance.queries import BallotView, ballot
from coop.web.services import services
from coop.web.words import day, money


def found_ballot(b: BallotView | None) -> BallotView:
    """The ballot, or a 404 page if there is none."""
    if b is None:
        raise NotFoundException("There is no ballot with that reference.")
    return b


async def ballot_named(request: Request[Any, Any, Any], ballot_id: UUID) -> BallotView:
    """The ballot the URL names, or a 404 page."""
    return found_ballot(await ballot(services(request.app).pool, ballot_id))


async def meeting_named(request: Request[Any, Any, Any], meeting_id: UUID) -> MeetingView:
    """The meeting the URL names, or a 404 page."""
    found = await meeting(services(request.app).pool, meeting_id)
    if found is None:
        raise NotFoundException("There is no meeting with that reference.")
    return found


async def meetings_to_choose(pool: asyncpg.Pool) -> dict[str, str]:
    """Every meeting, as a form offers them: "AGM 2026, 12 September 2026" by id."""
    return {str(m.meeting_id): f"{m.title}, {day(m.starts_at)}" for m in await meetings_list(pool)}


async def declared_surpluses(pool: asyncpg.Pool) -> dict[str, str]:
    """Declared surpluses not yet put to the members, as a form offers them, by period id."""
    return {
        str(p.period_id): f"{p.name}: {money(p.distributable_pence or 0)} declared"
        for p in await declared_not_yet_put(pool)
    }


async def rules_in_force(request: Request[Any, Any, Any]) -> RuleBook | None:
    """The rules in force, from the write side (None until rules are adopted)."""
    s = services(request.app)
    try:
        return (await s.run(s.coop.rules_in_force)).rules
    except RulesNotAdopted:
        return None
