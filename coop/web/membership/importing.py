"""Importing members from a spreadsheet: check the file, then import it.

Checking is a dry run: every problem is listed by line and column and nothing
is saved. A file with no problems is kept (sealed, for an hour, for this
trustee only) so that "Import these members" does not ask for it again.
"""

from __future__ import annotations

import hashlib
import unicodedata
from functools import partial
from typing import Any
from uuid import UUID

import anyio.to_thread
from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.response import Redirect, Template

from coop.clock import Clock, today
from coop.domain.errors import CoopError
from coop.domain.membership.csv_register import MAX_BYTES, read_members_csv, source
from coop.domain.membership.old_records import OldRecord, Problem
from coop.infra import uploads
from coop.web.pages import page, see_other
from coop.web.services import services

# The file plus the form around it (boundaries, the CSRF token, the button).
UPLOAD_LIMIT = MAX_BYTES + 64 * 1024
SHOWN = 1000  # problems listed on the page; the CLI prints them all

_CHOOSE_AGAIN = (
    "Choose the file again: the checked file is kept for an hour, and only for the"
    " trustee who checked it"
)


@get("/trustees/import")
async def import_form(request: Request[Any, Any, Any]) -> Template:
    s = services(request.app)
    if done := _uuid(request.query_params.get("done")):
        upload = await uploads.imported(s.pool, done, account_id=request.state.user.account_id)
        if upload is not None:
            return page(request, "membership/trustees/import_done.html", upload=upload)
    if request.query_params.get("error") == "too-large":
        return _form(request, error=_TOO_LARGE)
    return _form(request)


def _too_large(request: Request[Any, Any, Any], exc: RequestEntityTooLarge) -> Redirect:
    # Raised while the CSRF check reads the form, before anyone is signed in to this
    # request: the page that says so is a GET, where the usual sign-in check runs.
    return see_other("/trustees/import?error=too-large")


_TOO_LARGE = (
    f"The file is larger than {MAX_BYTES // 1024 // 1024} MB: split it into smaller files"
    " and import each one"
)


@post(
    "/trustees/import",
    status_code=200,
    request_max_body_size=UPLOAD_LIMIT,
    exception_handlers={RequestEntityTooLarge: _too_large},
)
async def import_members(request: Request[Any, Any, Any]) -> Template | Redirect:
    form = await request.form()
    if form.get("action") == "import":
        return await _import(request, form.get("upload"), form.get("key"))
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _form(request, status=422, error="Choose a CSV file to check")
    data = await upload.read()
    return await _check(request, data, _filename(upload.filename))


async def _check(request: Request[Any, Any, Any], data: bytes, filename: str) -> Template:
    """The dry run: problems, or what importing would do (and the file kept to do it)."""
    s = services(request.app)
    records, problems = await _read(data, s.clock)
    if problems:
        return _problems(request, filename, problems)
    report = await s.run(s.coop.check_import, records)
    if report.problems:
        return _problems(request, filename, report.problems)
    upload_id, key = await uploads.keep(
        s.pool, data, filename=filename, account_id=request.state.user.account_id, now=s.clock.now()
    )
    return page(
        request,
        "membership/trustees/import_check.html",
        filename=filename,
        report=report,
        upload_id=upload_id,
        key=key,
        sha256=hashlib.sha256(data).hexdigest(),
    )


async def _import(request: Request[Any, Any, Any], upload_id: Any, key: Any) -> Template | Redirect:
    s = services(request.app)
    user = request.state.user
    found = None
    if (checked := _uuid(upload_id)) and isinstance(key, str):
        found = await uploads.opened(
            s.pool, checked, key, account_id=user.account_id, now=s.clock.now()
        )
    if found is None:
        if checked and await uploads.imported(s.pool, checked, account_id=user.account_id):
            return see_other(f"/trustees/import?done={checked}")  # the button pressed twice
        return _form(request, status=422, error=_CHOOSE_AGAIN)
    upload, data = found
    # Read again rather than trusted from the check: the same bytes give the same records.
    records, problems = await _read(data, s.clock)
    if problems:
        return _problems(request, upload.filename, problems)
    try:
        report = await s.run(
            s.coop.import_members,
            records,
            source=source(upload.filename, data),
            by=user.account_id,
        )
    except CoopError as e:
        return _form(request, status=e.status, error=str(e))
    if report.problems:  # someone joined or applied since the check
        return _problems(request, upload.filename, report.problems)
    await uploads.mark_imported(
        s.pool, upload.id, imported=report.imported, already_there=report.already_there
    )
    if report.position is not None:
        await s.seen(report.position, "members")
    return see_other(f"/trustees/import?done={upload.id}")


async def _read(data: bytes, clock: Clock) -> tuple[list[OldRecord], list[Problem]]:
    """Read the file off the event loop: 20,000 rows take most of a second."""
    return await anyio.to_thread.run_sync(partial(read_members_csv, data, today=today(clock)))


def _form(
    request: Request[Any, Any, Any], *, status: int = 200, error: str | None = None
) -> Template:
    return page(
        request,
        "membership/trustees/import.html",
        status=status,
        errors=[("file", error)] if error else [],
        file_error=error,
        problems=[],
    )


def _problems(request: Request[Any, Any, Any], filename: str, problems: list[Problem]) -> Template:
    """The file's problems, by line and column; nothing was saved."""
    if len(problems) == 1 and problems[0].line == 0:
        summary = problems[0].message  # the file as a whole: no table needed
        listed: list[Problem] = []
    else:
        count = f"{len(problems):,} problem{'' if len(problems) == 1 else 's'}"
        them = "it" if len(problems) == 1 else "them"
        summary = f"{filename} has {count}: fix {them} in the spreadsheet and choose the file again"
        listed = problems[:SHOWN]
    return page(
        request,
        "membership/trustees/import.html",
        status=422,
        errors=[("file", summary)],
        file_error=summary,
        filename=filename,
        problems=listed,
        more=len(problems) - len(listed) if listed else 0,
    )


def _filename(raw: str) -> str:
    """The name the file had on the trustee's computer, safe to show and to record."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:100] or "the file"


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None
