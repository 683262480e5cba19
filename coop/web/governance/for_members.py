"""What every member can read of the co-op's governance: general meetings (their notice,
agenda and minutes) and the rules in force, in plain English and in Easy Read.

Board meetings and their papers stay with the trustees (``meetings_admin``): a member
asking for one is told there is no such meeting, as for any other unknown reference.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from coop.projections.governance.meetings import meetings_list, resolutions
from coop.projections.governance.queries import names_of_members
from coop.web.governance.lookups import meeting_named
from coop.web.governance.meetings_admin import MEETING_KINDS
from coop.web.governance.rules import rules_in_force_page
from coop.web.pages import page
from coop.web.services import services
from coop.web.words import day, when


@get("/meetings")
async def general_meetings(request: Request[Any, Any, Any]) -> Template:
    s = services(request.app)
    now = s.clock.now()
    found = [m for m in await meetings_list(s.pool) if m.kind != "board"]
    return page(
        request,
        "governance/members/meetings.html",
        upcoming=[m for m in reversed(found) if m.starts_at >= now],
        past=[m for m in found if m.starts_at < now],
        kinds=MEETING_KINDS,
        when=when,
    )


@get("/meetings/{meeting_id:uuid}")
async def general_meeting(request: Request[Any, Any, Any], meeting_id: FromPath[UUID]) -> Template:
    s = services(request.app)
    m = await meeting_named(request, meeting_id)
    if m.kind == "board":
        raise NotFoundException("There is no general meeting with that reference.")
    linked = await resolutions(s.pool, meeting_id)
    names = await names_of_members(s.pool, list(m.present))
    return page(
        request,
        "governance/members/meeting.html",
        m=m,
        kind_name=MEETING_KINDS.get(m.kind, m.kind),
        starts=when(m.starts_at),
        notice_given=day(m.notice_given),
        held=m.starts_at < s.clock.now(),
        present=len(m.present),
        named=sorted(names.values()),
        agenda=[
            (item, linked[n].ballot_id, linked[n].title) if n in linked else (item, None, None)
            for n, item in enumerate(m.agenda, 1)
        ],
    )


@get("/rules")
async def rules(request: Request[Any, Any, Any]) -> Template:
    return await rules_in_force_page(request, "governance/rules.html", members_view=True)


@get("/rules/easy-read")
async def rules_easy_read(request: Request[Any, Any, Any]) -> Template:
    return await rules_in_force_page(request, "governance/members/rules_easy_read.html")
