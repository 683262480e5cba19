"""Following a document made in the background, and downloading it.

The routes let anyone signed in through; each job is then shown only to those
its kind names as readers (the registers' to the trustees and the auditor),
whoever of them asked for it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File, Template

from coop.infra import render_jobs
from coop.infra.render_jobs import RenderJob
from coop.web.pages import is_htmx, page
from coop.web.renders.asking import as_reader
from coop.web.renders.kinds import RenderKind
from coop.web.renders.known import KINDS
from coop.web.services import services

POLL_SECONDS = 2


async def _job(request: Request[Any, Any, Any], job_id: UUID) -> tuple[RenderJob, RenderKind]:
    found = await render_jobs.job(services(request.app).pool, job_id)
    if found is None:
        raise NotFoundException(
            "There is no document with that reference. Documents are kept for a day."
        )
    kind = KINDS[found.kind]
    as_reader(request, kind)
    return found, kind


@get("/renders/{job_id:uuid}")
async def progress(request: Request[Any, Any, Any], job_id: FromPath[UUID]) -> Template:
    """How far the document has got, and its download once made; htmx asks for the
    status again every few seconds until it is finished."""
    job, kind = await _job(request, job_id)
    finished = job.state in ("done", "failed")
    fragment = is_htmx(request)
    return page(
        request,
        "renders/_status.html" if fragment else "renders/job.html",
        fragment=fragment,
        job=job,
        title=kind.title(job.parameters),
        back=kind.back(job.parameters),
        finished=finished,
        percent=_percent(job),
        poll_seconds=POLL_SECONDS,
    )


def _percent(job: RenderJob) -> int:
    if job.state == "done":
        return 100
    return job.done * 100 // job.total if job.total else 0


@get("/renders/{job_id:uuid}/file")
async def download(request: Request[Any, Any, Any], job_id: FromPath[UUID]) -> File:
    """The document, once made, for as long as it is kept."""
    job, _ = await _job(request, job_id)
    path = render_jobs.file_of(services(request.app).settings.renders_dir, job_id)
    if job.state != "done" or job.file_name is None or not path.is_file():
        raise NotFoundException("This document is not ready to download.")
    return File(
        path=path,
        filename=job.file_name,
        media_type=job.media_type,
        content_disposition_type="attachment",
    )
