"""Asking for a document to be made in the background, by those who may have it."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect

from coop.infra import render_jobs
from coop.web.auth import NotYours, User
from coop.web.pages import see_other
from coop.web.renders.kinds import RenderKind
from coop.web.services import services


async def ask_for(
    request: Request[Any, Any, Any], kind: RenderKind, parameters: dict[str, Any]
) -> Redirect:
    """Ask for a document (or join the job already making it) and go to its progress page."""
    s = services(request.app)
    user = as_reader(request, kind)
    job_id = await render_jobs.ask(
        s.pool, kind.name, parameters, asked_by=user.account_id, now=s.clock.now()
    )
    return see_other(f"/renders/{job_id}")


def as_reader(request: Request[Any, Any, Any], kind: RenderKind) -> User:
    """The person signed in, if this kind of document is theirs to have."""
    user: User = request.state["user"]
    if not user.roles & kind.readers:
        raise NotYours("Only those who keep or read this document can have it.")
    return user
