"""Carer links from each side: a carer asks by membership number, the user consents or not.

The signed-in person is always one end of the link (``user.member_id``); the
other end comes from the URL, so a forged id can only name a link of their own,
and a link that does not exist is refused by the command.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.commands.base import Done
from coop.domain.errors import CoopError
from coop.projections.membership.carers import links_of_carer, links_of_user
from coop.projections.membership.queries import MemberRecord, member_by_number
from coop.web.forms import check_membership_number
from coop.web.membership.my_membership import no_record, own_record, signed_in
from coop.web.pages import page, see_other
from coop.web.services import services

DONE = {
    "asked": "Your request has been sent. You will be linked once they agree.",
    "consented": "The carer is now linked to you. They can book and manage visits for you.",
    "declined": "You said no. The carer is not linked to you.",
    "withdrawn": "You have withdrawn your consent. "
    "The carer can no longer book or manage visits for you.",
}


async def _carers_page(
    request: Request[Any, Any, Any],
    record: MemberRecord,
    *,
    status: int = 200,
    summary: list[tuple[str, str]] | None = None,
    field_errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    pool = services(request.app).pool
    return page(
        request,
        "membership/my/carers.html",
        status=status,
        errors=summary or [],
        field_errors=field_errors or {},
        values=values or {},
        record=record,
        heading="Your carers" if record.member_class == "user" else "People you care for",
        my_carers=await links_of_user(pool, record.member_id),
        people_i_care_for=await links_of_carer(pool, record.member_id),
        done=DONE.get(request.query_params.get("done", "")),
    )


@get("/my/carers")
async def carers(request: Request[Any, Any, Any]) -> Template:
    record = await own_record(request)
    if record is None:
        return no_record(request)
    return await _carers_page(request, record)


async def _acting(
    request: Request[Any, Any, Any], command: Callable[..., Done], *args: Any, done: str
) -> Template | Redirect:
    """Run a carer-link command for the signed-in person; show its refusal on the page."""
    record = await own_record(request)
    if record is None:
        return no_record(request)
    s = services(request.app)
    try:
        result = await s.run(command, *args, by=signed_in(request).account_id)
    except CoopError as e:
        return await _carers_page(request, record, status=e.status, summary=[("", str(e))])
    await s.seen(result.position, "carers")
    return see_other(f"/my/carers?done={done}")


# A carer asks --------------------------------------------------------------------------


@post("/my/carers/ask", status_code=303)
async def ask(request: Request[Any, Any, Any]) -> Template | Redirect:
    record = await own_record(request)
    if record is None:
        return no_record(request)
    checked = check_membership_number((await request.form()).dict())
    if checked.ok:
        number = int(checked.values["number"])
        user = (
            await member_by_number(services(request.app).pool, number) if number < 2**31 else None
        )
        if user is None or user.status != "admitted" or user.member_class != "user":
            # Nothing more: who holds a number is not a carer's business until they consent.
            checked.problem(
                "number", f"There is no current member in the user class with number {number}"
            )
        else:
            s = services(request.app)
            return await _acting(
                request, s.coop.ask_to_link_carer, record.member_id, user.member_id, done="asked"
            )
    return await _carers_page(
        request,
        record,
        status=422,
        summary=checked.summary(),
        field_errors=checked.errors,
        values=checked.values,
    )


@post("/my/carers/ask-again/{user_id:uuid}", status_code=303)
async def ask_again(
    request: Request[Any, Any, Any], user_id: FromPath[UUID]
) -> Template | Redirect:
    record = await own_record(request)
    if record is None:
        return no_record(request)
    s = services(request.app)
    # Only someone this carer asked before: a new person is asked by their number.
    if not any(link.user_id == user_id for link in await links_of_carer(s.pool, record.member_id)):
        raise NotFoundException("You have not asked to be linked to this person before.")
    return await _acting(request, s.coop.ask_to_link_carer, record.member_id, user_id, done="asked")


# The user answers ------------------------------------------------------------------------


@post("/my/carers/{carer_id:uuid}/consent", status_code=303)
async def consent(request: Request[Any, Any, Any], carer_id: FromPath[UUID]) -> Template | Redirect:
    me = signed_in(request).member_id
    s = services(request.app)
    return await _acting(request, s.coop.consent_to_carer, me, carer_id, done="consented")


@post("/my/carers/{carer_id:uuid}/decline", status_code=303)
async def decline(request: Request[Any, Any, Any], carer_id: FromPath[UUID]) -> Template | Redirect:
    me = signed_in(request).member_id
    s = services(request.app)
    return await _acting(request, s.coop.decline_carer, me, carer_id, done="declined")


@post("/my/carers/{carer_id:uuid}/withdraw", status_code=303)
async def withdraw(
    request: Request[Any, Any, Any], carer_id: FromPath[UUID]
) -> Template | Redirect:
    me = signed_in(request).member_id
    s = services(request.app)
    return await _acting(request, s.coop.withdraw_carer_consent, me, carer_id, done="withdrawn")
