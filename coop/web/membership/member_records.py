"""The trustees' members list and one member's record, with what can be done on it now.

The changes trustees record on it are in ``member_changes``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from coop.clock import UK, today
from coop.domain.membership.members import years_after
from coop.infra.one_time_links import open_invitation
from coop.projections.accounts.queries import account_of_member
from coop.projections.membership.members import CLASS_NAMES
from coop.projections.membership.queries import MemberRecord, member_record, members_page, timeline
from coop.web.membership.forms import STAFF_ROLES, class_asked, search_terms
from coop.web.pages import is_htmx, page
from coop.web.paging import page_asked, paging
from coop.web.services import services

_STATUS_FILTER = {"current": "admitted", "ceased": "ceased", "refused": "refused"}


class SignIn(msgspec.Struct, frozen=True):
    """Whether a member can sign in, their staff roles, and any invitation still open."""

    account_id: UUID | None = None
    staff_roles: tuple[str, ...] = ()
    invited_on: date | None = None
    invitation_expires: date | None = None


async def record_or_404(request: Request[Any, Any, Any], member_id: UUID) -> MemberRecord:
    """The member's record, or Not Found."""
    found = await member_record(services(request.app).pool, member_id)
    if found is None:
        raise NotFoundException("There is no member with that reference.")
    return found


async def _sign_in(pool: asyncpg.Pool, m: MemberRecord, now: datetime) -> SignIn:
    account = await account_of_member(pool, m.member_id, m.email)
    if account is not None:
        staff = tuple(r for r in account.roles if r in {str(s) for s in STAFF_ROLES})
        return SignIn(account.account_id, staff)
    invitation = await open_invitation(pool, m.member_id, now)
    if invitation is None:
        return SignIn()
    sent, expires = invitation
    return SignIn(
        invited_on=sent.astimezone(UK).date(), invitation_expires=expires.astimezone(UK).date()
    )


def erasable_from(m: MemberRecord, retention_years: int) -> date | None:
    """The first day this person's personal data may be erased (None if it may not)."""
    ended = m.ceased_on if m.status == "ceased" else m.decided_on
    if m.status not in ("ceased", "refused") or ended is None:
        return None
    return years_after(ended, retention_years)


_DESCRIBED = {
    "applied": "has applied but has not been admitted",
    "refused": "was refused membership",
    "ceased": "is no longer a member",
}


def why_not(action: str, m: MemberRecord) -> str | None:
    """Why ``action`` cannot be done for this person now; None when it can."""
    if m.erased_on is not None:
        return "This person's personal data has been erased, so nothing more can be recorded."
    if action in ("class", "property", "end", "office") and m.status != "admitted":
        return f"This can only be done for a current member. {m.name} {_DESCRIBED[m.status]}."
    if action == "office" and {"trustee", "secretary"} <= set(m.offices):
        return f"{m.name} is already the co-op's trustee and secretary."
    if action == "stand-down" and not m.offices:
        return f"{m.name} does not hold an office."
    if action == "share" and m.status != "ceased":
        return "A share is repaid or cancelled once the membership has ended."
    if action == "share" and m.share_settled:
        return f"{m.name}'s share has already been {m.share_settled}."
    if action == "erase" and m.status not in ("ceased", "refused"):
        return "Only a former member or a refused applicant can be erased."
    return None


def _done_message(done: str, m: MemberRecord, mail_server: bool) -> str | None:
    """The notification after a change, from the record as it now is."""
    what, _, office = done.partition("-")
    if what in ("appointed", "left") and office in ("trustee", "secretary"):
        verb = "has been appointed" if what == "appointed" else "has stood down as"
        return f"{m.name} {verb} {office}."
    messages = {
        "class": f"{m.name} is now in the {CLASS_NAMES.get(m.member_class or '', '')} class.",
        "property": f"Other property recorded for {m.name}.",
        "ended": f"{m.name}'s membership has ended.",
        "share": f"{m.name}'s share has been {m.share_settled}." if m.share_settled else None,
        "erased": "This person's personal data has been erased.",
        "roles": f"{m.name}'s staff roles have been changed.",
        "invited": f"An invitation to sign in has been sent to {m.name}."
        if mail_server
        else f"An invitation to sign in for {m.name} is waiting in the outbox."
        " No mail server is set up, so it has not been sent: the office must deliver it.",
    }
    return messages.get(done)


# The list and the record --------------------------------------------------------


@get("/trustees/members")
async def members(request: Request[Any, Any, Any]) -> Template:
    s = services(request.app)
    search, status = search_terms(request.query_params)
    member_class = class_asked(request.query_params)
    number, window = page_asked(request.query_params)
    found = await members_page(s.pool, window, search, _STATUS_FILTER.get(status, ""), member_class)
    keep = {"q": search, "status": status, "class": member_class}
    template = (
        "membership/members/_results.html" if is_htmx(request) else "membership/members/list.html"
    )
    return page(
        request,
        template,
        members=found.rows,
        paged=paging("/trustees/members", keep, number, found.total),
        search=search,
        show=status,
        member_class=member_class,
        fragment=is_htmx(request),
    )


@get("/trustees/members/{member_id:uuid}")
async def record(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    s = services(request.app)
    m = await record_or_404(request, member_id)
    actions = ("class", "property", "end", "office", "stand-down", "share", "erase")
    return page(
        request,
        "membership/members/record.html",
        m=m,
        timeline=await timeline(s.pool, member_id),
        can=[a for a in actions if why_not(a, m) is None],
        sign_in=await _sign_in(s.pool, m, s.clock.now()),
        erasable_from=erasable_from(m, s.settings.retention_years),
        today=today(s.clock),
        done=_done_message(request.query_params.get("done", ""), m, s.settings.smtp_configured),
        # Honest: without a mail server, the invitation is in the outbox, not sent.
        waits_in_outbox=request.query_params.get("done") == "invited"
        and not s.settings.smtp_configured,
    )
