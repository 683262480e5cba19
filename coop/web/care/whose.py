"""Whose care the signed-in person may see and arrange: their own, as a user, or, as a
carer, that of each user who consents to them.

Pages decide this from the read side, to show only what is yours; every command
decides again on the write side (``coop.commands.care.access``), so a consent
withdrawn a moment ago still stops a booking.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Request
from litestar.response import Template

from coop.commands.care.access import NotAllowed
from coop.domain.care.errors import VisitNotFound
from coop.domain.errors import InvalidInput
from coop.projections.care.queries import VisitView, visit
from coop.projections.membership.carers import links_of_carer
from coop.projections.membership.queries import member_record
from coop.web.pages import page
from coop.web.services import services


class NotYourCare(NotAllowed):
    def __init__(self) -> None:
        super().__init__(
            "You can see and arrange care only for yourself, or for someone who has agreed"
            " to you being their carer."
        )


class NotAgreed(NotAllowed):
    def __init__(self, number: int | None, withdrawn: bool, doing: str) -> None:
        who = f"Member {number}" if number else "This person"
        has = "has withdrawn their consent to" if withdrawn else "has not agreed to"
        super().__init__(f"{who} {has} you being their carer, so you cannot {doing} for them.")


class CaredFor(msgspec.Struct, frozen=True):
    """A user whose care the signed-in person may arrange (``own``: it is their own)."""

    user_id: UUID
    name: str
    own: bool


def for_param(raw: str | None) -> UUID | None:
    """The user a form or link names (``?for=``); a malformed id names nobody."""
    try:
        return UUID(raw) if raw else None
    except ValueError:
        return UUID(int=0)  # names nobody: refused as not yours


async def cared_for(request: Request[Any, Any, Any]) -> list[CaredFor]:
    """The signed-in user themself, or the users who consent to the signed-in carer."""
    pool = services(request.app).pool
    me: UUID | None = request.state.user.member_id
    if me is None:
        return []
    if request.state.user.has("user"):
        record = await member_record(pool, me)
        name = (record.preferred_name or record.name) if record else "you"
        return [CaredFor(me, name, True)]
    return [
        CaredFor(link.user_id, link.other_name.split()[0], False)
        for link in await links_of_carer(pool, me)
        if link.state == "consented"
    ]


async def one_cared_for(request: Request[Any, Any, Any], user_id: UUID | None) -> CaredFor:
    """The person named (or the only one there is), or why the signed-in person may not."""
    people = await cared_for(request)
    if user_id is None and len(people) == 1:
        return people[0]
    if user_id is None:  # a carer's form that names nobody
        raise InvalidInput("Choose the person you are arranging care for.", "for")
    for person in people:
        if person.user_id == user_id:
            return person
    raise await refusal(request, user_id, "arrange care")


async def whose_or_ask(
    request: Request[Any, Any, Any], question: str, action: str
) -> CaredFor | Template:
    """The person ``?for=`` names (or the only one there is), else a page asking a carer
    which of the people who consent to them ``question`` is about (sent back to ``action``)."""
    for_id = for_param(request.query_params.get("for"))
    people = await cared_for(request)
    if for_id is None and len(people) != 1:
        return page(request, "care/whose.html", people=people, question=question, action=action)
    return await one_cared_for(request, for_id)


async def refusal(request: Request[Any, Any, Any], user_id: UUID | None, doing: str) -> Exception:
    """Why the signed-in person may not ``doing`` for this user: a carer who asked to be
    linked to them is told it is theirs to agree (by membership number, as the carers page
    names them until they agree); anyone else learns nothing about whose it is."""
    pool = services(request.app).pool
    me = request.state.user
    if me.has("carer") and user_id is not None:
        for link in await links_of_carer(pool, me.member_id):
            if link.user_id == user_id:  # named only by number until they agree
                return NotAgreed(link.other_number, link.state == "withdrawn", doing)
    return NotYourCare()


async def visit_cared_for(
    request: Request[Any, Any, Any], visit_id: UUID, doing: str
) -> tuple[VisitView, CaredFor]:
    """The visit the URL names, if it is the signed-in person's to see (else a 404 or 403)."""
    found = await visit(services(request.app).pool, visit_id)
    if found is None:
        raise VisitNotFound()
    for person in await cared_for(request):
        if person.user_id == found.user_id:
            return found, person
    raise await refusal(request, found.user_id, doing)
