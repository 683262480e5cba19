"""The trustees' meeting pages: convene, attend, minute, link a resolution to its ballot.

The rules in force and proposals to change them are in ``coop.web.governance.rules``.

Each change is a form (GET) and its answer (POST): a good answer runs one command and
redirects with a notification; a bad one shows the form again with its errors and
changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.application import Done
from coop.projections.governance.meetings import meetings_list, resolutions
from coop.projections.governance.queries import ballots_for, current_members, names_of_members
from coop.web.commands import carry_out, field_on_page
from coop.web.forms import Checked
from coop.web.governance.forms import (
    check_attendance,
    check_link,
    check_meeting,
    check_minutes,
)
from coop.web.governance.lookups import meeting_named
from coop.web.pages import form_page, page, posted_form
from coop.web.services import services
from coop.web.words import when

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


# Meetings -------------------------------------------------------------------------


@get("/trustees/meetings")
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
    return form_page(
        request,
        "governance/convene.html",
        checked,
        status=status,
        kinds=MEETING_KINDS,
    )


@get("/trustees/meetings/new")
async def convene_form(request: Request[Any, Any, Any]) -> Template:
    return _convene_form(request, Checked(values={"time": ""}))


@post("/trustees/meetings/new", status_code=303)
async def convene(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    answer, checked = check_meeting(await posted_form(request), s.clock.now())
    command = None
    if answer is not None:
        command = partial(
            s.coop.convene_meeting,
            answer.kind,
            title=answer.title,
            starts_at=answer.starts_at,
            held_on=answer.starts_at.date(),
            place=answer.place,
            agenda=answer.agenda,
            by=request.state.user.account_id,
        )

    async def again(checked: Checked, status: int) -> Template:
        return _convene_form(request, checked, status=status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("meetings",),
        then=lambda done: f"/trustees/meetings/{done.subject}?done=convened",
        field=lambda refusal: field_on_page(refusal, "day"),
        again=again,
    )


async def _meeting_page(
    request: Request[Any, Any, Any],
    meeting_id: UUID,
    checked: Checked | None = None,
    *,
    status: int = 200,
) -> Template:
    s = services(request.app)
    m = await meeting_named(request, meeting_id)
    linked = await resolutions(s.pool, meeting_id)
    ballots = await ballots_for(s.pool, None)
    members = await current_members(s.pool)
    names = {x.member_id: x.name for x in members}
    names.update(await names_of_members(s.pool, [p for p in m.present if p not in names]))
    checked = checked or Checked()
    values = {
        "present": [str(p) for p in m.present],
        "minutes": m.minutes,
        **checked.values,
    }
    return form_page(
        request,
        "governance/meeting.html",
        checked,
        status=status,
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


@get("/trustees/meetings/{meeting_id:uuid}")
async def meeting(request: Request[Any, Any, Any], meeting_id: FromPath[UUID]) -> Template:
    return await _meeting_page(request, meeting_id)


async def _change_meeting(
    request: Request[Any, Any, Any],
    meeting_id: UUID,
    checked: Checked,
    command: Callable[[], Done] | None,
    *,
    done: str,
    field: str,
) -> Template | Redirect:
    """Run a change to the meeting if the answers were good; else show them again."""

    async def again(checked: Checked, status: int) -> Template:
        return await _meeting_page(request, meeting_id, checked, status=status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("meetings",),
        then=f"/trustees/meetings/{meeting_id}?done={done}",
        field=field,
        again=again,
    )


@post("/trustees/meetings/{meeting_id:uuid}/attendance", status_code=303)
async def record_attendance(
    request: Request[Any, Any, Any], meeting_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    await meeting_named(request, meeting_id)
    members = {str(m.member_id): m for m in await current_members(s.pool)}
    present, checked = check_attendance(await posted_form(request), members)
    by = request.state.user.account_id
    command = (
        None if present is None else partial(s.coop.record_attendance, meeting_id, present, by=by)
    )
    return await _change_meeting(
        request, meeting_id, checked, command, done="attendance", field="present"
    )


@post("/trustees/meetings/{meeting_id:uuid}/minutes", status_code=303)
async def record_minutes(
    request: Request[Any, Any, Any], meeting_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    await meeting_named(request, meeting_id)
    checked = check_minutes(await posted_form(request))
    by = request.state.user.account_id
    command = partial(s.coop.minute_meeting, meeting_id, checked.values["minutes"], by=by)
    return await _change_meeting(
        request, meeting_id, checked, command, done="minutes", field="minutes"
    )


@post("/trustees/meetings/{meeting_id:uuid}/resolutions", status_code=303)
async def link_resolution(
    request: Request[Any, Any, Any], meeting_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    m = await meeting_named(request, meeting_id)
    ballots = {str(b.ballot_id): b.title for b in await ballots_for(s.pool, None)}
    answer, checked = check_link(await posted_form(request), tuple(m.agenda), ballots)
    command = None if answer is None else partial(s.coop.link_resolution, meeting_id, *answer)
    return await _change_meeting(request, meeting_id, checked, command, done="linked", field="item")
