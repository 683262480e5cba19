"""The trustees' meeting pages: convene, attend, minute, link a resolution to its ballot.

The rules in force and proposals to change them are in ``coop.web.governance.rules``.

Each change is a form (GET) and its answer (POST): a good answer runs one command and
redirects with a notification; a bad one shows the form again with its errors and
changes nothing.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.domain.errors import CoopError, InvalidInput, NotFound
from coop.projections.governance.ballots import ballots_for
from coop.projections.governance.meetings import MeetingView, meetings_list, resolutions
from coop.projections.governance.meetings import meeting as meeting_view
from coop.web.auth import allow
from coop.web.forms import Checked
from coop.web.governance.ballot_words import when
from coop.web.governance.forms import (
    check_attendance,
    check_link,
    check_meeting,
    check_minutes,
)
from coop.web.pages import page, see_other
from coop.web.services import services

TRUSTEES = allow("trustee", "secretary")
MEETING_KINDS = {
    "board": "Board meeting",
    "agm": "Annual general meeting (AGM)",
    "special": "Special general meeting",
}
_DONE = {
    "convened": "The meeting has been convened.",
    "attendance": "The attendance has been recorded.",
    "minutes": "The minutes have been recorded.",
    "linked": "The resolution has been linked to its ballot.",
}


class Member(msgspec.Struct, frozen=True):
    """A current member, as the governance forms offer them."""

    member_id: UUID
    membership_number: int
    name: str
    member_class: str


async def current_members(pool: asyncpg.Pool) -> list[Member]:
    """Members in good standing now, by membership number."""
    rows = await pool.fetch(
        "SELECT member_id, membership_number, name, member_class FROM members"
        " WHERE status = 'admitted' ORDER BY membership_number"
    )
    return [Member(*r) for r in rows]


async def form_of(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return (await request.form()).dict()


# Meetings -------------------------------------------------------------------------


@get("/trustees/meetings", opt=TRUSTEES)
async def meetings(request: Request[Any, Any, Any]) -> Template:
    now = services(request.app).clock.now()
    found = await meetings_list(services(request.app).pool)
    return page(
        request,
        "governance/meetings.html",
        upcoming=[m for m in reversed(found) if m.starts_at >= now],
        past=[m for m in found if m.starts_at < now],
        kinds=MEETING_KINDS,
        when=when,
    )


def _convene_form(
    request: Request[Any, Any, Any], checked: Checked, *, status: int = 200
) -> Template:
    return page(
        request,
        "governance/convene.html",
        status=status,
        errors=checked.summary(),
        field_errors=checked.errors,
        values=checked.values,
        kinds=MEETING_KINDS,
    )


@get("/trustees/meetings/new", opt=TRUSTEES)
async def convene_form(request: Request[Any, Any, Any]) -> Template:
    return _convene_form(request, Checked(values={"time": ""}))


@post("/trustees/meetings/new", opt=TRUSTEES, status_code=303)
async def convene(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    answer, checked = check_meeting(await form_of(request), s.clock.now())
    status = 422
    if answer is not None:
        try:
            done = await s.run(
                s.coop.convene_meeting,
                answer.kind,
                title=answer.title,
                starts_at=answer.starts_at,
                held_on=answer.starts_at.date(),
                place=answer.place,
                agenda=answer.agenda,
                by=request.state.user.account_id,
            )
        except CoopError as e:
            field = e.field if isinstance(e, InvalidInput) and e.field else "day"
            checked.problem(field, str(e))
            status = e.status
        else:
            await s.seen(done.position, "meetings")
            return see_other(f"/trustees/meetings/{done.subject}?done=convened")
    return _convene_form(request, checked, status=status)


async def _meeting(request: Request[Any, Any, Any], meeting_id: UUID) -> MeetingView:
    found = await meeting_view(services(request.app).pool, meeting_id)
    if found is None:
        raise NotFoundException("There is no meeting with that reference.")
    return found


async def _meeting_page(
    request: Request[Any, Any, Any],
    meeting_id: UUID,
    checked: Checked | None = None,
    *,
    status: int = 200,
) -> Template:
    s = services(request.app)
    m = await _meeting(request, meeting_id)
    linked = await resolutions(s.pool, meeting_id)
    ballots = await ballots_for(s.pool, None)
    members = await current_members(s.pool)
    names = {x.member_id: x.name for x in members}
    names.update(await _names(s.pool, [p for p in m.present if p not in names]))
    checked = checked or Checked()
    values = {
        "present": [str(p) for p in m.present],
        "minutes": m.minutes,
        **checked.values,
    }
    return page(
        request,
        "governance/meeting.html",
        status=status,
        errors=checked.summary(),
        field_errors=checked.errors,
        values=values,
        m=m,
        kind_name=MEETING_KINDS.get(m.kind, m.kind),
        starts=when(m.starts_at),
        members=members,
        present=[names.get(p, "A former member") for p in m.present],
        agenda=[
            (n, item, linked[n].ballot_id, linked[n].title)
            if n in linked
            else (n, item, None, None)
            for n, item in enumerate(m.agenda, 1)
        ],
        ballots=ballots,
        done=_DONE.get(request.query_params.get("done", "")),
    )


async def _names(pool: asyncpg.Pool, ids: list[UUID]) -> dict[UUID, str]:
    rows = await pool.fetch("SELECT member_id, name FROM members WHERE member_id = ANY($1)", ids)
    return {r["member_id"]: r["name"] for r in rows}


@get("/trustees/meetings/{meeting_id:uuid}", opt=TRUSTEES)
async def meeting(request: Request[Any, Any, Any], meeting_id: FromPath[UUID]) -> Template:
    return await _meeting_page(request, meeting_id)


async def _meeting_change(
    request: Request[Any, Any, Any],
    meeting_id: UUID,
    checked: Checked,
    command: Any,
    *args: Any,
    done: str,
    field: str,
    **kwargs: Any,
) -> Template | Redirect:
    """Run a change to the meeting if the answers were good; else show them again."""
    s = services(request.app)
    status = 422
    if checked.ok:
        try:
            ran = await s.run(command, meeting_id, *args, **kwargs)
        except NotFound:
            raise
        except CoopError as e:
            checked.problem(field, str(e))
            status = e.status
        else:
            await s.seen(ran.position, "meetings")
            return see_other(f"/trustees/meetings/{meeting_id}?done={done}")
    return await _meeting_page(request, meeting_id, checked, status=status)


@post("/trustees/meetings/{meeting_id:uuid}/attendance", opt=TRUSTEES, status_code=303)
async def record_attendance(
    request: Request[Any, Any, Any], meeting_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    await _meeting(request, meeting_id)
    members = {str(m.member_id): m for m in await current_members(s.pool)}
    present, checked = check_attendance(await form_of(request), members)
    return await _meeting_change(
        request,
        meeting_id,
        checked,
        s.coop.record_attendance,
        present,
        by=request.state.user.account_id,
        done="attendance",
        field="present",
    )


@post("/trustees/meetings/{meeting_id:uuid}/minutes", opt=TRUSTEES, status_code=303)
async def record_minutes(
    request: Request[Any, Any, Any], meeting_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    await _meeting(request, meeting_id)
    checked = check_minutes(await form_of(request))
    return await _meeting_change(
        request,
        meeting_id,
        checked,
        s.coop.minute_meeting,
        checked.values["minutes"],
        by=request.state.user.account_id,
        done="minutes",
        field="minutes",
    )


@post("/trustees/meetings/{meeting_id:uuid}/resolutions", opt=TRUSTEES, status_code=303)
async def link_resolution(
    request: Request[Any, Any, Any], meeting_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    m = await _meeting(request, meeting_id)
    ballots = {str(b.ballot_id): b.title for b in await ballots_for(s.pool, None)}
    answer, checked = check_link(await form_of(request), tuple(m.agenda), ballots)
    item, ballot_id = answer if answer else (0, None)
    return await _meeting_change(
        request,
        meeting_id,
        checked,
        s.coop.link_resolution,
        item,
        ballot_id,
        done="linked",
        field="item",
    )
