"""Accounts by e-mail: invitations and password resets.

Both journeys start with a one-time link (coop/web/tokens.py) sent through the
outbox (coop/mail/). Choosing the password redeems the link in the same
database transaction as the command it allows, so a link works exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.domain.errors import CoopError
from coop.infra.mail import messages, outbox
from coop.projections.accounts import AccountRow, account_by_email, account_by_id
from coop.projections.membership.queries import Applicant, application
from coop.web.accounts import sessions, tokens
from coop.web.accounts.passwords import hash_password, password_problem
from coop.web.accounts.signing_in import _cookie
from coop.web.auth import ANYONE, allow
from coop.web.forms import Checked, text
from coop.web.pages import page, see_other
from coop.web.services import Services, services

TRUSTEES = allow("trustee", "secretary")
_RESET_KIND = "password-reset-"  # its own rate-limit counts, apart from sign-in's


class CannotInvite(CoopError):
    """This member cannot be sent an invitation; the message says why."""


# Invitations -----------------------------------------------------------------------


@post("/trustees/members/{member_id:uuid}/invite", opt=TRUSTEES, status_code=303)
async def invite(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Redirect:
    s = services(request.app)
    member = await application(s.pool, member_id)
    if member is None:
        raise NotFoundException("There is no member with that reference.")
    if member.status != "admitted":
        why = _NOT_A_MEMBER.get(member.status, "they are not a member")
        raise CannotInvite(
            f"{member.name} cannot be invited: {why}. Only members can have an account."
        )
    if not member.email:
        raise CannotInvite(
            f"We have no email address for {member.name}, so we cannot send them an invitation."
        )
    if await _has_account(s.pool, member):
        raise CannotInvite(
            f"{member.name} already has an account. If they have forgotten their password,"
            " they can reset it from the sign-in page."
        )
    now = s.clock.now()
    async with s.pool.acquire() as conn, conn.transaction():
        token = await tokens.issue(
            conn,
            tokens.INVITATION,
            now=now,
            lifetime=tokens.INVITATION_LIFETIME,
            member_id=member_id,
        )
        subject, body = messages.invitation(
            s.settings.coop_name,
            member.preferred_name or member.name,
            s.settings.link(f"/invitations/{token}"),
        )
        await outbox.enqueue(conn, member.email, subject, body, now=now)
    return see_other(f"/trustees/members/{member_id}?done=invited")


_NOT_A_MEMBER = {
    "applied": "the trustees have not admitted them yet",
    "refused": "their application was refused",
    "ceased": "their membership has ended",
}


async def _has_account(pool: asyncpg.Pool, member: Applicant) -> bool:
    found = await pool.fetchval(
        "SELECT 1 FROM accounts WHERE member_id = $1 OR email = $2",
        member.member_id,
        member.email.lower(),
    )
    return found is not None


async def _invitation(request: Request[Any, Any, Any], token: str) -> Applicant | Template:
    """The invited member, or a page saying why the link cannot be used."""
    s = services(request.app)
    found = await tokens.look_up(s.pool, tokens.INVITATION, token)
    member = await application(s.pool, found.member_id) if found and found.member_id else None
    if found is None or member is None or member.status != "admitted" or not member.email:
        return _link_page(request, _INVITATION_PROBLEMS["unknown"])
    state = found.state(s.clock.now())
    if state == "ready" and await _has_account(s.pool, member):
        state = "used"
    if state != "ready":
        return _link_page(request, _INVITATION_PROBLEMS[state])
    return member


@get("/invitations/{token:str}", opt=allow(ANYONE))
async def invitation_form(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    member = await _invitation(request, token)
    if isinstance(member, Template):
        return member
    return _invitation_page(request, token, member, {})


@post("/invitations/{token:str}", opt=allow(ANYONE), status_code=303)
async def accept_invitation(
    request: Request[Any, Any, Any], token: FromPath[str]
) -> Template | Redirect:
    s = services(request.app)
    member = await _invitation(request, token)
    if isinstance(member, Template):
        return member
    checked = _check_new_password((await request.form()).dict())
    if not checked.ok:
        return _invitation_page(request, token, member, checked.errors, status=422)
    password_hash = await s.run(hash_password, checked.values["password"])
    now = s.clock.now()
    async with s.pool.acquire() as conn, conn.transaction():
        # Holds the token's row until the account is open; a failure leaves it unused.
        if await tokens.redeem(conn, tokens.INVITATION, token, now) is None:
            return _link_page(request, _INVITATION_PROBLEMS["used"])
        done = await s.run(
            s.coop.open_account,
            name=member.name,
            email=member.email,
            password_hash=password_hash,
            roles=(),
            member_id=member.member_id,
        )
    await s.seen(done.position, "accounts")
    session = await sessions.start_session(s.pool, done.subject, now, s.settings.session_hours)
    response = see_other("/")
    response.cookies.append(
        _cookie(session, s.settings.secure_cookies, int(sessions.LONGEST_SESSION.total_seconds()))
    )
    return response


def _invitation_page(
    request: Request[Any, Any, Any],
    token: str,
    member: Applicant,
    errors: dict[str, str],
    status: int = 200,
) -> Template:
    return page(
        request,
        "accounts/new_password.html",
        status=status,
        errors=list(errors.items()),
        field_errors=errors,
        title="Set your password",
        intro=f"Welcome, {member.preferred_name or member.name}. Choose a password to finish"
        " setting up your account. You will sign in with your email address and this password.",
        action=f"/invitations/{token}",
        email=member.email,
        submit="Set password and sign in",
    )


# Password reset --------------------------------------------------------------------


@get("/password-reset", opt=allow(ANYONE))
async def password_reset_form(request: Request[Any, Any, Any]) -> Template:
    return page(request, "accounts/password_reset.html", email="", field_errors={})


@post("/password-reset", opt=allow(ANYONE), status_code=200)
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
    if checked.ok and await sessions.too_many_failures(
        s.pool, email, address, now, kind=_RESET_KIND
    ):
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
    await sessions.record_failure(s.pool, email, address, now, kind=_RESET_KIND)
    if account := await account_by_email(s.pool, email):
        await _send_reset_link(s, account, now)
    # The same answer whether or not there is an account: it tells nobody who has one.
    return page(request, "accounts/password_reset_sent.html", email=email)


async def _send_reset_link(s: Services, account: AccountRow, now: datetime) -> None:
    async with s.pool.acquire() as conn, conn.transaction():
        token = await tokens.issue(
            conn,
            tokens.PASSWORD_RESET,
            now=now,
            lifetime=tokens.PASSWORD_RESET_LIFETIME,
            account_id=account.account_id,
        )
        subject, body = messages.password_reset(
            s.settings.coop_name, account.name, s.settings.link(f"/password-reset/{token}")
        )
        await outbox.enqueue(conn, account.email, subject, body, now=now, confidential=True)


async def _reset(request: Request[Any, Any, Any], token: str) -> AccountRow | Template:
    """The account whose password the link resets, or a page saying why it cannot."""
    s = services(request.app)
    found = await tokens.look_up(s.pool, tokens.PASSWORD_RESET, token)
    account = await account_by_id(s.pool, found.account_id) if found and found.account_id else None
    if found is None or account is None:
        return _link_page(request, _RESET_PROBLEMS["unknown"])
    state = found.state(s.clock.now())
    if state != "ready":
        return _link_page(request, _RESET_PROBLEMS[state])
    return account


@get("/password-reset/{token:str}", opt=allow(ANYONE))
async def new_password_form(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    account = await _reset(request, token)
    if isinstance(account, Template):
        return account
    return _reset_page(request, token, account, {})


@post("/password-reset/{token:str}", opt=allow(ANYONE), status_code=200)
async def new_password(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    s = services(request.app)
    account = await _reset(request, token)
    if isinstance(account, Template):
        return account
    checked = _check_new_password((await request.form()).dict())
    if not checked.ok:
        return _reset_page(request, token, account, checked.errors, status=422)
    password_hash = await s.run(hash_password, checked.values["password"])
    async with s.pool.acquire() as conn, conn.transaction():
        if await tokens.redeem(conn, tokens.PASSWORD_RESET, token, s.clock.now()) is None:
            return _link_page(request, _RESET_PROBLEMS["used"])
        done = await s.run(s.coop.change_password, account.account_id, password_hash)
    # Once the new password works, nobody stays signed in with the old one.
    await s.seen(done.position, "accounts")
    await sessions.end_all_sessions(s.pool, account.account_id)
    await sessions.clear_failures(s.pool, account.email)
    return page(request, "accounts/password_changed.html")


def _reset_page(
    request: Request[Any, Any, Any],
    token: str,
    account: AccountRow,
    errors: dict[str, str],
    status: int = 200,
) -> Template:
    return page(
        request,
        "accounts/new_password.html",
        status=status,
        errors=list(errors.items()),
        field_errors=errors,
        title="Choose a new password",
        intro="Choose a new password for your account. When you have changed it,"
        " you will be signed out everywhere and can sign in again with the new password.",
        action=f"/password-reset/{token}",
        email=account.email,
        submit="Change password",
    )


# Shared ----------------------------------------------------------------------------


def _check_new_password(data: Mapping[str, Any]) -> Checked:
    """A new password, typed twice. Not trimmed: spaces are part of a password."""
    c = Checked()
    password, confirm = _first(data, "password"), _first(data, "confirm_password")
    if not password:
        c.problem("password", "Enter a new password")
    elif problem := password_problem(password):
        c.problem("password", problem)
    elif not confirm:
        c.problem("confirm_password", "Enter your new password again")
    elif confirm != password:
        c.problem(
            "confirm_password", "The passwords do not match. Enter the same password in both boxes"
        )
    c.values["password"] = password
    return c


def _first(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return value if isinstance(value, str) else ""


# (status, title, what has happened, what to do, link, link text)
_Problem = tuple[int, str, str, str, str, str]

_INVITATION_PROBLEMS: dict[str, _Problem] = {
    "unknown": (
        404,
        "This invitation link does not work",
        "The link may be incomplete, or a newer invitation may have replaced it.",
        "If you have more than one invitation email, use the newest one."
        " Otherwise, ask the co-op office for a new invitation.",
        "/help",
        "Contact the co-op office",
    ),
    "used": (
        410,
        "This invitation has already been used",
        "Your account is already set up.",
        "Sign in with your email address and the password you chose."
        " If you have forgotten your password, you can reset it from the sign-in page.",
        "/sign-in",
        "Sign in",
    ),
    "expired": (
        410,
        "This invitation has expired",
        "Invitation links work for 14 days.",
        "Ask the co-op office for a new invitation.",
        "/help",
        "Contact the co-op office",
    ),
}

_RESET_PROBLEMS: dict[str, _Problem] = {
    "unknown": (
        404,
        "This link does not work",
        "The link may be incomplete, or you may have asked for a newer one.",
        "Use the link in the newest email, or ask for a new link.",
        "/password-reset",
        "Ask for a new link",
    ),
    "used": (
        410,
        "This link has already been used",
        "Each link to reset your password works only once.",
        "If you need to change your password again, ask for a new link.",
        "/password-reset",
        "Ask for a new link",
    ),
    "expired": (
        410,
        "This link has expired",
        "Links to reset your password work for 1 hour.",
        "Ask for a new link.",
        "/password-reset",
        "Ask for a new link",
    ),
}


def _link_page(request: Request[Any, Any, Any], problem: _Problem) -> Template:
    status, title, what, todo, href, link_text = problem
    return page(
        request,
        "accounts/link_not_working.html",
        status=status,
        title=title,
        what=what,
        todo=todo,
        href=href,
        link_text=link_text,
    )
