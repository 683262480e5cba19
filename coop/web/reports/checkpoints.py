"""The log's signed checkpoints, published for anyone: a page, each note as a file, the key.

Anyone holding a checkpoint can later prove that the co-op's record was not
rewritten since (``coop audit verify --checkpoint``; docs/audit-chain.md).
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response, Template

from coop.projections.reports.queries import checkpoint, checkpoints
from coop.web.pages import page
from coop.web.services import services
from coop.web.words import when

PLAIN = "text/plain; charset=utf-8"


async def _public_key(request: Request[Any, Any, Any]) -> str | None:
    """The co-op's public key as keygen wrote it beside the signing key (None: none yet)."""
    path = services(request.app).settings.audit_key_path
    published = path.with_name(path.name + ".pub")
    if not await asyncio.to_thread(published.is_file):
        return None
    return (await asyncio.to_thread(published.read_text, encoding="utf-8")).strip()


@get("/audit/checkpoints")
async def checkpoints_page(request: Request[Any, Any, Any]) -> Template:
    rows = await checkpoints(services(request.app).pool)
    return page(
        request,
        "reports/checkpoints.html",
        public_key=await _public_key(request),
        checkpoints=[{"row": r, "made": when(r.made_at)} for r in rows],
    )


@get("/audit/checkpoints/{checkpoint_id:int}")
async def checkpoint_file(
    request: Request[Any, Any, Any], checkpoint_id: FromPath[int]
) -> Response[str]:
    row = await checkpoint(services(request.app).pool, checkpoint_id)
    if row is None:
        raise NotFoundException(f"There is no checkpoint {checkpoint_id}.")
    return Response(
        row.note,
        media_type=PLAIN,
        headers={"Content-Disposition": f'attachment; filename="checkpoint-{row.size}.txt"'},
    )


@get("/audit/public-key.txt")
async def public_key_file(request: Request[Any, Any, Any]) -> Response[str]:
    key = await _public_key(request)
    if key is None:
        raise NotFoundException("The co-op has not made its signing key yet.")
    return Response(key + "\n", media_type=PLAIN)
