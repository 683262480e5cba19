"""The JSON API's membership part: applying, deciding applications, and the registers."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from coop.clock import today
from coop.domain.errors import CoopError
from coop.domain.membership.registers import RegisterLine, TrusteeLine
from coop.projections.membership.queries import (
    Applicant,
    application,
    applications_awaiting_decision,
)
from coop.projections.membership.registers import register_of_members, register_of_trustees
from coop.web.api import checked_or_problem
from coop.web.forms import check_admission, check_application, check_refusal
from coop.web.membership import applying, decisions
from coop.web.pages import reference
from coop.web.problems import Problem
from coop.web.services import services


class ApplicationRequest(msgspec.Struct, kw_only=True):
    """An application to join (see the apply page for what each field means)."""

    name: str = ""
    preferred_name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    postcode: str = ""
    requested_class: str = ""
    contact_methods: list[str] = msgspec.field(default_factory=list)
    access_needs: str = ""
    agrees_with_purpose: bool = False


# The date a register is asked for; leave it out for today.
AsAt = Annotated[
    str | None,
    QueryParameter(
        description="A date like 2026-11-23 (default today).",
        schema_extra={"format": "date"},
    ),
]


class ApplicationReceived(msgspec.Struct):
    member_id: UUID
    reference: str
    status: str
    # The applicant's own page about their application: its address is their secret.
    follow_at: str


class AdmitRequest(msgspec.Struct):
    minute_reference: str = ""


class RefuseRequest(msgspec.Struct):
    reason: str = ""
    minute_reference: str = ""


class Decided(msgspec.Struct):
    member_id: UUID
    status: str
    membership_number: int | None


async def _found(request: Request[Any, Any, Any], member_id: UUID) -> Applicant:
    found = await application(services(request.app).pool, member_id)
    if found is None:
        raise Problem(404, "There is no application with that id.")
    return found


@post(
    "/applications",
    status_code=201,
    summary="Apply to join",
    description="Besides each field's own form, an application needs an e-mail address or a "
    "phone number, and the detail for each way of contact chosen (an e-mail address for "
    "`email`, a phone number for `phone`); `agrees_with_purpose` must be true. Anything "
    "else is refused with 422 and `errors` naming each field and what to do. An e-mail "
    "address that has already applied is refused with 409. The answer's `follow_at` is "
    "the applicant's own page about the application: only they have its address.",
)
async def apply(
    request: Request[Any, Any, Any], data: JSONBody[ApplicationRequest]
) -> ApplicationReceived:
    details, checked = check_application(msgspec.structs.asdict(data))
    checked_or_problem(checked)
    assert details is not None
    s = services(request.app)
    try:
        done = await s.run(s.coop.apply_for_membership, details)
    except CoopError as e:
        raise Problem(409, str(e), {"email": str(e)}) from None
    await s.seen(done.position, "members")
    follow_at = await applying.address_to_follow(s, done.subject)
    return ApplicationReceived(done.subject, reference(done.subject), "applied", follow_at)


@get("/applications", summary="Applications awaiting a decision")
async def awaiting(request: Request[Any, Any, Any]) -> list[Applicant]:
    return await applications_awaiting_decision(services(request.app).pool)


@get("/applications/{member_id:uuid}", summary="One application")
async def one(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Applicant:
    return await _found(request, member_id)


@post("/applications/{member_id:uuid}/admit", status_code=200, summary="Admit")
async def admit(
    request: Request[Any, Any, Any], member_id: FromPath[UUID], data: JSONBody[AdmitRequest]
) -> Decided:
    await _found(request, member_id)
    checked = check_admission(msgspec.structs.asdict(data))
    checked_or_problem(checked)
    await decisions.admit(request, member_id, checked)
    found = await _found(request, member_id)
    return Decided(member_id, found.status, found.membership_number)


@post("/applications/{member_id:uuid}/refuse", status_code=200, summary="Refuse")
async def refuse(
    request: Request[Any, Any, Any], member_id: FromPath[UUID], data: JSONBody[RefuseRequest]
) -> Decided:
    await _found(request, member_id)
    checked = check_refusal(msgspec.structs.asdict(data))
    checked_or_problem(checked)
    await decisions.refuse(request, member_id, checked)
    return Decided(member_id, "refused", None)


@get("/register", summary="The register of members, as at a date (default today)")
async def register(request: Request[Any, Any, Any], as_at: AsAt = None) -> list[RegisterLine]:
    s = services(request.app)
    return await register_of_members(s.pool, _as_at(as_at, today(s.clock)))


@get("/trustees-register", summary="The register of trustees, as at a date")
async def trustees_register(
    request: Request[Any, Any, Any], as_at: AsAt = None
) -> list[TrusteeLine]:
    s = services(request.app)
    return await register_of_trustees(s.pool, _as_at(as_at, today(s.clock)))


def _as_at(given: str | None, now: date) -> date:
    """The date a register is asked for (today if none), or a problem naming the format.

    Taken as text and checked here, not by Litestar, so the refusal is ours: specific
    wording in the same problem document as the rest of the API. Only the form the
    OpenAPI document gives (2026-11-23) is taken, so what it says is what is accepted.
    """
    if given is None:
        return now
    try:
        if not _ISO_DATE.fullmatch(given):
            raise ValueError(given)
        return date.fromisoformat(given)
    except ValueError:
        message = f"as_at must be a date like {now.isoformat()}, not “{given[:40]}”"
        raise Problem(400, "Check the date", {"as_at": message}) from None


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
