"""Password resets: ask for a link by e-mail, then choose a new password with it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Template

from coop.infra import one_time_links
from coop.infra.mail import messages, outbox
from coop.infra.one_time_links import PASSWORD_RESET, OneTimeLink
from coop.infra.sessions import end_all_sessions
from coop.infra.sign_in_limit import clear_failures, record_failure, too_many_failures
from coop.projections.accounts.queries import AccountRow, account_by_email, account_by_id
from coop.web.accounts.email_links import (
    LinkProblem,
    check_new_password,
    holder_of_link,
    link_page,
    new_password_page,
)
from coop.web.accounts.passwords import hash_password
from coop.web.forms import Checked, text
from coop.web.pages import page
from coop.web.services import Services, services

_RESET_KIND = "password-reset-"  # its own rate-limit counts, apart from sign-in's


@get("/password-reset")
async def password_reset_form(request: Request[Any, Any, Any]) -> Template:
    return page(request, "accounts/password_reset.html", email="", field_errors={})


@post("/password-reset", status_code=200)
async def password_reset(request: Request[Any, Any, Any]) -> Template:
    s = services(request.app)
    checked = Checked()
    data = (await request.form()).dict()
    email = text(
        checked,
        data,
        "email",
        label="Email address",
        missing="Enter your email address",
        max_length=254,
    ).lower()
    if email and "email" not in checked.errors and "@" not in email.strip("@"):
        checked.problem(
            "email", "Enter an email address in the correct format, like name@example.com"
        )
    now = s.clock.now()
    address = request.client.host if request.client else "unknown"
    status = 422
    if checked.ok and await too_many_failures(s.pool, email, address, now, kind=_RESET_KIND):
        checked.problem(
            "email", "You have asked for a link too many times. Wait 15 minutes, then try again"
        )
        status = 429
    if not checked.ok:
        return page(
            request,
            "accounts/password_reset.html",
            status=status,
            errors=checked.summary(),
            field_errors=checked.errors,
            email=email,
        )
    await record_failure(s.pool, email, address, now, kind=_RESET_KIND)
    if account := await account_by_email(s.pool, email):
        await _send_reset_link(s, account, now)
    # The same answer whether or not there is an account: it tells nobody who has one.
    return page(
        request,
        "accounts/password_reset_sent.html",
        email=email,
        # Honest: without a mail server the link waits in the outbox; it is not sent.
        mail_server=s.settings.smtp_configured,
    )


async def _send_reset_link(s: Services, account: AccountRow, now: datetime) -> None:
    async with s.pool.acquire() as conn, conn.transaction():
        token = await one_time_links.issue(
            conn,
            PASSWORD_RESET,
            now=now,
            lifetime=one_time_links.PASSWORD_RESET_LIFETIME,
            account_id=account.account_id,
        )
        subject, body = messages.password_reset(
            s.settings.coop_name, account.name, s.settings.link(f"/password-reset/{token}")
        )
        await outbox.enqueue(conn, account.email, subject, body, now=now, confidential=True)


async def _account_to_reset(request: Request[Any, Any, Any], token: str) -> AccountRow | Template:
    """The account whose password the link resets, or a page saying why it cannot."""

    async def account_of(link: OneTimeLink) -> AccountRow | None:
        if link.account_id is None:
            return None
        return await account_by_id(services(request.app).pool, link.account_id)

    return await holder_of_link(request, PASSWORD_RESET, token, _PROBLEMS, account_of)


def _password_page(
    request: Request[Any, Any, Any], token: str, account: AccountRow, checked: Checked | None = None
) -> Template:
    return new_password_page(
        request,
        checked=checked,
        title="Choose a new password",
        intro="Choose a new password for your account. When you have changed it,"
        " you will be signed out everywhere and can sign in again with the new password.",
        action=f"/password-reset/{token}",
        email=account.email,
        submit="Change password",
    )


@get("/password-reset/{token:str}")
async def new_password_form(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    account = await _account_to_reset(request, token)
    if isinstance(account, Template):
        return account
    return _password_page(request, token, account)


@post("/password-reset/{token:str}", status_code=200)
async def new_password(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    s = services(request.app)
    account = await _account_to_reset(request, token)
    if isinstance(account, Template):
        return account
    checked = check_new_password((await request.form()).dict())
    if not checked.ok:
        return _password_page(request, token, account, checked)
    password_hash = await s.run(hash_password, checked.values["password"])
    async with s.pool.acquire() as conn, conn.transaction():
        if await one_time_links.redeem(conn, PASSWORD_RESET, token, s.clock.now()) is None:
            return link_page(request, _PROBLEMS["used"])
        done = await s.run(s.coop.change_password, account.account_id, password_hash)
    # Once the new password works, nobody stays signed in with the old one.
    await s.seen(done.position, "accounts")
    await end_all_sessions(s.pool, account.account_id)
    await clear_failures(s.pool, account.email)
    return page(request, "accounts/password_changed.html")


_PROBLEMS = {
    "unknown": LinkProblem(
        404,
        "This link does not work",
        "The link may be incomplete, or you may have asked for a newer one.",
        "Use the link in the newest email, or ask for a new link.",
        "/password-reset",
        "Ask for a new link",
    ),
    "used": LinkProblem(
        410,
        "This link has already been used",
        "Each link to reset your password works only once.",
        "If you need to change your password again, ask for a new link.",
        "/password-reset",
        "Ask for a new link",
    ),
    "expired": LinkProblem(
        410,
        "This link has expired",
        "Links to reset your password work for 1 hour.",
        "Ask for a new link.",
        "/password-reset",
        "Ask for a new link",
    ),
}
