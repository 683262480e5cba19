"""Applying to join: the form, and the confirmation with a reference."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.domain.errors import CoopError
from coop.domain.membership.members import ContactMethod, MemberClass
from coop.infra.application_references import (
    application_by_reference,
    issue_application_reference,
)
from coop.projections.membership.queries import application
from coop.web.forms import check_application
from coop.web.pages import page, see_other
from coop.web.pages import reference as short_reference
from coop.web.services import Services, services

CLASSES = [
    (
        MemberClass.USER.value,
        "I use care and support",
        "For example, you employ personal assistants",
    ),
    (
        MemberClass.CARER.value,
        "I am an unpaid carer",
        "You support a family member or friend who uses care",
    ),
    (
        MemberClass.PA.value,
        "I am a personal assistant (PA)",
        "You are paid to support someone who uses care",
    ),
]
CONTACT_METHODS = [
    (ContactMethod.EMAIL.value, "Email", None),
    (ContactMethod.PHONE.value, "Phone call", None),
    (ContactMethod.LETTER.value, "Letter by post", None),
    (ContactMethod.EASY_READ.value, "Easy Read documents", "Short sentences with pictures"),
    (ContactMethod.LARGE_PRINT.value, "Large print", None),
    (ContactMethod.BSL.value, "British Sign Language (BSL) interpreter", None),
]


def _form(
    request: Request[Any, Any, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Template:
    return page(
        request,
        "membership/apply.html",
        status=status,
        errors=list(errors.items()),
        field_errors=errors,
        values=values,
        classes=CLASSES,
        contact_methods=CONTACT_METHODS,
    )


@get("/apply")
async def apply_form(request: Request[Any, Any, Any]) -> Template:
    return _form(request, {"contact_methods": []}, {})


@post("/apply", status_code=303)
async def apply(request: Request[Any, Any, Any]) -> Template | Redirect:
    data = (await request.form()).dict()
    details, checked = check_application(data)
    if details is None:
        return _form(request, checked.values, checked.errors, status=422)
    s = services(request.app)
    try:
        done = await s.run(s.coop.apply_for_membership, details)
    except CoopError as e:
        return _form(request, checked.values, {"email": str(e)}, status=422)
    await s.seen(done.position, "members")
    return see_other(await address_to_follow(s, done.subject))


async def address_to_follow(s: Services, member_id: UUID) -> str:
    """The address, secret to the applicant, of the page that follows their application."""
    return f"/apply/received/{await issue_application_reference(s.pool, member_id, s.clock.now())}"


@get("/apply/received/{reference:str}")
async def received(request: Request[Any, Any, Any], reference: FromPath[str]) -> Template:
    pool = services(request.app).pool
    member_id = await application_by_reference(pool, reference)
    found = await application(pool, member_id) if member_id is not None else None
    if member_id is None or found is None:
        # The same answer for a made-up reference and an unknown one: nothing to learn.
        raise NotFoundException("There is no application with that reference.")
    return page(
        request,
        "membership/received.html",
        reference=short_reference(member_id),
        status_now=found.status,
    )
