"""The trustees' page of applications awaiting a decision: admit, or refuse with a reason."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.domain.errors import CoopError
from coop.projections.membership.queries import (
    Applicant,
    application,
    applications_awaiting_decision,
)
from coop.web.forms import check_admission, check_refusal
from coop.web.membership import decisions
from coop.web.pages import is_htmx, page, see_other
from coop.web.services import services


async def _applicant(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Applicant:
    found = await application(services(request.app).pool, member_id)
    if found is None:
        raise NotFoundException("There is no application with that reference.")
    return found


@get("/trustees/applications")
async def applications(request: Request[Any, Any, Any]) -> Template:
    s = services(request.app)
    decided = None
    if done := request.query_params.get("decided"):
        try:
            decided = await application(s.pool, UUID(done))
        except ValueError:
            decided = None
    return page(
        request,
        "membership/trustees/applications.html",
        applicants=await applications_awaiting_decision(s.pool),
        decided=decided,
        card_errors={},
    )


@post("/trustees/applications/{member_id:uuid}/admit", status_code=303)
async def admit(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template | Redirect:
    s = services(request.app)
    applicant = await _applicant(request, member_id)
    checked = check_admission((await request.form()).dict())
    if checked.ok:
        try:
            await decisions.admit(request, member_id, checked)
        except CoopError as e:
            checked.problem("minute_reference", str(e))
        else:
            if is_htmx(request):
                return page(
                    request,
                    "membership/trustees/_decided.html",
                    decided=await _applicant(request, member_id),
                    remaining=len(await applications_awaiting_decision(s.pool)),
                )
            return see_other(f"/trustees/applications?decided={member_id}")
    errors = {f"minute_reference-{member_id}": checked.errors["minute_reference"]}
    if is_htmx(request):
        return page(
            request,
            "membership/trustees/_applicant.html",
            status=422,
            applicant=applicant,
            card_errors=errors,
            values=checked.values,
        )
    return page(
        request,
        "membership/trustees/applications.html",
        status=422,
        errors=list(errors.items()),
        applicants=await applications_awaiting_decision(s.pool),
        decided=None,
        card_errors=errors,
        values=checked.values,
    )


@get("/trustees/applications/{member_id:uuid}/refuse")
async def refuse_form(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    applicant = await _applicant(request, member_id)
    return page(
        request, "membership/trustees/refuse.html", applicant=applicant, values={}, field_errors={}
    )


@post("/trustees/applications/{member_id:uuid}/refuse", status_code=303)
async def refuse(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template | Redirect:
    applicant = await _applicant(request, member_id)
    checked = check_refusal((await request.form()).dict())
    if checked.ok:
        try:
            await decisions.refuse(request, member_id, checked)
        except CoopError as e:
            checked.problem("reason", str(e))
        else:
            return see_other(f"/trustees/applications?decided={member_id}")
    return page(
        request,
        "membership/trustees/refuse.html",
        status=422,
        applicant=applicant,
        values=checked.values,
        errors=checked.summary(),
        field_errors=checked.errors,
    )
