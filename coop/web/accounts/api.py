"""The JSON API's sign-in and sign-out: bearer tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, delete, post
from litestar.params import JSONBody, KwargDefinition

from coop.infra.api_tokens import issue_api_token, revoke_api_token
from coop.infra.sign_in_limit import clear_failures, record_failure, too_many_failures
from coop.projections.accounts.queries import account_by_email
from coop.web.accounts.passwords import verify_password
from coop.web.api import checked_or_problem
from coop.web.api_docs import refusals
from coop.web.forms import check_sign_in
from coop.web.problems import Problem
from coop.web.services import services

API_TOKEN_HOURS = 12


class TokenRequest(msgspec.Struct):
    """An account's e-mail address and password (described for the OpenAPI document only:
    the checks in coop.web.forms refuse anything else with 422, in words)."""

    email: Annotated[
        str,
        KwargDefinition(
            min_length=1,
            max_length=254,
            pattern=r"^[^@\s<>\x00-\x1f\x7f]+@[^@\s<>\x00-\x1f\x7f]+\.[^@\s<>\x00-\x1f\x7f]+$",
            description="The account's e-mail address.",
        ),
    ]
    password: Annotated[str, KwargDefinition(min_length=1, max_length=256)]


class Token(msgspec.Struct):
    token: str
    expires_at: datetime


@post(
    "/tokens",
    status_code=201,
    summary="Sign in: get a bearer token",
    responses=refusals(401, 429),
)
async def token(request: Request[Any, Any, Any], data: JSONBody[TokenRequest]) -> Token:
    s = services(request.app)
    checked = check_sign_in(msgspec.structs.asdict(data))
    checked_or_problem(checked)
    email, now = checked.values["email"], s.clock.now()
    address = request.client.host if request.client else "unknown"
    if await too_many_failures(s.pool, email, address, now):
        raise Problem(429, "Too many attempts to sign in. Wait 15 minutes, then try again.")
    account = await account_by_email(s.pool, email)
    ok = await s.run(verify_password, account.password_hash if account else None, data.password)
    if account is None or not ok:
        await record_failure(s.pool, email, address, now)
        raise Problem(401, "The email address or password is not right.")
    await clear_failures(s.pool, email)
    bearer, expires = await issue_api_token(s.pool, account.account_id, now, API_TOKEN_HOURS)
    return Token(bearer, expires)


@delete("/tokens/current", status_code=204, summary="Sign out: revoke this token")
async def revoke(request: Request[Any, Any, Any]) -> None:
    _, _, bearer = request.headers.get("authorization", "").partition(" ")
    await revoke_api_token(services(request.app).pool, bearer.strip())
