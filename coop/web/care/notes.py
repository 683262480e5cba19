"""Visit notes, for the user and their carers: a visit's notes, and who has read them.

Notes are read only through the command, which records a carer's read before it
hands them over (the user's own reads are not recorded); the user sees every
read by someone else, newest first.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from coop.projections.care.queries import notes_reads
from coop.web.care.whose import visit_cared_for, whose_or_ask
from coop.web.care.words import when_words
from coop.web.pages import page
from coop.web.services import services
from coop.web.words import when

_ROLES = {"carer": "Carer", "pa": "PA", "coordinator": "Co-op office"}


@get("/care/visits/{visit_id:uuid}/notes")
async def visit_notes(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> Template:
    s = services(request.app)
    v, person = await visit_cared_for(request, visit_id, "read visit notes")
    notes = await s.run(s.coop.read_visit_notes, visit_id, by=request.state.user.account_id)
    written = [
        (
            when(n.written_at),
            v.pa_name if n.by == v.pa_id and v.pa_name else "the co-op office",
            n.text,
            n.erased,
        )
        for n in notes
    ]
    return page(
        request,
        "care/notes.html",
        visit=v,
        person=person,
        when=when_words(v.day, v.start_time, v.minutes),
        notes=written,
    )


@get("/care/notes-read")
async def notes_read(request: Request[Any, Any, Any]) -> Template:
    """Who has read the user's visit notes, and when."""
    person = await whose_or_ask(
        request, "Whose visit notes do you want to check?", "/care/notes-read"
    )
    if isinstance(person, Template):
        return person
    reads = await notes_reads(services(request.app).pool, person.user_id)
    return page(
        request,
        "care/notes_read.html",
        person=person,
        reads=[
            (
                when(r.read_at),
                r.reader_name,
                _ROLES.get(r.role, r.role),
                r.visit_id,
                when(r.visit_starts_at),
            )
            for r in reads
        ],
    )
