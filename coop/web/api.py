"""The JSON API: the same commands and queries as the pages, for integrations.

Authentication is by bearer token only (POST /api/tokens), never by cookie,
so a browser cannot be tricked into acting through it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from coop.clock import today
from coop.domain.errors import CoopError
from coop.domain.membership.registers import RegisterLine, TrusteeLine
from coop.projections.accounts import account_by_email
from coop.projections.membership.queries import (
    Applicant,
    application,
    applications_awaiting_decision,
)
from coop.projections.membership.registers import register_of_members, register_of_trustees
from coop.web.accounts import sessions
from coop.web.accounts.passwords import verify_password
from coop.web.auth import ANYONE, SIGNED_IN, allow
from coop.web.forms import check_admission, check_application, check_refusal, check_sign_in
from coop.web.pages import reference
from coop.web.problems import Problem
from coop.web.services import services

TRUSTEES = allow("trustee", "secretary")
API_TOKEN_HOURS = 12


class TokenRequest(msgspec.Struct):
    email: str
    password: str


class Token(msgspec.Struct):
    token: str
    expires_at: datetime


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


class ApplicationReceived(msgspec.Struct):
    member_id: UUID
    reference: str
    status: str


class AdmitRequest(msgspec.Struct):
    minute_reference: str = ""


class RefuseRequest(msgspec.Struct):
    reason: str = ""
    minute_reference: str = ""


class Decided(msgspec.Struct):
    member_id: UUID
    status: str
    membership_number: int | None


def _checked_or_problem(checked: Any) -> None:
    if not checked.ok:
        raise Problem(422, "Check the details you sent", checked.errors)


async def _found(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Applicant:
    found = await application(services(request.app).pool, member_id)
    if found is None:
        raise Problem(404, "There is no application with that id.")
    return found


class Api(Controller):
    path = "/api"
    tags = ("coop",)

    @post("/tokens", opt=allow(ANYONE), status_code=201, summary="Sign in: get a bearer token")
    async def token(self, request: Request[Any, Any, Any], data: JSONBody[TokenRequest]) -> Token:
        s = services(request.app)
        checked = check_sign_in(msgspec.structs.asdict(data))
        _checked_or_problem(checked)
        email, now = checked.values["email"], s.clock.now()
        address = request.client.host if request.client else "unknown"
        if await sessions.too_many_failures(s.pool, email, address, now):
            raise Problem(429, "Too many attempts to sign in. Wait 15 minutes, then try again.")
        account = await account_by_email(s.pool, email)
        ok = await s.run(verify_password, account.password_hash if account else None, data.password)
        if account is None or not ok:
            await sessions.record_failure(s.pool, email, address, now)
            raise Problem(401, "The email address or password is not right.")
        await sessions.clear_failures(s.pool, email)
        token, expires = await sessions.issue_api_token(
            s.pool, account.account_id, now, API_TOKEN_HOURS
        )
        return Token(token, expires)

    @delete(
        "/tokens/current",
        opt=allow(SIGNED_IN),
        status_code=204,
        summary="Sign out: revoke this token",
    )
    async def revoke(self, request: Request[Any, Any, Any]) -> None:
        _, _, token = request.headers.get("authorization", "").partition(" ")
        await sessions.revoke_api_token(services(request.app).pool, token.strip())

    @post("/applications", opt=allow(ANYONE), status_code=201, summary="Apply to join")
    async def apply(
        self, request: Request[Any, Any, Any], data: JSONBody[ApplicationRequest]
    ) -> ApplicationReceived:
        details, checked = check_application(msgspec.structs.asdict(data))
        _checked_or_problem(checked)
        assert details is not None
        s = services(request.app)
        try:
            done = await s.run(s.coop.apply_for_membership, details)
        except CoopError as e:
            raise Problem(409, str(e), {"email": str(e)}) from None
        await s.seen(done.position, "members")
        return ApplicationReceived(done.subject, reference(done.subject), "applied")

    @get("/applications", opt=TRUSTEES, summary="Applications awaiting a decision")
    async def awaiting(self, request: Request[Any, Any, Any]) -> list[Applicant]:
        return await applications_awaiting_decision(services(request.app).pool)

    @get("/applications/{member_id:uuid}", opt=TRUSTEES, summary="One application")
    async def one(self, request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Applicant:
        return await _found(request, member_id)

    @post("/applications/{member_id:uuid}/admit", opt=TRUSTEES, status_code=200, summary="Admit")
    async def admit(
        self,
        request: Request[Any, Any, Any],
        member_id: FromPath[UUID],
        data: JSONBody[AdmitRequest],
    ) -> Decided:
        await _found(request, member_id)
        checked = check_admission(msgspec.structs.asdict(data))
        _checked_or_problem(checked)
        s = services(request.app)
        done = await s.run(
            s.coop.admit,
            member_id,
            by=request.state.user.account_id,
            minute_reference=checked.values["minute_reference"],
        )
        await s.seen(done.position, "members")
        found = await _found(request, member_id)
        return Decided(member_id, found.status, found.membership_number)

    @post("/applications/{member_id:uuid}/refuse", opt=TRUSTEES, status_code=200, summary="Refuse")
    async def refuse(
        self,
        request: Request[Any, Any, Any],
        member_id: FromPath[UUID],
        data: JSONBody[RefuseRequest],
    ) -> Decided:
        await _found(request, member_id)
        checked = check_refusal(msgspec.structs.asdict(data))
        _checked_or_problem(checked)
        s = services(request.app)
        done = await s.run(
            s.coop.refuse,
            member_id,
            by=request.state.user.account_id,
            reason=checked.values["reason"],
            minute_reference=checked.values["minute_reference"],
        )
        await s.seen(done.position, "members")
        return Decided(member_id, "refused", None)

    @get("/register", opt=TRUSTEES, summary="The register of members, as at a date (default today)")
    async def register(
        self, request: Request[Any, Any, Any], as_at: FromQuery[str | None] = None
    ) -> list[RegisterLine]:
        s = services(request.app)
        return await register_of_members(s.pool, _as_at(as_at, today(s.clock)))

    @get("/trustees-register", opt=TRUSTEES, summary="The register of trustees, as at a date")
    async def trustees_register(
        self, request: Request[Any, Any, Any], as_at: FromQuery[str | None] = None
    ) -> list[TrusteeLine]:
        s = services(request.app)
        return await register_of_trustees(s.pool, _as_at(as_at, today(s.clock)))


def _as_at(given: str | None, now: date) -> date:
    """The date a register is asked for (today if none), or a problem naming the format.

    Taken as text and checked here, not by Litestar, so the refusal is ours: specific
    wording in the same problem document as the rest of the API.
    """
    if not given or not given.strip():
        return now
    try:
        return date.fromisoformat(given.strip())
    except ValueError:
        message = f"as_at must be a date like {now.isoformat()}, not “{given[:40]}”"
        raise Problem(400, "Check the date", {"as_at": message}) from None
