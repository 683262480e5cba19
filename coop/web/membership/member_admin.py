"""The trustees' member administration: the members list, one member's record, and
the changes trustees record on it (class, property, leaving, share, offices, erasure).

Each change is a question page (GET) and its answer (POST): a good answer runs one
command and redirects to the record with a notification; a bad one re-renders the
question with its errors and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.application import Coop, Done
from coop.clock import UK, today
from coop.domain.errors import CoopError, NotFound
from coop.domain.membership.details import Office
from coop.domain.membership.members import years_after
from coop.infra.one_time_links import open_invitation
from coop.infra.personal_traces import clear_traces
from coop.projections.accounts.queries import account_of_member
from coop.projections.membership.members import CLASS_NAMES
from coop.projections.membership.queries import (
    MemberRecord,
    addresses_and_account_of,
    member_record,
    members_list,
    timeline,
)
from coop.web.forms import Checked
from coop.web.membership.forms import (
    STAFF_ROLES,
    check_class,
    check_ending,
    check_erasure,
    check_office,
    check_property,
    check_settlement,
    search_terms,
)
from coop.web.pages import is_htmx, page, see_other
from coop.web.services import services

_STATUS_FILTER = {"current": "admitted", "ceased": "ceased"}
# A refusal's field, as named by the domain, to the field on the page.
_FIELDS = {"on": "day"}
# A command: given the write side and who asks, it does one thing.
Command = Callable[[Coop, UUID], Done]


class SignIn(msgspec.Struct, frozen=True):
    """Whether a member can sign in, their staff roles, and any invitation still open."""

    account_id: UUID | None = None
    staff_roles: tuple[str, ...] = ()
    invited_on: date | None = None
    invitation_expires: date | None = None


def _pence(pounds: Any) -> int:
    return int(pounds * 100)  # pounds has two decimal places


async def _record(request: Request[Any, Any, Any], member_id: UUID) -> MemberRecord:
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


def _done_message(done: str, m: MemberRecord) -> str | None:
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
        "invited": f"An invitation to sign in has been sent to {m.name}.",
    }
    return messages.get(done)


# The list and the record --------------------------------------------------------


@get("/trustees/members")
async def members(request: Request[Any, Any, Any]) -> Template:
    s = services(request.app)
    search, status = search_terms(request.query_params)
    found = await members_list(s.pool, search, _STATUS_FILTER.get(status, ""))
    template = (
        "membership/members/_results.html" if is_htmx(request) else "membership/members/list.html"
    )
    return page(
        request, template, members=found, search=search, show=status, fragment=is_htmx(request)
    )


@get("/trustees/members/{member_id:uuid}")
async def record(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    s = services(request.app)
    m = await _record(request, member_id)
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
        done=_done_message(request.query_params.get("done", ""), m),
    )


# Questions and answers ------------------------------------------------------------


def _question(
    request: Request[Any, Any, Any],
    m: MemberRecord,
    action: str,
    checked: Checked,
    *,
    status: int = 200,
) -> Template:
    s = services(request.app)
    return page(
        request,
        f"membership/members/{action.replace('-', '_')}.html",
        status=status,
        errors=checked.summary(),
        field_errors=checked.errors,
        values=checked.values,
        m=m,
        unavailable=why_not(action, m),
        erasable_from=erasable_from(m, s.settings.retention_years),
        today=today(s.clock),
    )


async def _ask(
    request: Request[Any, Any, Any], member_id: UUID, action: str, **values: Any
) -> Template:
    return _question(request, await _record(request, member_id), action, Checked(values=values))


async def _answer(
    request: Request[Any, Any, Any],
    m: MemberRecord,
    action: str,
    checked: Checked,
    command: Command | None,
    done: str,
) -> Template | Redirect:
    """Run ``command`` if the answers were good; else show the question again."""
    s = services(request.app)
    status = 422
    if command is not None and checked.ok:
        try:
            ran = await s.run(command, s.coop, request.state.user.account_id)
        except NotFound:
            raise
        except CoopError as e:
            field = getattr(e, "field", None)
            checked.problem(_FIELDS.get(field, field) if field else "", str(e))
            status = e.status
        else:
            await s.seen(ran.position, "members", "accounts")
            return see_other(f"/trustees/members/{m.member_id}?done={done}")
    return _question(request, m, action, checked, status=status)


async def _form(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return (await request.form()).dict()


@get("/trustees/members/{member_id:uuid}/class")
async def class_form(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    return await _ask(request, member_id, "class")


@post("/trustees/members/{member_id:uuid}/class", status_code=303)
async def change_class(
    request: Request[Any, Any, Any], member_id: FromPath[UUID]
) -> Template | Redirect:
    m = await _record(request, member_id)
    answer, checked = check_class(await _form(request), m.member_class)
    command: Command | None = None
    if answer is not None:

        def command(coop: Coop, by: UUID) -> Done:
            return coop.change_class(
                member_id, answer.member_class, by=by, reference=answer.reference
            )

    return await _answer(request, m, "class", checked, command, "class")


@get("/trustees/members/{member_id:uuid}/property")
async def property_form(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    m = await _record(request, member_id)
    values = {"loans": f"{m.loans:.2f}", "deposits": f"{m.deposits:.2f}"}
    return _question(request, m, "property", Checked(values=values))


@post("/trustees/members/{member_id:uuid}/property", status_code=303)
async def record_property(
    request: Request[Any, Any, Any], member_id: FromPath[UUID]
) -> Template | Redirect:
    m = await _record(request, member_id)
    answer, checked = check_property(await _form(request), _pence(m.loans), _pence(m.deposits))
    command: Command | None = None
    if answer is not None:

        def command(coop: Coop, by: UUID) -> Done:
            return coop.record_property(
                member_id,
                loans_pence=answer.loans_pence,
                deposits_pence=answer.deposits_pence,
                by=by,
            )

    return await _answer(request, m, "property", checked, command, "property")


@get("/trustees/members/{member_id:uuid}/end")
async def end_form(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    now = today(services(request.app).clock)
    return await _ask(
        request, member_id, "end", day=str(now.day), month=str(now.month), year=str(now.year)
    )


@post("/trustees/members/{member_id:uuid}/end", status_code=303)
async def end_membership(
    request: Request[Any, Any, Any], member_id: FromPath[UUID]
) -> Template | Redirect:
    m = await _record(request, member_id)
    answer, checked = check_ending(await _form(request), today(services(request.app).clock))
    command: Command | None = None
    if answer is not None:

        def command(coop: Coop, by: UUID) -> Done:
            return coop.cease(
                member_id, answer.how, on=answer.on, by=by, reference=answer.reference
            )

    return await _answer(request, m, "end", checked, command, "ended")


@get("/trustees/members/{member_id:uuid}/share")
async def share_form(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    return await _ask(request, member_id, "share")


@post("/trustees/members/{member_id:uuid}/share", status_code=303)
async def settle_share(
    request: Request[Any, Any, Any], member_id: FromPath[UUID]
) -> Template | Redirect:
    m = await _record(request, member_id)
    answer, checked = check_settlement(await _form(request))
    command: Command | None = None
    if answer is not None:

        def command(coop: Coop, by: UUID) -> Done:
            return coop.settle_share(member_id, answer.how, by=by)

    return await _answer(request, m, "share", checked, command, "share")


def _appointable(m: MemberRecord) -> tuple[Office, ...]:
    if "trustee" not in m.offices:
        return (Office.TRUSTEE,)
    return () if "secretary" in m.offices else (Office.SECRETARY,)


@get("/trustees/members/{member_id:uuid}/office")
async def office_form(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    m = await _record(request, member_id)
    offices = [str(o) for o in _appointable(m)]
    asked = request.query_params.get("office", "")
    chosen = asked if asked in offices else offices[0] if len(offices) == 1 else ""
    return _question(request, m, "office", Checked(values={"office": chosen}))


@post("/trustees/members/{member_id:uuid}/office", status_code=303)
async def take_office(
    request: Request[Any, Any, Any], member_id: FromPath[UUID]
) -> Template | Redirect:
    m = await _record(request, member_id)
    answer, checked = check_office(
        await _form(request), _appointable(m), missing="Select the office to appoint them to"
    )
    command: Command | None = None
    if answer is not None:

        def command(coop: Coop, by: UUID) -> Done:
            return coop.take_office(member_id, answer.office, by=by, reference=answer.reference)

    office = answer.office if answer else ""
    return await _answer(request, m, "office", checked, command, f"appointed-{office}")


@get("/trustees/members/{member_id:uuid}/stand-down")
async def stand_down_form(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    m = await _record(request, member_id)
    chosen = m.offices[0] if len(m.offices) == 1 else ""
    return _question(request, m, "stand-down", Checked(values={"office": chosen}))


@post("/trustees/members/{member_id:uuid}/stand-down", status_code=303)
async def stand_down(
    request: Request[Any, Any, Any], member_id: FromPath[UUID]
) -> Template | Redirect:
    m = await _record(request, member_id)
    held = tuple(Office(o) for o in m.offices)
    answer, checked = check_office(
        await _form(request), held, missing="Select the office they are standing down from"
    )
    command: Command | None = None
    if answer is not None:

        def command(coop: Coop, by: UUID) -> Done:
            return coop.leave_office(member_id, answer.office, by=by, reference=answer.reference)

    office = answer.office if answer else ""
    return await _answer(request, m, "stand-down", checked, command, f"left-{office}")


@get("/trustees/members/{member_id:uuid}/erase")
async def erase_form(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template:
    return await _ask(request, member_id, "erase")


@post("/trustees/members/{member_id:uuid}/erase", status_code=303)
async def erase(request: Request[Any, Any, Any], member_id: FromPath[UUID]) -> Template | Redirect:
    m = await _record(request, member_id)
    checked = check_erasure(await _form(request))
    years = services(request.app).settings.retention_years

    def command(coop: Coop, by: UUID) -> Done:
        return coop.erase(member_id, by=by, retention_years=years)

    pool = services(request.app).pool
    addresses, account_id = await addresses_and_account_of(pool, member_id)  # before masking
    answer = await _answer(request, m, "erase", checked, command, "erased")
    if isinstance(answer, Redirect):
        await clear_traces(pool, member_id, addresses, account_id)
    return answer
