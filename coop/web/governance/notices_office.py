"""The notices record for the office and the trustees: for each general meeting and
ballot, how every member was given notice and who is not reached yet; the letter
batches to download, print and mark as posted."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.clock import UK
from coop.domain.errors import CoopError
from coop.domain.governance.notices import METHOD_NAMES, NoticeMethod
from coop.projections.governance.meetings import meeting
from coop.projections.governance.notices import (
    LetterBatch,
    NoticeRun,
    batch_pdf,
    letter_batch,
    letter_batches,
    mark_posted,
    member_notices,
    notice_run,
    notice_runs,
)
from coop.web.governance.lookups import rules_in_force
from coop.web.pages import is_htmx, page, see_other
from coop.web.services import services
from coop.web.words import when


class LettersNotReady(CoopError):
    """The batch cannot be marked as posted; the message says why."""


_METHODS = {m.value: name for m, name in METHOD_NAMES.items()}
_DONE = {"posted": "The letters are marked as posted. Those members have been given notice."}


@get("/office/notices")
async def notices(request: Request[Any, Any, Any]) -> Template:
    return page(
        request,
        "governance/notices/list.html",
        runs=await notice_runs(services(request.app).pool),
        when=when,
    )


@get("/office/notices/{subject_id:uuid}")
async def notices_of(request: Request[Any, Any, Any], subject_id: FromPath[UUID]) -> Template:
    s = services(request.app)
    run = await notice_run(s.pool, subject_id)
    if run is None:
        raise NotFoundException(
            "No notices have been given for that reference. coop gives them a few seconds"
            " after a general meeting is convened or a ballot opens."
        )
    people = await member_notices(s.pool, subject_id)
    due_by, clear_days = await _due_by(request, run)
    return page(
        request,
        "governance/notices/notices.html",
        run=run,
        run_id=subject_id,
        waiting=[p for p in people if p.given_at is None],
        reached=[p for p in people if p.given_at is not None],
        batches=await letter_batches(s.pool, subject_id),
        methods=_METHODS,
        when=when,
        done=_DONE.get(request.query_params.get("done", "")),
        due_by=due_by,
        clear_days=clear_days,
        in_time=lambda at: due_by is None or at.astimezone(UK).date() <= due_by,
    )


async def _due_by(request: Request[Any, Any, Any], run: NoticeRun) -> tuple[date | None, int]:
    """The last day a general meeting's notice can be given and still be due notice
    (the rules' clear days leave out the day it is given and the day of the meeting)."""
    if run.subject_kind != "meeting" or run.before_notices:
        return None, 0
    m = await meeting(services(request.app).pool, run.subject_id)
    rules = await rules_in_force(request)
    if m is None or rules is None:
        return None, 0
    days = rules.general_meeting_notice_days
    return m.starts_at.astimezone(UK).date() - timedelta(days=days + 1), days


async def _batch(request: Request[Any, Any, Any], subject_id: UUID, batch_id: int) -> LetterBatch:
    found = await letter_batch(services(request.app).pool, subject_id, batch_id)
    if found is None:
        raise NotFoundException("There is no batch of letters by that reference.")
    return found


@get("/office/notices/{subject_id:uuid}/letters/{batch_id:int}")
async def batch_progress(
    request: Request[Any, Any, Any], subject_id: FromPath[UUID], batch_id: FromPath[int]
) -> Template | Redirect | Response[None]:
    """For htmx, the batch's progress (polled while the letters are made); else the page."""
    batch = await _batch(request, subject_id, batch_id)
    if not is_htmx(request):
        return see_other(f"/office/notices/{subject_id}#letters-{batch_id}")
    if not batch.ready and request.query_params.get("seen") == str(batch.made):
        return Response(content=None, status_code=204)  # no news: nothing swapped or announced
    return page(
        request,
        "governance/notices/_batch.html",
        run_id=subject_id,
        batch=batch,
        methods=_METHODS,
        when=when,
    )


@get("/office/notices/{subject_id:uuid}/letters/{batch_id:int}/pdf")
async def batch_letters(
    request: Request[Any, Any, Any], subject_id: FromPath[UUID], batch_id: FromPath[int]
) -> Response[bytes]:
    batch = await _batch(request, subject_id, batch_id)
    pdf = await batch_pdf(services(request.app).pool, subject_id, batch_id)
    if pdf is None:
        why = "they have been posted" if batch.posted_at else "they are still being made"
        raise NotFoundException(f"These letters cannot be downloaded: {why}.")
    name = NoticeMethod(batch.format).value.replace("_", "-")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "content-disposition": f'attachment; filename="notices-{name}-{batch_id}.pdf"',
            "cache-control": "no-store",  # names and addresses
        },
    )


@post("/office/notices/{subject_id:uuid}/letters/{batch_id:int}/posted", status_code=303)
async def letters_posted(
    request: Request[Any, Any, Any], subject_id: FromPath[UUID], batch_id: FromPath[int]
) -> Template | Redirect:
    s = services(request.app)
    batch = await _batch(request, subject_id, batch_id)
    if not await mark_posted(
        s.pool, subject_id, batch_id, request.state.user.account_id, s.clock.now()
    ):
        raise LettersNotReady(
            "These letters were marked as posted already."
            if batch.posted_at
            else "These letters are still being made. Print them before marking them as posted."
        )
    return see_other(f"/office/notices/{subject_id}?done=posted")
