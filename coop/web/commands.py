"""Running a command from a page: run it, wait for the read side, redirect; or show the
form again with what was wrong.

POST-redirect-GET, with read-your-writes: the page redirected to is rendered from
projections that have already applied what the command did.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

from coop.application import Done
from coop.domain.errors import CoopError, NotFound
from coop.projections.batches import log_head
from coop.web.forms import Checked
from coop.web.pages import see_other
from coop.web.services import Services, services

# Shows the form (or page) again with the answers and errors checked, at this status.
ShowAgain = Callable[[Checked, int], Awaitable[Template]]


async def carry_out(
    request: Request[Any, Any, Any],
    checked: Checked,
    command: Callable[[], Done] | None,
    *,
    seen_by: tuple[str, ...],
    then: str | Callable[[Done], str],
    field: str | Callable[[CoopError], str],
    again: ShowAgain,
) -> Template | Redirect:
    """Run ``command`` if the answers were good, and redirect to ``then`` once the
    ``seen_by`` projections have applied it; else show the page ``again``.

    Bad answers come back with 422; a refusal with its own status, its message under
    ``field`` (or the field ``field(refusal)`` names). A thing that does not exist
    is not a form's error: ``NotFound`` is a 404 page.
    """
    status = 422
    if command is not None and checked.ok:
        s = services(request.app)
        try:
            done = await s.run(command)
        except NotFound:
            raise
        except CoopError as e:
            checked.problem(field if isinstance(field, str) else field(e), str(e))
            status = e.status
        else:
            await s.seen(done.position, *seen_by)
            return see_other(then if isinstance(then, str) else then(done))
    return await again(checked, status)


def refused_field(refusal: CoopError) -> str | None:
    """The field a refusal names, if it names one (``InvalidInput`` does)."""
    named: str | None = getattr(refusal, "field", None)
    return named


def field_on_page(
    refusal: CoopError, otherwise: str, renamed: Mapping[str, str] | None = None
) -> str:
    """Where a refusal goes on the page: the field it names (as ``renamed`` names it on
    the page), or ``otherwise``."""
    named = refused_field(refusal) or otherwise
    return (renamed or {}).get(named, named)


async def caught_up(s: Services, *projections: str) -> None:
    """Wait until the named projections have applied every event committed so far
    (before reading what another part of the co-op wrote)."""
    async with s.pool.acquire() as conn:
        head = await log_head(conn)
    await s.seen(head, *projections)
