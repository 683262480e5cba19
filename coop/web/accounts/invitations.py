"""Invitations: a trustee invites a member to open an account; the member chooses a password."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.domain.errors import CoopError
from coop.infra import one_time_links
from coop.infra.mail import messages, outbox
from coop.infra.one_time_links import INVITATION, OneTimeLink
from coop.projections.accounts.queries import account_of_member
from coop.projections.membership.queries import Applicant, application
from coop.web.accounts.email_links import (
    LinkProblem,
    check_new_password,
    holder_of_link,
    link_page,
    new_password_page,
)
from coop.web.accounts.passwords import hash_password
from coop.web.accounts.session_cookie import signed_in_as
from coop.web.forms import Checked
from coop.web.pages import see_other
from coop.web.services import services


class CannotInvite(CoopError):
    """This member cannot be sent an invitation; the message says why."""


_NOT_A_MEMBER = {
    "applied": "the trustees have not admitted them yet",
    "refused": "their application was refused",
    "ceased": "their membership has ended",
}


async def _has_account(request: Request[Any, Any, Any], member: Applicant) -> bool:
    return (
        await account_of_member(services(request.app).pool, member.member_id, member.email)
        is not None
    )


@post("/trustees/members/{member_id:uuid}/invite", status_code=303)
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
    if await _has_account(request, member):
        raise CannotInvite(
            f"{member.name} already has an account. If they have forgotten their password,"
            " they can reset it from the sign-in page."
        )
    now = s.clock.now()
    async with s.pool.acquire() as conn, conn.transaction():
        token = await one_time_links.issue(
            conn,
            INVITATION,
            now=now,
            lifetime=one_time_links.INVITATION_LIFETIME,
            member_id=member_id,
        )
        subject, body = messages.invitation(
            s.settings.coop_name,
            member.preferred_name or member.name,
            s.settings.link(f"/invitations/{token}"),
        )
        await outbox.enqueue(conn, member.email, subject, body, now=now)
    return see_other(f"/trustees/members/{member_id}?done=invited")


async def _invited(request: Request[Any, Any, Any], token: str) -> Applicant | Template:
    """The invited member, or a page saying why the link cannot be used."""

    async def member_invited(link: OneTimeLink) -> Applicant | None:
        if link.member_id is None:
            return None
        member = await application(services(request.app).pool, link.member_id)
        return member if member and member.status == "admitted" and member.email else None

    async def has_account(member: Applicant) -> bool:
        return await _has_account(request, member)

    return await holder_of_link(
        request, INVITATION, token, _PROBLEMS, member_invited, used_already=has_account
    )


def _password_page(
    request: Request[Any, Any, Any], token: str, member: Applicant, checked: Checked | None = None
) -> Template:
    return new_password_page(
        request,
        checked=checked,
        title="Set your password",
        intro=f"Welcome, {member.preferred_name or member.name}. Choose a password to finish"
        " setting up your account. You will sign in with your email address and this password.",
        action=f"/invitations/{token}",
        email=member.email,
        submit="Set password and sign in",
    )


@get("/invitations/{token:str}")
async def invitation_form(request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
    member = await _invited(request, token)
    if isinstance(member, Template):
        return member
    return _password_page(request, token, member)


@post("/invitations/{token:str}", status_code=303)
async def accept_invitation(
    request: Request[Any, Any, Any], token: FromPath[str]
) -> Template | Redirect:
    s = services(request.app)
    member = await _invited(request, token)
    if isinstance(member, Template):
        return member
    checked = check_new_password((await request.form()).dict())
    if not checked.ok:
        return _password_page(request, token, member, checked)
    password_hash = await s.run(hash_password, checked.values["password"])
    now = s.clock.now()
    async with s.pool.acquire() as conn, conn.transaction():
        # Holds the token's row until the account is open; a failure leaves it unused.
        if await one_time_links.redeem(conn, INVITATION, token, now) is None:
            return link_page(request, _PROBLEMS["used"])
        done = await s.run(
            s.coop.open_account,
            name=member.name,
            email=member.email,
            password_hash=password_hash,
            roles=(),
            member_id=member.member_id,
        )
    await s.seen(done.position, "accounts")
    return await signed_in_as(s, done.subject, now, "/")


_PROBLEMS = {
    "unknown": LinkProblem(
        404,
        "This invitation link does not work",
        "The link may be incomplete, or a newer invitation may have replaced it.",
        "If you have more than one invitation email, use the newest one."
        " Otherwise, ask the co-op office for a new invitation.",
        "/help",
        "Contact the co-op office",
    ),
    "used": LinkProblem(
        410,
        "This invitation has already been used",
        "Your account is already set up.",
        "Sign in with your email address and the password you chose."
        " If you have forgotten your password, you can reset it from the sign-in page.",
        "/sign-in",
        "Sign in",
    ),
    "expired": LinkProblem(
        410,
        "This invitation has expired",
        "Invitation links work for 14 days.",
        "Ask the co-op office for a new invitation.",
        "/help",
        "Contact the co-op office",
    ),
}
