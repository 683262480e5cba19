"""Signing in and out."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from coop.infra.sessions import end_session
from coop.infra.sign_in_limit import clear_failures, record_failure, too_many_failures
from coop.projections.accounts.queries import account_by_email
from coop.web.accounts.passwords import verify_password
from coop.web.accounts.session_cookie import COOKIE, signed_in_as, signed_out
from coop.web.forms import check_sign_in
from coop.web.pages import page
from coop.web.services import services


def _safe_next(target: str | None) -> str:
    """Only ever send people back to a page on this site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _form(
    request: Request[Any, Any, Any], email: str, errors: dict[str, str], status: int = 200
) -> Template:
    return page(
        request,
        "accounts/sign_in.html",
        status=status,
        errors=list(errors.items()),
        field_errors=errors,
        email=email,
        next=_safe_next(request.query_params.get("next")),
    )


@get("/sign-in")
async def sign_in_form(request: Request[Any, Any, Any]) -> Template:
    return _form(request, "", {})


@post("/sign-in", status_code=303)
async def sign_in(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    checked = check_sign_in((await request.form()).dict())
    email = checked.values.get("email", "")
    if not checked.ok:
        return _form(request, email, checked.errors, status=422)
    now = s.clock.now()
    address = request.client.host if request.client else "unknown"
    if await too_many_failures(s.pool, email, address, now):
        return _form(
            request,
            email,
            {
                "email": "There have been too many attempts to sign in. Wait 15 minutes, then try again"
            },
            status=429,
        )
    account = await account_by_email(s.pool, email)
    ok = await s.run(
        verify_password, account.password_hash if account else None, checked.values["password"]
    )
    if account is None or not ok:
        await record_failure(s.pool, email, address, now)
        return _form(
            request,
            email,
            {"email": "The email address or password is not right. Check them and try again"},
            status=422,
        )
    await clear_failures(s.pool, email)
    then = _safe_next((await request.form()).get("next"))
    return await signed_in_as(s, account.account_id, now, then)


@post("/sign-out", status_code=303)
async def sign_out(request: Request[Any, Any, Any]) -> Redirect:
    s = services(request.app)
    if token := request.cookies.get(COOKIE):
        await end_session(s.pool, token)
    return signed_out(s, "/?signed_out=1")
