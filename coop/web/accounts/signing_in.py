"""Signing in and out."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template

from coop.projections.accounts import account_by_email
from coop.web.accounts import sessions
from coop.web.accounts.passwords import verify_password
from coop.web.auth import ANYONE, SIGNED_IN, allow
from coop.web.forms import check_sign_in
from coop.web.pages import page, see_other
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


@get("/sign-in", opt=allow(ANYONE))
async def sign_in_form(request: Request[Any, Any, Any]) -> Template:
    return _form(request, "", {})


@post("/sign-in", opt=allow(ANYONE), status_code=303)
async def sign_in(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    checked = check_sign_in((await request.form()).dict())
    email = checked.values.get("email", "")
    if not checked.ok:
        return _form(request, email, checked.errors, status=422)
    now = s.clock.now()
    address = request.client.host if request.client else "unknown"
    if await sessions.too_many_failures(s.pool, email, address, now):
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
        await sessions.record_failure(s.pool, email, address, now)
        return _form(
            request,
            email,
            {"email": "The email address or password is not right. Check them and try again"},
            status=422,
        )
    await sessions.clear_failures(s.pool, email)
    token = await sessions.start_session(s.pool, account.account_id, now, s.settings.session_hours)
    response = see_other(_safe_next((await request.form()).get("next")))
    # The cookie may outlive the session: the server decides when it has ended.
    longest = int(sessions.LONGEST_SESSION.total_seconds())
    response.cookies.append(_cookie(token, s.settings.secure_cookies, longest))
    return response


@post("/sign-out", opt=allow(SIGNED_IN), status_code=303)
async def sign_out(request: Request[Any, Any, Any]) -> Redirect:
    s = services(request.app)
    if token := request.cookies.get(sessions.COOKIE):
        await sessions.end_session(s.pool, token)
    response = see_other("/?signed_out=1")
    response.cookies.append(_cookie("", s.settings.secure_cookies, 0))
    return response


def _cookie(value: str, secure: bool, max_age: int) -> Cookie:
    return Cookie(
        key=sessions.COOKIE,
        value=value,
        max_age=max_age,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )
