"""The registers' PDFs, made in the background (coop/web/renders): the register of
members runs to hundreds of pages, too long to make inside a request."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Any

from litestar import Request, post
from litestar.response import Response

from coop.infra.audit_schedule import REGISTER_EXPORTED, want_checkpoint
from coop.web.membership.register_documents import render_register_pdf
from coop.web.membership.registers import (
    MEMBERS,
    READERS,
    TRUSTEES,
    L,
    Register,
    as_at_asked,
    register,
    trustees_register,
)
from coop.web.renders.asking import ask_for
from coop.web.renders.kinds import Made, Making, Progress, RenderKind


def _as_at(parameters: Mapping[str, Any]) -> date:
    return date.fromisoformat(parameters["as_at"])


def pdf_of(register: Register[L], page: str, *, exported: bool) -> RenderKind:
    """The kind of job that makes ``register``'s PDF as at a date (``{"as_at": ISO date}``);
    ``exported``: making it is an export the audit checkpoints vouch for."""

    async def make(m: Making, progress: Progress) -> Made:
        as_at = _as_at(m.parameters)
        rows = [register.cells(line) for line in await register.read(m.pool, as_at)]
        pdf = await asyncio.to_thread(
            render_register_pdf,
            register.title,
            f"As at {as_at:%-d %B %Y}",
            list(register.columns),
            rows,
            register.note,
            m.settings.coop_name,
            generated_at=m.asked_at,
            progress=progress,
        )
        if exported:  # the register has left coop: a signed checkpoint will vouch for its log
            await want_checkpoint(m.pool, REGISTER_EXPORTED, m.asked_at)
        return Made(pdf, f"{register.file_name}-{as_at}.pdf", "application/pdf")

    return RenderKind(
        name=register.file_name,
        readers=READERS,
        title=lambda p: f"{register.title} as at {_as_at(p):%-d %B %Y}",
        back=lambda p: f"{page}?as_at={_as_at(p)}",
        make=make,
    )


REGISTER_OF_MEMBERS = pdf_of(MEMBERS, "/register", exported=True)
REGISTER_OF_TRUSTEES = pdf_of(TRUSTEES, "/trustees-register", exported=False)


@post("/register.pdf")
async def register_pdf(request: Request[Any, Any, Any]) -> Response[Any]:
    """Ask for the register of members as a PDF and go to its progress page; a date
    that is wrong shows the register's page again, saying what is wrong."""
    return await _ask(request, REGISTER_OF_MEMBERS, register.fn)


@post("/trustees-register.pdf")
async def trustees_register_pdf(request: Request[Any, Any, Any]) -> Response[Any]:
    return await _ask(request, REGISTER_OF_TRUSTEES, trustees_register.fn)


async def _ask(
    request: Request[Any, Any, Any],
    kind: RenderKind,
    register_page: Callable[[Request[Any, Any, Any]], Awaitable[Response[Any]]],
) -> Response[Any]:
    as_at, _, error = as_at_asked(request)
    if error:
        return await register_page(request)
    return await ask_for(request, kind, {"as_at": as_at.isoformat()})
